/**
 * The 47 prefectures as a tile grid map: one square each, laid out north-east to south-west roughly where it lies
 * (13 columns × 10 rows; column 0 is the west, row 0 the north), the common way to show prefecture figures without
 * Tokyo's tile being too small to click and Hokkaido's too big to compare. Tested in test/web/dashboard-data.test.ts
 * (47 names, no two on one square).
 */
export interface Tile { name: string; short: string; col: number; row: number }

const t = (name: string, col: number, row: number): Tile => ({ name, short: name.replace(/[都府県]$/u, '').replace(/^北海道$/u, '北海道'), col, row });

export const JAPAN_TILES: readonly Tile[] = [
  t('北海道', 12, 0),
  t('青森県', 12, 1),
  t('秋田県', 11, 2), t('岩手県', 12, 2),
  t('石川県', 8, 3), t('富山県', 9, 3), t('新潟県', 10, 3), t('山形県', 11, 3), t('宮城県', 12, 3),
  t('福井県', 7, 4), t('岐阜県', 8, 4), t('長野県', 9, 4), t('群馬県', 10, 4), t('栃木県', 11, 4), t('福島県', 12, 4),
  t('山口県', 2, 5), t('島根県', 3, 5), t('鳥取県', 4, 5), t('兵庫県', 5, 5), t('京都府', 6, 5), t('滋賀県', 7, 5),
  t('愛知県', 8, 5), t('山梨県', 9, 5), t('埼玉県', 10, 5), t('茨城県', 11, 5),
  t('佐賀県', 0, 6), t('福岡県', 1, 6), t('大分県', 2, 6), t('広島県', 3, 6), t('岡山県', 4, 6), t('大阪府', 5, 6),
  t('奈良県', 6, 6), t('三重県', 7, 6), t('静岡県', 9, 6), t('東京都', 10, 6), t('千葉県', 11, 6),
  t('長崎県', 0, 7), t('熊本県', 1, 7), t('宮崎県', 2, 7), t('愛媛県', 3, 7), t('香川県', 4, 7), t('和歌山県', 5, 7), t('神奈川県', 10, 7),
  t('鹿児島県', 1, 8), t('高知県', 3, 8), t('徳島県', 4, 8),
  t('沖縄県', 0, 9),
];

export const TILE_COLUMNS = 13;
export const TILE_ROWS = 10;
