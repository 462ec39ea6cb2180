/**
 * Lets queries just issued reach the database before a long synchronous computation. The drivers send a query from
 * promise callbacks, which would otherwise wait until the computation ends; after this, PostgreSQL executes the
 * query while this thread computes (PGlite, which runs on this thread, simply runs it first).
 */
export function sendPending(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
