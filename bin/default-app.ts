import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiRegionApp, MultiRegionChecks } from '../lib';
import { CONTEXT, requireContext } from './context';

/**
 * The default example: us-east-1 and us-east-2 active, us-west-2 as witness, with the
 * placeholder account and domain from cdk.json, checked by cdk-nag's AwsSolutions pack and this library's MultiRegionChecks.
 */
export function buildDefaultApp(app: App): MultiRegionApp {
  const topology = new MultiRegionApp(app, 'MultiRegion', {
    activeRegions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    account: requireContext(app, CONTEXT.account),
    stackNamePrefix: 'multi-region',
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));

  // --- compliance: this library's multi-Region rules (lib/compliance/) ---
  Validations.of(app).addPlugins(new MultiRegionChecks(app));

  return topology;
}
