import { COMMON_PASSWORDS } from './common-passwords.generated.ts';
import { foldPassword } from './password-fold.ts';

export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;
/** How many digits or symbols after a common password still count as that password (password2024!, monkey1234). */
const MAX_STRETCH = 4;
/** aaaaaaaaab, 1111122222: ten characters drawn from two or three are no harder to guess than a short password. */
const MIN_DISTINCT = 4;

/**
 * What is wrong with a new password, as the message the field shows; null when it may be used. Length alone let
 * `aaaaaaaaaa`, ten spaces and `password123` through: what an attacker tries first is refused too — the most common
 * passwords (case, width and a few trailing digits or symbols do not make them new), one character or a short
 * pattern repeated, fewer than four different characters, a run of consecutive characters, blanks, and the user's own e-mail address.
 */
export function passwordProblem(password: string, context: { email?: string | undefined } = {}): string | null {
  if (password.length > MAX_PASSWORD_LENGTH) return `Password must be at most ${MAX_PASSWORD_LENGTH} characters`;
  const chars = Array.from(password);
  if (chars.length < MIN_PASSWORD_LENGTH) return `Password must be at least ${MIN_PASSWORD_LENGTH} characters`;
  if (/^[\s\p{Cf}]*$/u.test(password)) return 'Password cannot be only spaces or invisible characters';
  const folded = foldPassword(password);
  const codes = Array.from(folded, (c) => c.codePointAt(0)!);
  if (isRepeatedPattern(codes)) return 'Password cannot be one character or a short pattern repeated';
  if (new Set(codes).size < MIN_DISTINCT) return `Password must use at least ${MIN_DISTINCT} different characters`;
  if (isConsecutiveRun(codes)) return 'Password cannot be a run of consecutive characters such as abcdefghij or 9876543210';
  if (isCommon(folded.trim())) return 'This password is one of the most commonly used; choose one that is harder to guess';
  if (context.email && isOwnEmail(folded, context.email)) return 'Password cannot be your e-mail address';
  return null;
}

/** aaaaaaaaaa, abababababab, abcabcabca: the first one to four characters over and over. */
function isRepeatedPattern(codes: number[]): boolean {
  for (let unit = 1; unit <= 4 && unit * 2 <= codes.length; unit++) {
    if (codes.every((c, i) => i < unit || c === codes[i - unit])) return true;
  }
  return false;
}

/** abcdefghij, 0123456789, 9876543210: each character one after (or before) the last. */
function isConsecutiveRun(codes: number[]): boolean {
  const step = codes[1]! - codes[0]!;
  return Math.abs(step) === 1 && codes.every((c, i) => i === 0 || c - codes[i - 1]! === step);
}

let commonSet: Set<string> | null = null;

/** A listed password, alone or stretched past the length rule by up to MAX_STRETCH digits or symbols. */
function isCommon(folded: string): boolean {
  commonSet ??= new Set(COMMON_PASSWORDS.split('\n'));
  if (commonSet.has(folded)) return true;
  const chars = Array.from(folded);
  for (let cut = 1; cut <= MAX_STRETCH && cut < chars.length; cut++) {
    if (!/^[\p{N}\p{P}\p{S}]$/u.test(chars[chars.length - cut]!)) break;
    if (commonSet.has(chars.slice(0, -cut).join(''))) return true;
  }
  return false;
}

function isOwnEmail(folded: string, email: string): boolean {
  folded = folded.trim();
  const address = foldPassword(email).trim();
  const local = address.split('@')[0] ?? '';
  return folded === address || folded === local;
}
