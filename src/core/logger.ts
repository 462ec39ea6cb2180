/**
 * The server's one logger: a line per entry, JSON (time, level, msg, fields; DAICHO_LOG_FORMAT=json) or text. Personal
 * values never reach a line: fields whose name says they are personal or secret are dropped, and e-mail addresses,
 * phone numbers and bearer tokens in any text are replaced, so a message that quotes an error from the database
 * (which may hold the value it refused) stays clean.
 */
export type LogLevel = 'info' | 'warn' | 'error';
export type LogFields = Record<string, string | number | boolean | null | undefined>;

let format: 'json' | 'text' = process.env.DAICHO_LOG_FORMAT === 'json' ? 'json' : 'text';
let sink: (line: string, level: LogLevel) => void = (line, level) => {
  if (level === 'info') process.stdout.write(`${line}\n`);
  else process.stderr.write(`${line}\n`);
};

/** Sets the format (serve: from the config) and, for tests, where lines go. */
export function configureLogger(options: { format?: 'json' | 'text'; sink?: (line: string, level: LogLevel) => void }): void {
  if (options.format) format = options.format;
  if (options.sink) sink = options.sink;
}

/** Field names that carry personal data or secrets: never logged, whatever their value. */
const PERSONAL_FIELD = /mail|phone|tel|name|address|addr|postal|birth|token|password|secret|key|cookie|authorization|ip$/iu;

const EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
// Japanese and international phone numbers: 0X… or +81…, with or without separators, 10 digits or more, standing
// alone (a segment of an id such as a UUID is preceded or followed by a letter, digit or hyphen).
const PHONE = /(?<![\w-])(?:\+\d{1,3}|0)\d{0,4}(?:[\s-]?\(?\d{1,4}\)?){1,4}(?![\w-])/gu;
const BEARER = /\b(?:Bearer\s+)?(?:dk|ds|dt)_[A-Za-z0-9_-]{8,}/gu;

/** Replaces e-mail addresses, phone numbers and Daicho tokens in a text. */
export function scrub(text: string): string {
  return text.replace(EMAIL, '[email]').replace(BEARER, '[token]').replace(PHONE, (m) => (m.replace(/\D/gu, '').length >= 10 ? '[phone]' : m));
}

function write(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const clean: Record<string, string | number | boolean | null> = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined || PERSONAL_FIELD.test(key)) continue;
    clean[key] = typeof value === 'string' ? scrub(value) : value;
  }
  const time = new Date().toISOString();
  const text = scrub(msg);
  if (format === 'json') sink(JSON.stringify({ time, level, msg: text, ...clean }), level);
  else sink(`[${time}] ${level === 'info' ? '' : `${level.toUpperCase()} `}${text}${Object.entries(clean).map(([k, v]) => ` ${k}=${String(v)}`).join('')}`, level);
}

export const log = {
  info: (msg: string, fields?: LogFields) => write('info', msg, fields),
  warn: (msg: string, fields?: LogFields) => write('warn', msg, fields),
  error: (msg: string, fields?: LogFields) => write('error', msg, fields),
};

/** An error's message for a log line (scrubbed when written). */
export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
