import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import * as net from 'net';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CreateClusterCommand, DeleteClusterCommand, DSQLClient } from '@aws-sdk/client-dsql';
import { checkDsqlCluster, checkTarget, HealthProbeConfig, MAX_BODY_BYTES, runHealthProbe } from '../../../lambda/health-probe/probe';
import { batchMetricData, publishMetrics } from '../../../lambda/shared/metrics';
import { awsClientConfig, localstackEndpoint, motoEndpoint } from '../harness/endpoints';
import { getFreePort as freePort } from '../harness/free-port';
import { readMetric } from './support/services';

/**
 * The health probe's core against real local HTTP servers, publishing to LocalStack's
 * CloudWatch, with moto for the DSQL cluster check. It never calls Route 53.
 */
const TIMEOUT_MS = 800;
let server: http.Server;
let hangServer: net.Server;
let base: string;
let hangUrl: string;
let refusedUrl: string;
let tlsServer: https.Server;
let selfSignedUrl: string;
let cloudwatch: CloudWatchClient;
const hanging: net.Socket[] = [];

beforeAll(async () => {
  server = http.createServer((req, res) => {
    if (req.url === '/ok') { res.writeHead(200); res.end('status: ok'); return; }
    if (req.url === '/error') { res.writeHead(500); res.end('boom'); return; }
    if (req.url === '/redirect') { res.writeHead(302, { location: '/ok' }); res.end(); return; }
    // 4 MB of padding, then the marker: past what the probe reads.
    if (req.url === '/big') { res.writeHead(200); res.end(`${'x'.repeat(4 * 1024 * 1024)}status: ok`); return; }
    // Answers, but only long after the probe's timeout.
    if (req.url === '/slow') { setTimeout(() => { res.writeHead(200); res.end('late'); }, TIMEOUT_MS * 4).unref(); return; }
    res.writeHead(404); res.end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  // Accepts the connection and never says a word.
  hangServer = net.createServer((s) => { hanging.push(s); });
  await new Promise<void>((r) => hangServer.listen(0, '127.0.0.1', r));
  hangUrl = `http://127.0.0.1:${(hangServer.address() as net.AddressInfo).port}/`;
  refusedUrl = `http://127.0.0.1:${await freePort()}/health`;
  // A self-signed certificate, which the probe (like any client) must refuse.
  const certDir = fs.mkdtempSync(path.join(os.tmpdir(), 'probes-tls-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-keyout', path.join(certDir, 'key.pem'), '-out', path.join(certDir, 'cert.pem')], { stdio: 'ignore' });
  tlsServer = https.createServer({ key: fs.readFileSync(path.join(certDir, 'key.pem')), cert: fs.readFileSync(path.join(certDir, 'cert.pem')) }, (_req, res) => { res.writeHead(200); res.end('ok'); });
  fs.rmSync(certDir, { recursive: true, force: true });
  await new Promise<void>((r) => tlsServer.listen(0, '127.0.0.1', r));
  selfSignedUrl = `https://127.0.0.1:${(tlsServer.address() as net.AddressInfo).port}/`;
  cloudwatch = new CloudWatchClient(awsClientConfig(localstackEndpoint()));
});

afterAll(async () => {
  hanging.forEach((s) => s.destroy());
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => hangServer.close(r));
  await new Promise((r) => tlsServer.close(r));
  cloudwatch.destroy();
});

function config(namespace: string, extra: Partial<HealthProbeConfig> = {}): HealthProbeConfig {
  return {
    region: 'us-east-1',
    namespace,
    timeoutMs: TIMEOUT_MS,
    targets: [
      { name: 'healthy', url: `${base}/ok`, expectedStatus: 200, bodyContains: 'ok' },
      { name: 'error', url: `${base}/error`, expectedStatus: 200 },
      { name: 'slow', url: `${base}/slow` },
      { name: 'silent', url: hangUrl },
      { name: 'refused', url: refusedUrl },
      { name: 'wrong-body', url: `${base}/ok`, bodyContains: 'degraded' },
      { name: 'self-signed', url: selfSignedUrl },
      // .invalid never resolves (RFC 6761), so this is a DNS failure on any machine.
      { name: 'no-dns', url: 'http://probe-target.invalid/health' },
    ],
    ...extra,
  };
}

test('measures every target in parallel, one bad target never stops the others, and the metrics read back', async () => {
  const namespace = `ProbesInteg/health-${Date.now()}`;
  const summary = await runHealthProbe(config(namespace), { cloudwatch });

  const byName = Object.fromEntries(summary.targets.map((t) => [t.name, t]));
  expect(byName.healthy).toMatchObject({ healthy: true, status: 200 });
  expect(byName.error).toMatchObject({ healthy: false, status: 500, failure: 'status' });
  expect(byName.slow).toMatchObject({ healthy: false, failure: 'timeout' });
  expect(byName.silent).toMatchObject({ healthy: false, failure: 'timeout' });
  expect(byName.refused).toMatchObject({ healthy: false, failure: 'connection' });
  expect(byName['wrong-body']).toMatchObject({ healthy: false, status: 200, failure: 'body' });
  expect(byName['self-signed']).toMatchObject({ healthy: false, failure: 'tls' });
  expect(byName['no-dns']).toMatchObject({ healthy: false, failure: 'dns' });
  expect(byName.slow.latencyMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 20);
  expect(summary.regionHealthy).toBe(false);
  // No target's measurement outlives its timeout by much (the DNS failure depends on the resolver).
  for (const t of summary.targets.filter((r) => r.name !== 'no-dns')) expect(t.latencyMs).toBeLessThan(TIMEOUT_MS + 500);
  // 8 targets x (Healthy + Latency) + RegionHealthy, all in a single PutMetricData call.
  expect(summary.metrics).toEqual({ calls: 1, published: 17, failed: 0, errors: [] });

  const dims = (target: string) => ({ Region: 'us-east-1', Target: target });
  expect(await readMetric(cloudwatch, namespace, 'Healthy', dims('healthy'))).toEqual([1]);
  for (const bad of ['error', 'slow', 'silent', 'refused', 'wrong-body', 'self-signed', 'no-dns']) {
    expect(await readMetric(cloudwatch, namespace, 'Healthy', dims(bad))).toEqual([0]);
  }
  const [latency] = await readMetric(cloudwatch, namespace, 'Latency', dims('healthy'));
  expect(latency).toBeGreaterThanOrEqual(0);
  expect(latency).toBeLessThan(TIMEOUT_MS);
  expect(await readMetric(cloudwatch, namespace, 'RegionHealthy', { Region: 'us-east-1' })).toEqual([0]);
});

test('targets are measured in parallel: two slow ones cost one timeout, not two', async () => {
  const targets = config('unused').targets.filter((t) => t.name !== 'no-dns');
  const started = Date.now();
  const results = await Promise.all(targets.map((t) => checkTarget(t, TIMEOUT_MS)));
  const wall = Date.now() - started;
  expect(results.filter((r) => r.failure === 'timeout')).toHaveLength(2);
  expect(wall).toBeLessThan(TIMEOUT_MS * 1.5);
});

test('a redirect is reported as its own status; a long body is discarded, or searched only up to MAX_BODY_BYTES', async () => {
  expect(await checkTarget({ name: 'r', url: `${base}/redirect` }, TIMEOUT_MS)).toMatchObject({ healthy: false, status: 302, failure: 'status' });
  expect(await checkTarget({ name: 'r', url: `${base}/redirect`, expectedStatus: 302 }, TIMEOUT_MS)).toMatchObject({ healthy: true, status: 302 });
  expect(await checkTarget({ name: 'big', url: `${base}/big` }, 5000)).toMatchObject({ healthy: true, status: 200 });
  expect(await checkTarget({ name: 'big', url: `${base}/big`, bodyContains: 'status: ok' }, 5000)).toMatchObject({ healthy: false, failure: 'body' });
  expect(MAX_BODY_BYTES).toBe(256 * 1024);
});

test('a Region whose targets all answer is healthy', async () => {
  const namespace = `ProbesInteg/healthy-${Date.now()}`;
  const summary = await runHealthProbe({ region: 'us-east-2', namespace, timeoutMs: TIMEOUT_MS, targets: [{ name: 'api', url: `${base}/ok` }] }, { cloudwatch });
  expect(summary.regionHealthy).toBe(true);
  expect(await readMetric(cloudwatch, namespace, 'RegionHealthy', { Region: 'us-east-2' })).toEqual([1]);
});

test('the bundled handler carries no Route 53 client: no GetHealthCheckStatus at production query rates', () => {
  const bundle = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'assets', 'lambda', 'health-probe', 'index.js'), 'utf8');
  expect(bundle).not.toMatch(/GetHealthCheckStatus|route53/i);
});

test('a batch LocalStack rejects is retried, logged, and never thrown', async () => {
  // LocalStack accepts any namespace and value the probe itself could produce; a datum with
  // mismatched Values and Counts is one it rejects (InvalidParameterValue), as CloudWatch does.
  const logged: string[] = [];
  const result = await publishMetrics(cloudwatch, 'ProbesInteg/rejected', [
    { MetricName: 'Healthy', Value: 1 },
    { MetricName: 'Latency', Values: [1, 2], Counts: [1] },
  ], { attempts: 2, backoffMs: 10, log: (m) => logged.push(m) });
  expect(result).toMatchObject({ calls: 0, published: 0, failed: 2 });
  expect(result.errors[0]).toMatch(/failed after 2 attempt\(s\): InvalidParameterValue.*must be of the same size/);
  expect(logged).toEqual(result.errors);
});

test('an unreachable CloudWatch endpoint does not lose the summary either', async () => {
  const dead = new CloudWatchClient({ ...awsClientConfig(`http://127.0.0.1:${await freePort()}`), maxAttempts: 1 });
  const logged: string[] = [];
  const summary = await runHealthProbe(config('ProbesInteg/dead', { targets: [{ name: 'api', url: `${base}/ok` }] }), { cloudwatch: dead }, { publishAttempts: 2, log: (m) => logged.push(m) });
  dead.destroy();
  expect(summary.regionHealthy).toBe(true);
  expect(summary.metrics.failed).toBe(3);
  expect(logged).toHaveLength(1);
});

test('batches follow the PutMetricData limit of 1000 metrics per call', async () => {
  const data = Array.from({ length: 2500 }, (_, i) => ({ MetricName: 'Healthy', Dimensions: [{ Name: 'Target', Value: `t${i}` }], Value: 1 }));
  expect(batchMetricData(data).map((b) => b.length)).toEqual([1000, 1000, 500]);
  const result = await publishMetrics(cloudwatch, `ProbesInteg/batches-${Date.now()}`, data);
  expect(result).toMatchObject({ calls: 3, published: 2500, failed: 0 });
}, 120_000);

test("the Region's DSQL cluster counts towards its health: ACTIVE is healthy, anything else is not (moto)", async () => {
  const dsql = new DSQLClient(awsClientConfig(motoEndpoint(), 'us-east-1'));
  const created = await dsql.send(new CreateClusterCommand({ deletionProtectionEnabled: false }));
  const id = created.identifier!;
  const namespace = `ProbesInteg/dsql-${Date.now()}`;
  const summary = await runHealthProbe(config(namespace, { targets: [{ name: 'api', url: `${base}/ok` }], dsqlClusterIdentifier: id }), { cloudwatch, dsql });
  expect(summary.dsql).toEqual({ identifier: id, status: 'ACTIVE', healthy: true });
  expect(summary.regionHealthy).toBe(true);
  expect(await readMetric(cloudwatch, namespace, 'DsqlClusterActive', { Region: 'us-east-1', Target: id })).toEqual([1]);

  await dsql.send(new DeleteClusterCommand({ identifier: id }));
  const gone = await checkDsqlCluster(dsql, id);
  expect(gone).toMatchObject({ identifier: id, healthy: false, error: expect.stringMatching(/ResourceNotFound/) });
  const after = await runHealthProbe(config(`${namespace}-after`, { targets: [{ name: 'api', url: `${base}/ok` }], dsqlClusterIdentifier: id }), { cloudwatch, dsql });
  expect(after.regionHealthy).toBe(false);
  dsql.destroy();
});
