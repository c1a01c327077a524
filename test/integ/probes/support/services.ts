import * as fs from 'fs';
import * as path from 'path';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';

/** Credentials LocalStack accepts; nothing leaves loopback. */
export const TEST_CREDENTIALS = { accessKeyId: 'test', secretAccessKey: 'test' };

/**
 * LocalStack's URL: from the integration harness's endpoints file, or PROBES_LOCALSTACK_URL
 * when a server was started by hand.
 */
export function localstackUrl(): string {
  if (process.env.PROBES_LOCALSTACK_URL) return process.env.PROBES_LOCALSTACK_URL;
  const file = path.join(__dirname, '..', '..', '..', '..', '.integ', 'endpoints.json');
  if (fs.existsSync(file)) {
    const endpoints = JSON.parse(fs.readFileSync(file, 'utf8'));
    const url = endpoints.localstack?.url ?? endpoints.localstack;
    if (typeof url === 'string') return url;
  }
  throw new Error(`no LocalStack endpoint: run the integ project (its globalSetup writes ${file}) or set PROBES_LOCALSTACK_URL.`);
}

/** Reads back one metric's values (newest first) with GetMetricData. */
export async function readMetric(cloudwatch: CloudWatchClient, namespace: string, metricName: string, dimensions: Record<string, string>, stat = 'Maximum'): Promise<number[]> {
  const now = Date.now();
  const out = await cloudwatch.send(new GetMetricDataCommand({
    StartTime: new Date(now - 10 * 60_000),
    EndTime: new Date(now + 60_000),
    MetricDataQueries: [{
      Id: 'm',
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value })) },
        Period: 60,
        Stat: stat,
      },
    }],
  }));
  return out.MetricDataResults?.[0]?.Values ?? [];
}
