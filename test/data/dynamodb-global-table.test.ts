import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DynamoDbGlobalTable, DynamoDbGlobalTableProps, GlobalTableConsistency, MultiRegionApp, MultiRegionAppProps, MultiRegionTopology, Posture, ReplicationMode } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';
import { multiRegionFindings } from '../helpers/nag';

const US = { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111', stackNamePrefix: 'shop' };

function build(topologyProps: Partial<MultiRegionAppProps> = {}, props: Partial<DynamoDbGlobalTableProps> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', { ...US, ...topologyProps } as MultiRegionAppProps);
  const table = new DynamoDbGlobalTable(topology, 'Orders', {
    topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, ...props,
  });
  return { app, topology, table };
}

describe('DynamoDbGlobalTable (MREC, default)', () => {
  const { topology, table } = build();
  const east1 = Template.fromStack(topology.regionalStack('us-east-1'));
  const east2 = Template.fromStack(topology.regionalStack('us-east-2'));

  test('one global table in the first Region with a replica per active Region, each under its own Region\'s key', () => {
    east1.resourceCountIs('AWS::DynamoDB::GlobalTable', 1);
    east2.resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    const keyId = topology.regionalStack('us-east-1').resolve((topology.regionalKey('us-east-1').node.defaultChild as any).logicalId);
    east1.hasResource('AWS::DynamoDB::GlobalTable', {
      DeletionPolicy: 'Retain',
      Properties: {
        TableName: 'shop-Orders',
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS' },
        Replicas: Match.arrayWith([
          Match.objectLike({
            Region: 'us-east-2',
            SSESpecification: { KMSMasterKeyId: 'arn:aws:kms:us-east-2:111111111111:alias/shop/us-east-2' },
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
          Match.objectLike({
            Region: 'us-east-1',
            SSESpecification: { KMSMasterKeyId: { 'Fn::GetAtt': [keyId, 'Arn'] } },
            PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
            DeletionProtectionEnabled: true,
          }),
        ]),
      },
    });
    expect(JSON.stringify(east1.toJSON())).not.toContain('MultiRegionConsistency":"STRONG');
  });

  test('the table\'s stack deploys after the other Region\'s (whose key it names by alias)', () => {
    expect(topology.regionalStack('us-east-1').dependencies).toContain(topology.regionalStack('us-east-2'));
  });

  test('each Regional key lets DynamoDB use it through its own Region only', () => {
    for (const [region, template] of [['us-east-1', east1], ['us-east-2', east2]] as const) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
          Condition: { StringEquals: Match.objectLike({ 'kms:ViaService': Match.arrayWith([`dynamodb.${region}.amazonaws.com`]) }) },
        })]) },
      });
    }
  });

  test('is asynchronous with the critical latency threshold as its worst-case RPO, and says last writer wins', () => {
    expect(table.replicationMode).toBe(ReplicationMode.ASYNCHRONOUS);
    expect(table.worstCaseRpoSeconds).toBe(5);
    expect(table.rpoBasis).toContain('5 s');
    Annotations.fromStack(topology.regionalStack('us-east-1')); // annotations live on the construct in the topology
    const infos = table.node.metadata.filter((m) => m.type === 'aws:cdk:info').map((m) => String(m.data));
    expect(infos.join('\n')).toMatch(/last writer wins/);
  });

  test('ReplicationLatency alarms per ordered pair, in the source Region, 1 s and 5 s', () => {
    for (const [source, receiving, template] of [['us-east-1', 'us-east-2', east1], ['us-east-2', 'us-east-1', east2]] as const) {
      for (const threshold of [1000, 5000]) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Namespace: 'AWS/DynamoDB',
          MetricName: 'ReplicationLatency',
          Dimensions: Match.arrayWith([{ Name: 'ReceivingRegion', Value: receiving }, { Name: 'TableName', Value: 'shop-Orders' }]),
          Threshold: threshold,
          Statistic: 'Maximum',
        });
      }
      expect(source).not.toBe(receiving);
    }
    expect(table.latencyAlarms).toHaveLength(2);
  });

  test('grants name only that Region\'s replica and that Region\'s key', () => {
    const { topology, table } = build();
    const stack = topology.regionalStack('us-east-2');
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantReadWriteData(role, 'us-east-2');
    const t = Template.fromStack(stack);
    const keyId = stack.resolve((topology.regionalKey('us-east-2').node.defaultChild as any).logicalId);
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({
          Action: Match.arrayWith(['dynamodb:GetItem', 'dynamodb:PutItem']),
          Resource: [
            'arn:aws:dynamodb:us-east-2:111111111111:table/shop-Orders',
            'arn:aws:dynamodb:us-east-2:111111111111:table/shop-Orders/index/*',
          ],
        }),
        Match.objectLike({ Action: Match.arrayWith(['kms:Decrypt']), Resource: { 'Fn::GetAtt': [keyId, 'Arn'] } }),
      ]) },
    });
    expect(JSON.stringify(t.findResources('AWS::IAM::Policy'))).not.toContain('us-east-1');
  });

  test('grantReadData gives no write action', () => {
    const { topology, table } = build();
    const stack = topology.regionalStack('us-east-1');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantReadData(role, 'us-east-1');
    const policies = JSON.stringify(Template.fromStack(stack).findResources('AWS::IAM::Policy'));
    expect(policies).toContain('dynamodb:GetItem');
    expect(policies).not.toContain('dynamodb:PutItem');
    expect(policies).not.toContain('kms:GenerateDataKey');
  });
});

describe('DynamoDbGlobalTable (MRSC)', () => {
  test('two replicas and the topology\'s witness: synchronous, RPO 0, no latency alarms', () => {
    const { topology, table } = build({ witnessRegion: 'us-west-2' }, { consistency: GlobalTableConsistency.STRONG });
    Template.fromStack(topology.regionalStack('us-east-1')).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
      MultiRegionConsistency: 'STRONG',
      GlobalTableWitnesses: [{ Region: 'us-west-2' }],
    });
    expect(table.replicationMode).toBe(ReplicationMode.SYNCHRONOUS);
    expect(table.worstCaseRpoSeconds).toBe(0);
    expect(table.latencyAlarms).toHaveLength(0);
  });

  test('three replicas need no witness', () => {
    const { table } = build({ activeRegions: ['us-east-1', 'us-east-2', 'us-west-2'] }, { consistency: GlobalTableConsistency.STRONG });
    expect(table.witnessRegion).toBeUndefined();
  });
});

describe('DynamoDbGlobalTable: validation names the bad value', () => {
  test.each<[string, Partial<MultiRegionAppProps>, Partial<DynamoDbGlobalTableProps>, RegExp]>([
    ['unsupported MRSC Region set', { activeRegions: ['us-east-1', 'eu-west-1'] }, { consistency: GlobalTableConsistency.STRONG, witnessRegion: 'us-west-2' },
      /does not support the replica Regions us-east-1, eu-west-1 \(eu-west-1 outside the US set\)/],
    ['MRSC witness outside the set', {}, { consistency: GlobalTableConsistency.STRONG, witnessRegion: 'eu-west-1' }, /witnessRegion 'eu-west-1' is not in the US Region set.*valid witnesses: us-west-2/],
    ['MRSC without a witness', {}, { consistency: GlobalTableConsistency.STRONG }, /needs a witness Region.*us-west-2/],
    ['a witness for MREC', {}, { witnessRegion: 'us-west-2' }, /witnessRegion 'us-west-2' was given for a global table with eventual consistency/],
    ['a replica Region that is not active', {}, { replicaRegions: ['us-east-1', 'eu-west-1'] }, /replica Region 'eu-west-1' is not an active Region.*us-east-1, us-east-2/],
    ['one replica', {}, { replicaRegions: ['us-east-1'] }, /at least two replica Regions, got 1 \(us-east-1\)/],
    ['a bad table name', {}, { tableName: 'a b' }, /tableName 'a b' is not valid/],
  ])('%s', (_what, topologyProps, props, error) => {
    expect(() => build(topologyProps, props)).toThrow(error);
  });

  test('active-passive: the primary holds the table', () => {
    const { table } = build({ activeRegions: ['us-east-1', 'us-east-2'], posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'us-east-2' });
    expect(table.replicaRegions).toEqual(['us-east-2', 'us-east-1']);
  });
});

test('addToDashboard graphs ReplicationLatency per source Region with the bands', () => {
  const { topology, table } = build();
  const dashboard = new cloudwatch.Dashboard(topology.globalStack, 'Replication');
  table.addToDashboard(dashboard);
  const body = JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard'));
  expect(body).toContain('ReplicationLatency');
  expect(body).toContain('ReceivingRegion');
  expect(body).toContain('replication latency from us-east-1');
  expect(body).toContain('replication latency from us-east-2');
  expect(body).toMatch(/\\"value\\":5000/);
});

test('replica(region) is the table in its own Region and a replica reference elsewhere', () => {
  const { table } = build();
  expect(table.replica('us-east-1')).toBe(table.table);
  expect(table.replica('us-east-2')).not.toBe(table.table);
  expect(() => table.replica('eu-west-1')).toThrow(/'eu-west-1' has no replica of shop-Orders/);
});

describe('MultiRegion-KMS2 and per-Region replica blocks', () => {
  function rawTable(replicaKeyRegion: string) {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'us-east-1');
    new dynamodb.CfnGlobalTable(stack, 'Table', {
      attributeDefinitions: [{ attributeName: 'pk', attributeType: 'S' }],
      keySchema: [{ attributeName: 'pk', keyType: 'HASH' }],
      billingMode: 'PAY_PER_REQUEST',
      sseSpecification: { sseEnabled: true, sseType: 'KMS' },
      replicas: [
        { region: 'us-east-1', sseSpecification: { kmsMasterKeyId: 'arn:aws:kms:us-east-1:111111111111:key/abc' }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } },
        { region: 'us-east-2', sseSpecification: { kmsMasterKeyId: `arn:aws:kms:${replicaKeyRegion}:111111111111:alias/shop/${replicaKeyRegion}` }, pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true } },
      ],
    });
    return multiRegionFindings(app).filter((f) => f.rule === 'MultiRegion-KMS2' || f.rule === 'MultiRegion-DDB1');
  }

  test('a replica naming its own Region\'s key by ARN is not a foreign key', () => {
    expect(rawTable('us-east-2')).toEqual([]);
  });

  test('a replica naming a third Region\'s key is (KMS2 and DDB1)', () => {
    expect(rawTable('eu-west-1').map((f) => f.rule).sort()).toEqual(['MultiRegion-DDB1', 'MultiRegion-KMS2']);
  });
});

test('works with a team\'s own stacks (MultiRegionTopology)', () => {
  const app = newTestApp();
  const east1 = stackIn(app, 'East1', 'us-east-1');
  const west2 = stackIn(app, 'West2', 'us-west-2');
  const topology = new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, west2], name: 'team' });
  const table = new DynamoDbGlobalTable(topology, 'Items', { topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  Template.fromStack(east1).hasResourceProperties('AWS::DynamoDB::GlobalTable', {
    TableName: 'team-Items',
    Replicas: Match.arrayWith([Match.objectLike({ Region: 'us-west-2', SSESpecification: { KMSMasterKeyId: 'arn:aws:kms:us-west-2:111111111111:alias/team/us-west-2' } })]),
  });
  expect(table.latencyAlarms.map((a) => a.sourceRegion)).toEqual(['us-east-1', 'us-west-2']);
});

describe('data-stores review fixes', () => {
  test('R1: every replica key lets DynamoDB use it through any Region\'s endpoint (dynamodb.*), for this account\'s principals only', () => {
    const { topology } = build();
    for (const region of ['us-east-1', 'us-east-2']) {
      const key = topology.regionalStack(region).resolve((topology.regionalKey(region).node.defaultChild as any).keyPolicy);
      expect(key.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
        Sid: 'DynamoDbGlobalTablesThroughAnyRegion',
        Effect: 'Allow',
        Principal: { AWS: expect.anything() },
        Action: expect.arrayContaining(['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant']),
        Condition: { StringEquals: { 'kms:CallerAccount': '111111111111' }, StringLike: { 'kms:ViaService': 'dynamodb.*.amazonaws.com' } },
      })]));
    }
  });

  test('R3: ReplicationLatency alarms read its five-minute data', () => {
    const { topology, table } = build();
    expect(table.metricReplicationLatency('us-east-1', 'us-east-2').period.toMinutes()).toBe(5);
    const alarms = Template.fromStack(topology.regionalStack('us-east-1')).findResources('AWS::CloudWatch::Alarm', { Properties: { MetricName: 'ReplicationLatency' } });
    expect(Object.values(alarms).map((a) => a.Properties.Period)).toEqual([300, 300]);
    expect(Object.values(alarms).map((a) => a.Properties.AlarmDescription)).toEqual(expect.arrayContaining([expect.stringMatching(/in 2 of the last 3 five-minute periods/)]));
  });

  test('R7: multi-Region strong consistency with a time-to-live attribute is refused until AWS documents it', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2' }, { consistency: GlobalTableConsistency.STRONG, timeToLiveAttribute: 'expiresAt' }))
      .toThrow(/timeToLiveAttribute 'expiresAt' was given for a strongly consistent \(MRSC\) global table; AWS does not document time to live .* remove timeToLiveAttribute, or use consistency: GlobalTableConsistency.EVENTUAL/);
    expect(() => build({}, { timeToLiveAttribute: 'expiresAt' })).not.toThrow();
  });

  test('R12: stream reads are granted on the stream ARNs, not the table\'s', () => {
    const { topology, table } = build();
    const stack = topology.regionalStack('us-east-2');
    const role = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    table.grantReadData(role, 'us-east-2');
    const statements = Object.values(Template.fromStack(stack).findResources('AWS::IAM::Policy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    const onTable = statements.find((st) => JSON.stringify(st.Action).includes('dynamodb:GetItem'));
    expect(onTable.Action).not.toContain('dynamodb:GetRecords');
    expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({
      Action: ['dynamodb:DescribeStream', 'dynamodb:GetRecords', 'dynamodb:GetShardIterator'],
      Resource: 'arn:aws:dynamodb:us-east-2:111111111111:table/shop-Orders/stream/*',
    })]));
  });
});
