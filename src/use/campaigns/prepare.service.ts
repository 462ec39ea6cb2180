import type { Db } from '../../db/database.ts';
import * as audience from './audience.repository.ts';
import { audienceSettings, segmentsPredicate } from './campaigns.service.ts';
import * as repo from './campaigns.repository.ts';
import * as messages from './messages.repository.ts';

/**
 * A started campaign's audience, stored in the background (migration 0033) by the servers' send tick rather than in
 * the start request. One process prepares a campaign at a time: it claims it, and each step's transaction begins
 * with the claim's heartbeat, which locks the campaign row until the step commits and fails once another process has
 * taken a stale claim over (or the campaign was cancelled). The steps: the audience resolved by its one statement
 * into a staging table with the number of people considered, then chunks of it moved into campaign_messages, each
 * with its progress (prepared / total). Every step is one transaction and a staged person is deleted by the statement
 * that stores their message, so a process that dies mid-way leaves a consistent state and the next one stores no
 * message twice. Then the campaign is `sending`, as a start used to leave it.
 */

export interface PrepareOptions {
  worker: string;
  /** A claim not beaten for this long belongs to a dead process. */
  staleAfterMs: number;
  /** People stored per step. */
  chunkSize?: number;
  now?: Date;
  /** Asked between steps: a stopping process gives its claim back. */
  shouldStop?: () => boolean;
  /** Told once the audience is resolved and staged (its size), before the chunks. */
  onResolved?: (total: number) => void;
  /** Runs inside each chunk's transaction before it commits (a test's stand-in for a crash there). */
  beforeChunkCommit?: (trx: Db, moved: number) => Promise<void>;
}

/** busy: another live process holds it (or it is no longer preparing); lost: taken over or cancelled mid-way. */
export type PrepareOutcome = 'done' | 'busy' | 'lost' | 'stopped';

export const DEFAULT_CHUNK = 20_000;

export async function prepareCampaign(db: Db, id: string, options: PrepareOptions): Promise<PrepareOutcome> {
  const now = options.now ?? new Date();
  const { worker } = options;
  if (!(await repo.claimPreparation(db, id, worker, new Date(Date.now() - options.staleAfterMs)))) return 'busy';
  const row = await repo.findCampaign(db, id);
  if (!row) return 'lost';
  if (row.audience_total === null) {
    const segs = await repo.segmentsOf(db, [id]);
    const predicate = await segmentsPredicate(db, segs.map((s) => s.id), now);
    const settings = await audienceSettings(db, now);
    const resolved = await db.transaction().execute(async (trx) => {
      if (!(await repo.beatPreparation(trx, id, worker))) return false;
      await audience.tuneForAudience(trx);
      const total = await messages.stageAudience(trx, id, audience.audienceSql(row.channel, predicate, settings));
      return repo.beatPreparation(trx, id, worker, { total });
    });
    if (!resolved) return 'lost';
    options.onResolved?.((await repo.findCampaign(db, id))?.audience_total ?? 0);
  }
  for (;;) {
    if (options.shouldStop?.()) {
      await repo.releasePreparation(db, worker);
      return 'stopped';
    }
    const step = await db.transaction().execute(async (trx): Promise<'lost' | 'moved' | 'done'> => {
      if (!(await repo.beatPreparation(trx, id, worker))) return 'lost';
      const moved = await messages.moveStagedChunk(trx, id, row.channel, options.chunkSize ?? DEFAULT_CHUNK);
      if (moved === 0) return (await repo.finishPreparation(trx, id, worker)) ? 'done' : 'lost';
      await repo.beatPreparation(trx, id, worker, { prepared: moved });
      if (options.beforeChunkCommit) await options.beforeChunkCommit(trx, moved);
      return 'moved';
    });
    if (step !== 'moved') return step;
  }
}
