import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { sleep } from '../shared/metrics';
import { DynamoDbProbeConfig, DynamoDbProbeSummary, runDynamoDbProbe } from './probe';

const raw = process.env.DYNAMODB_PROBE_CONFIG;
if (!raw) throw new Error('DYNAMODB_PROBE_CONFIG is not set; the DynamoDbReplicationProbe construct sets it.');
const config = JSON.parse(raw) as DynamoDbProbeConfig;
const probesPerRun = Math.max(1, Number(process.env.PROBES_PER_RUN ?? '1'));
// One client per replica Region: the write goes to the writer's replica, the reads to the reader's.
const targets = { writer: new DynamoDBClient({ region: config.writerRegion }), reader: new DynamoDBClient({ region: config.readerRegion }) };
const cloudwatch = new CloudWatchClient({});

/** Scheduled once a minute; runs `PROBES_PER_RUN` measurements spread evenly over the minute. */
export async function handler(): Promise<DynamoDbProbeSummary[]> {
  const spacingMs = 60_000 / probesPerRun;
  const summaries: DynamoDbProbeSummary[] = [];
  for (let i = 0; i < probesPerRun; i++) {
    const started = Date.now();
    const summary = await runDynamoDbProbe(config, targets, cloudwatch);
    console.log(JSON.stringify({ probe: 'dynamodb-replication', ...summary }));
    summaries.push(summary);
    if (i < probesPerRun - 1) await sleep(Math.max(0, spacingMs - (Date.now() - started)));
  }
  return summaries;
}
