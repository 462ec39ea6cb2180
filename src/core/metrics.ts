/**
 * Prometheus metrics in the text exposition format (version 0.0.4), without a client library: counters and
 * histograms this process counts (requests by route pattern, job durations), and gauges read when scraped. Label
 * values are route patterns and fixed words, never a path with an id or anything personal.
 */
type Labels = Record<string, string>;

const HTTP_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];
const JOB_BUCKETS = [0.1, 0.5, 1, 5, 15, 60, 300, 900, 3600, 14_400];

function labelText(labels: Labels): string {
  const entries = Object.entries(labels);
  if (!entries.length) return '';
  return `{${entries.map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')}"`).join(',')}}`;
}

function number(n: number): string {
  if (n === Infinity) return '+Inf';
  if (Number.isNaN(n)) return 'NaN';
  return String(n);
}

class Histogram {
  private readonly series = new Map<string, { labels: Labels; counts: number[]; sum: number; count: number }>();
  constructor(readonly name: string, readonly help: string, private readonly buckets: number[]) {}

  observe(labels: Labels, value: number): void {
    const key = labelText(labels);
    let s = this.series.get(key);
    if (!s) { s = { labels, counts: this.buckets.map(() => 0), sum: 0, count: 0 }; this.series.set(key, s); }
    for (let i = 0; i < this.buckets.length; i++) if (value <= this.buckets[i]!) s.counts[i]!++;
    s.sum += value;
    s.count++;
  }

  render(): string[] {
    const lines = [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} histogram`];
    for (const s of this.series.values()) {
      this.buckets.forEach((le, i) => lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: number(le) })} ${s.counts[i]}`));
      lines.push(`${this.name}_bucket${labelText({ ...s.labels, le: '+Inf' })} ${s.count}`);
      lines.push(`${this.name}_sum${labelText(s.labels)} ${number(s.sum)}`);
      lines.push(`${this.name}_count${labelText(s.labels)} ${s.count}`);
    }
    return lines;
  }
}

class Counter {
  private readonly series = new Map<string, { labels: Labels; value: number }>();
  constructor(readonly name: string, readonly help: string) {}
  inc(labels: Labels, by = 1): void {
    const key = labelText(labels);
    const s = this.series.get(key);
    if (s) s.value += by;
    else this.series.set(key, { labels, value: by });
  }
  render(): string[] {
    return [`# HELP ${this.name} ${this.help}`, `# TYPE ${this.name} counter`,
      ...[...this.series.values()].map((s) => `${this.name}${labelText(s.labels)} ${number(s.value)}`)];
  }
}

export const httpRequests = new Counter('daicho_http_requests_total', 'HTTP requests by method, route pattern and status.');
export const httpDuration = new Histogram('daicho_http_request_duration_seconds', 'HTTP request latency by method, route pattern and status.', HTTP_BUCKETS);
export const jobDuration = new Histogram('daicho_job_duration_seconds', 'Background jobs this process ran, by job (import, recompute, recommend, send).', JOB_BUCKETS);
export const jobFailures = new Counter('daicho_job_failures_total', 'Background jobs this process ran that failed, by job.');
export const jobRuns = new Counter('daicho_job_runs_total', 'Attempts of queued jobs this process ran, by kind and outcome (done, failed: to be retried, dead: gave up, released: given back at shutdown).');

/** A gauge read when scraped: name, help, and its series. */
export interface Gauge { name: string; help: string; series: { labels?: Labels; value: number }[] }

/** The exposition: this process's counters and histograms, then the gauges given (read from the database). */
export function renderMetrics(gauges: Gauge[]): string {
  const lines = [...httpRequests.render(), ...httpDuration.render(), ...jobDuration.render(), ...jobFailures.render(), ...jobRuns.render()];
  for (const g of gauges) {
    lines.push(`# HELP ${g.name} ${g.help}`, `# TYPE ${g.name} gauge`);
    for (const s of g.series) lines.push(`${g.name}${labelText(s.labels ?? {})} ${number(s.value)}`);
  }
  return `${lines.join('\n')}\n`;
}
