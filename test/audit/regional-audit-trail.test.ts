import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { DataClass, DataResidency, DataResidencyGuard, MultiRegionApp, RegionalAuditTrail } from '../../lib';
import { newTestApp } from '../helpers/app';
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

  test('one single-Region trail per active Region, with log file validation, the Region\'s key, and a CloudWatch Logs copy', () => {
    expect(audit.regions).toEqual(['eu-west-1', 'eu-west-3']);
    templates.forEach((t, i) => {
      t.resourceCountIs('AWS::CloudTrail::Trail', 1);
      t.hasResourceProperties('AWS::CloudTrail::Trail', {
        IsLogging: true,
        IsMultiRegionTrail: false,
        EnableLogFileValidation: true,
        // Global service events are recorded once, in the first active Region.
        IncludeGlobalServiceEvents: i === 0,
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
          BucketKeyEnabled: true,
          ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionalKey'), 'Arn'] } },
        }] },
        VersioningConfiguration: { Status: 'Enabled' },
        LoggingConfiguration: { DestinationBucketName: { Ref: Match.stringLikeRegexp('^AuditAccessLogs') }, LogFilePrefix: 'audit-bucket/' },
      });
      t.hasResourceProperties('AWS::S3::BucketPolicy', {
        Bucket: { Ref: Match.stringLikeRegexp('^AuditBucket') },
        PolicyDocument: { Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
          Match.objectLike({ Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 's3:PutObject' }),
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
    expect(error.message).toMatch(/retention of 40000 days is not valid; S3 Object Lock takes a whole number of days from 1 to 36500/);
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

