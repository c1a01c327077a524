import { Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlarmTopics, RegionalAuditTrail, DynamoDbGlobalTable, DynamoDbReplicationProbe, MultiRegionApp } from '../../lib';
import { newTestApp } from '../helpers/app';
import { multiRegionFindings, openFindings } from '../helpers/nag';

function build() {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111', stackNamePrefix: 'shop' });
  const table = new DynamoDbGlobalTable(topology, 'Orders', { topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  const probes = [['us-east-1', 'us-east-2'], ['us-east-2', 'us-east-1']].map(([writer, reader]) => new DynamoDbReplicationProbe(
    topology.regionalStack(writer), `OrdersProbe-${reader}`, { globalTable: table, writerRegion: writer, readerRegion: reader, partitionKeyName: 'pk' }));
  return { app, topology, table, probes };
}

describe('DynamoDbReplicationProbe', () => {
  test('writes only the writer\'s replica, reads only the reader\'s, and names the other Region\'s key by alias through DynamoDB there', () => {
    const { topology } = build();
    const template = Template.fromStack(topology.regionalStack('us-east-1'));
    template.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Action: ['dynamodb:DeleteItem', 'dynamodb:PutItem'], Resource: 'arn:aws:dynamodb:us-east-1:111111111111:table/shop-Orders' }),
        Match.objectLike({ Action: 'dynamodb:GetItem', Resource: 'arn:aws:dynamodb:us-east-2:111111111111:table/shop-Orders' }),
        Match.objectLike({
          Action: ['kms:Decrypt', 'kms:DescribeKey'],
          Resource: 'arn:aws:kms:us-east-2:111111111111:key/*',
          Condition: {
            'StringEquals': { 'kms:ViaService': 'dynamodb.us-east-2.amazonaws.com' },
            'ForAnyValue:StringEquals': { 'kms:ResourceAliases': 'alias/shop/us-east-2' },
          },
        }),
      ]) },
    });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'],
      Environment: { Variables: { DYNAMODB_PROBE_CONFIG: Match.stringLikeRegexp('"tableName":"shop-Orders".*"writerRegion":"us-east-1","readerRegion":"us-east-2"') } },
    });
  });

  test('lag alarms at the table\'s 1 s / 5 s bands, registered', () => {
    const { probes } = build();
    expect(probes[0].lagWarningAlarm.node.defaultChild).toBeDefined();
    const template = Template.fromStack(probes[0].lagWarningAlarm.stack);
    for (const threshold of [1000, 5000]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        Namespace: 'MultiRegion/Probes', MetricName: 'ReplicationLag', Threshold: threshold,
        Dimensions: Match.arrayWith([{ Name: 'TableName', Value: 'shop-Orders' }]),
      });
    }
    expect(probes[0].lagCriticalAlarm).toBeInstanceOf(cloudwatch.Alarm);
  });

  test('refuses a Region without a replica, naming it', () => {
    const { topology, table } = build();
    expect(() => new DynamoDbReplicationProbe(topology.regionalStack('us-east-1'), 'Bad', {
      globalTable: table, writerRegion: 'us-east-1', readerRegion: 'eu-west-1', partitionKeyName: 'pk',
    })).toThrow(/readerRegion 'eu-west-1' has no replica of shop-Orders; replica Regions: us-east-1, us-east-2/);
  });

  test('table and probes are nag-clean', () => {
    const { app, topology } = build();
    new AlarmTopics(topology, 'AlarmTopics', { topology });
  new RegionalAuditTrail(topology, 'AuditTrail', { topology });
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
    expect(multiRegionFindings(app)).toEqual([]);
    expect(openFindings(app, 'AwsSolutions')).toEqual([]);
  });
});

describe('refuses probe wiring that cannot work, naming the value and what is valid', () => {
  function probeWith(tableProps: Partial<import('../../lib').DynamoDbGlobalTableProps>, probeProps: Partial<import('../../lib').DynamoDbReplicationProbeProps>) {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Topology', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111', stackNamePrefix: 'shop' });
    const table = new DynamoDbGlobalTable(topology, 'Orders', { topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, ...tableProps });
    return () => new DynamoDbReplicationProbe(topology.regionalStack('us-east-1'), 'Probe', {
      globalTable: table, writerRegion: 'us-east-1', readerRegion: 'us-east-2', partitionKeyName: 'pk', ...probeProps,
      ...(probeProps.encryptionKey === null ? { encryptionKey: topology.regionalKey('us-east-2') } : {}),
    });
  }
  test.each<[string, any, any, RegExp]>([
    ['a partition key that is not the table\'s', {}, { partitionKeyName: 'id' }, /partitionKeyName 'id' is not the partition key of shop-Orders, which is 'pk'; give partitionKeyName: 'pk'/],
    ['a number partition key', { partitionKey: { name: 'pk', type: dynamodb.AttributeType.NUMBER } }, {}, /partition key 'pk' of shop-Orders is of type N; the probe writes string keys/],
    ['a sort key the table lacks', {}, { sortKeyName: 'sk' }, /sortKeyName 'sk' was given, but shop-Orders has no sort key/],
    ['a missing sort key', { sortKey: { name: 'sk', type: dynamodb.AttributeType.STRING } }, {}, /sortKeyName is missing of shop-Orders, whose sort key is 'sk'; give sortKeyName: 'sk'/],
    ['another TTL attribute', { timeToLiveAttribute: 'expiresAt' }, { timeToLiveAttribute: 'ttl' }, /timeToLiveAttribute 'ttl' is not the time-to-live attribute of shop-Orders, which is 'expiresAt'/],
    ['a log key of another Region', {}, { encryptionKey: null }, /encryptionKey .* is the key of us-east-2, but the probe's log group is in us-east-1/],
  ])('%s', (_what, tableProps, probeProps, error) => {
    expect(probeWith(tableProps, probeProps)).toThrow(error);
  });
});
