import { randomUUID } from 'node:crypto';
import { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DeleteItemCommand, DynamoDBClient, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { describeError, publishMetrics, PublishResult, sleep } from '../shared/metrics';

/** Configuration of one replication measurement of a DynamoDB global table (the Lambda reads it from its environment). */
export interface DynamoDbProbeConfig {
  /** CloudWatch namespace of the metrics. */
  readonly namespace: string;
  /** Name of the global table (the same in every Region); the TableName dimension. */
  readonly tableName: string;
  /** Name of the table's partition key, a string attribute. */
  readonly partitionKey: string;
  /** Name of the table's sort key (a string attribute), if it has one. */
  readonly sortKey?: string;
  /** Name of the time-to-live attribute, if the table has one: probe items then expire even if the delete fails. */
  readonly timeToLiveAttribute?: string;
  /** Region of the replica written to (the WriterRegion dimension). */
  readonly writerRegion: string;
  /** Region of the replica read from (the ReaderRegion dimension). */
  readonly readerRegion: string;
  /** How long to wait for the item on the reader before reporting "not visible", in ms. */
  readonly visibilityTimeoutMs: number;
  /** Time between reads of the reader, in ms. @default 50 */
  readonly pollIntervalMs?: number;
}

/** The two replicas' clients (and, in tests, table names: an emulator without replication drives two tables). */
export interface DynamoDbProbeTargets {
  readonly writer: DynamoDBClient;
  readonly reader: DynamoDBClient;
  /** Table read from. @default config.tableName */
  readonly readerTableName?: string;
}

/** The outcome of one measurement; unreachable replicas are results, never exceptions. */
export interface DynamoDbMeasurement {
  readonly tableName: string;
  readonly writerRegion: string;
  readonly readerRegion: string;
  readonly writerReachable: boolean;
  readonly readerReachable: boolean;
  /** Whether the item became visible on the reader within the timeout. */
  readonly visible: boolean;
  /** Time from the writer's acknowledgement to the item being visible on the reader, in ms (when visible). */
  readonly lagMs?: number;
  /** The probe item's key value. */
  readonly token?: string;
  /** What failed, for example "not visible after 10 s". */
  readonly error?: string;
}

/** The measurement plus the fate of its metrics. */
export interface DynamoDbProbeSummary extends DynamoDbMeasurement {
  readonly metrics: PublishResult;
}

/** Metric names, the same as the SQL lag probe's (with a TableName dimension besides the Regions). */
export const DYNAMODB_PROBE_METRICS = {
  lag: 'ReplicationLag',
  writerReachable: 'WriterReachable',
  readerReachable: 'ReaderReachable',
} as const;

/**
 * Write-then-observe: puts a probe item into the writer's replica, then reads the reader's
 * replica until the item is there (eventually consistent reads: what an application in that
 * Region sees). Deletes the item afterwards. Never throws.
 */
export async function measureReplication(config: DynamoDbProbeConfig, targets: DynamoDbProbeTargets): Promise<DynamoDbMeasurement> {
  const pollMs = config.pollIntervalMs ?? 50;
  const readerTable = targets.readerTableName ?? config.tableName;
  const base = { tableName: config.tableName, writerRegion: config.writerRegion, readerRegion: config.readerRegion };
  const token = `multi-region-probe#${config.writerRegion}#${randomUUID()}`;
  const key: Record<string, { S: string }> = { [config.partitionKey]: { S: token } };
  if (config.sortKey) key[config.sortKey] = { S: 'probe' };
  const item: Record<string, { S: string } | { N: string }> = { ...key, writtenAt: { S: new Date().toISOString() } };
  if (config.timeToLiveAttribute) item[config.timeToLiveAttribute] = { N: String(Math.floor(Date.now() / 1000) + 3600) };

  let committedAt: number;
  try {
    await targets.writer.send(new PutItemCommand({ TableName: config.tableName, Item: item }));
    committedAt = performance.now();
  } catch (err) {
    return { ...base, writerReachable: false, readerReachable: await reachable(targets.reader, readerTable, key), visible: false, error: `write failed: ${describeError(err)}` };
  }

  try {
    const deadline = committedAt + config.visibilityTimeoutMs;
    while (performance.now() < deadline) {
      try {
        const out = await targets.reader.send(new GetItemCommand({ TableName: readerTable, Key: key }));
        if (out.Item) {
          return { ...base, writerReachable: true, readerReachable: true, visible: true, lagMs: Math.round(performance.now() - committedAt), token };
        }
      } catch (err) {
        return { ...base, writerReachable: true, readerReachable: false, visible: false, token, error: `reader failed: ${describeError(err)}` };
      }
      await sleep(Math.min(pollMs, Math.max(0, deadline - performance.now())));
    }
    return { ...base, writerReachable: true, readerReachable: true, visible: false, token, error: `not visible after ${config.visibilityTimeoutMs / 1000} s` };
  } finally {
    await targets.writer.send(new DeleteItemCommand({ TableName: config.tableName, Key: key })).catch(() => undefined);
  }
}

async function reachable(client: DynamoDBClient, table: string, key: Record<string, { S: string }>): Promise<boolean> {
  try {
    await client.send(new GetItemCommand({ TableName: table, Key: key }));
    return true;
  } catch {
    return false;
  }
}

/** The CloudWatch data of one measurement. When the item never showed up, the lag is the timeout (a lower bound). */
export function replicationMetricData(m: DynamoDbMeasurement, visibilityTimeoutMs: number, timestamp: Date): MetricDatum[] {
  const dims = [{ Name: 'TableName', Value: m.tableName }, { Name: 'WriterRegion', Value: m.writerRegion }, { Name: 'ReaderRegion', Value: m.readerRegion }];
  const data: MetricDatum[] = [
    { MetricName: DYNAMODB_PROBE_METRICS.writerReachable, Dimensions: dims, Value: m.writerReachable ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp },
    { MetricName: DYNAMODB_PROBE_METRICS.readerReachable, Dimensions: dims, Value: m.readerReachable ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp },
  ];
  if (m.visible && m.lagMs !== undefined) {
    data.push({ MetricName: DYNAMODB_PROBE_METRICS.lag, Dimensions: dims, Value: m.lagMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  } else if (m.writerReachable && m.readerReachable && m.token !== undefined) {
    data.push({ MetricName: DYNAMODB_PROBE_METRICS.lag, Dimensions: dims, Value: visibilityTimeoutMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  }
  return data;
}

/** Measures, then publishes. Always resolves with a summary. */
export async function runDynamoDbProbe(config: DynamoDbProbeConfig, targets: DynamoDbProbeTargets, cloudwatch: CloudWatchClient,
  options: { publishAttempts?: number; log?: (m: string) => void } = {}): Promise<DynamoDbProbeSummary> {
  const timestamp = new Date();
  const measurement = await measureReplication(config, targets);
  const metrics = await publishMetrics(cloudwatch, config.namespace, replicationMetricData(measurement, config.visibilityTimeoutMs, timestamp),
    { attempts: options.publishAttempts, log: options.log });
  return { ...measurement, metrics };
}
