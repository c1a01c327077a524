#!/usr/bin/env node
import { App, Arn, ArnFormat, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { DataClass, DataResidency, DataResidencyGuard, DsqlPeeredClusters, GlobalServiceEvents, KeyService, MultiRegionApp, MultiRegionChecks, RegionalAuditTrail } from '../../lib';

// Customer data that must stay in the EU: Ireland and Frankfurt serve, Paris is the witness, all
// three of Aurora DSQL's Europe Region set (User Guide, "Region availability"; Frankfurt is in it),
// with every PII resource checked against these EU Regions. London, outside the EU, is not allowed.
const EU_REGIONS = ['eu-west-1', 'eu-central-1', 'eu-west-3'];

const app = new App();
const shop = new MultiRegionApp(app, 'EuResident', {
  activeRegions: ['eu-west-1', 'eu-central-1'],
  witnessRegion: 'eu-west-3',
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'eu-resident',
});

// The witness holds the clusters' transaction log, so it counts as a place where PII lives.
new DataResidencyGuard(app, 'DataResidency', {
  rules: [{ dataClass: DataClass.PII, allowedRegions: EU_REGIONS }],
});

// The customer database: a DSQL cluster per Region, peered in one deploy, the witness in the EU.
const customers = new DsqlPeeredClusters(shop, 'Customers', { topology: shop });
// Tags both clusters (they live in the regional stacks); a witness outside EU_REGIONS fails synth.
DataResidency.tag(customers, DataClass.PII);

for (const region of shop.activeRegions) {
  shop.regionalKey(region).allowService(KeyService.LAMBDA);
  customerApi(shop.regionalStack(region), customers);
}

/** The Region's API function: reads customers from its own Region's cluster, logs under the Region's key. */
function customerApi(stack: Stack, clusters: DsqlPeeredClusters): void {
  const region = stack.region;
  const logGroup = new logs.LogGroup(stack, 'CustomerApiLogs', {
    retention: logs.RetentionDays.ONE_YEAR,
    encryptionKey: shop.regionalKey(stack.region),
    removalPolicy: RemovalPolicy.DESTROY,
  });
  const role = new iam.Role(stack, 'CustomerApiRole', {
    assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
    description: 'Customer API: connects to this Region\'s customer cluster and writes its own log group',
    inlinePolicies: {
      run: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({
            actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
            resources: [Arn.format({ service: 'logs', resource: 'log-group', resourceName: `${logGroup.logGroupName}:log-stream:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME }, stack)],
          }),
        ],
      }),
    },
  });
  // dsql:DbConnect on this Region's cluster only.
  clusters.grantConnect(role, region);
  const logGroupId = stack.getLogicalId(logGroup.node.defaultChild as logs.CfnLogGroup);
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${stack.region}:${stack.account}:log-group:<${logGroupId}>:log-stream:*]`,
    reason: 'Lambda names its log streams at run time; the wildcard covers only the streams of this function\'s own log group.',
  });
  const fn = new lambda.Function(stack, 'CustomerApi', {
    runtime: lambda.Runtime.NODEJS_24_X,
    architecture: lambda.Architecture.ARM_64,
    handler: 'index.handler',
    code: lambda.Code.fromInline('exports.handler = async () => ({ statusCode: 200 });'),
    role,
    logGroup,
    environmentEncryption: shop.regionalKey(stack.region),
    environment: { CLUSTER_ENDPOINT: clusters.endpoint(region) },
  });
  DataResidency.tag(fn, DataClass.PII);
  Validations.of(fn).acknowledge({
    id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
    reason: 'CT.LAMBDA.PR.3: an inline example handler; a real service puts its functions in its own VPC (vpc prop of lambda.Function).',
  });
}

// An immutable, encrypted audit trail in each active Region. IAM, STS and CloudFront events are
// recorded by CloudTrail in us-east-1 only; a multi-Region trail in eu-west-1 records them (and
// every other Region's events) into eu-west-1, so no audit log is stored outside the EU.
new RegionalAuditTrail(shop, 'AuditTrail', { topology: shop, globalServiceEvents: GlobalServiceEvents.MULTI_REGION_TRAIL });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
