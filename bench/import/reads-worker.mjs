// Load generator for bench/import/reads.ts, in a worker thread: N keep-alive clients on loopback, each sending its
// next read when the previous one answered (the customer list, a search, the health check, in turn), until told to
// stop or the time is up. Plain JS so the worker needs no TypeScript loader.
import http from 'node:http';
import { parentPort, workerData } from 'node:worker_threads';

const { baseUrl, key, clients, seconds, queries } = workerData;
const url = new URL(baseUrl);
const agent = new http.Agent({ keepAlive: true, maxSockets: clients });
const KINDS = ['customers', 'search', 'health'];

function path(kind, n) {
  if (kind === 'customers') return `/api/v1/customers?limit=50${n % 2 ? '&sort=name' : ''}`;
  if (kind === 'search') return `/api/v1/search?q=${encodeURIComponent(queries[n % queries.length])}`;
  return '/api/health';
}

function send(kind, n) {
  return new Promise((resolve) => {
    const r = http.request({ agent, host: url.hostname, port: url.port, method: 'GET', path: path(kind, n), headers: { authorization: `Bearer ${key}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    r.on('error', () => resolve(0));
    r.end();
  });
}

let stopped = false;
parentPort.on('message', (m) => { if (m === 'stop') stopped = true; });
const until = performance.now() + seconds * 1000;
const latencies = { customers: [], search: [], health: [] };
const statuses = new Map();
await Promise.all(Array.from({ length: clients }, async (_, client) => {
  for (let n = client; !stopped && performance.now() < until; n++) {
    const kind = KINDS[n % KINDS.length];
    const started = performance.now();
    const status = await send(kind, n);
    latencies[kind].push(performance.now() - started);
    statuses.set(status, (statuses.get(status) ?? 0) + 1);
  }
}));
agent.destroy();
parentPort.postMessage({
  latencies: Object.fromEntries(Object.entries(latencies).map(([k, v]) => [k, Float64Array.from(v)])),
  statuses: [...statuses.entries()],
});
