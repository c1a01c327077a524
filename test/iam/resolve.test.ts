import { StackInfo } from './proof/assembly';
import { Resolver } from './proof/resolve';

function stack(stackName: string, region: string, resources: Record<string, any>, extra: Record<string, any> = {}): StackInfo {
  return { stackName, artifactId: stackName, account: '111111111111', region, template: { Resources: resources, ...extra } };
}

const producer = stack('producer', 'us-east-1', {
  Key: { Type: 'AWS::KMS::Key', Properties: {} },
  Alias: { Type: 'AWS::KMS::Alias', Properties: { AliasName: 'alias/app/us-east-1', TargetKeyId: { Ref: 'Key' } } },
  Table: { Type: 'AWS::DynamoDB::Table', Properties: { TableName: 'carts' } },
  Role: { Type: 'AWS::IAM::Role', Properties: { Path: '/service/' } },
  Cluster: { Type: 'AWS::DSQL::Cluster', Properties: {} },
  Writer: { Type: 'Custom::CrossRegionExportWriter', Properties: { WriterProps: { exports: { '/cdk/exports/consumer/clusterArn': { 'Fn::GetAtt': ['Cluster', 'ResourceArn'] } } } } },
}, { Outputs: { KeyArn: { Value: { 'Fn::GetAtt': ['Key', 'Arn'] }, Export: { Name: { 'Fn::Sub': '${AWS::StackName}:KeyArn' } } } } });
const consumer = stack('consumer', 'eu-west-1', {
  Reader: { Type: 'Custom::CrossRegionExportReader', Properties: {} },
  Bucket: { Type: 'AWS::S3::Bucket', Properties: {} },
  Unknown: { Type: 'AWS::Example::Thing', Properties: {} },
}, { Parameters: { Env: { Type: 'String', Default: 'prod' } } });
const resolver = new Resolver({ stacks: [producer, consumer] });

test('pseudo parameters, parameters and Fn::Sub resolve in the stack\'s own account and Region', () => {
  expect(resolver.resolve(consumer, { 'Fn::Sub': 'arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:${Env}-x:*' }))
    .toBe('arn:aws:logs:eu-west-1:111111111111:log-group:prod-x:*');
  expect(resolver.resolve(consumer, { 'Fn::Sub': ['${A}/${!Literal}', { A: { Ref: 'AWS::StackName' } }] })).toBe('consumer/${Literal}');
});

test('Ref and Fn::GetAtt give the forms the resource types return, one value per resource', () => {
  const keyId = resolver.resolve(producer, { Ref: 'Key' }) as string;
  expect(keyId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  expect(resolver.resolve(producer, { 'Fn::GetAtt': ['Key', 'Arn'] })).toBe(`arn:aws:kms:us-east-1:111111111111:key/${keyId}`);
  expect(resolver.resolve(producer, { 'Fn::GetAtt': ['Table', 'Arn'] })).toBe('arn:aws:dynamodb:us-east-1:111111111111:table/carts');
  expect(resolver.resolve(producer, { 'Fn::GetAtt': ['Role', 'Arn'] })).toMatch(/^arn:aws:iam::111111111111:role\/service\/producer-Role-[0-9A-F]{12}$/);
  expect(resolver.resolve(consumer, { Ref: 'Bucket' })).toMatch(/^consumer-bucket-[0-9a-f]{12}$/);
  expect(resolver.resolve(producer, { Ref: 'Alias' })).toBe('alias/app/us-east-1');
});

test('Fn::Join, Fn::Select and Fn::Split compose, as the probes\' configuration uses them', () => {
  const id = resolver.resolve(producer, { 'Fn::Select': [1, { 'Fn::Split': ['/', { 'Fn::Select': [5, { 'Fn::Split': [':', { 'Fn::GetAtt': ['Cluster', 'ResourceArn'] }] }] }] }] });
  expect(id).toBe(resolver.resolve(producer, { 'Fn::GetAtt': ['Cluster', 'Identifier'] }));
  expect(resolver.resolve(producer, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['Cluster', 'Identifier'] }, '.dsql.us-east-1.on.aws']] })).toBe(`${id}.dsql.us-east-1.on.aws`);
});

test('a cross-stack import and a cross-Region reference resolve to the value in the producing stack', () => {
  expect(resolver.resolve(consumer, { 'Fn::ImportValue': 'producer:KeyArn' })).toBe(resolver.resolve(producer, { 'Fn::GetAtt': ['Key', 'Arn'] }));
  expect(resolver.resolve(consumer, { 'Fn::GetAtt': ['Reader', '/cdk/exports/consumer/clusterArn'] }))
    .toBe(resolver.resolve(producer, { 'Fn::GetAtt': ['Cluster', 'ResourceArn'] }));
});

test('AWS::NoValue drops the property; an attribute of a type it does not know, or a missing import, fails with what to add', () => {
  expect(resolver.resolve(producer, { A: 1, B: { Ref: 'AWS::NoValue' }, C: [{ Ref: 'AWS::NoValue' }, 2] })).toEqual({ A: 1, C: [2] });
  expect(resolver.resolve(consumer, { Ref: 'Unknown' })).toMatch(/^consumer-Unknown-[0-9A-F]{12}$/);
  expect(() => resolver.resolve(consumer, { 'Fn::GetAtt': ['Unknown', 'Arn'] })).toThrow(/add the type to TYPES in test\/iam\/proof\/resolve.ts/);
  expect(() => resolver.resolve(consumer, { Ref: 'Missing' })).toThrow(/has no resource 'Missing'/);
  expect(() => resolver.resolve(consumer, { 'Fn::ImportValue': 'nobody:exports' })).toThrow(/no stack exports it/);
  expect(() => resolver.resolve(consumer, { 'Fn::GetAtt': ['Reader', '/cdk/exports/consumer/missing'] })).toThrow(/no Custom::CrossRegionExportWriter exports it/);
});
