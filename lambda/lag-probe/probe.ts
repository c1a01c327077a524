import { randomUUID } from 'node:crypto';
import { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { Client, ClientConfig } from 'pg';
import { describeError, publishMetrics, PublishResult, sleep } from '../shared/metrics';

/** Configuration of one lag measurement (the Lambda reads it from its environment). */
export interface LagProbeConfig {
  /** CloudWatch namespace of the metrics. */
  readonly namespace: string;
  /** Region of the writer endpoint (the WriterRegion dimension). */
  readonly writerRegion: string;
  /** Region of the reader endpoint (the ReaderRegion dimension). */
  readonly readerRegion: string;
  /** How long to wait for the heartbeat on the reader before reporting "not visible", in ms. */
  readonly visibilityTimeoutMs: number;
  /** Time between reads of the reader, in ms; 50 ms keeps the resolution under 100 ms. */
  readonly pollIntervalMs?: number;
  /** Connect and statement timeout of each database call, in ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Heartbeat table name. @default 'multi_region_heartbeat' */
  readonly table?: string;
  /** Heartbeat rows older than this are deleted after each run, in seconds. @default 600 */
  readonly retentionSeconds?: number;
}

/** Produces a fresh pg client configuration (DSQL: a new IAM token each time). */
export type ConnectionConfigProvider = () => Promise<ClientConfig>;

/** The two endpoints, as functions so that tokens are minted per connection. */
export interface LagProbeEndpoints {
  readonly writer: ConnectionConfigProvider;
  readonly reader: ConnectionConfigProvider;
}

/** The outcome of one measurement; unreachable databases are results, never exceptions. */
export interface LagMeasurement {
  readonly writerRegion: string;
  readonly readerRegion: string;
  readonly writerReachable: boolean;
  readonly readerReachable: boolean;
  /** Whether the heartbeat became visible on the reader within the timeout. */
  readonly visible: boolean;
  /** Time from the writer's commit to the row being visible on the reader, in ms (when visible). */
  readonly lagMs?: number;
  /** The heartbeat's token. */
  readonly token?: string;
  /** Optimistic-concurrency retries the write needed. */
  readonly writeRetries: number;
  /** Human-readable account of what failed, for example "not visible after 10 s". */
  readonly error?: string;
}

/** The measurement plus the fate of its metrics. */
export interface LagProbeSummary extends LagMeasurement {
  readonly metrics: PublishResult;
}

/** Metric names the probe publishes. */
export const LAG_METRICS = {
  lag: 'ReplicationLag',
  writerReachable: 'WriterReachable',
  readerReachable: 'ReaderReachable',
} as const;

/** Identifiers are interpolated into SQL, so only plain lower-case names are accepted. */
const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;

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

/**
 * Write-then-observe: writes a unique heartbeat row through the writer, then polls the
 * reader until it is visible. Never throws.
 */
export async function measureLag(config: LagProbeConfig, endpoints: LagProbeEndpoints): Promise<LagMeasurement> {
  const table = config.table ?? 'multi_region_heartbeat';
  if (!IDENTIFIER.test(table)) throw new Error(`table '${table}' is not a plain lower-case SQL identifier.`);
  const pollMs = config.pollIntervalMs ?? 50;
  const connectTimeoutMs = config.connectTimeoutMs ?? 5000;
  const base = { writerRegion: config.writerRegion, readerRegion: config.readerRegion };

  // Both connections are opened before the write, so connection set-up never counts as lag.
  const [writer, reader] = await Promise.all([
    connect(endpoints.writer, connectTimeoutMs),
    connect(endpoints.reader, connectTimeoutMs),
  ]);
  const errors: string[] = [];
  if (writer.error) errors.push(`writer unreachable: ${writer.error}`);
  if (reader.error) errors.push(`reader unreachable: ${reader.error}`);
  let writerReachable = writer.client !== undefined;
  let readerReachable = reader.client !== undefined;
  let writeRetries = 0;
  let token: string | undefined;
  let committedAt: number | undefined;

  try {
    if (writer.client) {
      try {
        await ensureTable(writer.client, table, writer.key);
        token = randomUUID();
        const t = token;
        writeRetries = await withOccRetry(() => writer.client!.query(
          `INSERT INTO ${table} (token, writer_region, written_at) VALUES ($1, $2, $3)`,
          [t, config.writerRegion, new Date()],
        ));
        committedAt = performance.now();
      } catch (err) {
        writerReachable = isConnectionError(err) ? false : writerReachable;
        errors.push(`write failed: ${describeError(err)}`);
        token = undefined;
      }
    }

    if (reader.client && token !== undefined && committedAt !== undefined) {
      const deadline = committedAt + config.visibilityTimeoutMs;
      let visibleAt: number | undefined;
      while (visibleAt === undefined && performance.now() < deadline) {
        try {
          const res = await reader.client.query(`SELECT 1 FROM ${table} WHERE token = $1`, [token]);
          if (res.rowCount && res.rowCount > 0) {
            visibleAt = performance.now();
            break;
          }
        } catch (err) {
          if ((err as { code?: string }).code !== UNDEFINED_TABLE) {
            readerReachable = false;
            errors.push(`reader failed: ${describeError(err)}`);
            break;
          }
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - performance.now())));
      }
      if (visibleAt !== undefined) {
        return { ...base, writerReachable, readerReachable, visible: true, lagMs: Math.round(visibleAt - committedAt), token, writeRetries };
      }
      if (readerReachable) errors.push(`not visible after ${config.visibilityTimeoutMs / 1000} s`);
    }
    return { ...base, writerReachable, readerReachable, visible: false, token, writeRetries, error: errors.join('; ') || undefined };
  } finally {
    if (writer.client && writerReachable) {
      await pruneHeartbeats(writer.client, table, config.writerRegion, config.retentionSeconds ?? 600).catch(() => undefined);
    }
    await Promise.all([writer.client?.end().catch(() => undefined), reader.client?.end().catch(() => undefined)]);
  }
}

/** The CloudWatch data of one measurement. When the row never showed up, the lag is the timeout (a lower bound). */
export function lagMetricData(m: LagMeasurement, visibilityTimeoutMs: number, timestamp: Date): MetricDatum[] {
  const dims = [{ Name: 'WriterRegion', Value: m.writerRegion }, { Name: 'ReaderRegion', Value: m.readerRegion }];
  const data: MetricDatum[] = [
    { MetricName: LAG_METRICS.writerReachable, Dimensions: dims, Value: m.writerReachable ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp },
    { MetricName: LAG_METRICS.readerReachable, Dimensions: dims, Value: m.readerReachable ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp },
  ];
  if (m.visible && m.lagMs !== undefined) {
    data.push({ MetricName: LAG_METRICS.lag, Dimensions: dims, Value: m.lagMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  } else if (m.writerReachable && m.readerReachable && m.token !== undefined) {
    data.push({ MetricName: LAG_METRICS.lag, Dimensions: dims, Value: visibilityTimeoutMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  }
  return data;
}

/** Measures, then publishes. Always resolves with a summary. */
export async function runLagProbe(config: LagProbeConfig, endpoints: LagProbeEndpoints, cloudwatch: CloudWatchClient, options: { publishAttempts?: number; log?: (m: string) => void } = {}): Promise<LagProbeSummary> {
  const timestamp = new Date();
  const measurement = await measureLag(config, endpoints);
  const metrics = await publishMetrics(cloudwatch, config.namespace, lagMetricData(measurement, config.visibilityTimeoutMs, timestamp), { attempts: options.publishAttempts, log: options.log });
  return { ...measurement, metrics };
}

/** Runs `fn`, retrying on optimistic-concurrency and serialization errors; returns the retry count. */
export async function withOccRetry(fn: () => Promise<unknown>, attempts = 5): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      await fn();
      return attempt;
    } catch (err) {
      const code = (err as { code?: string }).code;
      if (attempt + 1 >= attempts || !code || !RETRYABLE_SQLSTATES.has(code)) throw err;
      await sleep(20 * 2 ** attempt + Math.random() * 20);
    }
  }
}

/** Opens one connection with connect, statement and query timeouts; a failure is returned, never thrown. */
export async function connect(provider: ConnectionConfigProvider, timeoutMs: number): Promise<{ client?: Client; key: string; error?: string }> {
  let key = '';
  try {
    const cfg = await provider();
    key = `${cfg.connectionString ?? ''}|${cfg.host ?? ''}:${cfg.port ?? ''}/${cfg.database ?? ''}`;
    const client = new Client({ ...cfg, connectionTimeoutMillis: timeoutMs, statement_timeout: timeoutMs, query_timeout: timeoutMs });
    // A broken socket after connect is reported through the failing query; an unhandled
    // 'error' event would crash the process.
    client.on('error', () => undefined);
    await client.connect();
    return { client, key };
  } catch (err) {
    return { key, error: describeError(err) };
  }
}

/** Creates the heartbeat table once per container; the DDL runs alone in its own transaction (DSQL does not mix DDL and DML). */
async function ensureTable(client: Client, table: string, key: string): Promise<void> {
  const cacheKey = `${key}|${table}`;
  if (createdTables.has(cacheKey)) return;
  await withOccRetry(() => client.query(
    `CREATE TABLE IF NOT EXISTS ${table} (token varchar(36) PRIMARY KEY, writer_region varchar(32) NOT NULL, written_at timestamptz NOT NULL)`,
  ));
  createdTables.add(cacheKey);
}

/** Keeps the table small: deletes this writer's rows past the retention, in a transaction of its own. */
async function pruneHeartbeats(client: Client, table: string, writerRegion: string, retentionSeconds: number): Promise<void> {
  await withOccRetry(() => client.query(
    `DELETE FROM ${table} WHERE writer_region = $1 AND written_at < $2`,
    [writerRegion, new Date(Date.now() - retentionSeconds * 1000)],
  ));
}

/** Whether an error means the database could not be reached (as opposed to a SQL error). */
export function isConnectionError(err: unknown): boolean {
  const code = (err as { code?: string }).code;
  // Class 08 is "connection exception"; node socket errors have E* codes; 57P0x is shutdown.
  return !code || code.startsWith('08') || code.startsWith('E') || code.startsWith('57P');
}
