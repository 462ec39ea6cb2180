/**
 * Token buckets for the ingestion rate limit: `perMinute` events refill evenly, up to one minute's worth of burst.
 * Held in process memory (the endpoint takes tens of thousands of events a second, a database counter per request
 * would cost more than the write itself): with several Daicho processes each enforces its own limit.
 */
export class TokenBuckets {
  private readonly buckets = new Map<string, { tokens: number; at: number; perMinute: number }>();

  constructor(private readonly now: () => number = () => Date.now(), private readonly maxKeys = 50_000) {}

  /** Takes `cost` tokens from `key`'s bucket; false (and nothing taken) when it holds fewer. */
  take(key: string, perMinute: number, cost: number): boolean {
    const now = this.now();
    let b = this.buckets.get(key);
    if (!b) {
      if (this.buckets.size >= this.maxKeys) this.sweep(now);
      b = { tokens: perMinute, at: now, perMinute };
      this.buckets.set(key, b);
    } else {
      b.tokens = Math.min(perMinute, b.tokens + ((now - b.at) * perMinute) / 60_000);
      b.at = now;
      b.perMinute = perMinute;
    }
    if (b.tokens < cost) return false;
    b.tokens -= cost;
    return true;
  }

  /** Forgets buckets that have refilled (they hold no information); under a flood of new keys, the oldest. */
  private sweep(now: number): void {
    for (const [key, b] of this.buckets) {
      if (b.tokens + ((now - b.at) * b.perMinute) / 60_000 >= b.perMinute) this.buckets.delete(key);
    }
    if (this.buckets.size >= this.maxKeys) {
      let drop = this.buckets.size - Math.floor(this.maxKeys / 2);
      for (const key of this.buckets.keys()) {
        if (drop-- <= 0) break;
        this.buckets.delete(key);
      }
    }
  }

  get size(): number {
    return this.buckets.size;
  }
}
