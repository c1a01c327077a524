import { Stack } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { appResources, asList, passMemo, synthesized } from './template';

/** One metric an alarm watches. */
export interface AlarmedMetric {
  readonly namespace?: string;
  readonly metricName?: string;
  readonly dimensions: { Name: string; Value: unknown }[];
  /** The alarm's stack, since dimension values that reference resources only make sense there. */
  readonly stack: Stack;
}

/** The metrics that alarms anywhere in the app watch, single-metric or metric-math. */
export function alarmedMetrics(node: IConstruct): AlarmedMetric[] {
  return passMemo('alarmedMetrics', node.node.root, () => collectAlarmedMetrics(node));
}

function collectAlarmedMetrics(node: IConstruct): AlarmedMetric[] {
  const metrics: AlarmedMetric[] = [];
  for (const alarm of appResources(node).filter((r) => r.cfnResourceType === 'AWS::CloudWatch::Alarm')) {
    const props = synthesized(alarm).properties;
    const stack = Stack.of(alarm);
    if (props.Namespace !== undefined) {
      metrics.push({ namespace: props.Namespace, metricName: props.MetricName, dimensions: asList(props.Dimensions), stack });
    }
    for (const query of asList<any>(props.Metrics)) {
      const metric = query.MetricStat?.Metric;
      if (metric) metrics.push({ namespace: metric.Namespace, metricName: metric.MetricName, dimensions: asList(metric.Dimensions), stack });
      const insights = typeof query.Expression === 'string' ? metricsInsightsMetric(query.Expression) : undefined;
      if (insights) metrics.push({ ...insights, stack });
    }
  }
  return metrics;
}

/**
 * The metric a CloudWatch Metrics Insights query alarms on: `SELECT FN(Metric) FROM "Namespace"`
 * (or `SCHEMA("Namespace", ...)`), with its `WHERE Dimension = 'value'` terms as dimensions.
 */
function metricsInsightsMetric(expression: string): Omit<AlarmedMetric, 'stack'> | undefined {
  const m = /^\s*SELECT\s+\w+\(\s*"?([\w.-]+)"?\s*\)\s+FROM\s+(?:SCHEMA\(\s*)?"([^"]+)"[^)]*?\)?(?:\s+WHERE\s+(.*?))?(?:\s+(?:GROUP|ORDER|LIMIT)\b.*)?\s*$/i.exec(expression);
  if (!m) return undefined;
  const dimensions = [...(m[3] ?? '').matchAll(/"?([\w.-]+)"?\s*=\s*'([^']*)'/g)].map((d) => ({ Name: d[1], Value: d[2] }));
  return { namespace: m[2], metricName: m[1], dimensions };
}
