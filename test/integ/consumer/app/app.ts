#!/usr/bin/env node
// A consumer's CDK app, compiled with tsc and run with node against the PACKED library (see
// ../global-setup.ts): a team's own stacks (its names, descriptions, tags) taken into a
// MultiRegionTopology, active-active in us-east-1/us-east-2 with us-west-2 as witness: a peered
// Aurora DSQL pair, an endpoint per Region, probes, DNS routing and an accelerator (shop.ts).
// pipeline-app.ts puts the same stacks into a CDK Pipelines stage; python/app.py is this app in
// Python; the tests assert the same things on all of them.
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiRegionChecks } from 'multi-region-cdk';
import { buildShop } from './shop';

const app = new App();
buildShop(app);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
app.synth();
