import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { publishMetrics, sleep } from '../shared/metrics';
import { EndpointSpec } from './endpoint-spec';
import { endpointProvider } from './endpoints';
import { LagProbeConfig, LagProbeSummary, runLagProbe } from './probe';
import { checkSecretReplication, SecretReplicationCheck, secretReplicationMetricData } from './secret-replication';

interface HandlerConfig extends LagProbeConfig {
  readonly writer: EndpointSpec;
  readonly reader: EndpointSpec;
  /** When set, the replicas of the password secret are checked once per run. */
  readonly secretReplication?: SecretReplicationCheck;
}

const raw = process.env.LAG_PROBE_CONFIG;
if (!raw) throw new Error('LAG_PROBE_CONFIG is not set; the ReplicationLagProbe construct sets it.');
const config = JSON.parse(raw) as HandlerConfig;
const probesPerRun = Math.max(1, Number(process.env.PROBES_PER_RUN ?? '1'));
const needsSecrets = [config.writer, config.reader].some((e) => e.passwordSecretArn);
const secrets = needsSecrets ? new SecretsManagerClient({}) : undefined;
const endpoints = { writer: endpointProvider(config.writer, secrets), reader: endpointProvider(config.reader, secrets) };
const cloudwatch = new CloudWatchClient({});
const primarySecrets = config.secretReplication ? new SecretsManagerClient({ region: config.secretReplication.region, maxAttempts: 2 }) : undefined;

/** Scheduled once a minute; runs `PROBES_PER_RUN` measurements spread evenly over the minute. */
export async function handler(): Promise<LagProbeSummary[]> {
  const spacingMs = 60_000 / probesPerRun;
  const summaries: LagProbeSummary[] = [];
  if (config.secretReplication && primarySecrets) {
    const states = await checkSecretReplication(primarySecrets, config.secretReplication);
    console.log(JSON.stringify({ probe: 'secret-replication', secret: config.secretReplication.secretId, states }));
    await publishMetrics(cloudwatch, config.namespace, secretReplicationMetricData(states, new Date(), config.database));
  }
  for (let i = 0; i < probesPerRun; i++) {
    const started = Date.now();
    const summary = await runLagProbe(config, endpoints, cloudwatch);
    console.log(JSON.stringify({ probe: 'lag', ...summary }));
    summaries.push(summary);
    if (i < probesPerRun - 1) await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  return summaries;
}
