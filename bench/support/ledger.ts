/**
 * The generated ledger the segments and dashboards benchmarks share (issue 21): customers with Japanese names and
 * addresses, a `crm` record each and an `ec` record per buyer, orders with lines of 500 products in 8 categories,
 * activities (92% page views) and 資料請求 form submissions, all generated inside the database (generate_series).
 */
import { sql } from 'kysely';
import type { DatabaseHandle, Db } from '../../src/db/database.ts';
import { argValue, log } from './harness.ts';

/** How big a ledger to generate. */
export interface LedgerSize { customers: number; activities: number; orders: number }

/** `--customers N` (default 1M) with `--activities` (default 10×) and `--orders` (default 2×). */
export function ledgerSizeArgs(argv: string[]): LedgerSize {
  const customers = Number(argValue(argv, 'customers') ?? 1_000_000);
  return {
    customers,
    activities: Number(argValue(argv, 'activities') ?? customers * 10),
    orders: Number(argValue(argv, 'orders') ?? customers * 2),
  };
}

/** By population, largest first, each with its 県庁所在地 (Tokyo: a ward, below). */
export const PREFECTURES: Array<[string, string]> = [
  ['東京都', '新宿区'], ['神奈川県', '横浜市'], ['大阪府', '大阪市'], ['愛知県', '名古屋市'], ['埼玉県', 'さいたま市'], ['千葉県', '千葉市'],
  ['兵庫県', '神戸市'], ['北海道', '札幌市'], ['福岡県', '福岡市'], ['静岡県', '静岡市'], ['茨城県', '水戸市'], ['広島県', '広島市'],
  ['京都府', '京都市'], ['宮城県', '仙台市'], ['新潟県', '新潟市'], ['長野県', '長野市'], ['岐阜県', '岐阜市'], ['群馬県', '前橋市'],
  ['栃木県', '宇都宮市'], ['岡山県', '岡山市'], ['福島県', '福島市'], ['三重県', '津市'], ['熊本県', '熊本市'], ['鹿児島県', '鹿児島市'],
  ['沖縄県', '那覇市'], ['滋賀県', '大津市'], ['山口県', '山口市'], ['愛媛県', '松山市'], ['奈良県', '奈良市'], ['長崎県', '長崎市'],
  ['青森県', '青森市'], ['岩手県', '盛岡市'], ['石川県', '金沢市'], ['大分県', '大分市'], ['宮崎県', '宮崎市'], ['山形県', '山形市'],
  ['富山県', '富山市'], ['秋田県', '秋田市'], ['香川県', '高松市'], ['和歌山県', '和歌山市'], ['佐賀県', '佐賀市'], ['山梨県', '甲府市'],
  ['福井県', '福井市'], ['徳島県', '徳島市'], ['高知県', '高知市'], ['島根県', '松江市'], ['鳥取県', '鳥取市'],
];
const WARDS = ['千代田区', '中央区', '港区', '新宿区', '文京区', '台東区', '墨田区', '江東区', '品川区', '目黒区', '大田区', '世田谷区',
  '渋谷区', '中野区', '杉並区', '豊島区', '北区', '荒川区', '板橋区', '練馬区', '足立区', '葛飾区', '江戸川区'];
const FAMILY = ['佐藤', '鈴木', '高橋', '田中', '伊藤', '渡辺', '山本', '中村', '小林', '加藤', '吉田', '山田', '佐々木', '山口', '松本',
  '井上', '木村', '林', '斎藤', '清水', '山崎', '森', '池田', '橋本', '阿部', '石川', '山下', '中島', '石井', '小川'];
/** The first ten are men's names. */
const GIVEN = ['翔太', '蓮', '大翔', '悠真', '湊', '健太', '大輔', '誠', '浩', '拓也', '花子', '陽菜', '結衣', '美咲', 'さくら', '葵', '凛', '愛', '真由美', '裕子'];
export const CATEGORIES = ['家電', '食品', '衣料品', '書籍', '化粧品', '日用品', 'スポーツ用品', '家具'];
const PRODUCTS = 500;

export const textArray = (values: readonly string[]) => sql.raw(`(ARRAY[${values.map((v) => `'${v.replace(/'/gu, "''")}'`).join(',')}]::text[])`);
/** Customer k's id: md5('c' || k) shaped as a version-4 UUID. Only SQL expressions of numbers go in here. */
export const uid = (prefix: string, k: string) => sql.raw(`overlay(overlay(md5('${prefix}' || ${k}) placing '4' from 13) placing '8' from 17)::uuid`);
/** A deterministic hash of a bigint expression and a salt, in [0, 1000003), and the same in (0, 1). */
export const h = (x: string, salt: number) => `((((${x})::bigint * 2654435761 + ${salt * 1013904223}) % 1000003 + 1000003) % 1000003)`;
export const u = (x: string, salt: number) => `((${h(x, salt)} + 0.5) / 1000003.0)`;
/** Orders of buyer j: Pareto (α = 1.3) floored, capped at 200: ~59% buy once, ~5% ten times or more; mean ≈ 3.2. */
const ordersOf = (j: string) => `LEAST(200, floor(power(${u(j, 1)}, -1 / 1.3)))::int`;
const MEAN_ORDERS = 3.2;
/** Lines of order `key` (1–3), their product (popular ones first), quantity and price. */
const linesOf = (key: string) => sql.raw(`(SELECT l AS line_no, p.p, q.qty, 300 + (p.p * 7919 % 300) * 50 AS unit_price, q.qty * (300 + (p.p * 7919 % 300) * 50) AS amount
    FROM generate_series(1, CASE WHEN ${h(key, 2)} % 100 < 60 THEN 1 WHEN ${h(key, 2)} % 100 < 88 THEN 2 ELSE 3 END) AS l
    CROSS JOIN LATERAL (SELECT floor(${PRODUCTS} * power(${u(`${key} * 4 + l`, 5)}, 2))::int AS p) p
    CROSS JOIN LATERAL (SELECT CASE WHEN ${h(`${key} * 4 + l`, 6)} % 10 < 7 THEN 1 WHEN ${h(`${key} * 4 + l`, 6)} % 10 < 9 THEN 2 ELSE 3 END AS qty) q)`);
const statusOf = (key: string) => `CASE WHEN ${h(key, 3)} % 100 < 3 THEN 'cancelled' WHEN ${h(key, 3)} % 100 < 5 THEN 'returned' WHEN ${h(key, 3)} % 100 < 7 THEN 'partially_returned' ELSE 'completed' END`;

const CHUNK = 250_000;

export async function sourceId(db: Db, name: string, label: string, kind: string): Promise<string> {
  await sql`INSERT INTO sources (name, label, kind, party, priority) VALUES (${name}, ${label}, ${kind}, 'first', 50) ON CONFLICT (name) DO NOTHING`.execute(db);
  return (await sql<{ id: string }>`SELECT id FROM sources WHERE name = ${name}`.execute(db)).rows[0]!.id;
}

export async function load(handle: DatabaseHandle, args: LedgerSize): Promise<void> {
  const db = handle.db;
  const n = args.customers;
  const buyers = Math.min(n, Math.round(args.orders / MEAN_ORDERS));
  const crm = await sourceId(db, 'crm', '基幹CRM', 'file_import');
  const ec = await sourceId(db, 'ec', 'ECサイト', 'integration');
  const web = await sourceId(db, 'web-form', '資料請求フォーム', 'form');
  const prefs = textArray(PREFECTURES.map(([p]) => p));
  const cities = textArray(PREFECTURES.map(([, c]) => c));
  for (let from = 0; from < n; from += CHUNK) {
    const to = Math.min(n, from + CHUNK) - 1;
    // Prefecture index: 1 + ⌊47 · r^1.8⌋ puts ~12% in 東京都, about its share of the population.
    await sql`INSERT INTO customers (id, family_name, given_name, display_name, email, phone, postal_code, prefecture, address, birth_date, gender,
                                     lifecycle_stage, acquisition_channel, sort_key, created_at, updated_at)
      SELECT ${uid('c', 'i')}, f, g, f || ' ' || g, 'u' || i || '@example.jp', '090-' || lpad((i % 10000)::text, 4, '0') || '-' || lpad((i / 10000)::text, 4, '0'),
             lpad((${sql.raw(h('i', 11))} % 10000000)::text, 7, '0'), pref, city || (1 + i % 9) || '丁目' || (1 + i % 30) || '-' || (1 + i % 12),
             date '1955-01-01' + (${sql.raw(h('i', 12))} % 18000)::int, CASE WHEN gi <= 10 THEN 'male' ELSE 'female' END,
             CASE WHEN i < ${buyers} THEN (CASE WHEN r < 0.7 THEN 'customer' WHEN r < 0.9 THEN 'dormant' ELSE 'opportunity' END)
                  ELSE (CASE WHEN r < 0.6 THEN 'prospect' WHEN r < 0.75 THEN 'opportunity' WHEN r < 0.85 THEN 'dormant' WHEN r < 0.95 THEN 'lost' ELSE 'disqualified' END) END,
             (ARRAY['web','brochure','event','advertising','referral','inquiry','business_card','phone'])[1 + (i % 8)],
             'c' || lpad(i::text, 8, '0'), now() - (${sql.raw(h('i', 13))} % 1000) * interval '1 day', now()
      FROM (SELECT i, random() AS r, pi,
                   ${prefs}[pi] AS pref,
                   CASE WHEN pi = 1 THEN ${textArray(WARDS)}[1 + floor(random() * ${WARDS.length})::int] ELSE ${cities}[pi] END AS city,
                   ${textArray(FAMILY)}[1 + floor(random() * ${FAMILY.length})::int] AS f,
                   gi, ${textArray(GIVEN)}[gi] AS g
            FROM (SELECT i, 1 + floor(47 * power(random(), 1.8))::int AS pi, 1 + floor(random() * ${GIVEN.length})::int AS gi
                  FROM generate_series(${from}::int, ${to}::int) AS i) s) x`.execute(db);
    // One CRM record per customer, one EC member record per buyer.
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash, received_at)
      SELECT ${crm}::uuid, 'C' || i, ${uid('c', 'i')}, json_build_object('会員番号', 'C' || i), md5('C' || i), now() - (${sql.raw(h('i', 13))} % 1000) * interval '1 day'
      FROM generate_series(${from}::int, ${to}::int) AS i`.execute(db);
    await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash, received_at)
      SELECT ${ec}::uuid, 'E' || i, ${uid('c', 'i')}, json_build_object('email', 'u' || i || '@example.jp'), md5('E' || i), now() - (${sql.raw(h('i', 13))} % 900) * interval '1 day'
      FROM generate_series(${from}::int, ${Math.min(to, buyers - 1)}::int) AS i`.execute(db);
    log(`  ${(to + 1).toLocaleString()} customers`);
  }
  await sql`INSERT INTO products (id, sku, name, category, price)
    SELECT ${uid('p', 'p')}, 'SKU-' || lpad(p::text, 5, '0'), (${textArray(CATEGORIES)})[1 + p % ${CATEGORIES.length}] || ' 商品' || p,
           (${textArray(CATEGORIES)})[1 + p % ${CATEGORIES.length}], 300 + (p * 7919 % 300) * 50
    FROM generate_series(0, ${PRODUCTS - 1}) AS p`.execute(db);
  // Orders: buyer j's s-th order is key j·256 + s; its lines are a function of the key, so the total is the lines' sum.
  const orderChunk = Math.max(1000, Math.floor(CHUNK / 2));
  for (let from = 0; from < buyers; from += orderChunk) {
    const to = Math.min(buyers, from + orderChunk) - 1;
    const keys = sql.raw(`(SELECT j, j::bigint * 256 + s AS key FROM generate_series(${from}, ${to}) AS j CROSS JOIN LATERAL generate_series(1, ${ordersOf('j')}) AS s)`);
    // A buyer's orders fall in a stretch ending some time ago (lapsed buyers), the rest of the two years spread.
    await sql`INSERT INTO orders (id, source, external_id, source_record_id, ordered_at, channel, status, total_amount, returned_amount, currency, cancelled_at, content_hash)
      SELECT ${uid('o', 'g.key')}, 'ec', 'O' || g.key, sr.id, t.at, CASE WHEN g.key % 5 = 0 THEN 'store' ELSE 'online' END, t.status,
             l.total, CASE t.status WHEN 'returned' THEN l.total WHEN 'partially_returned' THEN l.first ELSE 0 END, 'JPY',
             CASE WHEN t.status = 'cancelled' THEN t.at + interval '1 day' END, md5('O' || g.key)
      FROM ${keys} g
      JOIN source_records sr ON sr.source_id = ${ec}::uuid AND sr.external_id = 'E' || g.j
      CROSS JOIN LATERAL (SELECT now() - (${sql.raw(u('g.j', 8))} * 0.6 + ${sql.raw(u('g.key', 4))} * 0.4) * interval '730 days' AS at, ${sql.raw(statusOf('g.key'))} AS status) t
      CROSS JOIN LATERAL (SELECT sum(x.amount) AS total, sum(x.amount) FILTER (WHERE x.line_no = 1) AS first FROM ${linesOf('g.key')} x) l`.execute(db);
    await sql`INSERT INTO order_lines (order_id, line_no, sku, product_id, product_name, quantity, unit_price, amount, returned_quantity, returned_amount)
      SELECT ${uid('o', 'g.key')}, x.line_no, 'SKU-' || lpad(x.p::text, 5, '0'), ${uid('p', 'x.p')}, '商品' || x.p, x.qty, x.unit_price, x.amount,
             CASE WHEN st = 'returned' OR (st = 'partially_returned' AND x.line_no = 1) THEN x.qty ELSE 0 END,
             CASE WHEN st = 'returned' OR (st = 'partially_returned' AND x.line_no = 1) THEN x.amount ELSE 0 END
      FROM (SELECT k.key, ${sql.raw(statusOf('k.key'))} AS st FROM ${keys} k) g CROSS JOIN LATERAL ${linesOf('g.key')} x`.execute(db);
    log(`  orders of ${(to + 1).toLocaleString()} buyers`);
  }
  // Page views (92%) over the last year, skewed to heavy visitors as in the timeline benchmark; the rest other kinds.
  // They are stored as the tracker writes them, in the order they happened (a day's rows on neighbouring pages).
  for (let from = 0; from < args.activities; from += CHUNK * 2) {
    const to = Math.min(args.activities, from + CHUNK * 2) - 1;
    await sql`INSERT INTO activities (customer_id, type, occurred_at, title, properties)
      SELECT ${uid('c', `floor(${n} * power(random(), 2))::int`)}, t.type,
             now() - (1 - (g.i + random()) / ${args.activities}) * interval '365 days', t.title, t.properties
      FROM (SELECT i, random() AS r, random() AS r2 FROM generate_series(${from}::int, ${to}::int) AS i) g
      CROSS JOIN LATERAL (SELECT CASE WHEN g.r2 < 0.40 THEN '/products/' || floor(${PRODUCTS} * power(g.r, 2))::int
                                      WHEN g.r2 < 0.55 THEN '/blog/' || (g.i % 120) WHEN g.r2 < 0.65 THEN '/pricing' WHEN g.r2 < 0.75 THEN '/'
                                      WHEN g.r2 < 0.80 THEN '/contact' WHEN g.r2 < 0.88 THEN '/campaign/spring-sale' ELSE '/support/faq/' || (g.i % 40) END AS path) p
      CROSS JOIN LATERAL (SELECT
        CASE WHEN g.r < 0.92 THEN 'page_view' WHEN g.r < 0.95 THEN 'email_open' WHEN g.r < 0.97 THEN 'note' ELSE 'edit' END AS type,
        CASE WHEN g.r < 0.92 THEN 'ページ ' || p.path ELSE NULL END AS title,
        CASE WHEN g.r < 0.92 THEN jsonb_build_object('path', p.path, 'url', 'https://shop.example.co.jp' || p.path, 'dwellMs', (g.i::bigint * 7919) % 300000)
             ELSE '{}'::jsonb END AS properties) t`.execute(db);
    log(`  ${(to + 1).toLocaleString()} activities`);
  }
  // 資料請求: 5% of customers sent the form once, each through a record of the form's source.
  await sql`INSERT INTO forms (slug, kind, title, status, source_id) VALUES ('shiryo', 'brochure_request', '資料請求', 'published', ${web}::uuid) ON CONFLICT (slug) DO NOTHING`.execute(db);
  const form = (await sql<{ id: string }>`SELECT id FROM forms WHERE slug = 'shiryo'`.execute(db)).rows[0]!.id;
  await sql`INSERT INTO source_records (source_id, external_id, customer_id, raw, content_hash, received_at)
    SELECT ${web}::uuid, 'F' || i, ${uid('c', 'i')}, json_build_object('お名前', 'F' || i), md5('F' || i), now() - ${sql.raw(u('i', 14))} * interval '365 days'
    FROM generate_series(0, ${n - 1}) AS i WHERE ${sql.raw(h('i', 9))} % 100 < 5`.execute(db);
  await sql`INSERT INTO form_submissions (form_id, submission_key, status, "values", source_record_id, created_at)
    SELECT ${form}::uuid, 'S' || sr.external_id, 'accepted', '{}'::jsonb, sr.id, sr.received_at FROM source_records sr WHERE sr.source_id = ${web}::uuid`.execute(db);
  for (const table of ['customers', 'source_records', 'orders', 'order_lines', 'products', 'activities', 'form_submissions']) await sql`ANALYZE ${sql.table(table)}`.execute(db);
}
