import { CreateClusterCommand, DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';
import { Client } from 'pg';
import { endpointProvider } from '../../../lambda/lag-probe/endpoints';
import { DsqlProbeConfig, DsqlProbeEndpoints, measureDsql, runDsqlProbe } from '../../../lambda/dsql-probe/probe';
import { awsClientConfig, motoEndpoint, postgresEndpoints, PostgresEndpoints } from '../harness/endpoints';
import { getFreePort } from '../harness/free-port';
import { localCloudWatch, readMetric } from './support/services';

/**
 * The DSQL probe's core. Aurora DSQL speaks the PostgreSQL wire protocol, and no emulator has a
 * DSQL data plane (moto has the control plane only), so each "Region's endpoint" is a database
 * of the harness's PostgreSQL:
 * - a synchronous pair: both Regions on the same database (what strong consistency promises:
 *   a commit is visible at the other endpoint at once);
 * - a broken pair: the peer is a second database that never gets the write, so every
 *   read-after-write misses: the violation the probe exists to catch;
 * - an asynchronous standby posing as a peer (2 s apply delay): it misses too, and refuses writes.
 * moto gives a real cluster identifier, Region and endpoint name for the IAM-token path.
 */
let pg: PostgresEndpoints;
let otherUrl: string;

const config = (extra: Partial<DsqlProbeConfig> = {}): DsqlProbeConfig => ({
  namespace: `ProbesInteg/dsql-${Date.now()}-${Math.round(Math.random() * 1e6)}`,
  database: 'orders',
  connectTimeoutMs: 3000,
  ...extra,
});
const url = (u: string) => async () => ({ connectionString: u });
const pair = (localUrl: string, peerUrl?: string): DsqlProbeEndpoints => ({
  local: { region: 'us-east-1', connect: url(localUrl) },
  peer: peerUrl ? { region: 'us-east-2', connect: url(peerUrl) } : undefined,
});

beforeAll(async () => {
  pg = postgresEndpoints();
  const admin = new Client({ connectionString: pg.primaryUrl });
  await admin.connect();
  try {
    const exists = await admin.query("SELECT 1 FROM pg_database WHERE datname = 'dsql_probe_other'");
    if (!exists.rowCount) await admin.query('CREATE DATABASE dsql_probe_other');
  } finally {
    await admin.end();
  }
  otherUrl = pg.primaryUrl.replace(/\/postgres$/, '/dsql_probe_other');
});

test('a synchronous pair: commit latency measured, read-after-write holds both ways, metrics read back from LocalStack', async () => {
  const cloudwatch = localCloudWatch();
  const cfg = config();
  const summary = await runDsqlProbe(cfg, pair(pg.primaryUrl, pg.primaryUrl), cloudwatch);
  expect(summary.errors).toEqual([]);
  expect(summary.reachability).toEqual([{ region: 'us-east-1', reachable: true }, { region: 'us-east-2', reachable: true }]);
  expect(summary.commitLatencyMs).toBeGreaterThan(0);
  expect(summary.commitLatencyMs).toBeLessThan(1000);
  expect(summary.readAfterWrite.map((r) => [r.writerRegion, r.readerRegion, r.violation])).toEqual([
    ['us-east-1', 'us-east-2', false],
    ['us-east-2', 'us-east-1', false],
  ]);
  // Reachable x2, CommitLatency, ReadAfterWriteViolation x2, in one call.
  expect(summary.metrics).toEqual({ calls: 1, published: 5, failed: 0, errors: [] });
  const db = { Database: 'orders' };
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReadAfterWriteViolation', { ...db, WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' })).toEqual([0]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReadAfterWriteViolation', { ...db, WriterRegion: 'us-east-2', ReaderRegion: 'us-east-1' })).toEqual([0]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'CommitLatency', { ...db, Region: 'us-east-1' })).toEqual([summary.commitLatencyMs]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'EndpointReachable', { ...db, Region: 'us-east-2' }, 'Minimum')).toEqual([1]);
  cloudwatch.destroy();
});

test('a peer that never gets the write: a violation both ways, published as 1', async () => {
  const cloudwatch = localCloudWatch();
  const cfg = config();
  const summary = await runDsqlProbe(cfg, pair(pg.primaryUrl, otherUrl), cloudwatch);
  expect(summary.reachability.every((r) => r.reachable)).toBe(true);
  expect(summary.readAfterWrite.map((r) => [r.writerRegion, r.readerRegion, r.violation])).toEqual([
    ['us-east-1', 'us-east-2', true],
    ['us-east-2', 'us-east-1', true],
  ]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReadAfterWriteViolation', { Database: 'orders', WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' })).toEqual([1]);
  expect(await readMetric(cloudwatch, cfg.namespace, 'ReadAfterWriteViolation', { Database: 'orders', WriterRegion: 'us-east-2', ReaderRegion: 'us-east-1' })).toEqual([1]);
  cloudwatch.destroy();
});

test('an asynchronous standby posing as a peer misses the fresh commit, and its refused write is reported, not thrown', async () => {
  const m = await measureDsql(config(), pair(pg.primaryUrl, pg.delayedStandbyUrl));
  expect(m.readAfterWrite).toEqual([expect.objectContaining({ writerRegion: 'us-east-1', readerRegion: 'us-east-2', violation: true })]);
  // The standby refuses the table (when it has not replayed it yet) or the write: either way a read-only transaction.
  expect(m.errors.join('; ')).toMatch(/in us-east-2 failed: [^;]*read-only transaction/);
  // A SQL error is not an unreachable endpoint.
  expect(m.reachability.every((r) => r.reachable)).toBe(true);
});

test('an unreachable peer is reported (EndpointReachable 0); the local commit is still timed and no read-after-write is claimed', async () => {
  const cloudwatch = localCloudWatch();
  const cfg = config();
  const summary = await runDsqlProbe(cfg, pair(pg.primaryUrl, `postgres://postgres@127.0.0.1:${await getFreePort()}/postgres`), cloudwatch);
  expect(summary.reachability[1]).toMatchObject({ region: 'us-east-2', reachable: false, error: expect.stringMatching(/ECONNREFUSED/) });
  expect(summary.commitLatencyMs).toBeGreaterThan(0);
  expect(summary.readAfterWrite).toEqual([]);
  expect(summary.errors[0]).toMatch(/^us-east-2 unreachable: /);
  expect(summary.metrics).toMatchObject({ published: 3, failed: 0 });
  expect(await readMetric(cloudwatch, cfg.namespace, 'EndpointReachable', { Database: 'orders', Region: 'us-east-2' }, 'Minimum')).toEqual([0]);
  cloudwatch.destroy();
});

test('without a peer: reachability and commit latency of its own Region only', async () => {
  const m = await measureDsql(config(), pair(pg.primaryUrl));
  expect(m).toMatchObject({ region: 'us-east-1', reachability: [{ region: 'us-east-1', reachable: true }], readAfterWrite: [], errors: [] });
  expect(m.commitLatencyMs).toBeGreaterThan(0);
});

test('keeps its table small: deletes its own Region\'s rows past the retention', async () => {
  const table = 'dsql_probe_small';
  const admin = new Client({ connectionString: pg.primaryUrl });
  await admin.connect();
  try {
    await admin.query(`DROP TABLE IF EXISTS ${table}`);
    await measureDsql(config({ table }), pair(pg.primaryUrl));
    await admin.query(`INSERT INTO ${table} VALUES ('old-row', 'us-east-1', now() - interval '2 hours'), ('other-region', 'eu-west-1', now() - interval '2 hours')`);
    await measureDsql(config({ table, retentionSeconds: 3600 }), pair(pg.primaryUrl));
    const tokens = (await admin.query(`SELECT token FROM ${table}`)).rows.map((r) => r.token);
    expect(tokens).toHaveLength(3);
    expect(tokens).toContain('other-region');
    expect(tokens).not.toContain('old-row');
  } finally {
    await admin.end();
  }
});

test('a DSQL cluster from moto: the IAM-token provider signs for its endpoint, and with no data plane behind it the endpoint is reported unreachable', async () => {
  const dsql = new DSQLClient(awsClientConfig(motoEndpoint(), 'us-east-1'));
  const created = await dsql.send(new CreateClusterCommand({ deletionProtectionEnabled: false }));
  const cluster = await dsql.send(new GetClusterCommand({ identifier: created.identifier! }));
  dsql.destroy();
  // moto answers GetCluster without an endpoint; the endpoint's documented form is <id>.dsql.<region>.on.aws.
  const host = (cluster as { endpoint?: string }).endpoint ?? `${cluster.identifier}.dsql.us-east-1.on.aws`;
  const saved = { ...process.env };
  Object.assign(process.env, { AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test', AWS_REGION: 'us-east-1' });
  try {
    const provider = endpointProvider({ kind: 'dsql', host, region: 'us-east-1', user: 'admin' });
    const settings = await provider();
    expect(settings).toMatchObject({ host, port: 5432, database: 'postgres', user: 'admin', ssl: { rejectUnauthorized: true } });
    expect(String(settings.password)).toMatch(new RegExp(`^${host.replace(/\./g, '\\.')}/\\?Action=DbConnectAdmin&.*X-Amz-Signature=`));
    const m = await measureDsql(config({ connectTimeoutMs: 2000 }), { local: { region: 'us-east-1', connect: provider } });
    expect(m.reachability).toEqual([expect.objectContaining({ region: 'us-east-1', reachable: false })]);
    expect(m.commitLatencyMs).toBeUndefined();
  } finally {
    process.env = saved;
  }
});
