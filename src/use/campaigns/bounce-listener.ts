/**
 * The optional built-in bounce listener (DAICHO_BOUNCE_SMTP_PORT): an SMTP server that takes mail only for the VERP
 * return paths of campaign messages (bounce+<token>@…), reads the delivery status notification (RFC 3464; 5.x.x hard,
 * 4.x.x soft) and records the bounce like the API does. Point the MX (or a forward) of the From domain's bounce
 * addresses at it. Mail to any other address is refused at RCPT TO; a message that is no DSN is accepted and ignored.
 */
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { AppError } from '../../core/errors.ts';
import type { Db } from '../../db/database.ts';
import { parseDsn } from '../../domain/campaigns/bounce.ts';
import { tokenOfVerp } from '../../domain/campaigns/content.ts';
import { recordBounce } from './tracking.service.ts';

export interface BounceListener { port: number; close(): Promise<void> }

/** What one received message did: the tokens it bounced, with their kind. */
export type BounceOutcome = Array<{ token: string; kind: 'hard' | 'soft' }>;

const MAX_SIZE = 2 * 1024 * 1024;

export async function startBounceListener(
  db: Db, options: { port: number; host: string; onBounce?: (outcome: BounceOutcome) => void },
): Promise<BounceListener> {
  const server = new SMTPServer({
    name: 'daicho-bounces',
    banner: 'Daicho bounce listener',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_SIZE,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (tokenOfVerp(address.address) === null) return callback(Object.assign(new Error('550 5.1.1 No such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, session, callback) {
      const tokens = session.envelope.rcptTo.map((r) => tokenOfVerp(r.address)).filter((t): t is string => t !== null);
      simpleParser(stream, {})
        .then(async (mail) => {
          const parts = [mail.text ?? '', ...mail.attachments.filter((a) => /delivery-status|rfc822-headers|text\/plain/iu.test(a.contentType)).map((a) => a.content.toString('utf8'))];
          const dsn = parseDsn(parts.join('\n'));
          const outcome: BounceOutcome = [];
          if (dsn) {
            for (const token of tokens) {
              try {
                await recordBounce(db, { token, kind: dsn.kind, detail: [dsn.status, dsn.diagnostic].filter(Boolean).join(' ') || null }, null);
                outcome.push({ token, kind: dsn.kind });
              } catch (error) {
                // An unknown token (an old or forged return path): nothing to record.
                if (!(error instanceof AppError && error.code === 'not_found')) throw error;
              }
            }
          }
          options.onBounce?.(outcome);
          callback();
        })
        .catch((error: unknown) => {
          console.error(`Bounce listener: ${error instanceof Error ? error.message : String(error)}`);
          callback(Object.assign(new Error('451 4.3.0 Temporary failure, try again'), { responseCode: 451 }));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error: Error) => console.error(`Bounce listener: ${error.message}`));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
