import { Duration, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { AlarmTopics, RegionalAuditTrail, AuroraGlobalDatabase, AuroraGlobalDatabaseProps, MultiRegionApp, MultiRegionAppProps, Posture, ReplicationLagProbe, ReplicationMode } from '../../lib';
import { newTestApp } from '../helpers/app';
import { multiRegionFindings, openFindings } from '../helpers/nag';

const AP = { activeRegions: ['eu-west-1', 'eu-central-1'], posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'eu-west-1', account: '111111111111', stackNamePrefix: 'ledger' };

function build(topologyProps: Partial<MultiRegionAppProps> = {}, props: Partial<AuroraGlobalDatabaseProps> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', { ...AP, ...topologyProps } as MultiRegionAppProps);
  const db = new AuroraGlobalDatabase(topology, 'Db', { topology, ...props });
  return { app, topology, db };
}

function keyIdOf(topology: MultiRegionApp, region: string): string {
  return topology.regionalStack(region).resolve((topology.regionalKey(region).node.defaultChild as any).logicalId);
}

describe('AuroraGlobalDatabase', () => {
  const { topology, db } = build();
  const primary = Template.fromStack(topology.regionalStack('eu-west-1'));
  const secondary = Template.fromStack(topology.regionalStack('eu-central-1'));

  test('the writer cluster in the primary, under the primary\'s key, IAM auth on, and the global cluster made from it', () => {
    primary.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterIdentifier: 'ledger-db-eu-west-1',
      Engine: 'aurora-postgresql',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [keyIdOf(topology, 'eu-west-1'), 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      DeletionProtection: true,
    });
    primary.hasResourceProperties('AWS::RDS::GlobalCluster', {
      GlobalClusterIdentifier: 'ledger-db',
      SourceDBClusterIdentifier: Match.anyValue(),
      DeletionProtection: true,
    });
    primary.resourceCountIs('AWS::RDS::DBInstance', 2);
  });

  test('the secondary joins the global cluster, under its own Region\'s key, without credentials', () => {
    secondary.hasResourceProperties('AWS::RDS::DBCluster', {
      DBClusterIdentifier: 'ledger-db-eu-central-1',
      GlobalClusterIdentifier: 'ledger-db',
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [keyIdOf(topology, 'eu-central-1'), 'Arn'] },
      EnableIAMDatabaseAuthentication: true,
      MasterUsername: Match.absent(),
      MasterUserPassword: Match.absent(),
    });
    secondary.resourceCountIs('AWS::RDS::DBInstance', 1);
    expect(topology.regionalStack('eu-central-1').dependencies).toContain(topology.regionalStack('eu-west-1'));
  });

  test('the master secret is replicated to the standby under the standby\'s key (alias ARN)', () => {
    primary.hasResourceProperties('AWS::SecretsManager::Secret', {
      Name: 'ledger-db/master',
      ReplicaRegions: [{ Region: 'eu-central-1', KmsKeyId: 'arn:aws:kms:eu-central-1:111111111111:alias/ledger/eu-central-1' }],
    });
  });

  test('replication-lag and RPO-lag alarms in every member Region (a switchover makes the primary a secondary), 1 s / 5 s / 5 s, '
    + 'on a Metrics Insights query by DBClusterIdentifier that does not depend on the undocumented dimension set', () => {
    for (const [template, region] of [[secondary, 'eu-central-1'], [primary, 'eu-west-1']] as const) {
      for (const [metric, threshold] of [['AuroraGlobalDBReplicationLag', 1000], ['AuroraGlobalDBReplicationLag', 5000], ['AuroraGlobalDBRPOLag', 5000]] as const) {
        template.hasResourceProperties('AWS::CloudWatch::Alarm', {
          Threshold: threshold,
          Namespace: Match.absent(),
          Metrics: [Match.objectLike({ Expression: `SELECT MAX(${metric}) FROM "AWS/RDS" WHERE DBClusterIdentifier = 'ledger-db-${region}'`, Period: 60 })],
        });
      }
    }
    expect(db.alarms).toHaveLength(6);
    expect(JSON.stringify(secondary.toJSON())).not.toContain('SourceRegion');
  });

  test('is asynchronous with the RPO alarm\'s threshold as worst case', () => {
    expect(db.replicationMode).toBe(ReplicationMode.ASYNCHRONOUS);
    expect(db.worstCaseRpoSeconds).toBe(5);
  });

  test('the operator commands name the global cluster and the target cluster; a switchover runs in the primary\'s Region, a failover in the target\'s', () => {
    expect(db.switchoverCommand('eu-central-1')).toBe('aws rds switchover-global-cluster --region eu-west-1 --global-cluster-identifier ledger-db '
      + '--target-db-cluster-identifier arn:aws:rds:eu-central-1:111111111111:cluster:ledger-db-eu-central-1');
    expect(db.failoverCommand('eu-central-1')).toMatch(/^aws rds failover-global-cluster --region eu-central-1 .* --allow-data-loss$/);
    expect(() => db.switchoverCommand('eu-west-1')).toThrow(/'eu-west-1' has no secondary cluster of ledger-db/);
  });
});

test('grantConnect names only that Region\'s cluster', () => {
  const { topology, db } = build();
  const stack = topology.regionalStack('eu-central-1');
  const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  db.grantConnect(role, 'eu-central-1', 'app_user');
  Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
    PolicyDocument: { Statement: [Match.objectLike({
      Action: 'rds-db:connect',
      Resource: { 'Fn::Join': ['', Match.arrayWith([Match.stringLikeRegexp('^arn:aws:rds-db:eu-central-1:111111111111:dbuser:$'), '/app_user'])] },
    })] },
  });
});

test('headless secondaries have no instance', () => {
  const { topology } = build({}, { secondaryInstances: 0 });
  Template.fromStack(topology.regionalStack('eu-central-1')).resourceCountIs('AWS::RDS::DBInstance', 0);
});

test('refuses an active-active topology, naming it', () => {
  expect(() => build({ posture: Posture.ACTIVE_ACTIVE, primaryRegion: undefined })).toThrow(/is ACTIVE_ACTIVE \(eu-west-1, eu-central-1\); use posture Posture.ACTIVE_PASSIVE/);
});

test('refuses a VPC for a Region that is not active', () => {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', AP as MultiRegionAppProps);
  expect(() => new AuroraGlobalDatabase(topology, 'Db', { topology, vpcs: { 'us-east-1': {} as any } })).toThrow(/vpcs has a VPC for 'us-east-1'/);
});

test('nag-clean: no open AwsSolutions or MultiRegionChecks error', () => {
  const { app, topology } = build();
  new AlarmTopics(topology, 'AlarmTopics', { topology });
  new RegionalAuditTrail(topology, 'AuditTrail', { topology });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  const findings = multiRegionFindings(app);
  expect(findings).toEqual([]);
  expect(openFindings(app, 'AwsSolutions').filter((f) => f.severity === 'error')).toEqual([]);
});

test('lagProbeDatabase feeds the existing PostgreSQL lag probe: primary writer, secondary reader, the Region\'s secret', () => {
  const { topology, db } = build();
  const stack = topology.regionalStack('eu-central-1');
  new ReplicationLagProbe(stack, 'DbLag', { database: db.lagProbeDatabase('eu-central-1'), vpc: db.vpc('eu-central-1'), encryptionKey: topology.regionalKey('eu-central-1') });
  const fn = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('eu-west-1 to eu-central-1') } });
  const config = JSON.stringify(Object.values(fn)[0].Properties.Environment.Variables.LAG_PROBE_CONFIG);
  expect(config).toContain('postgres://dbadmin@');
  expect(config).toContain('ReadEndpoint.Address');
  expect(config).toContain(':5432/app?sslmode=require');
  expect(config).toContain(':secretsmanager:eu-central-1:111111111111:secret:ledger-db/master');
  expect(() => db.lagProbeDatabase('eu-west-1')).toThrow(/'eu-west-1' has no secondary cluster of ledger-db/);
});

test('the lag probe\'s metrics carry the global cluster as Database, and a read-only writer (after a switchover) has an alarm', () => {
  const { topology, db } = build();
  const stack = topology.regionalStack('eu-central-1');
  const probe = new ReplicationLagProbe(stack, 'DbLag', { database: db.lagProbeDatabase('eu-central-1'), encryptionKey: topology.regionalKey('eu-central-1') });
  expect(probe.databaseName).toBe('ledger-db');
  Template.fromStack(stack).hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'WriterReadOnly',
    Dimensions: Match.arrayWith([{ Name: 'Database', Value: 'ledger-db' }, { Name: 'WriterRegion', Value: 'eu-west-1' }]),
    ComparisonOperator: 'GreaterThanOrEqualToThreshold', Threshold: 1,
  });
});

test('the probe can read the standby\'s replica of the master secret: kms:Decrypt on that Region\'s key through Secrets Manager there, and trusts the RDS CAs', () => {
  const { topology, db } = build();
  const stack = topology.regionalStack('eu-central-1');
  new ReplicationLagProbe(stack, 'DbLag', { database: db.lagProbeDatabase('eu-central-1') });
  const template = Template.fromStack(stack);
  // CDK grants it in the key policy (a ViaServicePrincipal cannot carry an identity policy), naming the probe's role.
  const key = template.toJSON().Resources[keyIdOf(topology, 'eu-central-1')];
  const decrypt = key.Properties.KeyPolicy.Statement.filter((st: any) => st.Action === 'kms:Decrypt' && JSON.stringify(st.Principal).includes('DbLagRole'));
  expect(decrypt).toEqual([expect.objectContaining({
    Effect: 'Allow',
    Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.eu-central-1.amazonaws.com' } },
  })]);
  template.hasResourceProperties('AWS::Lambda::Function', {
    Description: Match.stringLikeRegexp('eu-west-1 to eu-central-1'),
    Environment: { Variables: Match.objectLike({ NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' }) },
  });
});

test('the probe checks the standby\'s secret replica every run: DescribeSecret on the primary secret in its Region, and an alarm when the replica is not in sync', () => {
  const { topology, db } = build();
  const stack = topology.regionalStack('eu-central-1');
  const probe = new ReplicationLagProbe(stack, 'DbLag', { database: db.lagProbeDatabase('eu-central-1') });
  const template = Template.fromStack(stack);
  template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
    Action: 'secretsmanager:DescribeSecret', Resource: 'arn:aws:secretsmanager:eu-west-1:111111111111:secret:ledger-db/master-??????',
  })]) } });
  const fn = Object.values(template.findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('eu-west-1 to eu-central-1') } }))[0];
  expect(JSON.stringify(fn.Properties.Environment.Variables.LAG_PROBE_CONFIG)).toContain('\\"secretReplication\\":{\\"secretId\\":\\"ledger-db/master\\",\\"region\\":\\"eu-west-1\\",\\"replicaRegions\\":[\\"eu-central-1\\"]}');
  expect(probe.secretReplicaAlarm).toBeDefined();
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'SecretReplicaInSync', ComparisonOperator: 'LessThanThreshold', Threshold: 1,
    Dimensions: [{ Name: 'Database', Value: 'ledger-db' }, { Name: 'ReplicaRegion', Value: 'eu-central-1' }],
  });
});

describe('refuses Aurora settings RDS rejects for a global database, naming the value and what is valid', () => {
  test.each([
    [{ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.MEDIUM) }, /instanceType 'db.t4g.medium' is not valid for an Aurora global database.*db\.r\* or db\.x\*/],
    [{ instanceType: ec2.InstanceType.of(ec2.InstanceClass.M6G, ec2.InstanceSize.LARGE) }, /instanceType 'db.m6g.large' is not valid/],
    [{ backupRetention: Duration.days(0) }, /backupRetention of 0 days is not valid; .* from 1 to 35/],
    [{ backupRetention: Duration.days(36) }, /backupRetention of 36 days is not valid/],
    [{ backupRetention: Duration.hours(36) }, /backupRetention of 1.5 days is not valid/],
    [{ defaultDatabaseName: '1ledger' }, /defaultDatabaseName '1ledger' is not valid; RDS takes 1 to 63 letters/],
    [{ defaultDatabaseName: 'my-db' }, /defaultDatabaseName 'my-db' is not valid/],
    [{ defaultDatabaseName: 'template1' }, /defaultDatabaseName 'template1' is not valid.*template0, template1/],
    [{ defaultDatabaseName: 'a'.repeat(64) }, /defaultDatabaseName 'a{64}' is not valid/],
    [{ masterUsername: 'postgres' }, /masterUsername 'postgres' is not valid/],
    [{ masterUsername: 'db-admin' }, /masterUsername 'db-admin' is not valid/],
  ] as [Partial<AuroraGlobalDatabaseProps>, RegExp][])('%o', (props, error) => {
    expect(() => build({}, props)).toThrow(error);
  });

  test('accepts the memory-optimized classes', () => {
    expect(() => build({}, { instanceType: ec2.InstanceType.of(ec2.InstanceClass.R7G, ec2.InstanceSize.XLARGE), backupRetention: Duration.days(35), defaultDatabaseName: 'ledger_1' })).not.toThrow();
    expect(() => build({}, { instanceType: new ec2.InstanceType('x2g.large') })).not.toThrow();
  });
});

test('addToDashboard graphs replication and RPO lag of each secondary', () => {
  const { topology, db } = build();
  const dashboard = new cloudwatch.Dashboard(topology.globalStack, 'Replication');
  db.addToDashboard(dashboard);
  const body = JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard'));
  expect(body).toContain('AuroraGlobalDBReplicationLag');
  expect(body).toContain('AuroraGlobalDBRPOLag');
  expect(body).toContain('lag into eu-central-1 while a secondary');
  expect(body).toContain('lag into eu-west-1 while a secondary');
});

test('lag metrics: the Metrics Insights queries by cluster identifier, and the deprecated 0.1.0 metrics kept as they were', () => {
  const { db } = build();
  const query = db.metricReplicationLagQuery('eu-central-1');
  expect(query.expression).toBe('SELECT MAX(AuroraGlobalDBReplicationLag) FROM "AWS/RDS" WHERE DBClusterIdentifier = \'ledger-db-eu-central-1\'');
  expect(db.metricRpoLagQuery('eu-west-1').expression).toContain('AuroraGlobalDBRPOLag');
  // The deprecated forms return a Metric on the old dimensions, for secondaries only.
  const legacy = db.metricReplicationLag('eu-central-1');
  expect(legacy).toBeInstanceOf(cloudwatch.Metric);
  expect(legacy.dimensions).toEqual({ DBClusterIdentifier: 'ledger-db-eu-central-1', SourceRegion: 'eu-west-1' });
  expect(db.metricRpoLag('eu-central-1').metricName).toBe('AuroraGlobalDBRPOLag');
  expect(() => db.metricRpoLag('eu-west-1')).toThrow(/'eu-west-1' has no secondary cluster/);
});
