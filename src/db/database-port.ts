/**
 * A database reached over a MessagePort: how a worker thread uses the embedded PGlite, which lives in the main thread
 * and cannot be opened twice. The worker's Kysely sends each compiled statement to the main thread, which runs it on
 * a connection it holds for the worker from acquire to release, so the worker's transactions are transactions there
 * (PGlite's one connection is handed out in turn, as to any request). PostgreSQL needs none of this: a worker opens a
 * pool of its own.
 */
import type { MessagePort } from 'node:worker_threads';
import {
  CompiledQuery, Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler,
  type DatabaseConnection, type Dialect, type Driver, type QueryResult,
} from 'kysely';
import { markSingleConnection, type Db } from './database.ts';
import { StatementDriver } from './pglite-dialect.ts';
import type { Database } from './schema.ts';

type Request =
  | { id: number; op: 'acquire' }
  | { id: number; op: 'query'; connection: number; sql: string; parameters: readonly unknown[] }
  | { id: number; op: 'release'; connection: number };
/** A request before it gets its id (Omit of each member of the union). */
type RequestBody = Request extends infer R ? R extends Request ? Omit<R, 'id'> : never : never;
type Reply = { id: number; connection?: number; rows?: unknown[]; affected?: bigint; error?: SerializedError };
interface SerializedError { message: string; name: string; props: Record<string, unknown> }

/**
 * Main thread: serves the worker at the other end of `port` with connections of `db`. Returns a function that ends
 * the service; a connection the worker still holds then is rolled back and released (a worker that died mid-way).
 */
export function serveDatabasePort(db: Db, port: MessagePort): () => Promise<void> {
  const held = new Map<number, { run: (q: CompiledQuery) => Promise<QueryResult<unknown>>; release: () => void; done: Promise<void> }>();
  let nextConnection = 0;
  const reply = (message: Reply) => port.postMessage(message);
  port.on('message', (request: Request) => {
    if (request.op === 'acquire') {
      let release!: () => void;
      const released = new Promise<void>((resolve) => { release = resolve; });
      let ready!: (run: (q: CompiledQuery) => Promise<QueryResult<unknown>>) => void;
      const acquired = new Promise<(q: CompiledQuery) => Promise<QueryResult<unknown>>>((resolve) => { ready = resolve; });
      const done = db.connection().execute(async (conn) => {
        ready((q) => conn.executeQuery(q));
        await released;
      });
      void acquired.then((run) => {
        const connection = ++nextConnection;
        held.set(connection, { run, release, done });
        reply({ id: request.id, connection });
      });
      done.catch((error: unknown) => reply({ id: request.id, error: serialize(error) }));
    } else if (request.op === 'query') {
      const connection = held.get(request.connection);
      if (!connection) {
        reply({ id: request.id, error: serialize(new Error('database port: no such connection')) });
        return;
      }
      connection.run(CompiledQuery.raw(request.sql, [...request.parameters])).then(
        (result) => reply({ id: request.id, rows: result.rows, ...(result.numAffectedRows !== undefined ? { affected: result.numAffectedRows } : {}) }),
        (error: unknown) => reply({ id: request.id, error: serialize(error) }),
      );
    } else {
      const connection = held.get(request.connection);
      held.delete(request.connection);
      connection?.release();
      void (connection?.done ?? Promise.resolve()).then(() => reply({ id: request.id }), () => reply({ id: request.id }));
    }
  });
  return async () => {
    port.close();
    for (const [id, connection] of held) {
      held.delete(id);
      // Whatever the worker left open is undone before the connection serves anyone else.
      // ROLLBACK outside a transaction only warns: it fails on a connection already lost, which has nothing to undo.
      await connection.run(CompiledQuery.raw('ROLLBACK')).catch(() => {});
      connection.release();
      // Settles once the connection is back in the pool; a failure was already sent to the worker (done.catch above).
      await connection.done.catch(() => {});
    }
  };
}

/** Worker thread: a Kysely whose statements run on the main thread's database at the other end of `port`. */
export function openDatabasePort(port: MessagePort): Db {
  const db = new Kysely<Database>({ dialect: new PortDialect(port) });
  // One connection at a time on the other side: work that only pays beside other work (resolving beside staging) asks.
  markSingleConnection(db);
  return db;
}

class PortDialect implements Dialect {
  constructor(private readonly port: MessagePort) {}
  createAdapter() { return new PostgresAdapter(); }
  createDriver(): Driver { return new PortDriver(this.port); }
  createIntrospector(db: Kysely<unknown>) { return new PostgresIntrospector(db); }
  createQueryCompiler() { return new PostgresQueryCompiler(); }
}

class PortDriver extends StatementDriver {
  private nextId = 0;
  private readonly waiting = new Map<number, { resolve: (r: Reply) => void; reject: (e: Error) => void }>();

  constructor(private readonly port: MessagePort) {
    super();
    port.on('message', (message: Reply) => {
      const call = this.waiting.get(message.id);
      if (!call) return;
      this.waiting.delete(message.id);
      if (message.error) call.reject(deserialize(message.error));
      else call.resolve(message);
    });
  }

  call(request: RequestBody): Promise<Reply> {
    const id = ++this.nextId;
    return new Promise((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      this.port.postMessage({ ...request, id });
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const { connection } = await this.call({ op: 'acquire' });
    return new PortConnection(this, connection!);
  }
  async releaseConnection(conn: DatabaseConnection): Promise<void> {
    await this.call({ op: 'release', connection: (conn as PortConnection).connection });
  }
  override async destroy(): Promise<void> {
    this.port.close();
  }
}

class PortConnection implements DatabaseConnection {
  constructor(private readonly driver: PortDriver, readonly connection: number) {}

  async executeQuery<R>(compiled: CompiledQuery): Promise<QueryResult<R>> {
    const reply = await this.driver.call({ op: 'query', connection: this.connection, sql: compiled.sql, parameters: compiled.parameters });
    return { rows: (reply.rows ?? []) as R[], ...(reply.affected !== undefined ? { numAffectedRows: reply.affected } : {}) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('The database port does not stream; page with keyset queries instead');
  }
}

/** An error crosses the thread with its message and its own fields (code: the SQLSTATE, detail, …). */
function serialize(error: unknown): SerializedError {
  if (!(error instanceof Error)) return { message: String(error), name: 'Error', props: {} };
  const props: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === undefined || typeof value === 'function') continue;
    try {
      structuredClone(value);
      props[key] = value;
    } catch { /* not transferable: left out */ }
  }
  return { message: error.message, name: error.name, props };
}

function deserialize(error: SerializedError): Error {
  return Object.assign(new Error(error.message), error.props, { name: error.name });
}
