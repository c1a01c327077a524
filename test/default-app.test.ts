import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import * as fs from 'fs';
import * as path from 'path';
import { buildDefaultApp } from '../bin/default-app';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { MultiRegionApp, MultiRegionChecks } from '../lib';
import { newTestApp } from './helpers/app';
import { auditCoverage } from './helpers/audit-coverage';
import { openFindings } from './helpers/nag';

let topology: MultiRegionApp;
let assembly: cxapi.CloudAssembly;

beforeAll(() => {
  const app = newTestApp();
  topology = buildDefaultApp(app);
  // Throws if cdk-nag or aws-cdk-lib's CloudFormation validation reports an open error.
  assembly = app.synth();
});

describe('the default app', () => {
  test('has one stack per active Region plus the global stacks, in the right Regions', () => {
    expect(assembly.stacks.map((s) => [s.stackName, s.environment.region, s.environment.account]).sort()).toEqual([
      ['multi-region-accelerator', 'us-west-2', '111111111111'],
      ['multi-region-game-day', 'us-west-2', '111111111111'],
      ['multi-region-global', 'us-east-1', '111111111111'],
      ['multi-region-us-east-1', 'us-east-1', '111111111111'],
      ['multi-region-us-east-2', 'us-east-2', '111111111111'],
    ]);
  });

  test('audit: the us-east-1 trail records IAM, STS and CloudFront events, and every Region where the app changes production has a trail', () => {
    expect(auditCoverage(assembly.directory)).toEqual({ regionsWithoutTrail: [], globalServiceEventTrails: ['us-east-1 single'] });
    // us-west-2 holds the accelerator (its controller moves traffic dials) and the drill: one trail for the Region.
    const westTrails = assembly.stacks.filter((s) => s.environment.region === 'us-west-2')
      .flatMap((s) => Object.values<any>(s.template.Resources).filter((r) => r.Type === 'AWS::CloudTrail::Trail'));
    expect(westTrails).toHaveLength(1);
  });

  test('the validation report has no open finding', () => {
    const report = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'validation-report.json'), 'utf8'));
    const failures = report.pluginReports.filter((r: any) => r.conclusion !== 'success');
    expect(failures).toEqual([]);
  });

  test('every regional stack encrypts with its own rotating key', () => {
    for (const region of topology.activeRegions) {
      const template = Template.fromStack(topology.regionalStack(region));
      template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, MultiRegion: false });
    }
  });

  test('routing: latency records with health checks for both Regions, an accelerator with two endpoint groups', () => {
    const global = Template.fromStack(topology.globalStack);
    for (const region of topology.activeRegions) {
      global.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'app.example.com.', Region: region, SetIdentifier: region, HealthCheckId: Match.anyValue() });
    }
    // Per Region: the endpoint check and the deep-health check (both HTTPS), and the CALCULATED check of both;
    // no alarm-based check guards a record (Route 53 does not support M-out-of-N alarms).
    global.resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'HTTPS' }) }, 4);
    global.resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'CALCULATED', HealthThreshold: 2 }) }, 2);
    global.resourcePropertiesCountIs('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({ Type: 'CLOUDWATCH_METRIC' }) }, 0);
    for (const region of topology.activeRegions) {
      global.hasResourceProperties('AWS::Route53::HealthCheck', { HealthCheckConfig: Match.objectLike({
        Type: 'HTTPS', FullyQualifiedDomainName: `${region}.app.example.com`, ResourcePath: '/deep-health', Port: 443, RequestInterval: 10, FailureThreshold: 2,
      }) });
      // CNAMEs with a 10 s TTL: an alias answer would carry the load balancer's 60 s.
      global.hasResourceProperties('AWS::Route53::RecordSet', { Name: 'app.example.com.', Region: region, Type: 'CNAME', TTL: '10' });
      // The load balancer's only target group is the deep-health function's, checked every 5 s.
      const regional = Template.fromStack(topology.regionalStack(region));
      regional.resourceCountIs('AWS::ElasticLoadBalancingV2::TargetGroup', 1);
      regional.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
        TargetType: 'lambda', HealthCheckEnabled: true, HealthCheckPath: '/deep-health', HealthCheckIntervalSeconds: 5, HealthCheckTimeoutSeconds: 3, UnhealthyThresholdCount: 2,
      });
    }
    const accelerator = Template.fromStack(topology.acceleratorStack);
    accelerator.resourceCountIs('AWS::GlobalAccelerator::EndpointGroup', 2);
    // No controller: Global Accelerator follows target health, so no control plane is on the automatic path.
    expect(Object.keys(accelerator.findResources('AWS::Lambda::Function')).filter((id) => /Controller/.test(id))).toEqual([]);
    const budget = JSON.parse(fs.readFileSync(path.join(assembly.directory, 'failover-budget.json'), 'utf8'));
    expect(budget.paths.map((p: any) => [p.path, p.worstCaseSeconds, p.complete])).toEqual([['dns', 107, true], ['accelerator', 48, true]]);
    expect(budget.paths.every((p: any) => p.regions.every((r: any) => r.totalSeconds <= (p.path === 'dns' ? 120 : 60) && r.unknownTerms.length === 0))).toBe(true);
    expect(budget.objectives.map((o: any) => [o.tier, o.rtoSeconds, o.rpoSeconds])).toEqual([['custom', 120, 0]]);
    expect(budget.objectives[0].summary).toContain('data store MultiRegion/Dsql (SYNCHRONOUS): worst-case RPO 0 s against the RPO of 0 s: met '
      + '(Aurora DSQL peered clusters replicate synchronously: a commit returns only once it is durable in both Regions (strong consistency at both endpoints), so RPO is 0)');
    // Every term of both paths, with its basis, is in the report.
    expect(budget.paths[0].regions[0].terms.map((t: any) => [t.branch ?? '-', t.seconds, t.basis])).toEqual([
      ['endpoint check', 32, 'CONFIGURED'], ['deep health', 5, 'CONFIGURED'], ['deep health', 32, 'CONFIGURED'], ['-', 60, 'ASSUMED'], ['-', 10, 'CONFIGURED'],
    ]);
    expect(budget.paths[1].regions[0].terms.map((t: any) => [t.branch, t.seconds, t.basis])).toEqual([
      ['target health', 5, 'CONFIGURED'], ['target health', 13, 'CONFIGURED'], ['target health', 30, 'ASSUMED'],
    ]);
    // Every ASSUMED term cites the AWS page of the closest figure AWS documents.
    const assumed = budget.paths.flatMap((p: any) => p.regions.flatMap((r: any) => r.terms)).filter((t: any) => t.basis === 'ASSUMED');
    expect(assumed.every((t: any) => /(Developer Guide|API Reference), "?[A-Z]/.test(t.source))).toBe(true);
    expect(budget.paths.flatMap((p: any) => p.regions.flatMap((r: any) => r.terms)).filter((t: any) => t.controlPlane)).toEqual([]);
  });

  test('runs AwsSolutions and MultiRegionChecks on every stack', () => {
    // A passing plugin leaves no trace in the report, so a second app gets one deliberate finding of each.
    const app = newTestApp();
    const defaults = buildDefaultApp(app);
    new sqs.CfnQueue(defaults.regionalStack('us-east-2'), 'PlainQueue');
    new dsql.CfnCluster(defaults.regionalStack('us-east-2'), 'UnprotectedCluster', { deletionProtectionEnabled: false });
    expect(openFindings(app, 'AwsSolutions')).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'AwsSolutions-SQS3', path: 'MultiRegion/us-east-2/PlainQueue' }),
    ]));
    expect(openFindings(app, 'MultiRegionChecks')).toEqual(expect.arrayContaining([
      expect.objectContaining({ rule: 'MultiRegion-DSQL2', path: 'MultiRegion/us-east-2/UnprotectedCluster' }),
    ]));
  });

  test('no KMS key is used from a stack of another Region, not even with an acknowledgement', () => {
    // MultiRegion-KMS1 (key exported to another Region) and KMS2 (literal foreign key ARN) do this
    // check; validateScope reports acknowledged findings too.
    const report = new MultiRegionChecks().validateScope(topology.node.root);
    expect(report.violations.filter((v) => /^MultiRegion-KMS[12]$/.test(v.ruleName))).toEqual([]);
  });

  test('both probes run every minute in each Region, with their alarms, and the dashboard is in the global stack', () => {
    for (const region of topology.activeRegions) {
      const template = Template.fromStack(topology.regionalStack(region));
      template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'RegionHealthy', Dimensions: [{ Name: 'Region', Value: region }] });
    }
    // The DSQL pair is synchronous: no lag probe, no lag alarm. A DSQL probe in each Region times
    // commits there; the one in us-east-1, the stack that already references us-east-2's cluster
    // (for the peering), also checks read-after-write both ways, so the regional stacks never
    // depend on each other.
    const east1 = Template.fromStack(topology.regionalStack('us-east-1'));
    const east2 = Template.fromStack(topology.regionalStack('us-east-2'));
    east1.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, 2);
    east2.resourcePropertiesCountIs('AWS::Events::Rule', { ScheduleExpression: 'rate(1 minute)' }, 2);
    for (const t of [east1, east2]) expect(JSON.stringify(t.toJSON())).not.toContain('ReplicationLag');
    east1.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmDescription: Match.stringLikeRegexp('^CRITICAL: a read right after a commit missed the row'),
      Metrics: Match.arrayWith([Match.objectLike({ Expression: 'MAX([ab, ba])' })]),
    });
    east2.resourcePropertiesCountIs('AWS::CloudWatch::Alarm', { AlarmDescription: Match.stringLikeRegexp('^CRITICAL') }, 0);
    expect(topology.regionalStack('us-east-2').dependencies.map((s) => s.stackName)).not.toContain('multi-region-us-east-1');
    Template.fromStack(topology.globalStack).resourceCountIs('AWS::CloudWatch::Dashboard', 1);
  });

  test('snapshot of every stack', () => {
    for (const stack of assembly.stacks) {
      expect(stack.template).toMatchSnapshot(stack.stackName);
    }
  });
});
