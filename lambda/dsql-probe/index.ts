import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { EndpointSpec } from '../lag-probe/endpoint-spec';
import { endpointProvider } from '../lag-probe/endpoints';
import { sleep } from '../shared/metrics';
import { DsqlProbeConfig, DsqlProbeSummary, runDsqlProbe } from './probe';

interface HandlerConfig extends DsqlProbeConfig {
  readonly local: EndpointSpec & { readonly region: string };
  readonly peer?: EndpointSpec & { readonly region: string };
}

const raw = process.env.DSQL_PROBE_CONFIG;
if (!raw) throw new Error('DSQL_PROBE_CONFIG is not set; the DsqlProbe construct sets it.');
const config = JSON.parse(raw) as HandlerConfig;
const probesPerRun = Math.max(1, Number(process.env.PROBES_PER_RUN ?? '1'));
const endpoints = {
  local: { region: config.local.region, connect: endpointProvider(config.local) },
  peer: config.peer ? { region: config.peer.region, connect: endpointProvider(config.peer) } : undefined,
};
const cloudwatch = new CloudWatchClient({});

/** Scheduled once a minute; runs `PROBES_PER_RUN` measurements spread evenly over the minute. */
export async function handler(): Promise<DsqlProbeSummary[]> {
  const spacingMs = 60_000 / probesPerRun;
  const summaries: DsqlProbeSummary[] = [];
  for (let i = 0; i < probesPerRun; i++) {
    const started = Date.now();
    const summary = await runDsqlProbe(config, endpoints, cloudwatch);
    console.log(JSON.stringify({ probe: 'dsql', ...summary }));
    summaries.push(summary);
    if (i < probesPerRun - 1) await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  return summaries;
}
