/**
 * Where a campaign e-mail goes: an SMTP server (DAICHO_SMTP_URL, a pooled nodemailer transport), or without one the
 * outbox (outbox_messages: the raw MIME message exactly as it would have been sent, shown in the UI as not sent).
 *
 * A failure says whether it is permanent (a 5xx reply: the server refused this message or recipient for good; the
 * send loop marks the message failed) or transient (4xx, a dropped connection, a timeout: the loop tries again later).
 */
import nodemailer from 'nodemailer';
import type Mail from 'nodemailer/lib/mailer';
import type { Config } from '../../config/config.ts';
import type { Db } from '../../db/database.ts';
import { insertOutboxMessage } from './outbox.repository.ts';

/** nodemailer's message options (from, to, subject, text, html, headers, messageId, envelope). */
export type MailMessage = Mail.Options;

export interface SendMeta { messageId?: number | undefined; campaignId?: string | undefined; isTest?: boolean | undefined }
export interface SendResult { messageId: string; response: string }

export interface Mailer {
  kind: 'smtp' | 'outbox';
  send(msg: MailMessage, meta: SendMeta): Promise<SendResult>;
  close(): void;
}

/** A send that failed; `permanent` (5xx) is not retried, the rest (4xx, connection, timeout) is. */
export class SendError extends Error {
  readonly permanent: boolean;
  readonly responseCode: number | null;
  constructor(message: string, permanent: boolean, responseCode: number | null, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'SendError';
    this.permanent = permanent;
    this.responseCode = responseCode;
  }
}

/** Classifies what nodemailer threw: a reply code of 500–599 is permanent, anything else transient. */
export function sendErrorOf(error: unknown): SendError {
  if (error instanceof SendError) return error;
  const e = error as { message?: unknown; responseCode?: unknown; response?: unknown; code?: unknown };
  const code = typeof e.responseCode === 'number' ? e.responseCode : null;
  const text = typeof e.response === 'string' && e.response ? e.response : typeof e.message === 'string' ? e.message : String(error);
  return new SendError(`${typeof e.code === 'string' ? `${e.code}: ` : ''}${text}`, code !== null && code >= 500 && code < 600, code, { cause: error });
}

export function createMailer(db: Db, config: Pick<Config, 'smtpUrl'>): Mailer {
  if (config.smtpUrl) {
    const transport = nodemailer.createTransport({ url: config.smtpUrl, pool: true, maxConnections: 4, connectionTimeout: 30_000, greetingTimeout: 30_000, socketTimeout: 60_000 });
    return {
      kind: 'smtp',
      async send(msg) {
        try {
          const info = await transport.sendMail(msg);
          return { messageId: String(info.messageId), response: String(info.response) };
        } catch (error) {
          throw sendErrorOf(error);
        }
      },
      close: () => transport.close(),
    };
  }
  const stream = nodemailer.createTransport({ streamTransport: true, buffer: true, newline: 'unix' });
  return {
    kind: 'outbox',
    async send(msg, meta) {
      const info = await stream.sendMail(msg);
      const raw = Buffer.isBuffer(info.message) ? info.message.toString('utf8') : String(info.message);
      const id = await insertOutboxMessage(db, {
        messageId: meta.messageId ?? null, campaignId: meta.campaignId ?? null, to: addressText(msg.to), subject: String(msg.subject ?? ''), raw, isTest: meta.isTest ?? false,
      });
      return { messageId: String(info.messageId), response: `outbox ${id} (not sent: DAICHO_SMTP_URL is not set)` };
    },
    close: () => stream.close(),
  };
}

function addressText(to: unknown): string {
  if (to === undefined || to === null) return '';
  if (Array.isArray(to)) return to.map(addressText).join(', ');
  return typeof to === 'string' ? to : String((to as { address?: unknown }).address ?? '');
}
