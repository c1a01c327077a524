import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import {
  HealthProbe, HealthProbeProps, LagProbeDatabase, MultiRegionApp, PostgresLagProbeDatabaseOptions, MultiRegionProbes, AlarmTopic,
  ReplicationLagProbe, ReplicationLagProbeProps, RegionalKey,
} from '../../lib';
import { alarmsOf } from '../../lib/private/alarm-registry';
import { TEST_ACCOUNT, newTestApp, stackIn } from '../helpers/app';

const ACCOUNT = TEST_ACCOUNT;
const WRITER_ARN = `arn:aws:dsql:us-east-1:${ACCOUNT}:cluster/abcdefghijklmnopqrstuvwxyz`;
const HC = '11111111-2222-3333-4444-555555555555';

function stackOf(region = 'us-east-1', app: App = newTestApp()): Stack {
  return stackIn(app, `Stack-${region}`, region);
}

function pgDb(extra: Partial<PostgresLagProbeDatabaseOptions> = {}): LagProbeDatabase {
  return LagProbeDatabase.postgres({
    writerRegion: 'us-east-1', writerConnectionString: 'postgres://probe@writer.example.com:5432/app',
    readerRegion: 'us-east-2', readerConnectionString: 'postgres://probe@reader.example.com:5432/app',
    ...extra,
  });
}

function healthProbe(props: Partial<HealthProbeProps> = {}, stack = stackOf()): { stack: Stack; probe: HealthProbe; template: Template } {
  const probe = new HealthProbe(stack, 'Health', { targets: [{ name: 'api', url: 'https://api.example.com/health' }], ...props });
  return { stack, probe, template: Template.fromStack(stack) };
}

function lagProbe(props: Partial<ReplicationLagProbeProps> = {}, stack = stackOf()): { probe: ReplicationLagProbe; template: Template } {
  const probe = new ReplicationLagProbe(stack, 'Lag', { database: pgDb(), ...props });
  return { probe, template: Template.fromStack(stack) };
}

describe('HealthProbe', () => {
  test('an ARM64 Lambda on the newest Node runtime, every minute, with the configuration in its environment', () => {
    const { template } = healthProbe({ timeout: Duration.seconds(3), dsqlClusterArn: WRITER_ARN });
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      Handler: 'index.handler',
      Environment: { Variables: {
        PROBES_PER_RUN: '1',
        HEALTH_PROBE_CONFIG: Match.serializedJson(Match.objectLike({
          region: 'us-east-1', namespace: 'MultiRegion/Probes', timeoutMs: 3000,
          targets: [{ name: 'api', url: 'https://api.example.com/health', expectedStatus: 200 }],
        })),
      } },
    });
    template.hasResourceProperties('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)', State: 'ENABLED' });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 });
  });

  test('least privilege: its own log group, PutMetricData only in its namespace, GetCluster on the given ARN, nothing of Route 53', () => {
    const { template } = healthProbe({ namespace: 'Shop/Probes', dsqlClusterArn: WRITER_ARN });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{
      Action: 'cloudwatch:PutMetricData', Resource: '*', Effect: 'Allow',
      Condition: { StringEquals: { 'cloudwatch:namespace': 'Shop/Probes' } },
    }] } });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [{
      Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('HealthLogGroup'), 'Arn'] },
    }] } });
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: [
      { Action: 'dsql:GetCluster', Effect: 'Allow', Resource: WRITER_ARN },
    ] } });
    expect(JSON.stringify(template.toJSON())).not.toMatch(/route53:|GetHealthCheckStatus|route53HealthCheckIds/);
    template.resourceCountIs('AWS::IAM::ManagedPolicy', 0);
    template.hasResourceProperties('AWS::IAM::Role', { ManagedPolicyArns: Match.absent() });
  });

  test('the log group has retention and the given key', () => {
    const stack = stackOf();
    const key = new RegionalKey(stack, 'Key');
    const { template } = healthProbe({ encryptionKey: key }, stack);
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365, KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
  });

  test('Region-unhealthy alarm (N of M) and probe-not-running alarm (missing data breaches)', () => {
    const { template, probe } = healthProbe({ unhealthyDatapointsToAlarm: 3, unhealthyEvaluationPeriods: 5 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RegionHealthy', Namespace: 'MultiRegion/Probes', Dimensions: [{ Name: 'Region', Value: 'us-east-1' }],
      Statistic: 'Minimum', Period: 60, Threshold: 1, ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 5, DatapointsToAlarm: 3, TreatMissingData: 'notBreaching',
    });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RegionHealthy', Statistic: 'SampleCount', EvaluationPeriods: 5, TreatMissingData: 'breaching',
    });
    expect(probe.regionUnhealthyAlarm.alarmArn).toBeDefined();
    // What a failover budget needs to time the alarm path.
    expect([probe.probesPerRun, probe.targetTimeout.toSeconds(), probe.unhealthyEvaluationPeriods, probe.unhealthyDatapointsToAlarm]).toEqual([1, 5, 5, 3]);
  });

  test('every alarm is registered', () => {
    const { stack, probe } = healthProbe();
    const alarms = alarmsOf(stack);
    expect(alarms).toHaveLength(2);
    expect(alarms).toContain(probe.regionUnhealthyAlarm);
    expect(alarms).toContain(probe.probeNotRunningAlarm);
  });

  test('several probes a minute give the function a minute-long timeout', () => {
    const { template } = healthProbe({ probesPerRun: 4, timeout: Duration.seconds(10) });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: 75, Environment: { Variables: Match.objectLike({ PROBES_PER_RUN: '4' }) } });
  });

  test('registers both alarms, so AlarmTopics gives them actions', () => {
    const { stack, probe } = healthProbe();
    const registered = alarmsOf(stack);
    expect(registered).toHaveLength(2);
    expect(registered.includes(probe.regionUnhealthyAlarm) && registered.includes(probe.probeNotRunningAlarm)).toBe(true);
  });

  test.each<[string, Partial<HealthProbeProps>, RegExp]>([
    ['no targets', { targets: [] }, /has no targets/],
    ['a duplicate name', { targets: [{ name: 'a', url: 'https://a' }, { name: 'a', url: 'https://b' }] }, /'a' is used twice/],
    ['a bad name', { targets: [{ name: 'a b', url: 'https://a' }] }, /target name 'a b' is not valid/],
    ['a relative URL', { targets: [{ name: 'a', url: '/health' }] }, /URL '\/health'; use an absolute/],
    ['a bad status', { targets: [{ name: 'a', url: 'https://a', expectedStatus: 42 }] }, /expects status 42/],
    ['a long timeout', { timeout: Duration.seconds(31) }, /timeout of 31000 ms is not valid/],
    ['a timeout longer than the spacing', { timeout: Duration.seconds(20), probesPerRun: 4 }, /does not fit 4 probes a minute/],
    ['too many probes per run', { probesPerRun: 13 }, /probesPerRun 13 is not valid/],
    ['an AWS/ namespace', { namespace: 'AWS/Lambda' }, /namespace 'AWS\/Lambda' is not valid/],
    ['N above M', { unhealthyDatapointsToAlarm: 4, unhealthyEvaluationPeriods: 3 }, /datapoints to alarm 4 is not valid/],
  ])('rejects %s', (_name, props, error) => {
    expect(() => healthProbe(props)).toThrow(error);
  });

  test('rejects an environment-agnostic stack', () => {
    expect(() => new HealthProbe(new Stack(newTestApp(), 'Agnostic'), 'H', { targets: [{ name: 'a', url: 'https://a' }] })).toThrow(/concrete Region/);
  });

  test('metric helpers reject unknown targets', () => {
    const { probe } = healthProbe();
    expect(probe.metricLatency('api').dimensions).toEqual({ Region: 'us-east-1', Target: 'api' });
    expect(() => probe.metricHealthy('nope')).toThrow(/has no target 'nope'/);
  });
});

describe('ReplicationLagProbe', () => {
  test('PostgreSQL: configuration in the environment, no secret, no extra statement', () => {
    const { template } = lagProbe();
    template.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs24.x', Architectures: ['arm64'],
      Environment: { Variables: { PROBES_PER_RUN: '1', LAG_PROBE_CONFIG: Match.serializedJson(Match.objectLike({
        writerRegion: 'us-east-1', readerRegion: 'us-east-2', visibilityTimeoutMs: 10000, pollIntervalMs: 50,
        writer: { kind: 'postgres', connectionString: 'postgres://probe@writer.example.com:5432/app' },
        reader: { kind: 'postgres', connectionString: 'postgres://probe@reader.example.com:5432/app' },
      })) } },
    });
  });

  test('PostgreSQL: connection strings, and read access to the password secret', () => {
    const stack = stackOf();
    const secret = new secretsmanager.Secret(stack, 'Secret');
    const { template } = lagProbe({ database: LagProbeDatabase.postgres({
      writerRegion: 'us-east-1', writerConnectionString: 'postgres://probe@writer:5432/app',
      readerRegion: 'us-east-2', readerConnectionString: 'postgres://probe@reader:5432/app', passwordSecret: secret,
    }) }, stack);
    template.hasResourceProperties('AWS::IAM::Policy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Resource: { Ref: Match.stringLikeRegexp('Secret') },
    })]) } });
  });

  test('warning, critical, unreachable and not-running alarms, with configurable thresholds', () => {
    const { template } = lagProbe({ warningThreshold: Duration.millis(500), criticalThreshold: Duration.seconds(3) });
    for (const threshold of [500, 3000]) {
      template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ReplicationLag', Threshold: threshold, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum',
        Dimensions: Match.arrayWith([{ Name: 'ReaderRegion', Value: 'us-east-2' }]),
        EvaluationPeriods: 3, DatapointsToAlarm: 2,
      });
    }
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MIN([writer, reader])' })]), Threshold: 1 });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'WriterReachable', Statistic: 'SampleCount', TreatMissingData: 'breaching' });
  });

  test('a probe in the reader\'s Region publishes and alarms there', () => {
    const { probe, template } = lagProbe({ database: pgDb({ probeRegion: 'us-east-2' }) }, stackOf('us-east-2'));
    expect([probe.writerRegion, probe.readerRegion, probe.probeRegion]).toEqual(['us-east-1', 'us-east-2', 'us-east-2']);
    expect(probe.metricLag().region).toBe('us-east-2');
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ReplicationLag', Dimensions: Match.arrayWith([{ Name: 'WriterRegion', Value: 'us-east-1' }]),
    });
  });

  test('every alarm is registered', () => {
    const stack = stackOf();
    const { probe } = lagProbe({}, stack);
    expect(alarmsOf(stack)).toEqual([probe.lagWarningAlarm, probe.lagCriticalAlarm, probe.unreachableAlarm, probe.writerReadOnlyAlarm, probe.probeNotRunningAlarm]);
  });

  test('default bands are 1 s and 5 s', () => {
    const { probe } = lagProbe();
    expect([probe.warningThresholdMs, probe.criticalThresholdMs]).toEqual([1000, 5000]);
  });

  test.each<[string, () => unknown, RegExp]>([
    ['a probe in neither Region of its pair', () => lagProbe({}, stackOf('eu-west-1')), /is in a stack of eu-west-1 but measures us-east-1 → us-east-2; put it in the stack of one of those two Regions/],
    ['a probeRegion outside the pair', () => pgDb({ probeRegion: 'eu-west-1' }), /probeRegion 'eu-west-1' is neither the writer's \(us-east-1\) nor the reader's \(us-east-2\) Region/],
    ['critical not above warning', () => lagProbe({ warningThreshold: Duration.seconds(2), criticalThreshold: Duration.seconds(2) }), /use 0 < warning < critical/],
    ['a timeout below critical', () => lagProbe({ visibilityTimeout: Duration.seconds(4) }), /not below visibilityTimeout/],
    ['a bad table name', () => lagProbe({ tableName: 'Drop Table' }), /tableName 'Drop Table' is not valid/],
    ['an unknown Region', () => pgDb({ writerRegion: 'mars-1' }), /mars-1/],
    ['a bad connection string', () => LagProbeDatabase.postgres({ writerRegion: 'us-east-1', readerRegion: 'us-east-2', writerConnectionString: 'host=x', readerConnectionString: 'postgres://r' }), /writerConnectionString 'host=x'/],
  ])('rejects %s', (_name, build, error) => {
    expect(build).toThrow(error);
  });
});

describe('AlarmTopic (the probes\' alarms notify it)', () => {
  test('encrypted with the Regional key, TLS only, and CloudWatch alarms of this Region may use the key', () => {
    const stack = stackOf();
    const key = new RegionalKey(stack, 'Key');
    new AlarmTopic(stack, 'Alarms', { key });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('Key'), 'Arn'] } });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) } });
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'UseOnlyThroughNamedServicesInThisRegion', Condition: { StringEquals: Match.objectLike({ 'kms:ViaService': Match.arrayWith(['sns.us-east-1.amazonaws.com']) }) } }),
      Match.objectLike({ Sid: 'CloudWatchAlarmsOfThisRegion', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:*` } } }),
    ]) } });
  });
});

describe('MultiRegionProbes', () => {
  function build(extra: Record<string, unknown> = {}) {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-1', 'us-east-2'], account: ACCOUNT });
    const probes = new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
      lagDatabases: [pgDb()],
      route53HealthChecks: [{ region: 'us-east-1', healthCheckId: HC }],
      ...extra,
    });
    return { topology, probes };
  }

  test('a health probe per Region (topics come from AlarmTopics), the lag probe in the writer Region, logs under each Region\'s key', () => {
    const { topology, probes } = build();
    for (const region of topology.activeRegions) {
      const t = Template.fromStack(topology.regionalStack(region));
      t.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, region === 'us-east-1' ? 2 : 1);
      t.resourceCountIs('AWS::SNS::Topic', 0);
      t.allResourcesProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RegionalKey'), 'Arn'] } });
    }
    expect(probes.regionUnhealthyAlarm('us-east-2').stack.region).toBe('us-east-2');
    expect(probes.probedRegions).toEqual(['us-east-1', 'us-east-2']);
    expect(() => probes.healthProbe('eu-west-1')).toThrow(/no health probe in 'eu-west-1'/);
  });

  test('the dashboard lives in the us-east-1 global stack, with health, latency, lag bands and Route 53 status', () => {
    const { topology } = build();
    const body = JSON.stringify(Template.fromStack(topology.globalStack).findResources('AWS::CloudWatch::Dashboard'));
    expect(topology.globalStack.region).toBe('us-east-1');
    for (const expected of ['RegionHealthy', 'Latency', 'ReplicationLag', 'AWS/Route53', 'HealthCheckStatus', 'HealthCheckPercentageHealthy', HC,
      '\\"value\\":1000', '\\"value\\":5000', 'us-east-2: latency p90']) {
      expect(body).toContain(expected);
    }
  });

  test.each<[string, Record<string, unknown>, RegExp]>([
    ['an inactive Region', { healthTargets: [{ region: 'eu-west-1', targets: [{ name: 'a', url: 'https://a' }] }] }, /'eu-west-1', which is not an active Region/],
    ['a Region twice', { healthTargets: [{ region: 'us-east-1', targets: [{ name: 'a', url: 'https://a' }] }, { region: 'us-east-1', targets: [{ name: 'b', url: 'https://b' }] }] }, /'us-east-1' twice/],
    ['a lag pair outside the app', { lagDatabases: [pgDb({ readerRegion: 'us-west-2' })] }, /'us-west-2', which is not an active Region/],
  ])('rejects %s', (_name, extra, error) => {
    expect(() => build(extra)).toThrow(error);
  });
});
