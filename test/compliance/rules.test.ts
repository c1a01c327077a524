import { App, Duration, Stack, Tags, Validations } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as arcregionswitch from 'aws-cdk-lib/aws-arcregionswitch';
import { TEST_ACCOUNT, newTestApp, stackIn } from '../helpers/app';
import { multiRegionFindings } from '../helpers/nag';

// Every fixture is a hand-written stack of raw aws-cdk-lib resources: the rules must catch
// stacks that do not use this library.

const ACCOUNT = TEST_ACCOUNT;
const ZONE = 'Z0EXAMPLE0000000000';

/** A fixture builds into a fresh app and returns the construct path the finding must name. */
type Fixture = (app: App) => string;

interface Case {
  readonly rule: string;
  readonly severity: 'error' | 'warning';
  readonly compliant: Fixture;
  readonly nonCompliant: Fixture;
}

function fn(stack: Stack, id: string, props: Partial<lambda.FunctionProps> = {}): lambda.Function {
  return new lambda.Function(stack, id, {
    runtime: lambda.Runtime.NODEJS_22_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => {};'),
    ...props,
  });
}

function routedRecord(stack: Stack, id: string, extra: Partial<route53.CfnRecordSetProps>): route53.CfnRecordSet {
  return new route53.CfnRecordSet(stack, id, {
    hostedZoneId: ZONE, name: 'api.example.com', type: 'A', ttl: '60', resourceRecords: ['192.0.2.1'], setIdentifier: id, ...extra,
  });
}

function accelerator(stack: Stack, regions: string[]): ga.CfnAccelerator {
  const acc = new ga.CfnAccelerator(stack, 'Accelerator', { name: 'shop' });
  const listener = new ga.CfnListener(stack, 'Listener', {
    acceleratorArn: acc.attrAcceleratorArn, protocol: 'TCP', portRanges: [{ fromPort: 443, toPort: 443 }],
  });
  regions.forEach((region) => new ga.CfnEndpointGroup(stack, `Group-${region}`, {
    listenerArn: listener.attrListenerArn, endpointGroupRegion: region, healthCheckIntervalSeconds: 10, thresholdCount: 3,
  }));
  return acc;
}

const CASES: Case[] = [
  {
    rule: 'MultiRegion-KMS1',
    severity: 'error',
    compliant: (app) => {
      const home = stackIn(app, 'Home', 'us-east-1');
      const key = new kms.Key(home, 'Key', { enableKeyRotation: true });
      new ssm.StringParameter(home, 'KeyArn', { stringValue: key.keyArn });
      return 'Home/Key/Resource';
    },
    nonCompliant: (app) => {
      const key = new kms.Key(stackIn(app, 'Home', 'us-east-1'), 'Key', { enableKeyRotation: true });
      new ssm.StringParameter(stackIn(app, 'Away', 'us-west-2'), 'KeyArn', { stringValue: key.keyArn });
      return 'Home/Key/Resource';
    },
  },
  {
    rule: 'MultiRegion-KMS2',
    severity: 'error',
    compliant: (app) => {
      new ssm.CfnParameter(stackIn(app, 'S', 'us-east-1'), 'KeyArn', { type: 'String', value: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc` });
      return 'S/KeyArn';
    },
    nonCompliant: (app) => {
      new ssm.CfnParameter(stackIn(app, 'S', 'us-east-1'), 'KeyArn', { type: 'String', value: `arn:aws:kms:eu-west-1:${ACCOUNT}:key/abc` });
      return 'S/KeyArn';
    },
  },
  {
    rule: 'MultiRegion-KMS3',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      new kms.CfnKey(stack, 'Key', { multiRegion: false, enableKeyRotation: true });
      // A multi-Region signing key holds no data.
      new kms.CfnKey(stack, 'SigningKey', { multiRegion: true, keyUsage: 'SIGN_VERIFY', keySpec: 'ECC_NIST_P256' });
      return 'S/Key';
    },
    nonCompliant: (app) => {
      new kms.CfnKey(stackIn(app, 'S', 'us-east-1'), 'Key', { multiRegion: true, enableKeyRotation: true });
      return 'S/Key';
    },
  },
  {
    rule: 'MultiRegion-DSQL1',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      new dsql.CfnCluster(stack, 'Cluster', { kmsEncryptionKey: key.keyArn, deletionProtectionEnabled: true });
      return 'S/Cluster';
    },
    nonCompliant: (app) => {
      new dsql.CfnCluster(stackIn(app, 'S', 'us-east-1'), 'Cluster', { kmsEncryptionKey: 'AWS_OWNED_KMS_KEY', deletionProtectionEnabled: true });
      return 'S/Cluster';
    },
  },
  {
    rule: 'MultiRegion-DSQL2',
    severity: 'error',
    compliant: (app) => {
      new dsql.CfnCluster(stackIn(app, 'S', 'us-east-1'), 'Cluster', { deletionProtectionEnabled: true });
      return 'S/Cluster';
    },
    nonCompliant: (app) => {
      new dsql.CfnCluster(stackIn(app, 'S', 'us-east-1'), 'Cluster', { deletionProtectionEnabled: false });
      return 'S/Cluster';
    },
  },
  {
    rule: 'MultiRegion-DSQL3',
    severity: 'error',
    compliant: (app) => {
      new dsql.CfnCluster(stackIn(app, 'S', 'us-east-1'), 'Cluster', { deletionProtectionEnabled: true, multiRegionProperties: { witnessRegion: 'us-west-2' } });
      return 'S/Cluster';
    },
    nonCompliant: (app) => {
      new dsql.CfnCluster(stackIn(app, 'S', 'us-east-1'), 'Cluster', {
        deletionProtectionEnabled: true,
        multiRegionProperties: { clusters: [`arn:aws:dsql:us-east-2:${ACCOUNT}:cluster/abc`] },
      });
      return 'S/Cluster';
    },
  },
  {
    rule: 'MultiRegion-DNS1',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const check = new route53.CfnHealthCheck(stack, 'Check', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', resourcePath: '/health', requestInterval: 10, failureThreshold: 3 } });
      routedRecord(stack, 'Latency', { region: 'us-east-1', healthCheckId: check.attrHealthCheckId });
      return 'S/Latency';
    },
    nonCompliant: (app) => {
      routedRecord(stackIn(app, 'S', 'us-east-1'), 'Latency', { region: 'us-east-1' });
      return 'S/Latency';
    },
  },
  {
    rule: 'MultiRegion-DNS1',
    severity: 'error',
    compliant: (app) => {
      new route53.CfnRecordSetGroup(stackIn(app, 'S', 'us-east-1'), 'Group', {
        hostedZoneId: ZONE,
        recordSets: [{ name: 'api.example.com', type: 'A', weight: 50, setIdentifier: 'a', aliasTarget: { dnsName: 'lb.example.com', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: true } }],
      });
      return 'S/Group';
    },
    nonCompliant: (app) => {
      new route53.CfnRecordSetGroup(stackIn(app, 'S', 'us-east-1'), 'Group', {
        hostedZoneId: ZONE,
        recordSets: [{ name: 'api.example.com', type: 'A', weight: 50, setIdentifier: 'a', aliasTarget: { dnsName: 'lb.example.com', hostedZoneId: 'Z35SXDOTRQ7X7K', evaluateTargetHealth: false } }],
      });
      return 'S/Group';
    },
  },
  {
    rule: 'MultiRegion-DNS2',
    severity: 'error',
    compliant: (app) => {
      routedRecord(stackIn(app, 'S', 'us-east-1'), 'Primary', { failover: 'PRIMARY', healthCheckId: 'abc', ttl: '60' });
      return 'S/Primary';
    },
    nonCompliant: (app) => {
      routedRecord(stackIn(app, 'S', 'us-east-1'), 'Primary', { failover: 'PRIMARY', healthCheckId: 'abc', ttl: '300' });
      return 'S/Primary';
    },
  },
  {
    rule: 'MultiRegion-DNS3',
    severity: 'error',
    compliant: (app) => {
      new route53.CfnHealthCheck(stackIn(app, 'S', 'us-east-1'), 'Check', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', requestInterval: 30, failureThreshold: 3 } });
      return 'S/Check';
    },
    nonCompliant: (app) => {
      new route53.CfnHealthCheck(stackIn(app, 'S', 'us-east-1'), 'Check', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', requestInterval: 30, failureThreshold: 5 } });
      return 'S/Check';
    },
  },
  {
    rule: 'MultiRegion-GA1',
    severity: 'error',
    compliant: (app) => {
      accelerator(stackIn(app, 'S', 'us-west-2'), ['us-east-1', 'us-east-2']);
      return 'S/Group-us-east-1';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-west-2');
      accelerator(stack, ['us-east-1', 'us-east-2']);
      const group = stack.node.findChild('Group-us-east-1') as ga.CfnEndpointGroup;
      group.healthCheckIntervalSeconds = undefined;
      group.thresholdCount = undefined;
      return 'S/Group-us-east-1';
    },
  },
  {
    rule: 'MultiRegion-GA2',
    severity: 'error',
    compliant: (app) => {
      accelerator(stackIn(app, 'S', 'us-west-2'), ['us-east-1', 'us-east-2']);
      return 'S/Accelerator';
    },
    nonCompliant: (app) => {
      accelerator(stackIn(app, 'S', 'us-west-2'), ['us-east-1']);
      return 'S/Accelerator';
    },
  },
  {
    rule: 'MultiRegion-LOG1',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      fn(stack, 'Probe', { logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: key }) });
      return 'S/Probe/Resource';
    },
    nonCompliant: (app) => {
      fn(stackIn(app, 'S', 'us-east-1'), 'Probe');
      return 'S/Probe/Resource';
    },
  },
  {
    rule: 'MultiRegion-LOG1',
    severity: 'error',
    compliant: (app) => {
      // The other way to own a function's logs: a log group named /aws/lambda/<function>.
      const stack = stackIn(app, 'S', 'us-east-1');
      const probe = fn(stack, 'Probe');
      new logs.CfnLogGroup(stack, 'Logs', { logGroupName: `/aws/lambda/${probe.functionName}`, retentionInDays: 30, kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc` });
      return 'S/Probe/Resource';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const probe = fn(stack, 'Probe');
      new logs.CfnLogGroup(stack, 'Logs', { logGroupName: `/aws/lambda/${probe.functionName}`, kmsKeyId: `arn:aws:kms:us-east-1:${ACCOUNT}:key/abc` });
      return 'S/Probe/Resource';
    },
  },
  {
    rule: 'MultiRegion-LOG2',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const key = new kms.Key(stack, 'Key', { enableKeyRotation: true });
      fn(stack, 'Probe', { logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH, encryptionKey: key }) });
      return 'S/Probe/Resource';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      fn(stack, 'Probe', { logGroup: new logs.LogGroup(stack, 'Logs', { retention: logs.RetentionDays.ONE_MONTH }) });
      return 'S/Probe/Resource';
    },
  },
  {
    rule: 'MultiRegion-CW1',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const policy = publishPolicy(stack);
      new cloudwatch.Alarm(stack, 'LagAlarm', {
        metric: new cloudwatch.Metric({ namespace: 'Shop/Replication', metricName: 'LagSeconds', period: Duration.minutes(1) }),
        threshold: 5, evaluationPeriods: 3,
      });
      return policy;
    },
    nonCompliant: (app) => publishPolicy(stackIn(app, 'S', 'us-east-1')),
  },
  {
    rule: 'MultiRegion-CW2',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const check = new route53.CfnHealthCheck(stack, 'Check', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', requestInterval: 10, failureThreshold: 3 } });
      new cloudwatch.Alarm(stack, 'CheckAlarm', {
        metric: new cloudwatch.Metric({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: check.attrHealthCheckId }, period: Duration.minutes(1) }),
        threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, evaluationPeriods: 1,
      });
      return 'S/Check';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const check = new route53.CfnHealthCheck(stack, 'Check', { healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', requestInterval: 10, failureThreshold: 3 } });
      const other = new route53.CfnHealthCheck(stack, 'OtherCheck', { healthCheckConfig: { type: 'CALCULATED', childHealthChecks: [check.attrHealthCheckId] } });
      // An alarm on another check's status does not count.
      new cloudwatch.Alarm(stack, 'OtherAlarm', {
        metric: new cloudwatch.Metric({ namespace: 'AWS/Route53', metricName: 'HealthCheckStatus', dimensionsMap: { HealthCheckId: other.attrHealthCheckId }, period: Duration.minutes(1) }),
        threshold: 1, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD, evaluationPeriods: 1,
      });
      return 'S/Check';
    },
  },
  {
    rule: 'MultiRegion-GD1',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-west-2');
      accelerator(stack, ['us-east-1', 'us-east-2']);
      // A drill of the team's own counts when its state machine carries the game-day tag.
      new sfn.CfnStateMachine(stack, 'Drill', {
        roleArn: `arn:aws:iam::${ACCOUNT}:role/drill`,
        definitionString: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}',
        tags: [{ key: 'multi-region:game-day', value: 'region-evacuation-drill' }],
      });
      return 'S/Accelerator';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-west-2');
      accelerator(stack, ['us-east-1', 'us-east-2']);
      // An untagged state machine is not a drill.
      new sfn.CfnStateMachine(stack, 'Other', { roleArn: `arn:aws:iam::${ACCOUNT}:role/other`, definitionString: '{"StartAt":"A","States":{"A":{"Type":"Succeed"}}}' });
      return 'S/Accelerator';
    },
  },
  {
    rule: 'MultiRegion-GD1',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      routedRecord(stack, 'Latency', { region: 'us-east-1', healthCheckId: 'abc' });
      new arcregionswitch.CfnPlan(stackIn(app, 'Plan', 'us-east-1'), 'Plan', {
        name: 'shop', executionRole: `arn:aws:iam::${ACCOUNT}:role/plan`, recoveryApproach: 'activeActive', regions: ['us-east-1', 'us-east-2'],
        workflows: [{ workflowTargetAction: 'deactivate', steps: [] }],
      });
      return 'S/Latency';
    },
    nonCompliant: (app) => {
      routedRecord(stackIn(app, 'S', 'us-east-1'), 'Latency', { region: 'us-east-1', healthCheckId: 'abc' });
      return 'S/Latency';
    },
  },
  {
    rule: 'MultiRegion-CW4',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      const metric = new cloudwatch.Metric({ namespace: 'Shop/Health', metricName: 'Healthy', period: Duration.minutes(1) });
      new cloudwatch.CfnAlarm(stack, 'Notifying', {
        metricName: 'Healthy', namespace: 'Shop/Health', statistic: 'Minimum', period: 60, threshold: 1, evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold', alarmActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:oncall`],
      });
      // Actions switched off on purpose: not checked.
      new cloudwatch.Alarm(stack, 'Muted', { metric, threshold: 1, evaluationPeriods: 1, actionsEnabled: false });
      return 'S/Notifying';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      new cloudwatch.CfnAlarm(stack, 'Silent', {
        metricName: 'Healthy', namespace: 'Shop/Health', statistic: 'Minimum', period: 60, threshold: 1, evaluationPeriods: 1,
        comparisonOperator: 'LessThanThreshold', okActions: [`arn:aws:sns:us-east-1:${ACCOUNT}:oncall`],
      });
      return 'S/Silent';
    },
  },
  {
    rule: 'MultiRegion-AUDIT1',
    severity: 'warning',
    compliant: (app) => {
      for (const region of ['us-east-1', 'us-east-2']) {
        const stack = activeRegionStack(app, region);
        new kms.CfnKey(stack, 'Key', {});
        new cloudtrail.CfnTrail(stack, 'Trail', { isLogging: true, s3BucketName: 'audit-bucket' });
      }
      return 'unused';
    },
    nonCompliant: (app) => {
      const east1 = activeRegionStack(app, 'us-east-1');
      new kms.CfnKey(east1, 'Key', {});
      new cloudtrail.CfnTrail(east1, 'Trail', { isLogging: true, s3BucketName: 'audit-bucket' });
      const east2 = stackIn(app, 'East2', 'us-east-2');
      Tags.of(east2).add('multi-region:region-role', 'active');
      new kms.CfnKey(east2, 'Key', {});
      // A trail that is not logging records nothing.
      new cloudtrail.CfnTrail(east2, 'Trail', { isLogging: false, s3BucketName: 'audit-bucket' });
      // A stack of no active Region (the global stack) needs no trail.
      new kms.CfnKey(stackIn(app, 'Global', 'us-west-2'), 'Key', {});
      return 'East2/Key';
    },
  },
];

// The DynamoDB global table and Aurora global database rules.

/** A raw global table in us-east-1 with replicas in us-east-1 (a key of this stack) and us-east-2 (as given). */
function globalTable(stack: Stack, east2: Partial<dynamodb.CfnGlobalTable.ReplicaSpecificationProperty>, name = 'orders'): dynamodb.CfnGlobalTable {
  const key = new kms.CfnKey(stack, 'Key', { enableKeyRotation: true });
  return new dynamodb.CfnGlobalTable(stack, 'Table', {
    tableName: name,
    attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
    keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
    billingMode: 'PAY_PER_REQUEST',
    sseSpecification: { sseEnabled: true, sseType: 'KMS' },
    replicas: [
      { region: 'us-east-1', sseSpecification: { kmsMasterKeyId: key.attrArn }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } },
      { region: 'us-east-2', sseSpecification: { kmsMasterKeyId: `arn:aws:kms:us-east-2:${ACCOUNT}:alias/shop/us-east-2` }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true }, ...east2 },
    ],
  });
}

function latencyAlarm(stack: Stack, tableName: string): void {
  new cloudwatch.Alarm(stack, 'Latency', {
    metric: new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName: 'ReplicationLatency', dimensionsMap: { TableName: tableName, ReceivingRegion: 'us-east-2' }, period: Duration.minutes(1) }),
    threshold: 5000, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 3,
  });
}

function secondaryCluster(stack: Stack, props: Partial<rds.CfnDBClusterProps> = {}): rds.CfnDBCluster {
  return new rds.CfnDBCluster(stack, 'Cluster', {
    dbClusterIdentifier: 'ledger-us-east-2', engine: 'aurora-postgresql', globalClusterIdentifier: 'ledger', storageEncrypted: true, ...props,
  });
}

CASES.push(
  {
    rule: 'MultiRegion-DDB1',
    severity: 'error',
    compliant: (app) => {
      globalTable(stackIn(app, 'S', 'us-east-1'), {});
      return 'S/Table';
    },
    nonCompliant: (app) => {
      // The us-east-2 replica under the table stack's key (us-east-1's).
      const stack = stackIn(app, 'S', 'us-east-1');
      const table = globalTable(stack, { sseSpecification: undefined });
      table.addPropertyOverride('Replicas.1.SSESpecification.KMSMasterKeyId', { 'Fn::GetAtt': ['Key', 'Arn'] });
      return 'S/Table';
    },
  },
  {
    rule: 'MultiRegion-DDB2',
    severity: 'error',
    compliant: (app) => {
      globalTable(stackIn(app, 'S', 'us-east-1'), {});
      return 'S/Table';
    },
    nonCompliant: (app) => {
      globalTable(stackIn(app, 'S', 'us-east-1'), { pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: false } });
      return 'S/Table';
    },
  },
  {
    rule: 'MultiRegion-AUR1',
    severity: 'error',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-2');
      secondaryCluster(stack, { kmsKeyId: new kms.CfnKey(stack, 'Key', { enableKeyRotation: true }).attrArn });
      return 'S/Cluster';
    },
    nonCompliant: (app) => {
      secondaryCluster(stackIn(app, 'S', 'us-east-2'));
      return 'S/Cluster';
    },
  },
  {
    rule: 'MultiRegion-CW3',
    severity: 'warning',
    compliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      globalTable(stack, {});
      latencyAlarm(stack, 'orders');
      const east2 = stackIn(app, 'E2', 'us-east-2');
      secondaryCluster(east2, { kmsKeyId: new kms.CfnKey(east2, 'Key', { enableKeyRotation: true }).attrArn });
      new cloudwatch.Alarm(east2, 'RpoLag', {
        metric: new cloudwatch.Metric({ namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBRPOLag', dimensionsMap: { DBClusterIdentifier: 'ledger-us-east-2', SourceRegion: 'us-east-1' }, period: Duration.minutes(1) }),
        threshold: 5000, comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD, evaluationPeriods: 3,
      });
      return 'S/Table';
    },
    nonCompliant: (app) => {
      const stack = stackIn(app, 'S', 'us-east-1');
      globalTable(stack, {});
      // An alarm on another table's latency does not count.
      latencyAlarm(stack, 'invoices');
      return 'S/Table';
    },
  },
);


/** A stack of an active Region of a multi-Region app, tagged as MultiRegionApp tags them. */
function activeRegionStack(app: App, region: string): Stack {
  const stack = stackIn(app, `Stack-${region}`, region);
  Tags.of(stack).add('multi-region:region-role', 'active');
  return stack;
}

/** A function's policy allowing it to publish to one namespace; returns the policy's path. */
function publishPolicy(stack: Stack): string {
  const policy = new iam.Policy(stack, 'PublishLag', {
    statements: [new iam.PolicyStatement({
      actions: ['cloudwatch:PutMetricData'],
      resources: ['*'],
      conditions: { StringEquals: { 'cloudwatch:namespace': 'Shop/Replication' } },
    })],
  });
  policy.attachToRole(new iam.Role(stack, 'ProbeRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') }));
  return 'S/PublishLag/Resource';
}

describe.each(CASES)('$rule', ({ rule, severity, compliant, nonCompliant }) => {
  test('reports the non-compliant resource at its construct path', () => {
    const app = newTestApp();
    const path = nonCompliant(app);
    expect(multiRegionFindings(app).filter((f) => f.rule === rule)).toEqual([{ plugin: 'MultiRegionChecks', rule, severity, path }]);
  });

  test('passes the compliant resource', () => {
    const app = newTestApp();
    compliant(app);
    expect(multiRegionFindings(app).filter((f) => f.rule === rule)).toEqual([]);
  });

  test('is silenced by an acknowledgement with a reason on the resource', () => {
    const app = newTestApp();
    const path = nonCompliant(app);
    const construct = app.node.findAll().find((c) => c.node.path === path)!;
    Validations.of(construct).acknowledge({ id: `MultiRegionChecks::${rule}`, reason: 'fixture: accepted on purpose' });
    expect(multiRegionFindings(app).filter((f) => f.rule === rule)).toEqual([]);
  });
});
