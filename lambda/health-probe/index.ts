import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DSQLClient } from '@aws-sdk/client-dsql';
import { sleep } from '../shared/metrics';
import { HealthProbeSummary, parseHealthProbeConfig, runHealthProbe } from './probe';

// Created once per container, outside the handler, so warm invocations reuse connections.
// The configuration is in the environment; when the targets outgrow Lambda's 4 KB of environment
// variables (hundreds of targets), they are in a file the construct ships beside this bundle.
const config = parseHealthProbeConfig(withTargetsFile(process.env.HEALTH_PROBE_CONFIG, process.env.HEALTH_PROBE_TARGETS_FILE));

function withTargetsFile(json: string | undefined, file: string | undefined): string | undefined {
  if (!json || !file) return json;
  const targets = JSON.parse(readFileSync(join(process.env.LAMBDA_TASK_ROOT ?? __dirname, file), 'utf8'));
  return JSON.stringify({ ...JSON.parse(json), targets });
}
const probesPerRun = Math.max(1, Number(process.env.PROBES_PER_RUN ?? '1'));
console.log(JSON.stringify({ probe: 'health', init: true, region: config.region, targets: config.targets.length, targetsFile: process.env.HEALTH_PROBE_TARGETS_FILE }));
const clients = {
  // PutMetricData bodies stay far under the 1 MB limit and go to CloudWatch in the same Region:
  // gzipping them (the SDK's default above 10 KB) costs CPU a 256 MB function has little of.
  cloudwatch: new CloudWatchClient({ disableRequestCompression: true }),
  dsql: config.dsqlClusterIdentifier ? new DSQLClient({}) : undefined,
};

/** Scheduled once a minute; runs `PROBES_PER_RUN` probes spread evenly over the minute. */
export async function handler(): Promise<HealthProbeSummary[]> {
  const spacingMs = 60_000 / probesPerRun;
  const summaries: HealthProbeSummary[] = [];
  for (let i = 0; i < probesPerRun; i++) {
    const started = Date.now();
    const summary = await runHealthProbe(config, clients);
    console.log(JSON.stringify({ probe: 'health', ...summary }));
    summaries.push(summary);
    if (i < probesPerRun - 1) await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  return summaries;
}
