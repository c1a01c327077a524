import { Client, ClientConfig } from 'pg';

/**
 * What the lag probe needs from a store, so that a new kind of asynchronously replicated store
 * (a DynamoDB global table, a MySQL-compatible Aurora Global Database, ...) plugs in by
 * implementing these two interfaces; the measurement itself (`measureLag`) is the same for all.
 */

/** One heartbeat row. */
export interface Heartbeat {
  readonly token: string;
  readonly writerRegion: string;
  readonly writtenAt: Date;
}

/** An open connection to one side of the pair, for one run. */
export interface HeartbeatConnection {
  /** Creates what the heartbeats need (the table), on the writer; cheap to call every run. */
  prepare(): Promise<void>;
  /** Writes the heartbeat and resolves once it is committed; returns the retries it needed. */
  write(heartbeat: Heartbeat): Promise<number>;
  /** Whether the heartbeat is visible here; false also when the store is not ready yet (its table not replicated). Throws when the store fails. */
  isVisible(token: string): Promise<boolean>;
  /** Deletes this writer's heartbeats written before `before`. */
  prune(writerRegion: string, before: Date): Promise<void>;
  /** Whether an error thrown by this connection means the store cannot be reached (as opposed to a refused write). */
  isUnreachable(err: unknown): boolean;
  /** Whether an error thrown by `write` means the store is read-only here (not the primary). */
  isReadOnly?(err: unknown): boolean;
  close(): Promise<void>;
}

/** How to open one side of the pair; `open` throws when the store cannot be reached. */
export interface HeartbeatEndpoint {
  open(timeoutMs: number): Promise<HeartbeatConnection>;
}

/** Produces a fresh pg client configuration (DSQL: a new IAM token each time). */
export type ConnectionConfigProvider = () => Promise<ClientConfig>;

/** Identifiers are interpolated into SQL, so only plain lower-case names are accepted. */
export const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * SQLSTATEs after which the whole transaction may simply be retried: PostgreSQL's
 * serialization failure, and Aurora DSQL's optimistic-concurrency conflicts (OC000 data,
 * OC001 schema).
 */
const RETRYABLE_SQLSTATES = new Set(['40001', 'OC000', 'OC001']);
/** The relation does not exist (yet) on the reader: the DDL has not replicated. */
const UNDEFINED_TABLE = '42P01';
/** Tables created by this container already, keyed by connection target and table. */
const createdTables = new Set<string>();

/** Runs `fn`, retrying on optimistic-concurrency and serialization errors; returns the retry count. */
export async function withOccRetry(fn: () => Promise<unknown>, attempts = 5): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return attempt;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt + 1 >= attempts || !code || !RETRYABLE_SQLSTATES.has(code)) throw err;
      await new Promise((r) => setTimeout(r, 20 * 2 ** attempt + Math.random() * 20));
    }
  }
}

/** Whether a pg error means the database could not be reached (as opposed to a SQL error). */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  // Class 08 is "connection exception"; node socket errors have E* codes; 57P0x is shutdown.
  return !code || code.startsWith('08') || code.startsWith('E') || code.startsWith('57P');
}

/**
 * SQLSTATE 25006 read_only_sql_transaction (PostgreSQL Appendix A, "PostgreSQL Error Codes"): a
 * standby, or an Aurora cluster that is no longer the primary of its global database.
 */
export const READ_ONLY_SQLSTATE = '25006';

/** Whether a pg error means the server refuses writes because it is read-only. */
export function isReadOnlyError(err: unknown): boolean {
  return (err as { code?: string }).code === READ_ONLY_SQLSTATE;
}

/** A PostgreSQL-protocol store (PostgreSQL, Aurora PostgreSQL, RDS): a heartbeat table. */
export function postgresHeartbeatEndpoint(provider: ConnectionConfigProvider, table: string): HeartbeatEndpoint {
  if (!IDENTIFIER.test(table)) throw new Error(`table '${table}' is not a plain lower-case SQL identifier.`);
  return {
    async open(timeoutMs: number): Promise<HeartbeatConnection> {
      const cfg = await provider();
      const key = `${cfg.connectionString ?? ''}|${cfg.host ?? ''}:${cfg.port ?? ''}/${cfg.database ?? ''}|${table}`;
      const client = new Client({ ...cfg, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs });
      // A broken socket after connect is reported through the failing query; an unhandled
      // 'error' event would crash the process.
      client.on('error', () => undefined);
      await client.connect();
      return {
        async prepare() {
          if (createdTables.has(key)) return;
          // DDL in a transaction of its own (DSQL does not mix DDL and DML).
          await withOccRetry(() => client.query(
            `CREATE TABLE IF NOT EXISTS ${table} (token varchar(36) PRIMARY KEY, writer_region varchar(32) NOT NULL, written_at timestamptz NOT NULL)`,
          ));
          createdTables.add(key);
        },
        write: (h) => withOccRetry(() => client.query(
          `INSERT INTO ${table} (token, writer_region, written_at) VALUES ($1, $2, $3)`, [h.token, h.writerRegion, h.writtenAt],
        )),
        async isVisible(token) {
          try {
            const res = await client.query(`SELECT 1 FROM ${table} WHERE token = $1`, [token]);
            return (res.rowCount ?? 0) > 0;
          } catch (err) {
            if ((err as { code?: string }).code === UNDEFINED_TABLE) return false;
            throw err;
          }
        },
        prune: async (writerRegion, before) => {
          await withOccRetry(() => client.query(`DELETE FROM ${table} WHERE writer_region = $1 AND written_at < $2`, [writerRegion, before]));
        },
        isUnreachable: isConnectionError,
        isReadOnly: isReadOnlyError,
        close: () => client.end().catch(() => undefined),
      };
    },
  };
}
