#!/usr/bin/env node
import { App, Duration, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { DsqlPeeredClusters, MultiRegionApp, MultiRegionChecks, RegionalAuditTrail } from '../../lib';

// Active-active in Europe: Aurora DSQL clusters in Ireland and London, peered with Paris as
// witness, and one application role per Region that may connect to its own Region's cluster only.
const app = new App();
const topology = new MultiRegionApp(app, 'Orders', {
  activeRegions: ['eu-west-1', 'eu-west-2'],
  witnessRegion: 'eu-west-3',
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'orders',
});

const db = new DsqlPeeredClusters(topology, 'OrdersDb', {
  topology,
  tags: { service: 'orders' },
  peeringTimeout: Duration.minutes(45),
});

for (const region of topology.activeRegions) {
  const role = new iam.Role(topology.regionalStack(region), 'OrdersServiceRole', {
    assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com'),
    description: `Orders service in ${region}: connects to the ${region} DSQL cluster only`,
  });
  db.grantConnect(role, region);
}

// An immutable, encrypted audit trail in each active Region and each other Region the app changes,
// and in us-east-1 the IAM, STS and CloudFront events (CloudTrail records them only there).
new RegionalAuditTrail(topology, 'AuditTrail', { topology });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
