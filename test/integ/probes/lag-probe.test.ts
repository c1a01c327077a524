import { Client } from 'pg';
import { HeartbeatEndpoint, LagProbeConfig, LagProbeEndpoints, measureLag, runLagProbe, withOccRetry } from '../../../lambda/lag-probe/probe';
import { postgresEndpoints, PostgresEndpoints } from '../harness/endpoints';
import { PostgresPair, startPostgresPair } from '../harness/postgres';
import { localCloudWatch, readMetric } from './support/services';

/**
 * The lag probe's core against real PostgreSQL streaming standbys whose
 * `recovery_min_apply_delay` is the ground truth: the harness's standby (0 ms) and delayed
 * standby, and a pair of this file's own for stopping a standby.
 */
let pg: PostgresEndpoints;
const endpointsTo = (readerUrl: string, writerUrl = pg.primaryUrl): LagProbeEndpoints => ({
  writer: async () => ({ connectionString: writerUrl }),
  reader: async () => ({ connectionString: readerUrl }),
});
const config = (extra: Partial<LagProbeConfig> = {}): LagProbeConfig => ({
  namespace: `ProbesInteg/lag-${Date.now()}-${Math.round(Math.random() * 1e6)}`,
  writerRegion: 'us-east-1',
  readerRegion: 'us-east-2',
  visibilityTimeoutMs: 8000,
  ...extra,
});

beforeAll(() => {
  pg = postgresEndpoints();
});

/** Within ±10 % or ±200 ms of the configured delay, whichever is wider. */
function expectNear(measured: number | undefined, delayMs: number): void {
  expect(measured).toBeDefined();
  expect(Math.abs(measured! - delayMs)).toBeLessThanOrEqual(Math.max(200, delayMs * 0.1));
}

test('measures a standby without apply delay as near 0 ms', async () => {
  const m = await measureLag(config(), endpointsTo(pg.standbyUrl));
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true, writeRetries: 0 });
  expectNear(m.lagMs, 0);
});

test('measures the configured apply delay of the delayed standby (2 s)', async () => {
  expect(pg.delayedStandbyApplyDelayMs).toBe(2000);
  const m = await measureLag(config(), endpointsTo(pg.delayedStandbyUrl));
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true });
  expectNear(m.lagMs, pg.delayedStandbyApplyDelayMs);
});

test('a row that does not show up in time is reported as not visible after N s', async () => {
  const m = await measureLag(config({ visibilityTimeoutMs: 1000 }), endpointsTo(pg.delayedStandbyUrl));
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: false, error: 'not visible after 1 s' });
});

test('creates its heartbeat table and keeps only recent rows of its writer Region', async () => {
  const table = 'probe_heartbeat_small';
  const admin = new Client({ connectionString: pg.primaryUrl });
  await admin.connect();
  try {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await measureLag(config({ table }), endpointsTo(pg.standbyUrl));
    await admin.query(`INSERT INTO ${table} VALUES ('old-row', 'us-east-1', now() - interval '2 hours'), ('other-region', 'eu-west-1', now() - interval '2 hours')`);
    await measureLag(config({ table, retentionSeconds: 3600 }), endpointsTo(pg.standbyUrl));
    const rows = await admin.query(`SELECT token FROM ${table} ORDER BY written_at`);
    expect(rows.rows.map((r) => r.token)).toHaveLength(3);
    expect(rows.rows.map((r) => r.token)).toContain('other-region');
    expect(rows.rows.map((r) => r.token)).not.toContain('old-row');
  } finally {
    await admin.end();
  }
});

test('publishes lag and reachability, read back from LocalStack', async () => {
  const cloudwatch = localCloudWatch();
  const cfg = config();
  const summary = await runLagProbe(cfg, endpointsTo(pg.delayedStandbyUrl), cloudwatch);
  expect(summary.metrics).toMatchObject({ calls: 1, published: 4, failed: 0 });
  const dims = { WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' };
  expect(await readMetric(cloudwatch, cfg.namespace, 'WriterReadOnly', dims)).toEqual([0]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReplicationLag', dims)).toEqual([summary.lagMs]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'WriterReachable', dims)).toEqual([1]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReaderReachable', dims)).toEqual([1]);
  cloudwatch.destroy();
});

test('retries serialization and DSQL optimistic-concurrency failures, and gives up on other errors', async () => {
  let calls = 0;
  const retries = await withOccRetry(async () => {
    calls++;
    if (calls === 1) throw Object.assign(new Error('could not serialize access'), { code: '40001' });
    if (calls === 2) throw Object.assign(new Error('change conflicts with another transaction'), { code: 'OC000' });
  });
  expect(retries).toBe(2);
  await expect(withOccRetry(async () => { throw Object.assign(new Error('syntax'), { code: '42601' }); })).rejects.toThrow('syntax');
});

describe('with a standby of its own', () => {
  let pair: PostgresPair;
  beforeAll(async () => {
    pair = await startPostgresPair({ name: 'probes-lag-stop' });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  test('a stopped standby is reported unreachable, not thrown, and the reachability metrics still go out', async () => {
    const before = await measureLag(config(), endpointsTo(pair.standbyUrl, pair.primaryUrl));
    expect(before).toMatchObject({ readerReachable: true, visible: true });
    await pair.stopStandby();
    const cloudwatch = localCloudWatch();
    const cfg = config();
    const summary = await runLagProbe(cfg, endpointsTo(pair.standbyUrl, pair.primaryUrl), cloudwatch);
    expect(summary).toMatchObject({ writerReachable: true, readerReachable: false, visible: false });
    expect(summary.error).toMatch(/reader unreachable: .*ECONNREFUSED/);
    expect(summary.metrics).toMatchObject({ published: 3, failed: 0 });
    expect(await readMetric(cloudwatch, cfg.namespace, 'ReaderReachable', { WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' })).toEqual([0]);
    cloudwatch.destroy();
  });
});

test('a read-only writer (the harness\'s standby, as an Aurora old primary after a switchover) is published as WriterReadOnly = 1 by Database, not silence', async () => {
  const cloudwatch = localCloudWatch();
  const cfg = config({ database: 'ledger' });
  const summary = await runLagProbe(cfg, endpointsTo(pg.standbyUrl, pg.standbyUrl), cloudwatch);
  expect(summary).toMatchObject({ writerReachable: true, readerReachable: true, writerReadOnly: true, visible: false });
  expect(summary.error).toMatch(/writer is read-only \(not the primary\): 25006: cannot execute CREATE TABLE in a read-only transaction/);
  expect(summary.metrics).toMatchObject({ published: 3, failed: 0 });
  const dims = { Database: 'ledger', WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' };
  expect(await readMetric(cloudwatch, cfg.namespace, 'WriterReadOnly', dims)).toEqual([1]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'WriterReachable', dims)).toEqual([1]);
  cloudwatch.destroy();
});

test('an unreachable writer is reported too', async () => {
  const m = await measureLag(config(), endpointsTo(pg.standbyUrl, 'postgres://postgres@127.0.0.1:1/postgres'));
  expect(m).toMatchObject({ writerReachable: false, readerReachable: true, visible: false });
  expect(m.error).toMatch(/writer unreachable/);
});

test('a store of another kind plugs in as a HeartbeatEndpoint (an in-memory replica applying writes 300 ms late)', async () => {
  const applied = new Map<string, number>();
  const store = (side: 'writer' | 'reader'): HeartbeatEndpoint => ({
    open: async () => ({
      prepare: async () => undefined,
      write: async (h) => { applied.set(h.token, performance.now() + 300); return 0; },
      isVisible: async (token) => side === 'writer' || (applied.get(token) ?? Infinity) <= performance.now(),
      prune: async () => undefined,
      isUnreachable: () => false,
      close: async () => undefined,
    }),
  });
  const m = await measureLag(config(), { writer: store('writer'), reader: store('reader') });
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true });
  expectNear(m.lagMs, 300);
  const down: HeartbeatEndpoint = { open: async () => { throw new Error('ResourceNotFoundException: no such table'); } };
  expect(await measureLag(config(), { writer: store('writer'), reader: down })).toMatchObject({ readerReachable: false, error: expect.stringMatching(/reader unreachable: .*no such table/) });
});
