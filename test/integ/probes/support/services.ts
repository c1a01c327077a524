import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { awsClientConfig, localstackEndpoint } from '../../harness/endpoints';

/** A CloudWatch client on the harness's LocalStack. */
export function localCloudWatch(): CloudWatchClient {
  return new CloudWatchClient(awsClientConfig(localstackEndpoint()));
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
