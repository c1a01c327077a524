import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DsqlCluster, DsqlDatabaseRole, DsqlPeeredClusters, MultiRegionApp } from '../../lib';
import { TEST_ACCOUNT, newTestApp, stackIn } from '../helpers/app';

const ARN = `arn:aws:dsql:us-east-1:${TEST_ACCOUNT}:cluster/abcdefghijklmnopqrstuvwxyz`;

function setup() {
  const app = newTestApp();
  const stack = stackIn(app, 'S', 'us-east-1');
  const cluster = DsqlCluster.fromClusterAttributes(stack, 'Cluster', { clusterArn: ARN });
  const user = new iam.Role(stack, 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { app, stack, cluster, user };
}

describe('DsqlDatabaseRole (contract C3)', () => {
  test('the handler alone connects as admin, to this cluster only, and reads its status; the resource names role, IAM roles and schema', () => {
    const { stack, cluster, user } = setup();
    new DsqlDatabaseRole(stack, 'Health', { cluster, roleName: 'mrcdk_health', iamRoles: [user], schemaName: 'mrcdk_health' });
    const t = Template.fromStack(stack);
    t.hasResourceProperties('Custom::DsqlDatabaseRole', {
      Region: 'us-east-1', ClusterIdentifier: 'abcdefghijklmnopqrstuvwxyz', Endpoint: 'abcdefghijklmnopqrstuvwxyz.dsql.us-east-1.on.aws',
      RoleName: 'mrcdk_health', IamRoleArns: [{ 'Fn::GetAtt': [stack.getLogicalId(user.node.defaultChild as iam.CfnRole), 'Arn'] }],
      SchemaName: 'mrcdk_health', SchemaPrivileges: ['USAGE', 'CREATE'],
    });
    const policies = Object.values(t.findResources('AWS::IAM::Policy')) as any[];
    const dsqlStatements = policies.flatMap((p) => p.Properties.PolicyDocument.Statement).filter((s: any) => JSON.stringify(s.Action).includes('dsql:'));
    expect(dsqlStatements).toEqual([{ Action: ['dsql:DbConnectAdmin', 'dsql:GetCluster'], Effect: 'Allow', Resource: ARN }]);
  });

  test.each([
    ['admin as role name', { roleName: 'admin' }, /roleName 'admin' is not valid/],
    ['a role name that is no identifier', { roleName: 'Probe-Role' }, /roleName 'Probe-Role' is not valid/],
    ['no IAM role', { iamRoles: [] }, /iamRoles is empty/],
    ['schema privileges without a schema', { schemaPrivileges: ['USAGE'] }, /schemaPrivileges \["USAGE"\] is not valid; give USAGE and\/or CREATE, together with schemaName/],
    ['a privilege that is not a schema privilege', { schemaName: 's', schemaPrivileges: ['SELECT'] }, /schemaPrivileges \["SELECT"\] is not valid/],
  ])('refuses %s', (_what, extra, error) => {
    const { stack, cluster, user } = setup();
    expect(() => new DsqlDatabaseRole(stack, 'R', { cluster, roleName: 'mrcdk_probe', iamRoles: [user], ...extra as any })).toThrow(error);
  });

  test('refuses a cluster of another Region than its stack', () => {
    const { app, cluster, user } = setup();
    expect(() => new DsqlDatabaseRole(stackIn(app, 'Other', 'us-east-2'), 'R', { cluster, roleName: 'mrcdk_probe', iamRoles: [user] }))
      .toThrow("DsqlDatabaseRole 'R' is in a stack of us-east-2 but its cluster is in us-east-1; create it in the stack of us-east-1.");
  });

  test('with a peered pair: refused outside the peering\'s stack (the other cluster is PENDING_SETUP until then), else after the peering', () => {
    const app = newTestApp();
    const topology = new MultiRegionApp(app, 'T', { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: TEST_ACCOUNT });
    const pair = new DsqlPeeredClusters(topology, 'Orders', { topology });
    const user = new iam.Role(topology.regionalStack('us-east-2'), 'App', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    expect(() => new DsqlDatabaseRole(topology.regionalStack('us-east-2'), 'R', { peeredClusters: pair, roleName: 'app', iamRoles: [user] }))
      .toThrow(/DsqlDatabaseRole 'R' is in us-east-2, but the pair T\/Orders is peered from us-east-1: the cluster of us-east-2 is PENDING_SETUP .* create the role in the stack of us-east-1/);
    const role = new DsqlDatabaseRole(topology.regionalStack('us-east-1'), 'R', { peeredClusters: pair, roleName: 'app', iamRoles: [user] });
    expect(role.cluster).toBe(pair.cluster('us-east-1'));
    const [resource] = Object.values(Template.fromStack(topology.regionalStack('us-east-1')).findResources('Custom::DsqlDatabaseRole')) as any[];
    expect(resource.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^OrdersPeering/)]));
  });

  test('refuses both or neither of cluster and peeredClusters', () => {
    const { stack, user } = setup();
    expect(() => new DsqlDatabaseRole(stack, 'R', { roleName: 'x', iamRoles: [user] })).toThrow(/give exactly one of cluster and peeredClusters \(neither was given\)/);
  });
});
