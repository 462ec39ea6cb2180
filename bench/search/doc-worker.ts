/** Worker thread for the benchmark loader: builds search documents while the main thread inserts. */
import { parentPort } from 'node:worker_threads';
import { buildSearchDocument, type SearchFields } from '../../src/domain/search/document.ts';

export interface DocRequest { id: number; rows: SearchFields[] }
export interface DocResponse { id: number; text: string[]; grams: string[]; sortKey: string[] }

/** Grams of one row joined into one text parameter (grams never contain control characters). */
export const GRAM_SEP = '\u001f';

export function buildDocs(req: DocRequest): DocResponse {
  const out: DocResponse = { id: req.id, text: [], grams: [], sortKey: [] };
  for (const f of req.rows) {
    const d = buildSearchDocument(f);
    out.text.push(d.searchText);
    out.grams.push(d.searchGrams.join(GRAM_SEP));
    out.sortKey.push(d.sortKey);
  }
  return out;
}

parentPort?.on('message', (req: DocRequest) => parentPort!.postMessage(buildDocs(req)));
