import { Stack } from 'aws-cdk-lib';
import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { AlarmedMetric, alarmedMetrics } from './alarms';
import { asList, MultiRegionRule, synthesized } from './template';

const AURORA_GLOBAL_METRICS = ['AuroraGlobalDBReplicationLag', 'AuroraGlobalDBRPOLag', 'AuroraGlobalDBProgressLag'];

/** True when the dimension `name` of `metric` is `value` (a literal) or references `logicalId` in `stack`. */
function dimensionNames(metric: AlarmedMetric, name: string, values: string[], logicalId: string, stack: Stack): boolean {
  const dim = metric.dimensions.find((d) => d.Name === name);
  if (!dim) return false;
  if (typeof dim.Value === 'string') return values.includes(dim.Value);
  return metric.stack === stack && JSON.stringify(dim.Value).includes(`"${logicalId}"`);
}

/**
 * A multi-Region data store replicating asynchronously whose replication metric no alarm in the
 * app watches: a DynamoDB global table with eventual consistency (`AWS/DynamoDB`
 * `ReplicationLatency` by `TableName`), or a cluster of an Aurora global database that is a
 * secondary (`AWS/RDS` `AuroraGlobalDBReplicationLag`/`RPOLag` by `DBClusterIdentifier`).
 */
export const CW3: MultiRegionRule = {
  id: 'CW3',
  level: NagMessageLevel.WARN,
  info: 'No alarm watches the replication lag of this asynchronously replicated multi-Region data store.',
  explanation: 'An asynchronous replica loses the writes of its lag when its Region fails; without an alarm the lag can grow unseen until a failover loses minutes of data. '
    + 'Alarm on AWS/DynamoDB ReplicationLatency (dimensions TableName, ReceivingRegion; in each source Region) or on AWS/RDS AuroraGlobalDBReplicationLag / AuroraGlobalDBRPOLag '
    + '(dimension DBClusterIdentifier; in the secondary\'s Region). DynamoDbGlobalTable and AuroraGlobalDatabase create these alarms.',
  check: (node) => {
    const resource = synthesized(node);
    const stack = Stack.of(node);
    if (node.cfnResourceType === 'AWS::DynamoDB::GlobalTable') {
      const props = resource.properties;
      if (asList(props.Replicas).length < 2 || props.MultiRegionConsistency === 'STRONG') return NagRuleCompliance.NOT_APPLICABLE;
      const names = typeof props.TableName === 'string' ? [props.TableName] : [];
      const watched = alarmedMetrics(node).some((m) => m.namespace === 'AWS/DynamoDB' && m.metricName === 'ReplicationLatency'
        && dimensionNames(m, 'TableName', names, resource.logicalId, stack));
      return watched ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    if (node.cfnResourceType === 'AWS::RDS::DBCluster') {
      const props = resource.properties;
      if (props.GlobalClusterIdentifier === undefined) return NagRuleCompliance.NOT_APPLICABLE;
      const names = typeof props.DBClusterIdentifier === 'string' ? [props.DBClusterIdentifier] : [];
      const watched = alarmedMetrics(node).some((m) => m.namespace === 'AWS/RDS' && AURORA_GLOBAL_METRICS.includes(String(m.metricName))
        && dimensionNames(m, 'DBClusterIdentifier', names, resource.logicalId, stack));
      return watched ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.NOT_APPLICABLE;
  },
};
