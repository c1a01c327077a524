import { CustomResource, Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { handlerCode } from '../private/handler-code';
import { HandlerRuntime } from '../runtime/handler-runtime';
import { useHandlerRuntime } from '../runtime/private/framework-runtime';
import { IDsqlCluster } from './dsql-cluster';
import { DsqlPeeredClusters } from './dsql-peered-clusters';

/**
 * Properties of a `DsqlDatabaseRole`.
 */
export interface DsqlDatabaseRoleProps {
  /**
   * The cluster, in this stack's Region. Give this or `peeredClusters`.
   * @default - the cluster of `peeredClusters` in this stack's Region
   */
  readonly cluster?: IDsqlCluster;

  /**
   * A peered pair: the role is created on the cluster of the pair's first Region (the stack of
   * the peering resource), after the peering, and exists at both endpoints (peered clusters are
   * one logical database). Give this or `cluster`.
   * @default - `cluster`
   */
  readonly peeredClusters?: DsqlPeeredClusters;

  /** The PostgreSQL role, created WITH LOGIN (a lower-case identifier, not `admin`). */
  readonly roleName: string;

  /**
   * IAM roles mapped to the database role with `AWS IAM GRANT`. Each still needs `dsql:DbConnect`
   * on the cluster it connects to (`IDsqlCluster.grantConnect`); never `dsql:DbConnectAdmin`.
   */
  readonly iamRoles: iam.IRole[];

  /**
   * A schema created (if missing) for the role, with `schemaPrivileges` on it.
   * @default - no schema
   */
  readonly schemaName?: string;

  /**
   * Privileges of the role on `schemaName`: `USAGE` and/or `CREATE`.
   * @default ['USAGE', 'CREATE']
   */
  readonly schemaPrivileges?: string[];

  /**
   * Key of the handler's log groups; of this stack's Region.
   * @default - CloudWatch Logs' own encryption
   */
  readonly logEncryptionKey?: kms.IKey;

  /**
   * Retention of the handler's logs (AWS Control Tower CT.CLOUDWATCH.PR.2 asks for a year or more).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * A VPC for the handler (it needs a route to the cluster's endpoint and the DSQL API).
   * @default - outside a VPC
   */
  readonly vpc?: ec2.IVpc;
}

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED = /^(admin|postgres|public|pg_.*|sys.*|aws.*)$/;

/**
 * A PostgreSQL role on an Aurora DSQL cluster for IAM principals that must not be `admin`: a
 * custom resource (the only principal with `dsql:DbConnectAdmin`, on this one cluster) that
 * creates the role WITH LOGIN, maps the IAM roles to it with `AWS IAM GRANT`, optionally creates
 * a schema for it and grants `USAGE`/`CREATE` on it. Idempotent; an update maps new IAM roles and
 * unmaps removed ones; deleting it revokes the mappings and the schema privileges (the role and
 * its schema stay, with whatever tables they own). Aurora DSQL User Guide, "Using database roles
 * and IAM authentication".
 */
export class DsqlDatabaseRole extends Construct {
  /** The database role's name. */
  public readonly roleName: string;
  /** The schema, if one was asked for. */
  public readonly schemaName?: string;
  /** The cluster the role was created on. */
  public readonly cluster: IDsqlCluster;
  /** The custom resource. */
  public readonly resource: CustomResource;
  /** The handler's role: `dsql:DbConnectAdmin` and `dsql:GetCluster` on this cluster only. */
  public readonly handlerRole: iam.Role;

  constructor(scope: Construct, id: string, props: DsqlDatabaseRoleProps) {
    super(scope, id);
    const where = `DsqlDatabaseRole '${id}'`;
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError('RegionBoundInAgnosticStack', `${where} connects to a cluster of one Region, but stack ${stack.node.path} has no concrete Region; create it in the stack of the cluster's Region.`, this);
    }
    if ((props.cluster === undefined) === (props.peeredClusters === undefined)) {
      throw validationError('DsqlRoleCluster', `${where}: give exactly one of cluster and peeredClusters (${props.cluster ? 'both were given' : 'neither was given'}).`, this);
    }
    if (props.peeredClusters) {
      const [home, other] = props.peeredClusters.peerRegions;
      if (stack.region !== home) {
        throw validationError('DsqlRoleOutsidePeeringStack', `${where} is in ${stack.region}, but the pair ${props.peeredClusters.node.path} is peered from ${home}: `
          + `the cluster of ${other} is PENDING_SETUP (no connections) until the peering resource in ${home}'s stack runs, and that stack deploys last; `
          + `create the role in the stack of ${home} (peered clusters are one database, so it exists at both endpoints).`, this);
      }
      this.cluster = props.peeredClusters.cluster(home);
    } else {
      this.cluster = props.cluster!;
      if (!Token.isUnresolved(this.cluster.region) && this.cluster.region !== stack.region) {
        throw validationError('DsqlRoleRegion', `${where} is in a stack of ${stack.region} but its cluster is in ${this.cluster.region}; create it in the stack of ${this.cluster.region}.`, this);
      }
    }
    if (!IDENTIFIER.test(props.roleName) || RESERVED.test(props.roleName)) {
      throw validationError('DsqlRoleName', `${where}: roleName '${props.roleName}' is not valid; use a lower-case SQL identifier (letters, digits, _; at most 63) `
        + 'other than admin, postgres, public and pg_/sys/aws names, for example mrcdk_probe.', this);
    }
    if (props.schemaName !== undefined && (!IDENTIFIER.test(props.schemaName) || RESERVED.test(props.schemaName))) {
      throw validationError('DsqlRoleSchemaName', `${where}: schemaName '${props.schemaName}' is not valid; use a lower-case SQL identifier other than public and pg_/sys/aws names.`, this);
    }
    const privileges = (props.schemaPrivileges ?? ['USAGE', 'CREATE']).map((p) => p.toUpperCase());
    const bad = privileges.filter((p) => p !== 'USAGE' && p !== 'CREATE');
    if (bad.length > 0 || (props.schemaPrivileges !== undefined && props.schemaName === undefined)) {
      throw validationError('DsqlRoleSchemaPrivileges', `${where}: schemaPrivileges ${JSON.stringify(props.schemaPrivileges)} is not valid; `
        + 'give USAGE and/or CREATE, together with schemaName.', this);
    }
    if (props.iamRoles.length === 0) {
      throw validationError('DsqlRoleNoIamRoles', `${where}: iamRoles is empty; map at least one IAM role (the principal that connects as ${props.roleName}).`, this);
    }
    this.roleName = props.roleName;
    this.schemaName = props.schemaName;

    this.handlerRole = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Creates the DSQL database role ${props.roleName} as admin (multi-region-cdk)`,
    });
    // Connect as admin to this cluster only, and read its status before connecting.
    this.cluster.grantConnectAdmin(this.handlerRole);
    this.handlerRole.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dsql:GetCluster'], resources: [this.cluster.clusterArn] }));
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention, encryptionKey: props.logEncryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(this.handlerRole);
    const onEvent = new lambda.Function(this, 'Handler', {
      code: handlerCode('dsql-role-setup'),
      handler: 'index.onEvent',
      description: `Aurora DSQL database role ${props.roleName} (multi-region-cdk)`,
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.minutes(2),
      role: this.handlerRole,
      logGroup,
      vpc: props.vpc,
    });
    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', { retention, encryptionKey: props.logEncryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    const frameworkRole = new iam.Role(this, 'FrameworkRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Provider framework of the DSQL database role ${props.roleName} (multi-region-cdk)`,
    });
    frameworkLogs.grantWrite(frameworkRole);
    const provider = new cr.Provider(this, 'Provider', { onEventHandler: onEvent, logGroup: frameworkLogs, frameworkOnEventRole: frameworkRole, vpc: props.vpc });
    // The framework's own function gets the library's runtime too (AwsSolutions-L1 on a newer aws-cdk-lib).
    useHandlerRuntime(provider);
    const fnArn = `Resource::<${stack.resolve((onEvent.node.defaultChild as lambda.CfnFunction).logicalId)}.Arn>:*`;
    Validations.of(frameworkRole).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[${fnArn}]`,
      reason: 'The provider framework grants lambda:InvokeFunction on the handler ARN and its qualified versions (<arn>:*); the wildcard covers versions of this one function.',
    });
    if (!props.vpc) {
      Validations.of(this).acknowledge({
        id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
        reason: 'CT.LAMBDA.PR.3: the handler reaches the public DSQL endpoint and API during a deployment only; give DsqlDatabaseRole a vpc where the control is enforced.',
      });
    }

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DsqlDatabaseRole',
      properties: {
        Region: stack.region,
        ClusterIdentifier: this.cluster.clusterIdentifier,
        Endpoint: this.cluster.endpoint,
        RoleName: props.roleName,
        IamRoleArns: props.iamRoles.map((r) => r.roleArn),
        ...(props.schemaName ? { SchemaName: props.schemaName, SchemaPrivileges: privileges } : {}),
      },
    });
    // A peered cluster takes connections only once the peering is done.
    if (props.peeredClusters) this.resource.node.addDependency(props.peeredClusters.peering);
  }
}
