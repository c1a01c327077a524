#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { AlarmTopics, RegionalAuditTrail, DataClass, DataResidency, DataResidencyGuard, DynamoDbGlobalTable, DynamoDbReplicationProbe, MultiRegionApp, MultiRegionChecks } from '../../lib';

// An active-active shopping-cart table in two US Regions: a DynamoDB global table (MREC, last
// writer wins) with a replica per Region, each under that Region's own key.
const app = new App();
const topology = new MultiRegionApp(app, 'Carts', {
  activeRegions: ['us-east-1', 'us-west-2'],
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'carts',
});

const carts = new DynamoDbGlobalTable(topology, 'Carts', {
  topology,
  partitionKey: { name: 'cartId', type: dynamodb.AttributeType.STRING },
  timeToLiveAttribute: 'expiresAt',
});
// Customer carts stay in the US: the guard fails synth if a replica is added outside it.
DataResidency.tag(carts.table, DataClass.PII);
new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['us-east-1', 'us-west-2'] }] });

const dashboard = new cloudwatch.Dashboard(topology.globalStack, 'CartsReplication', { dashboardName: 'carts-replication' });
carts.addToDashboard(dashboard);

for (const region of topology.activeRegions) {
  const stack = topology.regionalStack(region);
  // The service's role in each Region reads and writes that Region's replica only.
  const role = new iam.Role(stack, 'CartsService', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  carts.grantReadWriteData(role, region);
  Validations.of(role).acknowledge({
    id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:dynamodb:${region}:${stack.account}:table/${carts.tableName}/index/*]`,
    reason: 'Queries on the table\'s indexes (of this Region\'s replica only) need the index wildcard.',
  });
  // Write-then-observe from this Region to every other: measures the lag even without traffic.
  for (const reader of topology.activeRegions.filter((r) => r !== region)) {
    const probe = new DynamoDbReplicationProbe(stack, `CartsProbe-${reader}`, {
      globalTable: carts, writerRegion: region, readerRegion: reader, partitionKeyName: 'cartId', timeToLiveAttribute: 'expiresAt',
    });
    dashboard.addWidgets(new cloudwatch.GraphWidget({
      title: `carts probe ${region} to ${reader} (ms)`, left: [probe.metricLag()], width: 12,
    }));
  }
}

// Every alarm of the library notifies an SNS topic of its own Region.
new AlarmTopics(topology, 'AlarmTopics', { topology });
// An immutable, encrypted audit trail in each active Region and each other Region the app changes,
// and in us-east-1 the IAM, STS and CloudFront events (CloudTrail records them only there).
new RegionalAuditTrail(topology, 'AuditTrail', { topology });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
