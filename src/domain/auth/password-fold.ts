/**
 * How a password is compared with the list of common ones: NFKC (a Japanese IME in full-width mode types
 * ｐａｓｓｗｏｒｄ, which is the same guess) and lower case (the list is lower case; Password123 is no better).
 */
export function foldPassword(password: string): string {
  return password.normalize('NFKC').toLowerCase();
}
