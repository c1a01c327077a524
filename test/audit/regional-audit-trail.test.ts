import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataClass, DataResidency, DataResidencyGuard, GlobalServiceEvents, MultiRegionApp, RegionalAuditTrail } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';
import { validationErrorOf } from '../helpers/errors';

function build(props: Partial<ConstructorParameters<typeof RegionalAuditTrail>[2]> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['eu-west-1', 'eu-west-3'], account: '111111111111', stackNamePrefix: 'shop' });
  const audit = new RegionalAuditTrail(topology, 'Audit', { topology, ...props });
  return { app, topology, audit };
}

describe('RegionalAuditTrail', () => {
  const { topology, audit } = build();
  const templates = topology.activeRegions.map((r) => Template.fromStack(topology.regionalStack(r)));

  test('IAM, STS and CloudFront events are recorded by a us-east-1 trail (the global stack\'s) by default, since CloudTrail records them only there', () => {
    const global = Template.fromStack(topology.globalStack);
    global.hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: false, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true });
    expect(topology.globalStack.region).toBe('us-east-1');
    expect(audit.trailOf('us-east-1').includesGlobalServiceEvents).toBe(true);
    expect(audit.regions).toContain('us-east-1');
    // Under a key of that stack, never another Region's.
    global.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shop/audit/us-east-1' });
  });

  test('one single-Region trail per active Region, with log file validation, the Region\'s key, and a CloudWatch Logs copy', () => {
    expect(audit.regions.slice(0, 2)).toEqual(['eu-west-1', 'eu-west-3']);
    templates.forEach((t) => {
      t.resourceCountIs('AWS::CloudTrail::Trail', 1);
      t.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsLogging: true,
        IsMultiRegionTrail: false,
        EnableLogFileValidation: true,
        // No active Region is us-east-1: the global stack's trail records global service events.
        IncludeGlobalServiceEvents: false,
        KMSKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionalKey'), 'Arn'] },
        S3BucketName: { Ref: Match.stringLikeRegexp('^AuditBucket') },
        CloudWatchLogsLogGroupArn: Match.anyValue(),
      });
    });
  });

  test('records every management event and the data events of DynamoDB tables and DSQL clusters (advanced selectors only)', () => {
    const trail = Object.values(templates[0].findResources('AWS::CloudTrail::Trail'))[0] as any;
    expect(trail.Properties.EventSelectors).toBeUndefined();
    expect(trail.Properties.AdvancedEventSelectors).toEqual([
      { Name: 'Management events', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Management'] }] },
      { Name: 'Data events of AWS::DynamoDB::Table', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DynamoDB::Table'] }] },
      { Name: 'Data events of AWS::DSQL::Cluster', FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }, { Field: 'resources.type', Equals: ['AWS::DSQL::Cluster'] }] },
    ]);
  });

  test('the log bucket has Object Lock in compliance mode, KMS with the Region\'s key, versioning, TLS only and server access logs', () => {
    templates.forEach((t) => {
      t.hasResourceProperties('AWS::S3::Bucket', {
        ObjectLockEnabled: true,
        ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 365 } } },
        BucketEncryption: { ServerSideEncryptionConfiguration: [{
          // No S3 Bucket Key: with one CloudTrail would need kms:Decrypt on the key.
          BucketKeyEnabled: false,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionalKey'), 'Arn'] } },
        }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditAccessLogs') }, LogFilePrefix: 'audit-bucket/' },
      });
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('^AuditBucket') },
        PolicyDocument: { Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:GetBucketAcl',
            Condition: { ArnLike: { 'aws:SourceArn': Match.stringLikeRegexp('^arn:aws:cloudtrail:eu-west-[13]:111111111111:trail/\\*$') } },
          }),
          Match.objectLike({
            Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject',
            Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': Match.stringLikeRegexp('^arn:aws:cloudtrail:eu-west-[13]:111111111111:trail/\\*$') } }),
          }),
        ]) },
      });
    });
  });

  test('the Region\'s key lets CloudTrail of that Region encrypt', () => {
    templates[1].hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'CloudTrailTrailsOfThisRegion',
        Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-3:111111111111:trail/*' } }),
      })]) },
    });
  });

  test('each Region\'s audit logs are tagged as data of that Region', () => {
    templates.forEach((t, i) => {
      const value = `AUDIT_LOG:${topology.activeRegions[i]}`;
      for (const type of ['AWS::CloudTrail::Trail', 'AWS::S3::Bucket', 'AWS::Logs::LogGroup']) {
        t.hasResourceProperties(type, { Tags: Match.arrayWith([{ Key: DataResidency.TAG_KEY, Value: value }]) });
      }
    });
  });

  test('a retention is a whole number of days from 1 to 36500', () => {
    expect(Template.fromStack(build({ retention: Duration.days(2555) }).topology.regionalStack('eu-west-1')).toJSON()).toBeDefined();
    const error = validationErrorOf(() => build({ retention: Duration.days(40000) }));
    expect(error.code).toBe('InvalidAuditRetention');
    expect(error.message).toMatch(/retention of 40000 days \(40000 days\) is not valid; S3 Object Lock default retention takes a whole number of days from 1 to 36500/);
    expect(validationErrorOf(() => build({ retention: Duration.hours(36) })).message).toMatch(/retention of 1 day 12 hours \(1.5 days\) is not valid/);
    expect(validationErrorOf(() => build({ retention: Duration.days(0) })).code).toBe('InvalidAuditRetention');
    expect(validationErrorOf(() => build({ dataEventResourceTypes: ['dynamodb table'] })).message).toMatch(/'dynamodb table' is not valid/);
  });
});

describe('DataResidencyGuard and audit logs', () => {
  test('a Region\'s audit logs are allowed in that Region without a rule, and refused in another', () => {
    const { app, topology } = build();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }] });
    // Audit logs of eu-west-1 put into a bucket of eu-west-3: the guard refuses them.
    const misplaced = new s3.Bucket(topology.regionalStack('eu-west-3'), 'Misplaced', { enforceSSL: true });
    DataResidency.tag(misplaced, DataClass.auditLogsOf('eu-west-1'));
    // The trails' own logs (AUDIT_LOG:eu-west-1 in eu-west-1, AUDIT_LOG:eu-west-3 in eu-west-3) pass; only the misplaced bucket fails.
    let message = '';
    try { app.synth(); } catch (e) { message = (e as Error).message; }
    expect(message).toMatch(/Misplaced.*AUDIT_LOG:eu-west-1.* is in eu-west-3; AUDIT_LOG:eu-west-1 data may live only in eu-west-1/);
    expect(message).not.toMatch(/Audit\/(Bucket|Trail|Logs|AccessLogs)/);
  });

  test('auditLogsOf refuses what is not a Region code', () => {
    expect(() => DataClass.auditLogsOf('Europe')).toThrow(/'Europe' is not a Region code/);
    expect(DataClass.auditLogsOf('eu-west-1').name).toBe('AUDIT_LOG:eu-west-1');
  });
});


describe('global service events, trails where production changes, trail names', () => {
  test('with us-east-1 active, its own trail records the global service events and no global-stack trail is added', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['us-east-2', 'us-east-1'], account: '111111111111', stackNamePrefix: 'shop' });
    const audit = new RegionalAuditTrail(topology, 'Audit', { topology });
    Template.fromStack(topology.regionalStack('us-east-1')).hasResourceProperties('AWS::CloudTrail::Trail', { IncludeGlobalServiceEvents: true });
    Template.fromStack(topology.regionalStack('us-east-2')).hasResourceProperties('AWS::CloudTrail::Trail', { IncludeGlobalServiceEvents: false });
    expect(audit.regions).toEqual(['us-east-2', 'us-east-1']);
  });

  test('MULTI_REGION_TRAIL keeps them out of us-east-1: the first Region\'s trail records every Region', () => {
    const { topology, audit } = build({ globalServiceEvents: GlobalServiceEvents.MULTI_REGION_TRAIL });
    Template.fromStack(topology.regionalStack('eu-west-1')).hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true });
    Template.fromStack(topology.regionalStack('eu-west-3')).hasResourceProperties('AWS::CloudTrail::Trail', { IsMultiRegionTrail: false, IncludeGlobalServiceEvents: false });
    expect(audit.regions).not.toContain('us-east-1');
  });

  test('NOT_RECORDED warns that nothing records them', () => {
    const { app, topology } = build({ globalServiceEvents: GlobalServiceEvents.NOT_RECORDED });
    app.synth();
    const all = topology.node.findAll().flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:warning').map((m) => String(m.data)));
    expect(all.join('\n')).toMatch(/records no IAM, STS or CloudFront events .* us-east-1 only/);
  });

  test('the accelerator\'s Region (us-west-2) and a drill\'s stack get a trail of their own Region, under a key of their own', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Shop', { activeRegions: ['eu-west-1', 'eu-west-3'], account: '111111111111', stackNamePrefix: 'shop' });
    const audit = new RegionalAuditTrail(topology, 'Audit', { topology, additionalStacks: [stackIn(app, 'Drill', 'eu-central-1')] });
    void topology.acceleratorStack; // in use, as AcceleratorRouting makes it
    app.synth();
    expect([...audit.regions].sort()).toEqual(['eu-central-1', 'eu-west-1', 'eu-west-3', 'us-east-1', 'us-west-2']);
    Template.fromStack(topology.acceleratorStack).hasResourceProperties('AWS::CloudTrail::Trail', { IsLogging: true, IncludeGlobalServiceEvents: false });
    Template.fromStack(topology.acceleratorStack).hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shop/audit/us-west-2' });
  });

  test('trail names CloudTrail refuses fail synth naming the rule; a valid one is matched exactly by aws:SourceArn', () => {
    for (const name of ['ab', 'my--trail', 'my-_trail', '-trail', 'trail-', '192.168.5.4', 'trail name', 'a'.repeat(129)]) {
      expect(validationErrorOf(() => build({ trailName: name })).message).toMatch(new RegExp(`trailName '${name.replace(/[.]/g, '\\.')}' is not valid; CloudTrail takes 3 to 128 letters`));
    }
    const { topology } = build({ trailName: 'shop-audit' });
    Template.fromStack(topology.regionalStack('eu-west-3')).hasResourceProperties('AWS::S3::BucketPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 's3:PutObject', Condition: Match.objectLike({ ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-3:111111111111:trail/shop-audit' } }) })]) },
    });
  });

  test('a data event type listed twice is refused', () => {
    expect(validationErrorOf(() => build({ dataEventResourceTypes: ['AWS::DynamoDB::Table', 'AWS::DynamoDB::Table'] })).message).toMatch(/lists a type twice/);
  });
});
