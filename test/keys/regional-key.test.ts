import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { KeyService, RegionalKey } from '../../lib';
import { stackIn } from '../helpers/app';
import { validationErrorOf } from '../helpers/errors';

function stackOf(region: string): Stack {
  return stackIn(new App(), 'S', region);
}

describe('RegionalKey', () => {
  test('rotation on, single-Region, retained, alias naming the Region', () => {
    const stack = stackOf('eu-west-1');
    new RegionalKey(stack, 'Key');
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true, MultiRegion: false, PendingWindowInDays: 30 },
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
    });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/multi-region/eu-west-1' });
  });

  test('the key policy lets the account use the key only through DSQL and CloudWatch Logs of its own Region, and those services only for this Region', () => {
    const stack = stackOf('eu-west-1');
    new RegionalKey(stack, 'Key');
    const statements = Template.fromStack(stack).findResources('AWS::KMS::Key');
    const policy = Object.values(statements)[0].Properties.KeyPolicy.Statement as any[];
    const bySid = Object.fromEntries(policy.map((s) => [s.Sid, s]));

    // Administration never includes using the key.
    expect(bySid.KeyAdministrationByAccount.Action).not.toEqual(expect.arrayContaining(['kms:Decrypt']));
    expect(bySid.KeyAdministrationByAccount.Action).not.toContain('kms:*');

    expect(bySid.UseOnlyThroughNamedServicesInThisRegion).toMatchObject({
      Effect: 'Allow',
      Action: expect.arrayContaining(['kms:Decrypt', 'kms:GenerateDataKey*']),
      Condition: {
        StringEquals: {
          'kms:CallerAccount': '111111111111',
          'kms:ViaService': ['dsql.eu-west-1.amazonaws.com', 'logs.eu-west-1.amazonaws.com'],
        },
      },
    });
    expect(bySid.CloudWatchLogsOfThisRegion).toMatchObject({
      Principal: { Service: 'logs.eu-west-1.amazonaws.com' },
      Condition: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': 'arn:aws:logs:eu-west-1:111111111111:log-group:*' } },
    });
    expect(bySid.AuroraDsqlClustersOfThisRegion).toMatchObject({
      Principal: { Service: 'dsql.amazonaws.com' },
      Condition: {
        StringEquals: { 'aws:SourceAccount': '111111111111' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:dsql:eu-west-1:111111111111:cluster/*' },
      },
    });
    // Nothing else: no statement grants use without a condition.
    expect(policy.filter((s) => !s.Condition).map((s) => s.Sid)).toEqual(['KeyAdministrationByAccount']);
  });

  test('allowService adds a service of the same Region once; the Logs principal only comes with Logs', () => {
    const stack = stackOf('ap-southeast-2');
    const key = new RegionalKey(stack, 'Key', { services: [KeyService.DSQL] });
    key.allowService(KeyService.SNS);
    key.allowService(KeyService.SNS);
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: {
        Statement: Match.arrayWith([Match.objectLike({
          Condition: { StringEquals: Match.objectLike({ 'kms:ViaService': ['dsql.ap-southeast-2.amazonaws.com', 'sns.ap-southeast-2.amazonaws.com'] }) },
        })]),
      },
    });
    const policy = JSON.stringify(template.findResources('AWS::KMS::Key'));
    expect(policy).not.toContain('CloudWatchLogsOfThisRegion');
    expect(policy).toContain('AuroraDsqlClustersOfThisRegion');
    key.allowService(KeyService.CLOUDWATCH_LOGS);
    expect(key.allowedServices.map((s) => s.endpointPrefix)).toEqual(['dsql', 'sns', 'logs']);
  });

  test('custom alias, removal policy and pending window', () => {
    const stack = stackOf('us-east-1');
    new RegionalKey(stack, 'Key', { alias: 'alias/orders/us-east-1', removalPolicy: RemovalPolicy.DESTROY, pendingWindow: Duration.days(7) });
    const template = Template.fromStack(stack);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ PendingWindowInDays: 7 }) });
    template.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/orders/us-east-1' });
  });

  test('rejects a pending window outside 7 to 30 days', () => {
    expect(() => new RegionalKey(stackOf('us-east-1'), 'Key', { pendingWindow: Duration.days(3) }))
      .toThrow(/pendingWindow of 3 days is not valid; KMS accepts 7 to 30 days/);
  });

  test('rejects an invalid service endpoint prefix', () => {
    expect(() => KeyService.of('SQS!')).toThrow(/endpoint prefix 'SQS!' is not valid/);
    expect(KeyService.of('sqs').viaService('us-east-1')).toBe('sqs.us-east-1.amazonaws.com');
  });

  test('an imported key knows its Region from the ARN', () => {
    const stack = stackOf('us-east-1');
    const key = RegionalKey.fromRegionalKeyArn(stack, 'Imported', 'arn:aws:kms:us-east-2:111111111111:key/1234abcd-12ab-34cd-56ef-1234567890ab');
    expect(key.region).toBe('us-east-2');
    expect(() => RegionalKey.fromRegionalKeyArn(stack, 'Bad', 'arn:aws:kms:::key/1234')).toThrow(/names no Region/);
  });
  test('a Deny statement limits kms:CreateGrant to AWS services (Control Tower CT.KMS.PR.3)', () => {
    const stack = stackOf('eu-west-1');
    new RegionalKey(stack, 'Key');
    const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0] as any;
    const deny = (key.Properties.KeyPolicy.Statement as any[]).find((s) => s.Sid === 'GrantsOnlyForAwsServices');
    expect(deny).toEqual({
      Sid: 'GrantsOnlyForAwsServices',
      Effect: 'Deny',
      Principal: { AWS: '*' },
      Action: 'kms:CreateGrant',
      Resource: '*',
      Condition: { BoolIfExists: { 'kms:GrantIsForAWSResource': 'false', 'aws:PrincipalIsAWSService': 'false' } },
    });
  });

  test('KeyService.CLOUDTRAIL lets CloudTrail encrypt for trails of this account and Region only', () => {
    const stack = stackOf('eu-west-1');
    new RegionalKey(stack, 'Key', { services: [KeyService.CLOUDTRAIL] });
    const key = Object.values(Template.fromStack(stack).findResources('AWS::KMS::Key'))[0] as any;
    const bySid = Object.fromEntries((key.Properties.KeyPolicy.Statement as any[]).map((s) => [s.Sid, s]));
    expect(bySid.CloudTrailTrailsOfThisRegion).toMatchObject({
      Principal: { Service: 'cloudtrail.amazonaws.com' },
      Action: 'kms:GenerateDataKey*',
      Condition: {
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': 'arn:aws:cloudtrail:*:111111111111:trail/*' },
        ArnLike: { 'aws:SourceArn': 'arn:aws:cloudtrail:eu-west-1:111111111111:trail/*' },
      },
    });
    expect(bySid.CloudTrailDescribeKey.Action).toBe('kms:DescribeKey');
  });

  test.each([
    ['multi-region/us-east-1', /alias 'multi-region\/us-east-1' is not valid; an alias is 'alias\/' followed by/],
    ['alias/aws/ebs', /must not start with 'alias\/aws\/'/],
    ['alias/orders us-east-1', /alias 'alias\/orders us-east-1' is not valid/],
    [`alias/${'a'.repeat(251)}`, /at most 256 characters/],
  ])('rejects the alias name %s with a ValidationError naming the construct path', (alias, message) => {
    const stack = stackOf('us-east-1');
    const error = validationErrorOf(() => new RegionalKey(stack, 'Key', { alias }));
    expect(error.code).toBe('InvalidAliasName');
    expect(error.message).toMatch(message);
    expect(error.constructPath).toBe('S');
  });

  test('rejects two keys with the same alias in one account and Region, accepts it in another Region or account', () => {
    const app = new App();
    new RegionalKey(stackIn(app, 'A', 'us-east-1'), 'Key');
    new RegionalKey(stackIn(app, 'B', 'us-east-2'), 'Key');
    new RegionalKey(new Stack(app, 'OtherAccount', { env: { account: '222222222222', region: 'us-east-1' } }), 'Key');
    const error = validationErrorOf(() => new RegionalKey(stackIn(app, 'C', 'us-east-1'), 'Key'));
    expect(error.constructPath).toBe('C/Key');
    expect(error.message).toMatch(/alias 'alias\/multi-region\/us-east-1' is already used by A\/Key in account 111111111111 and us-east-1; alias names are unique per account and Region/);
    expect(() => new RegionalKey(stackIn(app, 'D', 'us-east-1'), 'Key', { alias: 'alias/orders/us-east-1' })).not.toThrow();
  });
});
