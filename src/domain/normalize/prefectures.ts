/**
 * The 47 都道府県 in JIS X 0401 order (index + 1 = prefecture code).
 */

export const PREFECTURES = [
  '北海道', '青森県', '岩手県', '宮城県', '秋田県', '山形県', '福島県',
  '茨城県', '栃木県', '群馬県', '埼玉県', '千葉県', '東京都', '神奈川県',
  '新潟県', '富山県', '石川県', '福井県', '山梨県', '長野県', '岐阜県',
  '静岡県', '愛知県', '三重県', '滋賀県', '京都府', '大阪府', '兵庫県',
  '奈良県', '和歌山県', '鳥取県', '島根県', '岡山県', '広島県', '山口県',
  '徳島県', '香川県', '愛媛県', '高知県', '福岡県', '佐賀県', '長崎県',
  '熊本県', '大分県', '宮崎県', '鹿児島県', '沖縄県',
] as const;

export type Prefecture = (typeof PREFECTURES)[number];

/**
 * Prefecture name for a JIS X 0401 code (1–47), else null.
 *
 * @example prefectureByCode(13) // => '東京都'
 */
export function prefectureByCode(code: number): Prefecture | null {
  return Number.isInteger(code) && code >= 1 && code <= 47 ? PREFECTURES[code - 1]! : null;
}

/**
 * JIS X 0401 code of a prefecture name; accepts the short form without
 * 都/府/県 (東京, 大阪, 神奈川). 北海道 has no short form.
 *
 * @example prefectureCode('東京都') // => 13
 * @example prefectureCode('大阪') // => 27
 */
export function prefectureCode(name: string): number | null {
  const i = PREFECTURES.findIndex((p) => p === name || (p !== '北海道' && p.slice(0, -1) === name));
  return i < 0 ? null : i + 1;
}
