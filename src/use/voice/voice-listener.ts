/**
 * The optional built-in listener for the feedback address (DAICHO_VOICE_SMTP_PORT): an SMTP server that takes mail for
 * DAICHO_VOICE_ADDRESS (any address when it is unset) and turns each message into an inbox item exactly as
 * POST /voice/inbound-email does. Point the address's MX (or a forward) at it. Other recipients are refused at RCPT TO.
 */
import { simpleParser } from 'mailparser';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { Db } from '../../db/database.ts';
import { createFromEmail } from './voice.service.ts';

export interface VoiceListener { port: number; close(): Promise<void> }

const MAX_SIZE = 10 * 1024 * 1024;
const SYSTEM = { auth: null, ip: null, userAgent: 'voice-smtp' };

export async function startVoiceListener(
  db: Db, options: { port: number; host: string; address?: string | undefined; onItem?: (id: string) => void },
): Promise<VoiceListener> {
  const server = new SMTPServer({
    name: 'daicho-voice',
    banner: 'Daicho feedback listener',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    size: MAX_SIZE,
    logger: false,
    onRcptTo(address, _session, callback) {
      if (options.address && address.address.toLowerCase() !== options.address) return callback(Object.assign(new Error('550 5.1.1 No such mailbox'), { responseCode: 550 }));
      callback();
    },
    onData(stream, _session, callback) {
      simpleParser(stream, {})
        .then(async (mail) => {
          const from = mail.from?.value[0];
          const text = (mail.text ?? '').trim();
          if (!from?.address || !text) return callback();
          const created = await createFromEmail(db, {
            from: from.name ? `${from.name} <${from.address}>` : from.address, subject: mail.subject ?? '', text,
            ...(mail.messageId ? { messageId: mail.messageId } : {}), ...(mail.date ? { date: mail.date.toISOString() } : {}),
            attachmentNames: mail.attachments.map((a) => a.filename ?? '').filter(Boolean).slice(0, 50),
          }, null, SYSTEM);
          options.onItem?.(created.id);
          callback();
        })
        .catch((error: unknown) => {
          console.error(`Voice listener: ${error instanceof Error ? error.message : String(error)}`);
          callback(Object.assign(new Error('451 4.3.0 Temporary failure, try again'), { responseCode: 451 }));
        });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => resolve());
  });
  server.on('error', (error: Error) => console.error(`Voice listener: ${error.message}`));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
