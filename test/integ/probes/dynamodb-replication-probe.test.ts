import { CreateTableCommand, DynamoDBClient, GetItemCommand, PutItemCommand, ScanCommand } from '@aws-sdk/client-dynamodb';
import { DynamoDbProbeConfig, measureReplication, runDynamoDbProbe } from '../../../lambda/dynamodb-replication-probe/probe';
import { awsClientConfig, motoEndpoint } from '../harness/endpoints';
import { localCloudWatch, readMetric } from './support/services';

/**
 * The DynamoDB replication probe's core against moto's DynamoDB (moto_server of the harness).
 *
 * Neither emulator replicates a global table: moto accepts no replica (UpdateTable's
 * ReplicaUpdates leave the table single-Region; checked with moto 5.2.5), and LocalStack's
 * DynamoDB needs DynamoDB Local, which it downloads at start (no network here). So the writer
 * and the reader are two tables, one per Region's moto backend, and this test's own
 * "replicator" copies each new item from the writer to the reader after a known delay: the
 * ground truth the probe must measure (within ±10 % or ±200 ms).
 */
const WRITER_TABLE = `orders-${Date.now()}`;
const READER_TABLE = `${WRITER_TABLE}-replica`;
let writer: DynamoDBClient;
let reader: DynamoDBClient;

const config = (extra: Partial<DynamoDbProbeConfig> = {}): DynamoDbProbeConfig => ({
  namespace: `ProbesInteg/ddb-${Date.now()}-${Math.round(Math.random() * 1e6)}`,
  tableName: WRITER_TABLE,
  partitionKey: 'pk',
  writerRegion: 'us-east-1',
  readerRegion: 'us-east-2',
  visibilityTimeoutMs: 4000,
  ...extra,
});

async function createTable(client: DynamoDBClient, name: string): Promise<void> {
  await client.send(new CreateTableCommand({
    TableName: name, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
}

/** Copies every item that appears in the writer's table to the reader's, `delayMs` after it was first seen. */
function replicator(delayMs: number): { stop: () => void } {
  const seen = new Set<string>();
  let running = true;
  const loop = async () => {
    while (running) {
      const out = await writer.send(new ScanCommand({ TableName: WRITER_TABLE })).catch(() => undefined);
      for (const item of out?.Items ?? []) {
        const pk = item.pk.S!;
        if (seen.has(pk)) continue;
        seen.add(pk);
        setTimeout(() => { void reader.send(new PutItemCommand({ TableName: READER_TABLE, Item: item })); }, delayMs);
      }
      await new Promise((r) => setTimeout(r, 10));
    }
  };
  void loop();
  return { stop: () => { running = false; } };
}

/** Within ±10 % or ±200 ms of the configured delay, whichever is wider. */
function expectNear(measured: number | undefined, delayMs: number): void {
  expect(measured).toBeDefined();
  expect(Math.abs(measured! - delayMs)).toBeLessThanOrEqual(Math.max(200, delayMs * 0.1));
}

beforeAll(async () => {
  writer = new DynamoDBClient(awsClientConfig(motoEndpoint(), 'us-east-1'));
  reader = new DynamoDBClient(awsClientConfig(motoEndpoint(), 'us-east-2'));
  await createTable(writer, WRITER_TABLE);
  await createTable(reader, READER_TABLE);
});

afterAll(() => {
  writer?.destroy();
  reader?.destroy();
});

test('moto keeps the two Regions apart (no replication, hence the two-table set-up)', async () => {
  await writer.send(new PutItemCommand({ TableName: WRITER_TABLE, Item: { pk: { S: 'region-check' } } }));
  await expect(reader.send(new GetItemCommand({ TableName: WRITER_TABLE, Key: { pk: { S: 'region-check' } } }))).rejects.toThrow(/not found/i);
});

test.each([[0], [1500]])('measures a replication delay of %i ms', async (delayMs) => {
  const copy = replicator(delayMs);
  try {
    const m = await measureReplication(config(), { writer, reader, readerTableName: READER_TABLE });
    expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true, tableName: WRITER_TABLE });
    expectNear(m.lagMs, delayMs);
    // The probe item is deleted from the writer afterwards.
    const left = await writer.send(new GetItemCommand({ TableName: WRITER_TABLE, Key: { pk: { S: m.token! } } }));
    expect(left.Item).toBeUndefined();
  } finally {
    copy.stop();
  }
});

test('an item that does not show up in time is reported as not visible after N s', async () => {
  const m = await measureReplication(config({ visibilityTimeoutMs: 1000 }), { writer, reader, readerTableName: READER_TABLE });
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: false, error: 'not visible after 1 s' });
});

test('an unreachable writer or reader is a result, not an exception', async () => {
  const dead = new DynamoDBClient({ ...awsClientConfig('http://127.0.0.1:1', 'us-east-1'), maxAttempts: 1 });
  try {
    const noWriter = await measureReplication(config(), { writer: dead, reader, readerTableName: READER_TABLE });
    expect(noWriter).toMatchObject({ writerReachable: false, readerReachable: true, visible: false });
    expect(noWriter.error).toMatch(/^write failed: /);
    const noReader = await measureReplication(config(), { writer, reader: dead, readerTableName: READER_TABLE });
    expect(noReader).toMatchObject({ writerReachable: true, readerReachable: false, visible: false });
    expect(noReader.error).toMatch(/^reader failed: /);
  } finally {
    dead.destroy();
  }
});

test('publishes lag and reachability with the TableName dimension, read back from LocalStack', async () => {
  const cloudwatch = localCloudWatch();
  const copy = replicator(300);
  try {
    const cfg = config();
    const summary = await runDynamoDbProbe(cfg, { writer, reader, readerTableName: READER_TABLE }, cloudwatch);
    expect(summary.metrics).toMatchObject({ calls: 1, published: 3, failed: 0 });
    const dims = { TableName: WRITER_TABLE, WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' };
    expect(await readMetric(cloudwatch, cfg.namespace, 'ReplicationLag', dims)).toEqual([summary.lagMs]);
    expect(await readMetric(cloudwatch, cfg.namespace, 'ReaderReachable', dims)).toEqual([1]);
  } finally {
    copy.stop();
    cloudwatch.destroy();
  }
});
