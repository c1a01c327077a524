/**
 * Smoke tests of the integration-test harness: each server started by the globalSetup is up and usable the
 * way the library's integration tests will use it.
 */
import { spawnSync } from 'node:child_process';
import {
  CreateClusterCommand,
  DeleteClusterCommand,
  DSQLClient,
  GetClusterCommand,
  UpdateClusterCommand,
} from '@aws-sdk/client-dsql';
import { CloudWatchClient, GetMetricDataCommand, PutMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { CreateHealthCheckCommand, GetHealthCheckStatusCommand, Route53Client } from '@aws-sdk/client-route-53';
import { Client } from 'pg';
import { awsClientConfig, localstackEndpoint, motoEndpoint, postgresEndpoints, readEndpoints } from './harness/endpoints';
import { PostgresPair, startPostgresPair } from './harness/postgres';

const runId = `${Date.now()}-${process.pid}`;

describe('moto (Aurora DSQL)', () => {
  test('CreateCluster, GetCluster, UpdateCluster, DeleteCluster', async () => {
    const dsql = new DSQLClient(awsClientConfig(motoEndpoint(), 'us-west-2'));
    const created = await dsql.send(
      new CreateClusterCommand({ deletionProtectionEnabled: false, multiRegionProperties: { witnessRegion: 'us-east-2' } }),
    );
    expect(created.identifier).toMatch(/^[a-z0-9]+$/);
    expect(created.arn).toBe(`arn:aws:dsql:us-west-2:123456789012:cluster/${created.identifier}`);
    expect(created.status).toBe('CREATING');

    const got = await dsql.send(new GetClusterCommand({ identifier: created.identifier }));
    expect(got.status).toBe('ACTIVE');
    expect(got.multiRegionProperties).toEqual({ witnessRegion: 'us-east-2' });

    const peer = 'arn:aws:dsql:us-east-1:123456789012:cluster/peer';
    await dsql.send(
      new UpdateClusterCommand({ identifier: created.identifier, multiRegionProperties: { witnessRegion: 'us-east-2', clusters: [peer] } }),
    );
    const updated = await dsql.send(new GetClusterCommand({ identifier: created.identifier }));
    expect(updated.multiRegionProperties?.clusters).toEqual([peer]);

    const deleted = await dsql.send(new DeleteClusterCommand({ identifier: created.identifier }));
    expect(deleted.status).toBe('DELETING');
    await expect(dsql.send(new GetClusterCommand({ identifier: created.identifier }))).rejects.toMatchObject({
      name: 'ResourceNotFoundException',
    });
  });
});

describe('LocalStack', () => {
  test('CloudWatch PutMetricData then GetMetricData reads the value back', async () => {
    const cloudwatch = new CloudWatchClient(awsClientConfig(localstackEndpoint()));
    const namespace = `MultiRegionCdk/HarnessSmoke/${runId}`;
    const dimensions = [{ Name: 'Region', Value: 'us-east-1' }];
    const now = new Date();
    await cloudwatch.send(
      new PutMetricDataCommand({
        Namespace: namespace,
        MetricData: [{ MetricName: 'ReplicationLagSeconds', Value: 1.25, Unit: 'Seconds', Timestamp: now, Dimensions: dimensions }],
      }),
    );
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(now.getTime() - 5 * 60_000),
        EndTime: new Date(now.getTime() + 60_000),
        MetricDataQueries: [
          {
            Id: 'lag',
            MetricStat: { Metric: { Namespace: namespace, MetricName: 'ReplicationLagSeconds', Dimensions: dimensions }, Period: 60, Stat: 'Maximum' },
          },
        ],
      }),
    );
    expect(result.MetricDataResults?.[0]?.Values).toEqual([1.25]);
  });

  test('Route 53 CreateHealthCheck then GetHealthCheckStatus', async () => {
    const route53 = new Route53Client(awsClientConfig(localstackEndpoint()));
    const created = await route53.send(
      new CreateHealthCheckCommand({
        CallerReference: `harness-smoke-${runId}`,
        HealthCheckConfig: { Type: 'HTTPS', FullyQualifiedDomainName: 'app.example.com', Port: 443, ResourcePath: '/health' },
      }),
    );
    const id = created.HealthCheck?.Id;
    expect(id).toBeDefined();
    const status = await route53.send(new GetHealthCheckStatusCommand({ HealthCheckId: id }));
    // LocalStack answers with a fixed "Success" observation: it never probes the target.
    expect(status.HealthCheckObservations?.[0]?.StatusReport?.Status).toMatch(/^Success/);
  });
});

describe('PostgreSQL primary and streaming standbys', () => {
  const pg = () => postgresEndpoints();
  const clients: Client[] = [];
  async function connect(url: string): Promise<Client> {
    const client = new Client({ connectionString: url });
    await client.connect();
    clients.push(client);
    return client;
  }
  afterAll(async () => {
    await Promise.all(clients.map((c) => c.end()));
  });

  test('a row inserted on the primary is visible on the standby', async () => {
    const primary = await connect(pg().primaryUrl);
    const standby = await connect(pg().standbyUrl);
    await primary.query('CREATE TABLE IF NOT EXISTS harness_smoke (id text PRIMARY KEY, at timestamptz DEFAULT now())');
    await waitForTable(standby, 'harness_smoke', 5_000);
    await primary.query('INSERT INTO harness_smoke (id) VALUES ($1)', [`nodelay-${runId}`]);
    const elapsed = await waitForRow(standby, `nodelay-${runId}`, 5_000);
    expect(elapsed).toBeLessThan(1_000);
    expect((await standby.query('SELECT pg_is_in_recovery() AS r')).rows[0].r).toBe(true);
  });

  test('with recovery_min_apply_delay 2000 ms the row becomes visible about 2 s later', async () => {
    expect(pg().delayedStandbyApplyDelayMs).toBe(2000);
    const primary = await connect(pg().primaryUrl);
    const delayed = await connect(pg().delayedStandbyUrl);
    await primary.query('CREATE TABLE IF NOT EXISTS harness_smoke (id text PRIMARY KEY, at timestamptz DEFAULT now())');
    // Visible on the delayed standby only after the table exists there too (DDL commits are delayed as well).
    await waitForTable(delayed, 'harness_smoke', 10_000);
    const id = `delay-${runId}`;
    await primary.query('INSERT INTO harness_smoke (id) VALUES ($1)', [id]);
    const elapsed = await waitForRow(delayed, id, 10_000);
    expect(Math.abs(elapsed - 2000)).toBeLessThanOrEqual(200);
  });
});

describe('PostgreSQL pair started by a test file', () => {
  let pair: PostgresPair;
  beforeAll(async () => {
    pair = await startPostgresPair({ applyDelayMs: 0 });
  });
  afterAll(async () => {
    await pair?.stop();
  });

  test('setApplyDelay changes the delay of a running standby (ALTER SYSTEM + reload)', async () => {
    const primary = new Client({ connectionString: pair.primaryUrl });
    const standby = new Client({ connectionString: pair.standbyUrl });
    await primary.connect();
    await standby.connect();
    try {
      await primary.query('CREATE TABLE t (id int PRIMARY KEY)');
      await waitForTable(standby, 't', 5_000);
      await pair.setApplyDelay(500);
      await primary.query('INSERT INTO t VALUES (1)');
      const elapsed = await waitForRow(standby, 1, 5_000, 't');
      expect(Math.abs(elapsed - 500)).toBeLessThanOrEqual(200);
      await pair.setApplyDelay(0);
      await primary.query('INSERT INTO t VALUES (2)');
      expect(await waitForRow(standby, 2, 5_000, 't')).toBeLessThan(300);
    } finally {
      await primary.end();
      await standby.end();
    }
  });

  test('stopStandby and startStandby: the standby catches up after a restart', async () => {
    const primary = new Client({ connectionString: pair.primaryUrl });
    await primary.connect();
    try {
      await pair.stopStandby();
      await primary.query('INSERT INTO t VALUES (3)');
      await expect(new Client({ connectionString: pair.standbyUrl, connectionTimeoutMillis: 1_000 }).connect()).rejects.toThrow();
      await pair.startStandby();
      const standby = new Client({ connectionString: pair.standbyUrl });
      await standby.connect();
      try {
        await waitForRow(standby, 3, 10_000, 't');
      } finally {
        await standby.end();
      }
    } finally {
      await primary.end();
    }
  });
});

describe('Python tools', () => {
  test('cfn-lint runs from the venv', () => {
    const venv = readEndpoints().venv;
    expect(venv).toBeDefined();
    const r = spawnSync(venv!.cfnLint, ['--version'], { encoding: 'utf8' });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/cfn-lint 1\.58\.0/);
  });
});

/** Polls the standby every 10 ms until the row is visible; returns the ms elapsed since the call. */
async function waitForRow(client: Client, id: string | number, timeoutMs: number, table = 'harness_smoke'): Promise<number> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const r = await client.query(`SELECT 1 FROM ${table} WHERE id = $1`, [id]);
    if (r.rowCount === 1) return Date.now() - started;
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error(`row ${id} not visible in ${table} after ${timeoutMs} ms`);
}

async function waitForTable(client: Client, table: string, timeoutMs: number): Promise<void> {
  const started = Date.now();
  while (Date.now() - started < timeoutMs) {
    const r = await client.query('SELECT to_regclass($1) AS t', [table]);
    if (r.rows[0].t !== null) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`table ${table} not visible after ${timeoutMs} ms`);
}
