import { RemovalPolicy } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlPeeredClusters, DsqlPeeredClustersProps, MultiRegionApp } from '../../lib';
import { newTestApp } from '../helpers/app';

// The DSQL lifecycle as the construct renders it: what deleting the peering resource does, the
// revision that makes every cluster change re-check the peering, and what grantConnect gives.
function build(props: Partial<DsqlPeeredClustersProps> = {}) {
  const app = newTestApp();
  const topology = new MultiRegionApp(app, 'Topology', {
    activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: '111111111111', stackNamePrefix: 'db',
  });
  const dsql = new DsqlPeeredClusters(topology, 'Dsql', { topology, ...props });
  return { topology, dsql, east1: () => Template.fromStack(topology.regionalStack('us-east-1')) };
}

function onEventActions(template: Template): string[] {
  return Object.entries(template.findResources('AWS::IAM::Policy'))
    .filter(([id]) => id.startsWith('DsqlPeeringOnEventRole'))
    .flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement.flatMap((s: any) => [s.Action].flat()));
}

describe('DSQL lifecycle in the template', () => {
  test('retained clusters (the default): deleting the peering resource keeps them peered, and the role cannot delete them', () => {
    const { east1 } = build();
    const t = east1();
    t.hasResourceProperties('Custom::DsqlPeering', { DeleteClusters: 'false' });
    expect(onEventActions(t)).not.toContain('dsql:DeleteCluster');
  });

  test('clusters with RemovalPolicy.DESTROY: deleting the peering resource deletes each cluster, with DeleteCluster on the two ARNs only', () => {
    const { east1 } = build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
    const t = east1();
    t.hasResourceProperties('Custom::DsqlPeering', { DeleteClusters: 'true' });
    t.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: Match.arrayWith([Match.objectLike({
          Sid: 'DeleteTheTwoClusters',
          Action: 'dsql:DeleteCluster',
          Resource: [
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^Dsql'), 'ResourceArn'] },
            { 'Fn::GetAtt': [Match.stringLikeRegexp('^ExportsReader'), Match.stringLikeRegexp('Dsql.*ResourceArn')] },
          ],
        })]),
      },
    });
  });

  test('RemovalPolicy.DESTROY with deletion protection on is refused at synth (DeleteCluster would refuse at stack deletion)', () => {
    expect(() => build({ removalPolicy: RemovalPolicy.DESTROY })).toThrow(/removalPolicy DESTROY with deletion protection on cannot delete the clusters/);
  });

  test('peeringVpc puts the peering handlers and the provider framework\'s functions in the VPC', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'Topology', {
      activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: '111111111111', stackNamePrefix: 'db',
    });
    const vpc = new ec2.Vpc(topology.regionalStack('us-east-1'), 'Vpc', { maxAzs: 2, natGateways: 1 });
    new DsqlPeeredClusters(topology, 'Dsql', { topology, peeringVpc: vpc });
    const functions = Object.entries(Template.fromStack(topology.regionalStack('us-east-1')).findResources('AWS::Lambda::Function'))
      .filter(([id]) => id.startsWith('DsqlPeering')) as [string, any][];
    expect(functions.length).toBe(5); // onEvent, isComplete and the framework's onEvent, isComplete, onTimeout
    functions.forEach(([, fn]) => expect(fn.Properties.VpcConfig?.SubnetIds).toBeDefined());
  });

  test('a change to either cluster\'s template (a tag) changes the peering resource\'s ClusterRevision, so the peering is re-checked in the same deploy', () => {
    const revision = (tags?: { [key: string]: string }) => build({ tags }).east1().findResources('Custom::DsqlPeering');
    const before = Object.values(revision())[0] as any;
    const same = Object.values(revision())[0] as any;
    const after = Object.values(revision({ team: 'payments' }))[0] as any;
    expect(before.Properties.ClusterRevision).toMatch(/^[0-9a-f]{16}$/);
    expect(same.Properties.ClusterRevision).toBe(before.Properties.ClusterRevision);
    expect(after.Properties.ClusterRevision).not.toBe(before.Properties.ClusterRevision);
  });

  test('grantConnect gives dsql:DbConnect on the one cluster and no KMS permission (DSQL uses the key as its own service principal)', () => {
    const { topology, dsql } = build();
    const stack = topology.regionalStack('us-east-1');
    const role = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('ecs-tasks.amazonaws.com') });
    dsql.grantConnect(role, 'us-east-1');
    const policies = Template.fromStack(stack).findResources('AWS::IAM::Policy');
    const statements = Object.entries(policies).filter(([id]) => id.startsWith('App')).flatMap(([, p]: [string, any]) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'dsql:DbConnect', Resource: { 'Fn::GetAtt': [expect.stringMatching(/^Dsql/), 'ResourceArn'] } }]);
  });
});
