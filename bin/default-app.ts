import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DsqlPeeredClusters, MultiRegionApp } from '../lib';
import { CONTEXT, requireContext } from './context';

/**
 * The default example: us-east-1 and us-east-2 active, us-west-2 as witness, with the
 * placeholder account and domain from cdk.json, checked by cdk-nag's AwsSolutions pack.
 */
export function buildDefaultApp(app: App): MultiRegionApp {
  const topology = new MultiRegionApp(app, 'MultiRegion', {
    activeRegions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    account: requireContext(app, CONTEXT.account),
    stackNamePrefix: 'multi-region',
  });

  // --- data: Aurora DSQL clusters in us-east-1 and us-east-2, peered with us-west-2 as witness ---
  new DsqlPeeredClusters(topology, 'Dsql', { topology });
  // --- end data ---

  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return topology;
}
