import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { registerAlarm } from '../../private/alarm-registry';

/**
 * The alarm that fires when a probe stops publishing: `metric` is a per-run metric read as
 * SampleCount, and missing data is breaching because missing data is the failure.
 */
export function probeNotRunningAlarm(scope: Construct, metric: cloudwatch.Metric, periods: number, description: string): cloudwatch.Alarm {
  return registerAlarm(new cloudwatch.Alarm(scope, 'ProbeNotRunning', {
    alarmDescription: description,
    metric: metric.with({ statistic: cloudwatch.Stats.SAMPLE_COUNT }),
    threshold: 1,
    comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    evaluationPeriods: periods,
    treatMissingData: cloudwatch.TreatMissingData.BREACHING,
  }));
}
