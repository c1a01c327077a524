#!/usr/bin/env node
import { App, CfnOutput, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { AlarmTopics, RegionalAuditTrail, AuroraGlobalDatabase, MultiRegionApp, MultiRegionChecks, Posture } from '../../lib';

// An active-passive ledger: an Aurora PostgreSQL global database with the writer in eu-west-1
// and a secondary cluster in eu-central-1, each under its own Region's key, in its own VPC.
const app = new App();
const topology = new MultiRegionApp(app, 'Ledger', {
  activeRegions: ['eu-west-1', 'eu-central-1'],
  posture: Posture.ACTIVE_PASSIVE,
  primaryRegion: 'eu-west-1',
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'ledger',
});

const ledger = new AuroraGlobalDatabase(topology, 'Db', {
  topology,
  defaultDatabaseName: 'ledger',
  secondaryInstances: 1,
});

const dashboard = new cloudwatch.Dashboard(topology.globalStack, 'LedgerReplication', { dashboardName: 'ledger-replication' });
ledger.addToDashboard(dashboard);

// What the operator runs (see README.md): a planned switchover, or a failover when eu-west-1 is down.
for (const region of ledger.secondaryRegions) {
  const stack = topology.regionalStack(region);
  new CfnOutput(stack, 'SwitchoverCommand', { value: ledger.switchoverCommand(region) });
  new CfnOutput(stack, 'FailoverCommand', { value: ledger.failoverCommand(region) });
}
new CfnOutput(topology.regionalStack(ledger.primaryRegion), 'GlobalClusterIdentifier', { value: ledger.globalClusterIdentifier });

// Every alarm of the library notifies an SNS topic of its own Region.
new AlarmTopics(topology, 'AlarmTopics', { topology });
// An immutable, encrypted audit trail in each active Region and each other Region the app changes,
// and in us-east-1 the IAM, STS and CloudFront events (CloudTrail records them only there).
new RegionalAuditTrail(topology, 'AuditTrail', { topology });

Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
