import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlCluster, DsqlPeeredClusters, DsqlPeeredClustersProps, MultiRegionApp, MultiRegionAppProps, Posture, RegionalKey } from '../../lib';
import { newTestApp } from '../helpers/app';

const US = { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: '111111111111', stackNamePrefix: 'db' };

function build(topologyProps: Partial<MultiRegionAppProps> = {}, props: Partial<DsqlPeeredClustersProps> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', { ...US, ...topologyProps } as MultiRegionAppProps);
  const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology, ...props });
  return { app, topology, dsql };
}

function logicalIdOf(stack: Stack, construct: { node: { defaultChild?: unknown } } | RegionalKey): string {
  const child = (construct as RegionalKey).node.defaultChild as any;
  return stack.resolve(child.logicalId);
}

describe('DsqlPeeredClusters: template', () => {
  const { topology, dsql } = build({}, { tags: { team: 'payments' } });
  const east1 = Template.fromStack(topology.regionalStack('us-east-1'));
  const east2 = Template.fromStack(topology.regionalStack('us-east-2'));

  test.each([['us-east-1'], ['us-east-2']])('the cluster of %s uses that Region\'s key, deletion protection and the witness', (region) => {
    const stack = topology.regionalStack(region);
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::DSQL::Cluster', 1);
    template.hasResource('AWS::DSQL::Cluster', {
      DeletionPolicy: 'Retain',
      UpdateReplacePolicy: 'Retain',
      Properties: {
        KmsEncryptionKey: { 'Fn::GetAtt': [logicalIdOf(stack, topology.regionalKey(region)), 'Arn'] },
        DeletionProtectionEnabled: true,
        MultiRegionProperties: Match.objectLike({ WitnessRegion: 'us-west-2' }),
        Tags: Match.arrayWith([{ Key: 'multi-region:app', Value: 'db' }, { Key: 'team', Value: 'payments' }]),
      },
    });
  });

  test('the first Region\'s cluster is created with its peer\'s ARN (documented "peer during creation"), the second with the witness alone', () => {
    const first = east1.findResources('AWS::DSQL::Cluster');
    const [firstCluster] = Object.values(first);
    // The peer's ARN reaches us-east-1 through the cross-Region reference of the us-east-2 cluster.
    expect(firstCluster.Properties.MultiRegionProperties).toEqual({
      WitnessRegion: 'us-west-2',
      Clusters: [{ 'Fn::GetAtt': [expect.stringMatching(/^ExportsReader/), expect.stringMatching(/FnGetAttDsql.*ResourceArn/)] }],
    });
    const [secondCluster] = Object.values(east2.findResources('AWS::DSQL::Cluster'));
    expect(secondCluster.Properties.MultiRegionProperties).toEqual({ WitnessRegion: 'us-west-2' });
  });

  test('each Regional key lets DSQL use it through its own Region only', () => {
    for (const [region, template] of [['us-east-1', east1], ['us-east-2', east2]] as const) {
      template.hasResourceProperties('AWS::KMS::Key', {
        KeyPolicy: {
          Statement: Match.arrayWith([Match.objectLike({
            Condition: { StringEquals: Match.objectLike({ 'kms:ViaService': Match.arrayWith([`dsql.${region}.amazonaws.com`]) }) },
          })]),
        },
      });
    }
  });

  test('one peering resource, in the first Region, with both ARNs, the witness and the timeout', () => {
    east2.resourceCountIs('Custom::DsqlPeering', 0);
    east1.resourceCountIs('Custom::DsqlPeering', 1);
    const localCluster = logicalIdOf(topology.regionalStack('us-east-1'), dsql.cluster('us-east-1'));
    east1.hasResourceProperties('Custom::DsqlPeering', {
      ClusterArns: [
        { 'Fn::GetAtt': [localCluster, 'ResourceArn'] },
        // The us-east-2 cluster's ARN arrives through the cross-Region export reader.
        { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExportsReader'), Match.stringLikeRegexp('Dsql.*ResourceArn')] },
      ],
      WitnessRegion: 'us-west-2',
      TimeoutSeconds: '1800',
    });
  });

  test('the handlers\' policies name the two cluster ARNs and only the actions they call', () => {
    const policies = east1.findResources('AWS::IAM::Policy');
    const dsqlStatements = Object.entries(policies).flatMap(([id, p]: [string, any]) =>
      p.Properties.PolicyDocument.Statement
        .filter((s: any) => [s.Action].flat().some((a: string) => a.startsWith('dsql:')))
        .map((s: any) => ({ id, ...s })));
    const localCluster = logicalIdOf(topology.regionalStack('us-east-1'), dsql.cluster('us-east-1'));
    const twoArns = [
      { 'Fn::GetAtt': [localCluster, 'ResourceArn'] },
      { 'Fn::GetAtt': [expect.stringMatching(/^ExportsReader/), expect.stringMatching(/Dsql.*ResourceArn/)] },
    ];
    expect(dsqlStatements).toEqual([
      expect.objectContaining({
        id: expect.stringMatching(/^DsqlPeeringOnEventRole/),
        Action: ['dsql:AddPeerCluster', 'dsql:GetCluster', 'dsql:PutMultiRegionProperties', 'dsql:UpdateCluster'],
        Resource: twoArns,
      }),
      // The UpdateCluster API reference documents RemovePeerCluster on this wildcard ARN.
      expect.objectContaining({
        id: expect.stringMatching(/^DsqlPeeringOnEventRole/),
        Action: 'dsql:RemovePeerCluster',
        Resource: 'arn:aws:dsql:*:111111111111:cluster/*',
      }),
      // PutWitnessRegion "is checked both in the cluster Region and in the witness Region".
      expect.objectContaining({
        id: expect.stringMatching(/^DsqlPeeringOnEventRole/),
        Action: 'dsql:PutWitnessRegion',
        Condition: { StringEquals: { 'dsql:WitnessRegion': 'us-west-2' } },
        Resource: ['arn:aws:dsql:us-west-2:111111111111:cluster/*', ...twoArns],
      }),
      expect.objectContaining({
        id: expect.stringMatching(/^DsqlPeeringIsCompleteRole/),
        Action: 'dsql:GetCluster',
        Resource: twoArns,
      }),
    ]);
  });

  test('the handlers run on the newest Node.js runtime, on ARM', () => {
    east1.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.onEvent', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
    east1.hasResourceProperties('AWS::Lambda::Function', { Handler: 'index.isComplete', Runtime: 'nodejs24.x', Architectures: ['arm64'] });
  });

  test('exposes ARN, identifier and endpoint per Region', () => {
    const stack = topology.regionalStack('us-east-2');
    const id = logicalIdOf(stack, dsql.cluster('us-east-2'));
    expect(stack.resolve(dsql.clusterArn('us-east-2'))).toEqual({ 'Fn::GetAtt': [id, 'ResourceArn'] });
    expect(stack.resolve(dsql.clusterIdentifier('us-east-2'))).toEqual({ 'Fn::GetAtt': [id, 'Identifier'] });
    expect(stack.resolve(dsql.endpoint('us-east-2'))).toEqual({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [id, 'Identifier'] }, '.dsql.us-east-2.on.aws']],
    });
    expect(() => dsql.cluster('us-west-2')).toThrow("'us-west-2' has no DSQL cluster in Topology/Dsql; Regions with one: us-east-1, us-east-2.");
  });
});

describe('DsqlPeeredClusters: options', () => {
  test('deletion protection can be turned off', () => {
    const { topology } = build({}, { deletionProtection: false });
    Template.fromStack(topology.regionalStack('us-east-2')).hasResourceProperties('AWS::DSQL::Cluster', { DeletionProtectionEnabled: false });
  });

  test('an active-passive app puts the peering resource in the primary Region', () => {
    const { topology } = build({ posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'us-east-2' });
    Template.fromStack(topology.regionalStack('us-east-2')).resourceCountIs('Custom::DsqlPeering', 1);
    Template.fromStack(topology.regionalStack('us-east-1')).resourceCountIs('Custom::DsqlPeering', 0);
  });

  test('peerRegions picks two of three active Regions', () => {
    const { topology } = build({ activeRegions: ['us-east-1', 'us-east-2', 'eu-west-1'] }, { peerRegions: ['us-east-2', 'us-east-1'] });
    Template.fromStack(topology.regionalStack('us-east-2')).resourceCountIs('Custom::DsqlPeering', 1);
    Template.fromStack(topology.regionalStack('eu-west-1')).resourceCountIs('AWS::DSQL::Cluster', 0);
  });
});

describe('DsqlPeeredClusters: validation at synth', () => {
  test('rejects more than two peered Regions', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'us-east-2', 'us-west-2'], witnessRegion: undefined }))
      .toThrow('Aurora DSQL peers exactly two clusters, but 3 peer Regions were given (us-east-1, us-east-2, us-west-2); '
        + 'set peerRegions to two of the active Regions (us-east-1, us-east-2, us-west-2).');
  });

  test('rejects a missing witness, listing the valid ones', () => {
    expect(() => build({ witnessRegion: undefined }))
      .toThrow('Aurora DSQL multi-Region clusters need a witness Region, and none was given for peers us-east-1, us-east-2; '
        + 'set witnessRegion (on the MultiRegionApp or here) to one of: us-west-2.');
  });

  test('rejects a witness equal to a peer', () => {
    expect(() => build({}, { witnessRegion: 'us-east-2' }))
      .toThrow("witnessRegion 'us-east-2' is also a peer Region; the witness must be a third Region: one of us-west-2.");
  });

  test('rejects a witness outside the peers\' Region set', () => {
    expect(() => build({ witnessRegion: 'eu-west-1' }))
      .toThrow("witnessRegion 'eu-west-1' is not supported for peers us-east-1, us-east-2 (United States Region set); valid witnesses: us-west-2. Source: https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability");
  });

  test('rejects peers from two Region sets, listing the sets', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'eu-west-1'] }))
      .toThrow(/Aurora DSQL cannot place a multi-Region cluster in us-east-1, eu-west-1: .*United States: us-east-1, us-east-2, us-west-2; Asia Pacific: .*; Europe: eu-west-1, eu-west-2, eu-west-3, eu-central-1\)/);
  });

  test('rejects a peer Region without DSQL multi-Region support', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'us-west-1'] })).toThrow(/Aurora DSQL cannot place a multi-Region cluster in us-east-1, us-west-1: .*allowUnlistedRegionSet: true/);
  });

  test('rejects a peer Region that is not an active Region', () => {
    expect(() => build({}, { peerRegions: ['us-east-1', 'us-west-2'], witnessRegion: 'us-east-2' }))
      .toThrow("peer Region 'us-west-2' is not an active Region of Topology; active Regions: us-east-1, us-east-2.");
  });

  test('rejects the same Region twice', () => {
    expect(() => build({}, { peerRegions: ['us-east-1', 'us-east-1'] }))
      .toThrow("peerRegions lists 'us-east-1' twice; the two clusters must be in two different Regions.");
  });

  test('rejects an unknown Region code', () => {
    expect(() => build({}, { peerRegions: ['us-east-1', 'us-east-9'] })).toThrow(/peerRegions\[1\] 'us-east-9' is not a known AWS Region code/);
  });

  test('rejects a peering timeout over an hour', () => {
    expect(() => build({}, { peeringTimeout: Duration.hours(3) })).toThrow(/timeout of 10800 s is not valid; use 1 to 60 minutes/);
  });

  test('a cluster cannot use another Region\'s key', () => {
    const app = new App();
    const topology = new MultiRegionApp(app, 'T', US);
    expect(() => new DsqlCluster(topology.regionalStack('us-east-1'), 'Wrong', { encryptionKey: topology.regionalKey('us-east-2') }))
      .toThrow("DsqlCluster 'Wrong' in us-east-1 cannot use the key of us-east-2; use the key of us-east-1 (MultiRegionApp.regionalKey('us-east-1')).");
  });
});

describe('DsqlPeeredClusters: grants, least privilege per Region', () => {
  function grantsFor(region: string, grant: 'grantConnect' | 'grantConnectAdmin', clusterRegion: string) {
    const { topology, dsql } = build();
    const stack = topology.regionalStack(region);
    const role = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    dsql[grant](role, clusterRegion);
    return { topology, dsql, stack, template: Template.fromStack(stack) };
  }

  test.each([
    ['grantConnect', 'dsql:DbConnect'],
    ['grantConnectAdmin', 'dsql:DbConnectAdmin'],
  ] as const)('%s gives %s on the cluster of the role\'s Region, and nothing on the other Region\'s cluster', (grant, action) => {
    const { dsql, stack, template, topology } = grantsFor('us-east-1', grant, 'us-east-1');
    const policies = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AppRole') }] },
    }));
    expect(policies).toHaveLength(1);
    expect((policies[0] as any).Properties.PolicyDocument.Statement).toEqual([{
      Action: action,
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [logicalIdOf(stack, dsql.cluster('us-east-1')), 'ResourceArn'] },
    }]);
    // The us-east-2 cluster reaches the us-east-1 stack only through the export reader; the
    // role's policy does not use it, and the us-east-2 stack has no policy at all.
    expect(JSON.stringify(policies)).not.toContain('ExportsReader');
    Template.fromStack(topology.regionalStack('us-east-2')).resourceCountIs('AWS::IAM::Policy', 0);
  });

  test('a grant on the other Region\'s cluster, when asked, names only that cluster', () => {
    const { template } = grantsFor('us-east-1', 'grantConnect', 'us-east-2');
    const policies = Object.values(template.findResources('AWS::IAM::Policy', {
      Properties: { Roles: [{ Ref: Match.stringLikeRegexp('^AppRole') }] },
    }));
    expect((policies[0] as any).Properties.PolicyDocument.Statement).toEqual([{
      Action: 'dsql:DbConnect',
      Effect: 'Allow',
      Resource: { 'Fn::GetAtt': [expect.stringMatching(/^ExportsReader/), expect.stringMatching(/Dsql.*ResourceArn/)] },
    }]);
  });

  test('an imported cluster grants on its ARN and knows its Region and endpoint', () => {
    const stack = new Stack(new App(), 'S', { env: { region: 'us-east-1', account: '111111111111' } });
    const arn = `arn:aws:dsql:us-east-2:111111111111:cluster/${'a'.repeat(26)}`;
    const imported = DsqlCluster.fromClusterAttributes(stack, 'Imported', { clusterArn: arn });
    expect([imported.region, imported.clusterIdentifier, imported.endpoint]).toEqual(['us-east-2', 'a'.repeat(26), `${'a'.repeat(26)}.dsql.us-east-2.on.aws`]);
    const role = new iam.Role(stack, 'R', { assumedBy: new iam.AccountRootPrincipal() });
    imported.grantConnectAdmin(role);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'dsql:DbConnectAdmin', Effect: 'Allow', Resource: arn }] },
    });
    expect(() => DsqlCluster.fromClusterAttributes(stack, 'Bad', { clusterArn: 'arn:aws:s3:::bucket' })).toThrow(/is not a DSQL cluster ARN/);
  });
});
