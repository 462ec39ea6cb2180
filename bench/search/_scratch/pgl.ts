import { PGlite } from '@electric-sql/pglite';
const p = await PGlite.create();
for (const s of ['server_version','shared_buffers','work_mem','maintenance_work_mem','lc_collate','max_parallel_workers_per_gather','effective_cache_size','random_page_cost','autovacuum','gin_pending_list_limit','synchronize_seqscans']) {
  try { console.log(s, (await p.query(`show ${s}`)).rows[0]); } catch (e) { console.log(s, String(e)); }
}
console.log((await p.query(`select datcollate from pg_database where datname=current_database()`)).rows);
