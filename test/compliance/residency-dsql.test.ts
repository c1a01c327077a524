import { Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { DataClass, DataResidency, DataResidencyGuard, DsqlPeeredClusters, MultiRegionApp } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

/**
 * Residency that cannot pass silently: `DataResidency.tag()` on a construct reaches the resources
 * it creates in other stacks (DsqlPeeredClusters' clusters live in the regional stacks), and a
 * tag on something that holds no resource fails synth.
 */
const LEDGER = { activeRegions: ['eu-west-1', 'eu-central-1'], account: '111111111111', stackNamePrefix: 'ledger' };

function ledgerApp(witnessRegion: string, allowedRegions: string[]) {
  const app = newTestApp();
  new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions }] });
  const topology = new MultiRegionApp(app, 'Ledger', { ...LEDGER, witnessRegion });
  const ledger = new DsqlPeeredClusters(topology, 'Ledger', { topology });
  DataResidency.tag(ledger, DataClass.PII);
  return { app, topology, ledger };
}

describe('DataResidency.tag on DsqlPeeredClusters', () => {
  test('tags both clusters, which live in the regional stacks, not under the construct', () => {
    const { topology } = ledgerApp('eu-west-3', ['eu-west-1', 'eu-central-1', 'eu-west-3']);
    for (const region of LEDGER.activeRegions) {
      Template.fromStack(topology.regionalStack(region)).hasResourceProperties('AWS::DSQL::Cluster', {
        Tags: [{ Key: 'multi-region:app', Value: 'ledger' }, { Key: 'multi-region:data-class', Value: 'PII' }, { Key: 'multi-region:region-role', Value: 'active' }],
      });
    }
  });

  test('an EU-only PII ledger (eu-west-1 + eu-central-1, witness Paris) synthesizes', () => {
    const { app } = ledgerApp('eu-west-3', ['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(() => app.synth()).not.toThrow();
  });

  test('the same ledger with a witness outside the allowed Regions (London) fails synth, naming the witness', () => {
    const { app } = ledgerApp('eu-west-2', ['eu-west-1', 'eu-central-1', 'eu-west-3']);
    expect(() => app.synth()).toThrow(/Ledger\/Resource \(AWS::DSQL::Cluster, multi-region:data-class=PII\) has witness Region eu-west-2; PII data may live only in eu-west-1, eu-central-1, eu-west-3/);
  });

  test('tagging after a construct registered its resources, or before (a tag on an ancestor), reaches them both ways', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-central-1'] }] });
    const topology = new MultiRegionApp(app, 'Ledger', { ...LEDGER, witnessRegion: 'eu-west-2' });
    const group = new Construct(topology, 'Payments');
    DataResidency.tag(group, DataClass.PII); // before the clusters exist
    new DsqlPeeredClusters(group, 'Ledger', { topology });
    expect(() => app.synth()).toThrow(/has witness Region eu-west-2/);
  });
});

describe('DataResidency.tag on nothing', () => {
  test('a construct that holds and creates no resource fails synth, naming it and what to tag', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'eu-west-1');
    const empty = new Construct(stack, 'Empty');
    DataResidency.tag(empty, DataClass.PII);
    expect(() => app.synth()).toThrow(/DataResidency\.tag\(S\/Empty, PII\): S\/Empty holds no CloudFormation resource and creates none in another stack, so no resource carries the class.*tag the construct or stack that holds the data/);
  });

  test('a construct with a taggable resource passes', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'eu-west-1');
    const holder = new Construct(stack, 'Holder');
    new s3.CfnBucket(holder, 'Bucket');
    DataResidency.tag(holder, DataClass.PII);
    expect(() => app.synth()).not.toThrow();
  });
});
