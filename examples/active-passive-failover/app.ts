#!/usr/bin/env node
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { CONTEXT, requireContext } from '../../bin/context';
import { MultiRegionApp, MultiRegionChecks, Posture } from '../../lib';

// A primary in eu-west-1 serving all traffic, with a warm standby in eu-central-1.
const app = new App();
new MultiRegionApp(app, 'Failover', {
  activeRegions: ['eu-west-1', 'eu-central-1'],
  posture: Posture.ACTIVE_PASSIVE,
  primaryRegion: 'eu-west-1',
  account: requireContext(app, CONTEXT.account),
  stackNamePrefix: 'failover',
});
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
