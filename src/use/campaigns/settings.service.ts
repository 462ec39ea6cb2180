/**
 * The sender identity 特定電子メール法 requires in every marketing mail (name, address, contact), the From address,
 * the frequency cap and the sending rate: one row, read by the composer and the send loop, set by an admin.
 */
import type { Config } from '../../config/config.ts';
import type { Actor } from '../../core/context.ts';
import type { Db } from '../../db/database.ts';
import { checkSender, type Sender } from '../../domain/campaigns/content.ts';
import { audit } from '../../platform/audit/audit.service.ts';
import type { Settings } from './content.schemas.ts';
import * as repo from './settings.repository.ts';

export interface MessagingSettings extends Sender {
  capCount: number;
  capDays: number;
  sendRate: number;
  dmHouseholdAddressing: 'primary' | 'family';
  updatedAt: string;
}

type Row = Awaited<ReturnType<typeof repo.readSettings>>;
const toSettings = (r: Row): MessagingSettings => ({
  senderName: r.sender_name, senderAddress: r.sender_address, senderContact: r.sender_contact, fromEmail: r.from_email,
  replyTo: r.reply_to, capCount: r.cap_count, capDays: r.cap_days, sendRate: r.send_rate,
  dmHouseholdAddressing: r.dm_household_addressing, updatedAt: new Date(r.updated_at).toISOString(),
});

export async function getSettings(db: Db): Promise<MessagingSettings> {
  return toSettings(await repo.readSettings(db));
}

/** The settings as the API shows them: with what the law footer still lacks and where messages go. */
export function settingsView(s: MessagingSettings, config: Pick<Config, 'smtpUrl'>): Settings {
  return { ...s, missing: checkSender(s), delivery: config.smtpUrl ? 'smtp' : 'outbox' };
}

export type SettingsInput = Partial<Omit<MessagingSettings, 'updatedAt'>>;

export async function updateSettings(db: Db, input: SettingsInput, actor: Actor): Promise<MessagingSettings> {
  const before = await getSettings(db);
  const row = await repo.updateSettings(db, {
    ...(input.senderName !== undefined ? { sender_name: input.senderName } : {}),
    ...(input.senderAddress !== undefined ? { sender_address: input.senderAddress } : {}),
    ...(input.senderContact !== undefined ? { sender_contact: input.senderContact } : {}),
    ...(input.fromEmail !== undefined ? { from_email: input.fromEmail } : {}),
    ...(input.replyTo !== undefined ? { reply_to: input.replyTo } : {}),
    ...(input.capCount !== undefined ? { cap_count: input.capCount } : {}),
    ...(input.capDays !== undefined ? { cap_days: input.capDays } : {}),
    ...(input.sendRate !== undefined ? { send_rate: input.sendRate } : {}),
    ...(input.dmHouseholdAddressing !== undefined ? { dm_household_addressing: input.dmHouseholdAddressing } : {}),
  }, actor.auth?.userId ?? null);
  const after = toSettings(row);
  const changed = (Object.keys(input) as Array<keyof SettingsInput>).filter((k) => before[k] !== after[k]);
  await audit(db, actor, 'messaging.settings', null, { changed, from: Object.fromEntries(changed.map((k) => [k, before[k]])), to: Object.fromEntries(changed.map((k) => [k, after[k]])) });
  return after;
}

/** The base of the links in a message (/u, /c, /o): DAICHO_PUBLIC_URL, else the address the server listens on. */
export function publicBase(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  if (config.publicUrl) return config.publicUrl.replace(/\/+$/u, '');
  return `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${config.port}`;
}
