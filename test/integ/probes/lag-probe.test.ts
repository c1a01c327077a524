import * as path from 'path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Client } from 'pg';
import { LagProbeConfig, measureLag, runLagProbe, withOccRetry } from '../../../lambda/lag-probe/probe';
import { PostgresPair, setApplyDelay, startPostgresPair, stopNode, stopPostgresPair } from './support/postgres-pair';
import { localstackUrl, readMetric, TEST_CREDENTIALS } from './support/services';

/**
 * The lag probe's core against a real PostgreSQL primary and streaming standby whose
 * `recovery_min_apply_delay` is the ground truth. The pair is this file's own (under
 * .integ/), because the tests change the standby's delay and finally stop it.
 */
let pair: PostgresPair;
const endpoints = () => ({
  writer: async () => ({ connectionString: pair.primaryUrl }),
  reader: async () => ({ connectionString: pair.standbyUrl }),
});
const config = (extra: Partial<LagProbeConfig> = {}): LagProbeConfig => ({
  namespace: `ProbesInteg/lag-${Date.now()}`,
  writerRegion: 'us-east-1',
  readerRegion: 'us-east-2',
  visibilityTimeoutMs: 6000,
  ...extra,
});

beforeAll(async () => {
  pair = await startPostgresPair(path.join(__dirname, '..', '..', '..', '.integ', 'probes-postgres'), 0);
}, 120_000);

afterAll(() => {
  if (pair) stopPostgresPair(pair);
});

/** Within ±10 % or ±200 ms of the configured delay, whichever is wider. */
function expectNear(measured: number, delayMs: number): void {
  const tolerance = Math.max(200, delayMs * 0.1);
  expect(Math.abs(measured - delayMs)).toBeLessThanOrEqual(tolerance);
}

test.each([0, 2000])('measures a configured apply delay of %i ms', async (delayMs) => {
  await setApplyDelay(pair, delayMs);
  const m = await measureLag(config(), endpoints());
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true, writeRetries: 0 });
  expectNear(m.lagMs!, delayMs);
}, 30_000);

test('creates its heartbeat table and keeps only recent rows', async () => {
  await setApplyDelay(pair, 0);
  const table = 'probe_heartbeat_small';
  const admin = new Client({ connectionString: pair.primaryUrl });
  await admin.connect();
  try {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await measureLag(config({ table }), endpoints());
    await admin.query(`INSERT INTO ${table} VALUES ('old-row', 'us-east-1', now() - interval '2 hours')`);
    await measureLag(config({ table, retentionSeconds: 3600 }), endpoints());
    const rows = await admin.query(`SELECT token FROM ${table}`);
    expect(rows.rowCount).toBe(2);
    expect(rows.rows.map((r) => r.token)).not.toContain('old-row');
  } finally {
    await admin.end();
  }
}, 30_000);

test('publishes lag and reachability, read back from LocalStack', async () => {
  await setApplyDelay(pair, 500);
  const cloudwatch = new CloudWatchClient({ endpoint: localstackUrl(), region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const cfg = config();
  const summary = await runLagProbe(cfg, endpoints(), cloudwatch);
  expect(summary.metrics).toMatchObject({ calls: 1, published: 3, failed: 0 });
  const dims = { WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' };
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReplicationLag', dims)).toEqual([summary.lagMs]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'WriterReachable', dims)).toEqual([1]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReaderReachable', dims)).toEqual([1]);
  cloudwatch.destroy();
}, 30_000);

test('a row that does not show up in time is reported as not visible after N s', async () => {
  await setApplyDelay(pair, 3000);
  const m = await measureLag(config({ visibilityTimeoutMs: 1000 }), endpoints());
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: false, error: 'not visible after 1 s' });
  await setApplyDelay(pair, 0);
}, 30_000);

test('retries serialization failures and gives up on other errors', async () => {
  let calls = 0;
  const retries = await withOccRetry(async () => {
    calls++;
    if (calls < 3) throw Object.assign(new Error('change conflicts with another transaction'), { code: 'OC000' });
  });
  expect(retries).toBe(2);
  await expect(withOccRetry(async () => { throw Object.assign(new Error('syntax'), { code: '42601' }); })).rejects.toThrow('syntax');
});

test('a stopped standby is reported unreachable, not thrown', async () => {
  stopNode(pair, 'standby');
  const cloudwatch = new CloudWatchClient({ endpoint: localstackUrl(), region: 'us-east-1', credentials: TEST_CREDENTIALS });
  const summary = await runLagProbe(config(), endpoints(), cloudwatch);
  cloudwatch.destroy();
  expect(summary).toMatchObject({ writerReachable: true, readerReachable: false, visible: false });
  expect(summary.error).toMatch(/reader unreachable: .*ECONNREFUSED/);
  expect(summary.metrics).toMatchObject({ published: 2, failed: 0 });
}, 30_000);

test('an unreachable writer is reported too', async () => {
  const m = await measureLag(config(), { writer: async () => ({ connectionString: 'postgres://postgres@127.0.0.1:1/postgres' }), reader: endpoints().reader });
  expect(m).toMatchObject({ writerReachable: false, visible: false });
  expect(m.error).toMatch(/writer unreachable/);
}, 30_000);
