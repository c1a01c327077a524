import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DSQLClient } from '@aws-sdk/client-dsql';
import { Route53Client } from '@aws-sdk/client-route-53';
import { sleep } from '../shared/metrics';
import { HealthProbeSummary, parseHealthProbeConfig, runHealthProbe } from './probe';

// Created once per container, outside the handler, so warm invocations reuse connections.
const config = parseHealthProbeConfig(process.env.HEALTH_PROBE_CONFIG);
const probesPerRun = Math.max(1, Number(process.env.PROBES_PER_RUN ?? '1'));
const clients = {
  cloudwatch: new CloudWatchClient({}),
  dsql: config.dsqlClusterIdentifier ? new DSQLClient({}) : undefined,
  // Route 53's API is global; its endpoint is in us-east-1.
  route53: config.route53HealthCheckIds?.length ? new Route53Client({ region: 'us-east-1' }) : undefined,
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
