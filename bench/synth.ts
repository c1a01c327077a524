// Prints synth wall time and peak memory of the default topology at 2, 4 and 8 active Regions,
// next to a hand-written aws-cdk-lib app of the same resources, measured in the same run.
// Each synth runs in a fresh process (module loading included, as in `npx cdk synth`); the
// figure is the median of RUNS runs.
import { execFileSync } from 'child_process';
import * as path from 'path';
import { benchFullApp } from './full-app';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COUNTS = [2, 4, 8];

/** ms: building and synthesizing the app; totalMs: the same from process start (module loading included). */
interface Sample { ms: number; totalMs: number; peakMiB: number }

function runOnce(variant: string, count: number): Sample {
  const out = execFileSync(process.execPath, ['--import', 'tsx', path.join(__dirname, 'synth-app.ts'), variant, String(count)], {
    cwd: path.join(__dirname, '..'),
    encoding: 'utf8',
  });
  return JSON.parse(out.trim().split('\n').pop()!);
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(variant: string, count: number): Sample {
  const samples = Array.from({ length: RUNS }, () => runOnce(variant, count));
  return { ms: median(samples.map((s) => s.ms)), totalMs: median(samples.map((s) => s.totalMs)), peakMiB: median(samples.map((s) => s.peakMiB)) };
}

const rows: string[] = [];
let base: Sample | undefined;
for (const count of COUNTS) {
  const lib = measure('library', count);
  const hand = measure('handwritten', count);
  base ??= lib;
  rows.push([
    String(count).padStart(7),
    lib.ms.toFixed(0).padStart(10), hand.ms.toFixed(0).padStart(14), (lib.ms / hand.ms).toFixed(2).padStart(9) + 'x',
    lib.peakMiB.toFixed(0).padStart(12), hand.peakMiB.toFixed(0).padStart(16), (lib.peakMiB / hand.peakMiB).toFixed(2).padStart(9) + 'x',
    (lib.ms / base.ms).toFixed(2).padStart(11) + 'x',
    lib.totalMs.toFixed(0).padStart(15), hand.totalMs.toFixed(0).padStart(19),
  ].join(' '));
}
console.log(`synth of the default topology (MultiRegionApp + RegionalKey per Region, cdk-nag AwsSolutions on), median of ${RUNS} runs`);
console.log('regions  library ms  handwritten ms  time ratio  library MiB  handwritten MiB  mem ratio  time vs 2 R  library total  handwritten total');
console.log('         (build + synth, excluding module loading)                                                 (ms from process start)');
for (const row of rows) console.log(row);
console.log('targets: time and memory ratio <= 1.3x; time growth roughly linear in Regions');

// The whole default app against the hand-written aws-cdk-lib app of the same resources.
benchFullApp();
