/**
 * `npm run bench:probes`: figures for the probes, printed, never asserted.
 *
 * - Health probe against 50 local targets of which 5 never answer: wall time of one run as a
 *   multiple of the per-target timeout (target <= 1.2x).
 * - The bundled health-probe handler (what Lambda runs) against 500 targets of which 50 never
 *   answer, in a child Node process: wall time vs one per-target timeout (target <= 1.2x) and
 *   peak memory (RSS and heap) vs a 256 MB Lambda.
 * - Bundle size of each handler as the constructs bundle it (target <= 200 KB).
 * - Module init time of each handler in a fresh Node process.
 * - Lag probe against a PostgreSQL primary and streaming standby: measured vs configured
 *   apply delay for 0, 0.5, 2 and 5 s.
 */
import { execFile, execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import * as zlib from 'zlib';
import { checkTarget, HealthTarget } from '../lambda/health-probe/probe';
import { measureLag } from '../lambda/lag-probe/probe';
import { startPostgresPair } from '../test/integ/harness/postgres';

const ROOT = path.join(__dirname, '..');

async function healthWallTime(): Promise<void> {
  const timeoutMs = 1000;
  const server = http.createServer((_req, res) => { res.writeHead(200); res.end('ok'); });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => { held.push(s); });
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
  const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
  const targets: HealthTarget[] = Array.from({ length: 50 }, (_, i) => ({
    name: `t${i}`,
    url: i < 5 ? `http://127.0.0.1:${port(silent)}/` : `http://127.0.0.1:${port(server)}/health?i=${i}`,
  }));
  console.log(`\nHealth probe: 50 targets, 5 never answer, per-target timeout ${timeoutMs} ms`);
  for (let run = 1; run <= 3; run++) {
    const started = performance.now();
    const results = await Promise.all(targets.map((t) => checkTarget(t, timeoutMs)));
    const wall = performance.now() - started;
    const timedOut = results.filter((r) => r.failure === 'timeout').length;
    const healthy = results.filter((r) => r.healthy).length;
    console.log(`  run ${run}: wall ${wall.toFixed(0)} ms = ${(wall / timeoutMs).toFixed(2)}x timeout (target <= 1.2x); ${healthy} healthy, ${timedOut} timed out`);
  }
  held.forEach((s) => s.destroy());
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => silent.close(r));
}

/**
 * The child: loads the bundle as Lambda would, samples memory every 5 ms, runs a cold and a warm
 * invocation, and prints its figures as JSON. Peak RSS comes from getrusage (the kernel's high-water mark).
 */
const CHILD_SCRIPT = `
const sample = () => { const m = process.memoryUsage(); peak.heap = Math.max(peak.heap, m.heapUsed); peak.external = Math.max(peak.external, m.external + m.arrayBuffers); };
const peak = { heap: 0, external: 0 };
const mod = require(process.env.BUNDLE);
const baseRss = process.memoryUsage().rss;
const timer = setInterval(sample, 5);
async function invoke() {
  const t = performance.now();
  const cpu0 = process.cpuUsage();
  const [s] = await mod.handler();
  const cpu = process.cpuUsage(cpu0);
  return {
    wall: performance.now() - t, cpuMs: (cpu.user + cpu.system) / 1000,
    healthy: s.targets.filter((r) => r.healthy).length, timedOut: s.targets.filter((r) => r.failure === 'timeout').length,
    other: s.targets.filter((r) => !r.healthy && r.failure !== 'timeout').map((r) => r.error).slice(0, 3),
    maxLatency: Math.max(...s.targets.map((r) => r.latencyMs)), metrics: s.metrics, runMs: s.durationMs,
  };
}
// A cold invocation (first in a fresh container), then a warm one, as Lambda runs them a minute apart.
invoke().then(async (cold) => {
  const warm = await invoke();
  clearInterval(timer); sample();
  process.stdout.write('\\nBENCH ' + JSON.stringify({ cold, warm, baseRss, maxRss: process.resourceUsage().maxRSS * 1024, peakHeap: peak.heap, peakExternal: peak.external }));
  process.exit(0);
});
`;

async function healthAtScale(): Promise<void> {
  const timeoutMs = 1000;
  const total = 500;
  const silentCount = 50;
  const lambdaMb = 256;
  const server = http.createServer((_req, res) => { res.writeHead(200, { 'content-type': 'text/plain' }); res.end('status: ok'); });
  server.maxConnections = 2000;
  await new Promise<void>((r) => server.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, r));
  const held: net.Socket[] = [];
  const silent = net.createServer((s) => { held.push(s); });
  await new Promise<void>((r) => silent.listen({ port: 0, host: '127.0.0.1', backlog: 2048 }, r));
  // A stand-in for CloudWatch's PutMetricData (AWS JSON 1.0): accepts every call, counts the data.
  let putCalls = 0;
  let putData = 0;
  const cloudwatch = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => { chunks.push(c); });
    req.on('end', () => {
      putCalls++;
      // The SDK gzips large PutMetricData bodies (request compression).
      const raw = Buffer.concat(chunks);
      try { putData += (JSON.parse((req.headers['content-encoding'] === 'gzip' ? zlib.gunzipSync(raw) : raw).toString('utf8')).MetricData ?? []).length; } catch { /* counted as a call */ }
      res.writeHead(200, { 'content-type': 'application/x-amz-json-1.0' });
      res.end('{}');
    });
  });
  await new Promise<void>((r) => cloudwatch.listen(0, '127.0.0.1', r));
  const port = (s: net.Server) => (s.address() as net.AddressInfo).port;
  const targets: HealthTarget[] = Array.from({ length: total }, (_, i) => ({
    name: `t${i}`,
    url: i < silentCount ? `http://127.0.0.1:${port(silent)}/` : `http://127.0.0.1:${port(server)}/health?i=${i}`,
    bodyContains: 'ok',
  }));
  const file = path.join(ROOT, 'assets', 'lambda', 'health-probe', 'index.js');
  const taskRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-probes-'));
  fs.writeFileSync(path.join(taskRoot, 'health-probe-targets.json'), JSON.stringify(targets));
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '',
    BUNDLE: file,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'bench',
    AWS_SECRET_ACCESS_KEY: 'bench',
    AWS_ENDPOINT_URL_CLOUDWATCH: `http://127.0.0.1:${port(cloudwatch)}`,
    // As the HealthProbe construct ships them: 500 targets outgrow Lambda's 4 KB of environment
    // variables, so they are in a file in the task root.
    HEALTH_PROBE_CONFIG: JSON.stringify({ region: 'us-east-1', namespace: 'Bench', timeoutMs, targets: [] }),
    HEALTH_PROBE_TARGETS_FILE: 'health-probe-targets.json',
    LAMBDA_TASK_ROOT: taskRoot,
  };
  console.log(`\nHealth probe at scale: the bundled handler in a child node process (--max-old-space-size=${lambdaMb - 26}), ${total} targets, ${silentCount} never answer, per-target timeout ${timeoutMs} ms`);
  for (let run = 1; run <= 3; run++) {
    putCalls = 0;
    putData = 0;
    const out = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, [`--max-old-space-size=${lambdaMb - 26}`, '-e', CHILD_SCRIPT], { env, cwd: ROOT, encoding: 'utf8', maxBuffer: 1 << 20 },
        (err, stdout, stderr) => (err ? reject(new Error(`${err.message}\n${stderr}`)) : resolve(stdout)));
    });
    // The handler logs its summary to stdout too; the figures are the line marked BENCH.
    const r = JSON.parse(out.split('\n').find((l) => l.startsWith('BENCH '))!.slice(6));
    const mb = (b: number) => (b / 1024 / 1024).toFixed(1);
    for (const [kind, inv] of [['cold', r.cold], ['warm', r.warm]] as const) {
      console.log(`  run ${run} ${kind}: wall ${inv.wall.toFixed(0)} ms = ${(inv.wall / timeoutMs).toFixed(2)}x timeout (target <= 1.2x); slowest target ${inv.maxLatency} ms; `
        + `CPU ${inv.cpuMs.toFixed(0)} ms; ${inv.healthy} healthy, ${inv.timedOut} timed out${inv.other.length ? `, other failures e.g. ${inv.other.join(' | ')}` : ''}; `
        + `${inv.metrics.published} data in ${inv.metrics.calls} PutMetricData calls; the core ran ${inv.runMs} ms of the wall`);
    }
    // Lambda gives CPU in proportion to memory: one vCPU-second per second at 1,769 MB ("Configure
    // Lambda function memory", AWS Lambda Developer Guide), so 256 MB gets 256/1769 of a vCPU.
    const share = lambdaMb / 1769;
    console.log(`  run ${run} CPU at a ${lambdaMb} MB Lambda's share (${share.toFixed(3)} vCPU): warm ${(r.warm.cpuMs / share).toFixed(0)} ms of CPU-bound time `
      + `(${(r.warm.cpuMs / share / timeoutMs).toFixed(2)}x timeout), overlapping the ${timeoutMs} ms wait for the silent targets; with the default 5 s timeout ${(r.warm.cpuMs / share / 5000).toFixed(2)}x`);
    console.log(`  run ${run} memory (both invocations): peak RSS ${mb(r.maxRss)} MB of ${lambdaMb} MB (${((r.maxRss / (lambdaMb * 1024 * 1024)) * 100).toFixed(0)} %; `
      + `${mb(r.baseRss)} MB after loading the bundle), peak heap ${mb(r.peakHeap)} MB, peak external+buffers ${mb(r.peakExternal)} MB; stand-in CloudWatch saw ${putCalls} calls, ${putData} data`);
  }
  held.forEach((s) => s.destroy());
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  await new Promise((r) => silent.close(r));
  cloudwatch.closeAllConnections();
  await new Promise((r) => cloudwatch.close(r));
}

function bundles(): Record<string, string> {
  const files: Record<string, string> = {};
  console.log('\nHandler bundles shipped in the package (assets/lambda, built by npm run build:handlers)');
  for (const handler of ['health-probe', 'lag-probe', 'dsql-probe']) {
    const file = path.join(ROOT, 'assets', 'lambda', handler, 'index.js');
    const kb = fs.statSync(file).size / 1024;
    console.log(`  ${handler}: ${kb.toFixed(1)} KB`);
    files[handler] = file;
  }
  return files;
}

function initTimes(files: Record<string, string>): void {
  const env: Record<string, string> = {
    ...process.env as Record<string, string>,
    AWS_REGION: 'us-east-1',
    HEALTH_PROBE_CONFIG: JSON.stringify({ region: 'us-east-1', namespace: 'Bench', timeoutMs: 1000, targets: [{ name: 'a', url: 'http://127.0.0.1:1/' }] }),
    LAG_PROBE_CONFIG: JSON.stringify({
      namespace: 'Bench', writerRegion: 'us-east-1', readerRegion: 'us-east-2', visibilityTimeoutMs: 10000,
      writer: { kind: 'dsql', host: 'x.dsql.us-east-1.on.aws', region: 'us-east-1', user: 'admin' },
      reader: { kind: 'dsql', host: 'y.dsql.us-east-2.on.aws', region: 'us-east-2', user: 'admin' },
    }),
    DSQL_PROBE_CONFIG: JSON.stringify({
      namespace: 'Bench', database: 'dsql',
      local: { kind: 'dsql', host: 'x.dsql.us-east-1.on.aws', region: 'us-east-1', user: 'admin' },
      peer: { kind: 'dsql', host: 'y.dsql.us-east-2.on.aws', region: 'us-east-2', user: 'admin' },
    }),
  };
  console.log('\nModule init time (fresh node process, require() of the bundle incl. the external SDK clients; median of 5)');
  for (const [handler, file] of Object.entries(files)) {
    const samples: number[] = [];
    for (let i = 0; i < 5; i++) {
      const out = execFileSync(process.execPath, ['-e',
        `const t=process.hrtime.bigint();require(${JSON.stringify(file)});console.log(Number(process.hrtime.bigint()-t)/1e6)`,
      ], { env, cwd: ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
      samples.push(Number(out.trim()));
    }
    samples.sort((a, b) => a - b);
    console.log(`  ${handler}: ${samples[2].toFixed(1)} ms (min ${samples[0].toFixed(1)}, max ${samples[4].toFixed(1)})`);
  }
}

async function lag(): Promise<void> {
  console.log('\nLag probe vs recovery_min_apply_delay (PostgreSQL primary + streaming standby on loopback; 3 runs each)');
  const pair = await startPostgresPair({ name: 'bench-probes' });
  try {
    const endpoints = { writer: async () => ({ connectionString: pair.primaryUrl }), reader: async () => ({ connectionString: pair.standbyUrl }) };
    for (const delayMs of [0, 500, 2000, 5000]) {
      await pair.setApplyDelay(delayMs);
      const measured: string[] = [];
      for (let i = 0; i < 3; i++) {
        const m = await measureLag({ namespace: 'Bench', writerRegion: 'us-east-1', readerRegion: 'us-east-2', visibilityTimeoutMs: 10_000 }, endpoints);
        measured.push(m.visible ? `${m.lagMs} ms (${m.lagMs! - delayMs >= 0 ? '+' : ''}${m.lagMs! - delayMs})` : (m.error ?? 'failed'));
      }
      console.log(`  configured ${delayMs} ms: measured ${measured.join(', ')}`);
    }
  } finally {
    await pair.stop();
  }
}

async function main(): Promise<void> {
  // `npm run bench:probes -- --scale` runs only the 500-target figures.
  if (process.argv.includes('--scale')) return healthAtScale();
  await healthWallTime();
  await healthAtScale();
  initTimes(bundles());
  await lag();
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
