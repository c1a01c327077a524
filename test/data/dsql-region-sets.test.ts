import { App, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { DsqlCluster, DsqlPeeredClusters, DsqlPeering, MultiRegionApp, RegionalKey } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

/**
 * The DSQL Region-set table (Aurora DSQL User Guide, "Region availability") and its escape hatch,
 * the same at every layer: DsqlPeeredClusters, DsqlPeering, DsqlCluster and the topology
 * (MultiRegionApp), each by prop and by the context key.
 */
const KEY = 'multi-region-cdk:dsql-allow-unlisted-region-set';
const PAGE = 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability';
// Stockholm: DSQL runs there (AWS Config rule page 'dsql-cluster-multi-region-replication-enabled'), but the table lists no set with it.
const UNLISTED = { activeRegions: ['eu-west-1', 'eu-north-1'], witnessRegion: 'eu-west-2', account: '111111111111' };

function warningsOf(stack: Stack | App): string[] {
  const stacks = stack instanceof App ? stack.node.findAll().filter(Stack.isStack) : [stack];
  return stacks.flatMap((s) => Annotations.fromStack(s).findWarning('*', Match.anyValue()).map((w) => String(w.entry.data)))
    .filter((w) => w.includes('not one Aurora DSQL multi-Region set'));
}

describe('the European set includes eu-central-1', () => {
  test('eu-west-1 + eu-central-1 with the witness eu-west-3 synthesizes through DsqlPeeredClusters, without a warning', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Ledger', { activeRegions: ['eu-west-1', 'eu-central-1'], witnessRegion: 'eu-west-3', account: '111111111111' });
    new DsqlPeeredClusters(topology, 'Dsql', { topology });
    const template = Template.fromStack(topology.regionalStack('eu-central-1'));
    template.hasResourceProperties('AWS::DSQL::Cluster', { MultiRegionProperties: { WitnessRegion: 'eu-west-3' } });
    expect(warningsOf(app)).toEqual([]);
  });

  test('eu-central-1 peers with each other EU Region; a non-EU witness is still refused, naming the valid ones', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Ledger', { activeRegions: ['eu-west-1', 'eu-central-1'], witnessRegion: 'us-west-2', account: '111111111111' });
    expect(() => new DsqlPeeredClusters(topology, 'Dsql', { topology }))
      .toThrow("witnessRegion 'us-west-2' is not supported for peers eu-west-1, eu-central-1 (Europe Region set); valid witnesses: eu-west-2, eu-west-3.");
  });
});

describe('an unlisted set: refused by default, accepted with a warning naming the page', () => {
  test('DsqlPeeredClusters refuses it, naming the sets, the page and the escape hatch', () => {
    const topology = new MultiRegionApp(newTestApp(), 'T', UNLISTED);
    expect(() => new DsqlPeeredClusters(topology, 'Dsql', { topology }))
      .toThrow(/cannot place a multi-Region cluster in eu-west-1, eu-north-1.*Source: https:\/\/docs\.aws\.amazon\.com\/aurora-dsql.*allowUnlistedRegionSet: true \(or the context key multi-region-cdk:dsql-allow-unlisted-region-set=true\)/);
  });

  test.each([
    ['the prop on DsqlPeeredClusters', {}, { allowUnlistedRegionSet: true }, {}],
    ['the prop on MultiRegionApp', { allowUnlistedDsqlRegionSet: true }, {}, {}],
    ['the context key', {}, {}, { [KEY]: true }],
    ['the context key from the CLI (a string)', {}, {}, { [KEY]: 'true' }],
  ])('%s: every layer (DsqlPeeredClusters, DsqlCluster, DsqlPeering) accepts it and warns naming the page', (_what, appProps, props, context) => {
    const app = newTestApp(context);
    const topology = new MultiRegionApp(app, 'T', { ...UNLISTED, ...appProps });
    const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology, ...props });
    Template.fromStack(topology.regionalStack('eu-west-1')).resourceCountIs('Custom::DsqlPeering', 1);
    const warnings = warningsOf(app);
    // In the stacks (what `cdk synth` prints): the Stockholm cluster (the Irish one's own Region and
    // witness are a listed pair) and the peering resource.
    expect(warnings.map((w) => w.split(':')[0]).sort()).toEqual(["DsqlCluster 'Dsql' (Region eu-north-1, witness eu-west-2)", "DsqlPeering 'DsqlPeering'"]);
    for (const w of warnings) expect(w).toContain(PAGE);
    expect(dsql.witnessRegion).toBe('eu-west-2');
  });

  test('the construct\'s own prop wins over the context key', () => {
    const topology = new MultiRegionApp(newTestApp({ [KEY]: true }), 'T', UNLISTED);
    expect(() => new DsqlPeeredClusters(topology, 'Dsql', { topology, allowUnlistedRegionSet: false })).toThrow(/cannot place a multi-Region cluster/);
  });
});

describe('the lower layers check the same table', () => {
  function keyIn(stack: Stack) {
    return new RegionalKey(stack, 'Key', {});
  }

  test('DsqlCluster refuses a witness outside its Region\'s set, and accepts it with the prop (warning)', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'us-east-1');
    expect(() => new DsqlCluster(stack, 'C', { encryptionKey: keyIn(stack), witnessRegion: 'eu-west-1' }))
      .toThrow(/DsqlCluster 'C' \(Region us-east-1, witness eu-west-1\).*cannot place a multi-Region cluster in us-east-1, eu-west-1/);
    new DsqlCluster(stack, 'D', { encryptionKey: stack.node.findChild('Key') as RegionalKey, witnessRegion: 'eu-west-1', allowUnlistedRegionSet: true });
    expect(warningsOf(stack)).toHaveLength(1);
  });

  test('DsqlCluster refuses a peer ARN in its own Region and a peer without a witness', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'us-east-1');
    const key = keyIn(stack);
    expect(() => new DsqlCluster(stack, 'C', { encryptionKey: key, witnessRegion: 'us-west-2', peerClusterArns: ['arn:aws:dsql:us-east-1:111111111111:cluster/abc'] }))
      .toThrow("DsqlCluster 'C': peer cluster arn:aws:dsql:us-east-1:111111111111:cluster/abc is in us-east-1, the cluster's own Region; the peer must be the cluster of the pair's other Region.");
    expect(() => new DsqlCluster(stack, 'D', { encryptionKey: key, peerClusterArns: ['arn:aws:dsql:us-east-2:111111111111:cluster/abc'] }))
      .toThrow(/peerClusterArns \(arn:aws:dsql:us-east-2:111111111111:cluster\/abc\) were given without a witnessRegion/);
  });

  test('DsqlPeering refuses an unlisted set, a peer that is the local cluster, and a witness that is a peer\'s Region', () => {
    const app = newTestApp();
    const stack = stackIn(app, 'S', 'us-east-1');
    const key = keyIn(stack);
    const local = new DsqlCluster(stack, 'Local', { encryptionKey: key, witnessRegion: 'us-west-2' });
    const peer = DsqlCluster.fromClusterAttributes(stack, 'Peer', { clusterArn: 'arn:aws:dsql:us-west-1:111111111111:cluster/abc' });
    expect(() => new DsqlPeering(stack, 'P1', { localCluster: local, peerCluster: peer, witnessRegion: 'us-west-2', logEncryptionKey: key }))
      .toThrow(/DsqlPeering 'P1': Aurora DSQL cannot place a multi-Region cluster in us-east-1, us-west-1, us-west-2/);
    expect(() => new DsqlPeering(stack, 'P2', { localCluster: local, peerCluster: local, witnessRegion: 'us-west-2', logEncryptionKey: key }))
      .toThrow("DsqlPeering 'P2': peerCluster is the local cluster itself (S/Local); give the cluster of the pair's other Region as peerCluster, not the one in us-east-1.");
    const east2 = DsqlCluster.fromClusterAttributes(stack, 'East2', { clusterArn: 'arn:aws:dsql:us-east-2:111111111111:cluster/abc' });
    expect(() => new DsqlPeering(stack, 'P3', { localCluster: local, peerCluster: east2, witnessRegion: 'us-east-2', logEncryptionKey: key }))
      .toThrow(/DsqlPeering 'P3': witnessRegion 'us-east-2' is the Region of a peer/);
    new DsqlPeering(stack, 'P4', { localCluster: local, peerCluster: peer, witnessRegion: 'us-west-2', logEncryptionKey: key, allowUnlistedRegionSet: true });
    expect(warningsOf(stack).filter((w) => w.startsWith("DsqlPeering 'P4'"))).toHaveLength(1);
  });
});
