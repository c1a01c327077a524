import { resolve4 } from 'node:dns/promises';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { Route53Client } from '@aws-sdk/client-route-53';
import { S3Client } from '@aws-sdk/client-s3';
import { SFNClient } from '@aws-sdk/client-sfn';
import { SSMClient } from '@aws-sdk/client-ssm';
import { parseConfig } from './config';
import { buildReport, publishReport } from './report';
import { S3JournalStore } from './s3-store';
import { DrillClients, DrillJournal, checkDataPath, measure, preflight, restore, takeOut } from './steps';

/**
 * The Region evacuation drill's Lambda: one function, one step per invocation (`event.step`),
 * called by the drill's state machine and, for `restore`, by the rule that catches aborted,
 * timed-out and failed executions.
 */
const config = parseConfig(process.env.DRILL_CONFIG, process.env.DRILL_BUDGET);
const s3 = new S3Client({});
const store = new S3JournalStore(s3, config.bucketName);
const cloudwatchClients = new Map<string, CloudWatchClient>();
const ssmClients = new Map<string, SSMClient>();
const clients: DrillClients = {
  route53: new Route53Client({ region: 'us-east-1' }),
  accelerator: config.accelerator ? new GlobalAcceleratorClient({ region: 'us-west-2' }) : undefined,
  cloudwatch: (region) => {
    if (!cloudwatchClients.has(region)) cloudwatchClients.set(region, new CloudWatchClient({ region }));
    return cloudwatchClients.get(region)!;
  },
  sfn: new SFNClient({}),
  ssm: (region) => {
    if (!ssmClients.has(region)) ssmClients.set(region, new SSMClient({ region }));
    return ssmClients.get(region)!;
  },
  journal: store,
  resolve: (name) => resolve4(name),
};

interface DrillEvent {
  step: string;
  region?: string;
  confirmation?: string;
  /** routing or deep-health. */
  mode?: string;
  executionId?: string;
  stateMachineArn?: string;
  startedAt?: string;
  error?: { Error?: string; Cause?: string };
  dataPath?: { ok: boolean; checks: any[] };
  /** From the EventBridge rule: the execution that ended. */
  detail?: { executionArn?: string };
}

export async function handler(event: DrillEvent): Promise<unknown> {
  const executionId = event.executionId ?? event.detail?.executionArn;
  if (!executionId) throw new Error('the event has no executionId.');
  switch (event.step) {
    case 'preflight':
      return preflight(config, clients, { region: event.region!, confirmation: event.confirmation, executionId, stateMachineArn: event.stateMachineArn, mode: event.mode });
    case 'takeOut':
      return takeOut(config, clients, { region: event.region!, executionId, mode: event.mode });
    case 'measure':
      return measure(config, clients, { executionId });
    case 'checkDataPath':
      return checkDataPath(config, clients, { region: event.region! });
    case 'restore':
      // Throws when a change could not be set back: Step Functions retries it, and an invocation by
      // the abort rule is retried by Lambda and then kept in the drill's failed-restore queue (alarmed).
      return restore(clients, executionId);
    case 'report': {
      const journal = await store.load(executionId) as DrillJournal | undefined;
      const report = buildReport(config, journal, { executionId, region: event.region!, startedAt: event.startedAt ? Date.parse(event.startedAt) : undefined, error: event.error, dataPath: event.dataPath }, Date.now());
      const keys = await publishReport(config, report, store, clients.cloudwatch(config.homeRegion));
      return { ...report, reportBucket: config.bucketName, reportKeys: keys };
    }
    default:
      throw new Error(`unknown step '${event.step}'.`);
  }
}
