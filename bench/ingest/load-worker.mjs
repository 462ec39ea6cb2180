// Load generator for bench/ingest/run.ts, in a worker thread: N keep-alive clients on loopback, each sending its next
// request when the previous one answered, for a fixed time. Plain JS so the worker needs no TypeScript loader.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { baseUrl, clients, seconds, kind, writeKey, batch, visitors, origin, userAgent } = workerData;
const PAGES = ['/', '/products', '/products/a', '/products/b', '/pricing', '/contact', '/blog/2026/seminar', '/recruit'];
const url = new URL(baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });

let counter = 0;
/** A realistic batch from one browser: new page views with their page-leave beacons, now and then a custom event. */
function collectRequest(client, seq) {
  const visitor = (client * 7919 + seq * 104729) % visitors;
  const now = Date.now();
  const events = [];
  while (events.length < batch) {
    const id = `pv${client.toString(36)}x${(++counter).toString(36).padStart(8, '0')}`;
    const page = PAGES[counter % PAGES.length];
    const utm = counter % 10 === 0 ? '?utm_source=newsletter&utm_medium=email&utm_campaign=bench' : '';
    events.push({ t: 'pv', i: id, u: `https://www.bench-shoji.co.jp${page}${utm}`, ti: `${page} | ベンチ商事`, r: 'https://www.google.com/', at: now - 2000 });
    if (events.length < batch) events.push({ t: 'pl', i: id, u: `https://www.bench-shoji.co.jp${page}`, d: 1000 + (counter % 60) * 1000, at: now });
    if (counter % 8 === 0 && events.length < batch) events.push({ t: 'ev', i: `ev${id}`, n: 'download', p: id, pr: { file: 'catalog.pdf' }, at: now });
  }
  const key = visitor.toString().padStart(6, '0');
  return { method: 'POST', path: '/api/v1/collect', body: JSON.stringify({ k: writeKey, v: `visitor-${key}`, s: `visit-${key}-${Math.floor(seq / 20)}`, n: now, e: events }), events: events.length };
}

function send(req) {
  return new Promise((resolve) => {
    const headers = req.body === null ? {} : { 'content-type': 'text/plain;charset=UTF-8', 'content-length': Buffer.byteLength(req.body), origin, 'user-agent': userAgent };
    const r = http.request({ agent, host: url.hostname, port: url.port, method: req.method, path: req.path, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', () => resolve(0));
    if (req.body !== null) r.write(req.body);
    r.end();
  });
}

const latencies = [];
const statuses = new Map();
let requests = 0, events = 0, errors = 0;
const until = performance.now() + seconds * 1000;
await Promise.all(Array.from({ length: clients }, async (_, client) => {
  for (let seq = 0; performance.now() < until; seq++) {
    const req = kind === 'health' ? { method: 'GET', path: '/api/health', body: null, events: 1 } : collectRequest(client, seq);
    const started = performance.now();
    const status = await send(req);
    latencies.push(performance.now() - started);
    requests++;
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
    if (status === 200) events += req.events;
    else errors++;
  }
}));
agent.destroy();
parentPort.postMessage({ requests, events, errors, latencies: Float64Array.from(latencies), statuses: [...statuses.entries()] });
