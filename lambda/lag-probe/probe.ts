import { randomUUID } from 'node:crypto';
import { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { Client } from 'pg';
import { describeError, publishMetrics, PublishResult, sleep } from '../shared/metrics';
import { ConnectionConfigProvider, HeartbeatConnection, HeartbeatEndpoint, postgresHeartbeatEndpoint } from './heartbeat';

export type { ConnectionConfigProvider, Heartbeat, HeartbeatConnection, HeartbeatEndpoint } from './heartbeat';
export { isConnectionError, postgresHeartbeatEndpoint, withOccRetry } from './heartbeat';

/** Configuration of one lag measurement (the Lambda reads it from its environment). */
export interface LagProbeConfig {
  /** CloudWatch namespace of the metrics. */
  readonly namespace: string;
  /** Region of the writer endpoint (the WriterRegion dimension). */
  readonly writerRegion: string;
  /** Region of the reader endpoint (the ReaderRegion dimension). */
  readonly readerRegion: string;
  /** The database's name (the Database dimension); absent in configurations older than it. */
  readonly database?: string;
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

/**
 * The two endpoints: PostgreSQL connection providers (functions, so that tokens are minted per
 * connection) or any `HeartbeatEndpoint`.
 */
export interface LagProbeEndpoints {
  readonly writer: ConnectionConfigProvider | HeartbeatEndpoint;
  readonly reader: ConnectionConfigProvider | HeartbeatEndpoint;
}

/** The outcome of one measurement; unreachable databases are results, never exceptions. */
export interface LagMeasurement {
  readonly writerRegion: string;
  readonly readerRegion: string;
  readonly writerReachable: boolean;
  readonly readerReachable: boolean;
  /** Whether the writer refused the heartbeat as read-only (SQLSTATE 25006): it is not the primary. */
  readonly writerReadOnly: boolean;
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
  writerReadOnly: 'WriterReadOnly',
} as const;

/**
 * Write-then-observe: writes a unique heartbeat through the writer, then polls the reader
 * until it is visible. Never throws. Each side is a PostgreSQL connection provider or any
 * `HeartbeatEndpoint` (the way in for other kinds of store).
 */
export async function measureLag(config: LagProbeConfig, endpoints: LagProbeEndpoints): Promise<LagMeasurement> {
  const table = config.table ?? 'multi_region_heartbeat';
  const pollMs = config.pollIntervalMs ?? 50;
  const connectTimeoutMs = config.connectTimeoutMs ?? 5000;
  const base = { writerRegion: config.writerRegion, readerRegion: config.readerRegion };
  const endpointOf = (e: ConnectionConfigProvider | HeartbeatEndpoint) => (typeof e === 'function' ? postgresHeartbeatEndpoint(e, table) : e);
  const writerEndpoint = endpointOf(endpoints.writer);
  const readerEndpoint = endpointOf(endpoints.reader);

  // Both connections are opened before the write, so connection set-up never counts as lag.
  const [writer, reader] = await Promise.all([openSide(writerEndpoint, connectTimeoutMs), openSide(readerEndpoint, connectTimeoutMs)]);
  const errors: string[] = [];
  if (writer.error) errors.push(`writer unreachable: ${writer.error}`);
  if (reader.error) errors.push(`reader unreachable: ${reader.error}`);
  let writerReachable = writer.conn !== undefined;
  let writerReadOnly = false;
  let readerReachable = reader.conn !== undefined;
  let writeRetries = 0;
  let token: string | undefined;
  let committedAt: number | undefined;

  try {
    if (writer.conn) {
      try {
        await writer.conn.prepare();
        token = randomUUID();
        writeRetries = await writer.conn.write({ token, writerRegion: config.writerRegion, writtenAt: new Date() });
        committedAt = performance.now();
      } catch (err) {
        writerReachable = writer.conn.isUnreachable(err) ? false : writerReachable;
        writerReadOnly = writer.conn.isReadOnly?.(err) ?? false;
        errors.push(writerReadOnly ? `writer is read-only (not the primary): ${describeError(err)}` : `write failed: ${describeError(err)}`);
        token = undefined;
      }
    }

    if (reader.conn && token !== undefined && committedAt !== undefined) {
      const deadline = committedAt + config.visibilityTimeoutMs;
      let visibleAt: number | undefined;
      while (visibleAt === undefined && performance.now() < deadline) {
        try {
          if (await reader.conn.isVisible(token)) {
            visibleAt = performance.now();
            break;
          }
        } catch (err) {
          readerReachable = false;
          errors.push(`reader failed: ${describeError(err)}`);
          break;
        }
        await sleep(Math.min(pollMs, Math.max(0, deadline - performance.now())));
      }
      if (visibleAt !== undefined) {
        return { ...base, writerReachable, readerReachable, writerReadOnly, visible: true, lagMs: Math.round(visibleAt - committedAt), token, writeRetries };
      }
      if (readerReachable) errors.push(`not visible after ${config.visibilityTimeoutMs / 1000} s`);
    }
    return { ...base, writerReachable, readerReachable, writerReadOnly, visible: false, token, writeRetries, error: errors.join('; ') || undefined };
  } finally {
    if (writer.conn && writerReachable) {
      await writer.conn.prune(config.writerRegion, new Date(Date.now() - (config.retentionSeconds ?? 600) * 1000)).catch(() => undefined);
    }
    await Promise.all([writer.conn?.close().catch(() => undefined), reader.conn?.close().catch(() => undefined)]);
  }
}

async function openSide(endpoint: HeartbeatEndpoint, timeoutMs: number): Promise<{ conn?: HeartbeatConnection; error?: string }> {
  try {
    return { conn: await endpoint.open(timeoutMs) };
  } catch (err) {
    return { error: describeError(err) };
  }
}

/** The CloudWatch data of one measurement. When the row never showed up, the lag is the timeout (a lower bound). */
export function lagMetricData(m: LagMeasurement, visibilityTimeoutMs: number, timestamp: Date, database?: string): MetricDatum[] {
  const dims = [
    ...(database !== undefined ? [{ Name: 'Database', Value: database }] : []),
    { Name: 'WriterRegion', Value: m.writerRegion },
    { Name: 'ReaderRegion', Value: m.readerRegion },
  ];
  const data: MetricDatum[] = [
    { MetricName: LAG_METRICS.writerReadOnly, Dimensions: dims, Value: m.writerReadOnly ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp },
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
  const metrics = await publishMetrics(cloudwatch, config.namespace, lagMetricData(measurement, config.visibilityTimeoutMs, timestamp, config.database), { attempts: options.publishAttempts, log: options.log });
  return { ...measurement, metrics };
}

/** Opens one pg connection with connect, statement and query timeouts; a failure is returned, never thrown. */
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
