/**
 * Daicho Japanese normalisation library: pure, total functions (no I/O).
 *
 * @example
 * import { foldForSearch, normalizePhone, parseAddress } from './domain/normalize/index.ts';
 * foldForSearch('ﾔﾏﾀﾞ ﾀﾛｳ'); // => 'やまだたろう'
 */
export * from './text.ts';
export * from './numerals.ts';
export * from './email.ts';
export * from './phone.ts';
export * from './postal.ts';
export * from './date.ts';
export * from './name.ts';
export * from './company.ts';
export * from './prefectures.ts';
export * from './address.ts';
export * from './storable.ts';
