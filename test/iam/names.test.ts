import { arnsIntersect, checkPolicy } from './proof/names';

const policy = (...Statement: any[]) => ({ name: 'test/Policy', document: { Version: '2012-10-17', Statement } });

test('an action the Service Authorization Reference does not have is a finding; wildcards must match an action', async () => {
  const findings = await checkPolicy(policy(
    { Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*', 'cloudwatch:PutMetricData'], Resource: '*' },
    { Effect: 'Allow', Action: ['kms:Decrpyt', 'dsql:DbConnectAdmn', 'kms:Gen*Nothing', 'nosuchservice:Get'], Resource: '*' },
  ));
  expect(findings.map((f) => f.problem)).toEqual([
    "action 'kms:Decrpyt' is not in the Service Authorization Reference (kms)",
    "action 'dsql:DbConnectAdmn' is not in the Service Authorization Reference (dsql)",
    "action 'kms:Gen*Nothing' is not in the Service Authorization Reference (kms)",
    "action 'nosuchservice:Get': no service 'nosuchservice' in the Service Authorization Reference",
  ]);
});

test('a resource ARN no resource type of the action takes is a finding, wildcards in the policy\'s ARN included', async () => {
  const findings = await checkPolicy(policy(
    // Right: a log-group wildcard covers its streams; an endpoint group is a globalaccelerator ARN.
    { Effect: 'Allow', Action: ['logs:CreateLogStream', 'logs:PutLogEvents'], Resource: 'arn:aws:logs:us-east-1:111111111111:log-group:probe:*' },
    { Effect: 'Allow', Action: 'globalaccelerator:UpdateEndpointGroup', Resource: 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g' },
    // Wrong: stream actions on a table ARN; a DSQL cluster given by its host name; a metric namespace
    // is no resource type of PutMetricData (its only one is a dataset); TestDNSAnswer takes no ARN.
    { Effect: 'Allow', Action: 'dynamodb:GetRecords', Resource: 'arn:aws:dynamodb:us-east-1:111111111111:table/carts' },
    { Effect: 'Allow', Action: 'dsql:DbConnectAdmin', Resource: 'arn:aws:dsql:us-east-1:111111111111:abc.dsql.us-east-1.on.aws' },
    { Effect: 'Allow', Action: 'cloudwatch:PutMetricData', Resource: 'arn:aws:cloudwatch:us-east-1:111111111111:namespace/X' },
    { Effect: 'Allow', Action: 'route53:TestDNSAnswer', Resource: 'arn:aws:route53:::hostedzone/Z1' },
  ));
  expect(findings.map((f) => f.problem)).toEqual([
    "resource 'arn:aws:dynamodb:us-east-1:111111111111:table/carts' matches no resource type of 'dynamodb:GetRecords'",
    "resource 'arn:aws:dsql:us-east-1:111111111111:abc.dsql.us-east-1.on.aws' matches no resource type of 'dsql:DbConnectAdmin'",
    "resource 'arn:aws:cloudwatch:us-east-1:111111111111:namespace/X' matches no resource type of 'cloudwatch:PutMetricData'",
    "action 'route53:TestDNSAnswer' takes only Resource '*', not 'arn:aws:route53:::hostedzone/Z1'",
  ]);
});

test('arnsIntersect: a policy ARN and a resource type template share an ARN', () => {
  const stream = 'arn:aws:logs:${Region}:${Account}:log-group:${LogGroupName}:log-stream:${LogStreamName}';
  expect(arnsIntersect('arn:aws:logs:us-east-1:1:log-group:g:*', stream)).toBe(true);
  expect(arnsIntersect('arn:aws:logs:us-east-1:1:log-group:g', stream)).toBe(false);
  expect(arnsIntersect('*', stream)).toBe(true);
  expect(arnsIntersect('arn:aws:s3:::bucket/*', 'arn:aws:s3:::${BucketName}/${ObjectName}')).toBe(true);
  expect(arnsIntersect('arn:aws:s3:::bucket', 'arn:aws:s3:::${BucketName}/${ObjectName}')).toBe(false);
  expect(arnsIntersect('arn:aws:secretsmanager:eu-west-1:1:secret:db/master-??????', 'arn:aws:secretsmanager:${Region}:${Account}:secret:${SecretId}')).toBe(true);
});
