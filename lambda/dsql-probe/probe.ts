import { randomUUID } from 'node:crypto';
import { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { Client } from 'pg';
import { ConnectionConfigProvider, connect, isConnectionError, withOccRetry } from '../lag-probe/probe';
import { describeError, publishMetrics, PublishResult } from '../shared/metrics';

/**
 * The probe of a synchronously replicated database pair (peered Aurora DSQL clusters: a commit
 * returns only once it is durable in both Regions, and both endpoints are strongly consistent).
 * A replication lag means nothing there; what can be measured is the price of the synchronous
 * path (commit latency in each Region) and its promise (a read in the other Region right after
 * a commit sees it). A miss is a consistency violation, published on its own.
 */

/** Configuration of one run (the Lambda reads it from its environment). */
export interface DsqlProbeConfig {
  /** CloudWatch namespace of the metrics. */
  readonly namespace: string;
  /** Name of the database pair: the `Database` dimension of every metric. */
  readonly database: string;
  /** Connect and statement timeout of each call, in ms. @default 5000 */
  readonly connectTimeoutMs?: number;
  /** Table the probe writes its rows to. @default 'multi_region_consistency_probe' */
  readonly table?: string;
  /**
   * Schema of the table: the probe's own (`mrcdk_probe`, which its `DsqlDatabaseRole` may use
   * and create tables in), so it never writes into the application's schema. @default 'public'
   */
  readonly schema?: string;
  /** Rows older than this are deleted after each run, in seconds. @default 600 */
  readonly retentionSeconds?: number;
}

/** One endpoint: its Region and a provider of fresh connection settings (DSQL: a new IAM token each time). */
export interface DsqlProbeEndpoint {
  readonly region: string;
  readonly connect: ConnectionConfigProvider;
}

/**
 * The endpoints of one run: `local` is the endpoint in the probe's own Region, whose commit
 * latency it measures; with a `peer`, it also checks read-after-write both ways.
 */
export interface DsqlProbeEndpoints {
  readonly local: DsqlProbeEndpoint;
  readonly peer?: DsqlProbeEndpoint;
}

/** Whether an endpoint answered a connect and a `SELECT 1`. */
export interface ReachabilityResult {
  readonly region: string;
  readonly reachable: boolean;
  readonly error?: string;
}

/** One read-after-write check: commit in `writerRegion`, then at once read in `readerRegion`. */
export interface ReadAfterWriteResult {
  readonly writerRegion: string;
  readonly readerRegion: string;
  /** True when the committed row was not visible in the reader's Region: a consistency violation. */
  readonly violation: boolean;
  /** Time from the commit's acknowledgement to the read's answer, in ms. */
  readonly readMs: number;
  readonly token: string;
}

/** The outcome of one run; unreachable endpoints and failed writes are results, never exceptions. */
export interface DsqlMeasurement {
  readonly database: string;
  readonly region: string;
  readonly reachability: ReachabilityResult[];
  /** Time of one small write transaction (a single-row INSERT, committed) in the local Region, in ms. */
  readonly commitLatencyMs?: number;
  /** Optimistic-concurrency retries the local write needed. */
  readonly writeRetries: number;
  /** Read-after-write checks, both directions when there is a peer and both ends answered. */
  readonly readAfterWrite: ReadAfterWriteResult[];
  /** What failed, for example "write in us-east-2 failed: ...". */
  readonly errors: string[];
}

/** The measurement plus the fate of its metrics. */
export interface DsqlProbeSummary extends DsqlMeasurement {
  readonly metrics: PublishResult;
}

/** Metric names the probe publishes (the DsqlProbe construct builds alarms and dashboards on them). */
export const DSQL_METRICS = {
  commitLatency: 'CommitLatency',
  readAfterWriteViolation: 'ReadAfterWriteViolation',
  endpointReachable: 'EndpointReachable',
} as const;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const UNDEFINED_TABLE = '42P01';
const createdTables = new Set<string>();

interface Open { readonly region: string; readonly client?: Client; readonly key: string; error?: string }

/** One run: reachability of each endpoint, the local commit latency, and read-after-write both ways. Never throws. */
export async function measureDsql(config: DsqlProbeConfig, endpoints: DsqlProbeEndpoints): Promise<DsqlMeasurement> {
  const tableName = config.table ?? 'multi_region_consistency_probe';
  if (!IDENTIFIER.test(tableName)) throw new Error(`table '${tableName}' is not a plain lower-case SQL identifier.`);
  const schema = config.schema ?? 'public';
  if (!IDENTIFIER.test(schema)) throw new Error(`schema '${schema}' is not a plain lower-case SQL identifier.`);
  const table = `${schema}.${tableName}`;
  const timeoutMs = config.connectTimeoutMs ?? 5000;
  const all = [endpoints.local, ...(endpoints.peer ? [endpoints.peer] : [])];
  // Connections are opened (and proven with SELECT 1) before anything is timed.
  const opened: Open[] = await Promise.all(all.map(async (e) => {
    const c = await connect(e.connect, timeoutMs);
    if (c.client) {
      try {
        await c.client.query('SELECT 1');
      } catch (err) {
        await c.client.end().catch(() => undefined);
        return { region: e.region, key: c.key, error: describeError(err) };
      }
    }
    return { region: e.region, client: c.client, key: c.key, error: c.error };
  }));
  const [local, peer] = opened;
  const errors: string[] = [];
  let commitLatencyMs: number | undefined;
  let writeRetries = 0;
  const readAfterWrite: ReadAfterWriteResult[] = [];

  try {
    for (const o of opened) {
      if (!o.client) continue;
      try {
        await ensureTable(o.client, table, o.key);
      } catch (err) {
        if (isConnectionError(err)) o.error = describeError(err);
        errors.push(`table in ${o.region} failed: ${describeError(err)}`);
      }
    }
    if (local.client && !local.error) {
      const w = await timedWrite(local.client, table, local.region);
      if ('error' in w) {
        if (w.unreachable) local.error = w.error;
        errors.push(`write in ${local.region} failed: ${w.error}`);
      } else {
        commitLatencyMs = w.ms;
        writeRetries = w.retries;
        if (peer?.client && !peer.error) {
          const r = await readBack(peer, table, w.token, local.region);
          if ('error' in r) errors.push(r.error); else readAfterWrite.push(r);
        }
      }
    }
    if (peer?.client && !peer.error && local.client && !local.error) {
      const w = await timedWrite(peer.client, table, peer.region);
      if ('error' in w) {
        if (w.unreachable) peer.error = w.error;
        errors.push(`write in ${peer.region} failed: ${w.error}`);
      } else {
        const r = await readBack(local, table, w.token, peer.region);
        if ('error' in r) errors.push(r.error); else readAfterWrite.push(r);
      }
    }
    for (const o of opened) {
      if (o.error) errors.unshift(`${o.region} unreachable: ${o.error}`);
    }
    return {
      database: config.database,
      region: local.region,
      reachability: opened.map((o) => ({ region: o.region, reachable: !o.error && o.client !== undefined, error: o.error })),
      commitLatencyMs,
      writeRetries,
      readAfterWrite,
      errors,
    };
  } finally {
    await Promise.all(opened.map(async (o) => {
      if (o.client && !o.error) await prune(o.client, table, o.region, config.retentionSeconds ?? 600).catch(() => undefined);
      await o.client?.end().catch(() => undefined);
    }));
  }
}

/** The CloudWatch data of one run. */
export function dsqlMetricData(m: DsqlMeasurement, timestamp: Date): MetricDatum[] {
  const db = { Name: 'Database', Value: m.database };
  const data: MetricDatum[] = m.reachability.map((r) => ({
    MetricName: DSQL_METRICS.endpointReachable, Dimensions: [db, { Name: 'Region', Value: r.region }],
    Value: r.reachable ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp,
  }));
  if (m.commitLatencyMs !== undefined) {
    data.push({ MetricName: DSQL_METRICS.commitLatency, Dimensions: [db, { Name: 'Region', Value: m.region }], Value: m.commitLatencyMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  }
  for (const r of m.readAfterWrite) {
    data.push({
      MetricName: DSQL_METRICS.readAfterWriteViolation,
      Dimensions: [db, { Name: 'WriterRegion', Value: r.writerRegion }, { Name: 'ReaderRegion', Value: r.readerRegion }],
      Value: r.violation ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp,
    });
  }
  return data;
}

/** Measures, then publishes. Always resolves with a summary. */
export async function runDsqlProbe(config: DsqlProbeConfig, endpoints: DsqlProbeEndpoints, cloudwatch: CloudWatchClient,
  options: { publishAttempts?: number; log?: (m: string) => void } = {}): Promise<DsqlProbeSummary> {
  const timestamp = new Date();
  const measurement = await measureDsql(config, endpoints);
  const metrics = await publishMetrics(cloudwatch, config.namespace, dsqlMetricData(measurement, timestamp), { attempts: options.publishAttempts, log: options.log });
  return { ...measurement, metrics };
}

type WriteOutcome = { token: string; ms: number; retries: number } | { error: string; unreachable: boolean };

/** One small write transaction: a single-row INSERT in autocommit, timed from send to the commit's acknowledgement. */
async function timedWrite(client: Client, table: string, region: string): Promise<WriteOutcome> {
  const token = randomUUID();
  let started = 0;
  try {
    const retries = await withOccRetry(() => {
      // Only the successful attempt is timed: an OCC retry is counted, not folded into the latency.
      started = performance.now();
      return client.query(`INSERT INTO ${table} (token, writer_region, written_at) VALUES ($1, $2, $3)`, [token, region, new Date()]);
    });
    return { token, ms: Math.round((performance.now() - started) * 10) / 10, retries };
  } catch (err) {
    return { error: describeError(err), unreachable: isConnectionError(err) };
  }
}

/** Reads the row at once in the other Region; a missing row (or table) is a violation. */
async function readBack(reader: Open, table: string, token: string, writerRegion: string): Promise<ReadAfterWriteResult | { error: string }> {
  const started = performance.now();
  let visible: boolean;
  try {
    const res = await reader.client!.query(`SELECT 1 FROM ${table} WHERE token = $1`, [token]);
    visible = (res.rowCount ?? 0) > 0;
  } catch (err) {
    if ((err as { code?: string }).code !== UNDEFINED_TABLE) {
      if (isConnectionError(err)) reader.error = describeError(err);
      return { error: `read in ${reader.region} failed: ${describeError(err)}` };
    }
    // The reader does not even have the table the writer committed into: not visible either.
    visible = false;
  }
  return { writerRegion, readerRegion: reader.region, violation: !visible, readMs: Math.round(performance.now() - started), token };
}

/** Creates the table once per container; DDL in a transaction of its own (DSQL does not mix DDL and DML). */
async function ensureTable(client: Client, table: string, key: string): Promise<void> {
  const cacheKey = `${key}|${table}`;
  if (createdTables.has(cacheKey)) return;
  await withOccRetry(() => client.query(
    `CREATE TABLE IF NOT EXISTS ${table} (token varchar(36) PRIMARY KEY, writer_region varchar(32) NOT NULL, written_at timestamptz NOT NULL)`,
  ));
  createdTables.add(cacheKey);
}

/** Keeps the table small: deletes this Region's rows past the retention, in a transaction of its own. */
async function prune(client: Client, table: string, region: string, retentionSeconds: number): Promise<void> {
  await withOccRetry(() => client.query(
    `DELETE FROM ${table} WHERE writer_region = $1 AND written_at < $2`,
    [region, new Date(Date.now() - retentionSeconds * 1000)],
  ));
}
