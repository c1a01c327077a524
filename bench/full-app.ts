// Times the whole default app (bin/app.ts: DSQL pair and peering, endpoints, probes, DNS
// routing, accelerator, alarm topics, cdk-nag AwsSolutions and MultiRegionChecks) against the
// hand-written aws-cdk-lib app of the same resources in ../shared/bench/baseline-full/.
//
// Each synth is a fresh `node` process (module loading included, as `cdk synth` runs an app),
// with the project's cdk.json context (CDK_CONTEXT_JSON, as the CLI passes it) and a fresh
// output folder; the variants alternate (library, baseline, baseline with prebuilt bundles,
// library, ...) so that load on the machine falls on all of them alike; figures are medians.
//
// Fairness: the library runs as JavaScript compiled file by file from lib/ and bin/ (what a
// consumer installs), not through a TypeScript loader. The baseline's NodejsFunction runs esbuild
// at every synth, while the library ships prebuilt bundles; so the baseline is timed twice: as
// written, and with the library's prebuilt bundles in place of esbuild (bench/prebundled-baseline.cjs),
// which is the like-for-like comparison of constructs and checks (the target applies to it).
// CPU time (user + system, child processes included, from /usr/bin/time) is printed beside wall
// time: on a shared machine it is the steadier figure. BENCH_BEFORE_REF=<commit> adds the library
// of that commit (its lib/ and bin/ with today's node_modules) as a before/after comparison;
// BENCH_TSX=1 adds the library run through tsx, as this repository's `npx cdk synth` runs it.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { buildLibrary, ROOT } from './full-app-build';

const BASELINE_DIR = process.env.BASELINE_DIR ?? path.join(ROOT, '..', 'shared', 'bench', 'baseline-full');
const RUNS = Number(process.env.BENCH_FULL_RUNS ?? 5);
const TIME_BIN = '/usr/bin/time';

interface Sample { wallMs: number; cpuMs: number; peakMiB: number }
interface Variant { name: string; label: string; args: string[]; env: Record<string, string> }

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

function runOnce(variant: Variant, outdir: string): Sample {
  fs.rmSync(outdir, { recursive: true, force: true });
  const context = JSON.parse(fs.readFileSync(path.join(ROOT, 'cdk.json'), 'utf8')).context ?? {};
  const env = { ...process.env, ...variant.env, CDK_OUTDIR: outdir, CDK_CONTEXT_JSON: JSON.stringify(context) };
  const timeFile = path.join(os.tmpdir(), `bench-full-time-${process.pid}`);
  const useTime = fs.existsSync(TIME_BIN);
  const started = performance.now();
  const result = useTime
    ? spawnSync(TIME_BIN, ['-f', '%e %U %S %M', '-o', timeFile, process.execPath, ...variant.args], { cwd: ROOT, env, encoding: 'utf8' })
    : spawnSync(process.execPath, variant.args, { cwd: ROOT, env, encoding: 'utf8' });
  const wallMs = performance.now() - started;
  if (result.status !== 0) {
    throw new Error(`${variant.name} failed (exit ${result.status}):\n${result.stderr?.slice(-3000)}`);
  }
  if (!useTime) return { wallMs, cpuMs: NaN, peakMiB: NaN };
  const [, user, sys, maxKiB] = fs.readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
  fs.rmSync(timeFile, { force: true });
  return { wallMs, cpuMs: (user + sys) * 1000, peakMiB: maxKiB / 1024 };
}

export function benchFullApp(): void {
  if (!fs.existsSync(path.join(BASELINE_DIR, 'app.js'))) {
    console.log(`\nwhole default app: skipped, no baseline at ${BASELINE_DIR} (set BASELINE_DIR)`);
    return;
  }
  const appJs = buildLibrary();
  const nodePath = { NODE_PATH: path.join(ROOT, 'node_modules') };
  const before = process.env.BENCH_BEFORE_REF;
  const variants: Variant[] = [
    { name: 'library', label: 'library (bin/app.ts, compiled)', args: [appJs], env: {} },
    ...(before ? [{ name: 'before', label: `library at ${before.slice(0, 12)}`, args: [buildLibrary(before)], env: {} }] : []),
    // What this repository's own `npx cdk synth` runs: TypeScript through tsx, compiled at every synth.
    ...(process.env.BENCH_TSX ? [{ name: 'tsx', label: 'library through tsx (this repo\'s cdk synth)', args: ['--import', 'tsx', path.join(ROOT, 'bin', 'app.ts')], env: {} }] : []),
    { name: 'baseline', label: 'baseline as written (esbuild at synth)', args: [path.join(BASELINE_DIR, 'app.js')], env: nodePath },
    {
      name: 'prebundled', label: 'baseline, same prebuilt bundles',
      args: ['-r', path.join(__dirname, 'prebundled-baseline.cjs'), path.join(BASELINE_DIR, 'app.js')], env: nodePath,
    },
  ];
  const outRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-full-'));
  const samples = new Map<string, Sample[]>(variants.map((v) => [v.name, []]));
  try {
    for (let i = 0; i < RUNS; i++) {
      for (const v of variants) samples.get(v.name)!.push(runOnce(v, path.join(outRoot, v.name)));
      if (i === 0) {
        // Same resources: compare.js checks resource types per stack (exit 1 beyond 5 % difference).
        for (const other of variants.filter((v) => v.name !== 'library').map((v) => v.name)) {
          const out = execFileSync(process.execPath, [path.join(BASELINE_DIR, 'compare.js'), path.join(outRoot, 'library'), path.join(outRoot, other)], { encoding: 'utf8' });
          const lines = out.trim().split('\n');
          console.log(`compare.js library vs ${other}: ${lines.filter((l) => /^(resources|per-type)/.test(l)).join('; ')}`);
          const diffs = lines.slice(lines.findIndex((l) => l.startsWith('per-type')) + 1).map((l) => l.trim()).filter(Boolean);
          if (diffs.length > 0) console.log(`  ${diffs.join('; ')}`);
        }
      }
      process.stderr.write(`  run ${i + 1}/${RUNS} done\n`);
    }
  } finally {
    fs.rmSync(outRoot, { recursive: true, force: true });
  }

  const med = (name: string) => {
    const s = samples.get(name)!;
    return {
      wallMs: median(s.map((x) => x.wallMs)), minWallMs: Math.min(...s.map((x) => x.wallMs)),
      cpuMs: median(s.map((x) => x.cpuMs)), peakMiB: median(s.map((x) => x.peakMiB)),
    };
  };
  const lib = med('library');
  console.log(`\nwhole default app, one fresh process per synth, alternated, median of ${RUNS} runs each (${os.cpus().length} cores, load ${os.loadavg()[0].toFixed(1)})`);
  console.log(`${'variant'.padEnd(46)}${'wall ms'.padStart(9)}${'min wall'.padStart(10)}${'cpu ms'.padStart(9)}${'MiB'.padStart(6)}`
    + `${'wall ratio'.padStart(12)}${'min ratio'.padStart(11)}${'cpu ratio'.padStart(11)}`);
  for (const v of variants) {
    const m = med(v.name);
    const ratio = (a: number, b: number) => (v.name === 'library' ? '' : `${(a / b).toFixed(2)}x`);
    console.log(`${v.label.padEnd(46)}${m.wallMs.toFixed(0).padStart(9)}${m.minWallMs.toFixed(0).padStart(10)}${m.cpuMs.toFixed(0).padStart(9)}${m.peakMiB.toFixed(0).padStart(6)}`
      + `${ratio(lib.wallMs, m.wallMs).padStart(12)}${ratio(lib.minWallMs, m.minWallMs).padStart(11)}${ratio(lib.cpuMs, m.cpuMs).padStart(11)}`);
  }
  console.log('ratio = library / variant (median wall, fastest wall, median CPU); target: <= 1.10x against the baseline with the same prebuilt bundles');
  if (!before) console.log('set BENCH_BEFORE_REF=<commit> to time the library of that commit too (the "before" figure)');
}

if (require.main === module) benchFullApp();
