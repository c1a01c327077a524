/**
 * `npm run bench:probes`: figures for the probes, printed, never asserted.
 *
 * - Health probe against 50 local targets of which 5 never answer: wall time of one run as a
 *   multiple of the per-target timeout (target <= 1.2x).
 * - Bundle size of each handler as the constructs bundle it (target <= 200 KB).
 * - Module init time of each handler in a fresh Node process.
 * - Lag probe against a PostgreSQL primary and streaming standby: measured vs configured
 *   apply delay for 0, 0.5, 2 and 5 s.
 */
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
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

function bundles(): Record<string, string> {
  const files: Record<string, string> = {};
  console.log('\nHandler bundles shipped in the package (assets/lambda, built by npm run build:handlers)');
  for (const handler of ['health-probe', 'lag-probe']) {
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
  await healthWallTime();
  initTimes(bundles());
  await lag();
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
