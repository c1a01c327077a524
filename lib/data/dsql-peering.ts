import * as crypto from 'crypto';
import { CustomResource, Duration, Lazy, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as cr from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { handlerCode } from '../private/handler-code';
import { partitionOfStack } from '../topology/regions';
import { DsqlCluster, IDsqlCluster } from './dsql-cluster';
import { allowsUnlistedRegionSet, checkDsqlRegionSet } from './dsql-region-sets';
import { HandlerRuntime } from '../runtime/handler-runtime';
import { useHandlerRuntime } from '../runtime/private/framework-runtime';

/**
 * Properties of a `DsqlPeering`.
 */
export interface DsqlPeeringProps {
  /**
   * The cluster of this stack's Region.
   */
  readonly localCluster: IDsqlCluster;

  /**
   * The cluster of the other Region; its ARN reaches this stack through a cross-Region reference.
   */
  readonly peerCluster: IDsqlCluster;

  /**
   * The witness Region of both clusters.
   */
  readonly witnessRegion: string;

  /**
   * How long a deployment waits for both clusters to become ACTIVE before it fails.
   * @default Duration.minutes(30)
   */
  readonly timeout?: Duration;

  /**
   * The key that encrypts the handlers' log groups; it must be of this stack's Region and let
   * CloudWatch Logs use it (a `RegionalKey` does by default).
   */
  readonly logEncryptionKey: kms.IKey;

  /**
   * A VPC for the handlers and the provider framework's functions, for accounts whose controls
   * require every Lambda function in a VPC (AWS Control Tower CT.LAMBDA.PR.3). The handlers call
   * the Aurora DSQL API of both clusters' Regions, so the subnets need a route to it (a NAT
   * gateway; an interface endpoint only reaches its own Region).
   * @default - the functions run outside a VPC; CT.LAMBDA.PR.3 is acknowledged with that reason
   */
  readonly vpc?: ec2.IVpc;

  /**
   * The subnets of `vpc` the functions use.
   * @default - the VPC's private subnets with egress
   */
  readonly vpcSubnets?: ec2.SubnetSelection;

  /**
   * Whether deleting this resource deletes both clusters, as AWS documents the deletion of a
   * multi-Region cluster (delete each peered cluster; the first stays PENDING_DELETE until its
   * peer is deleted). Set it when the clusters' removal policy is DESTROY and their deletion
   * protection is off. When false, deleting the resource changes nothing: the clusters stay
   * peered, one multi-Region database, and are retained.
   * @default false
   */
  readonly deleteClusters?: boolean;

  /**
   * Retention of the handlers' logs. AWS Control Tower's proactive control CT.CLOUDWATCH.PR.2
   * requires at least a year (or never expire).
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Accept Regions outside the library's DSQL Region sets, with a warning; see
   * `DsqlPeeredClustersProps.allowUnlistedRegionSet`.
   * @default - the context key `multi-region-cdk:dsql-allow-unlisted-region-set`, else false
   */
  readonly allowUnlistedRegionSet?: boolean;
}

/** Peering, and the provider framework's own functions, poll this often. */
const QUERY_INTERVAL = Duration.seconds(15);

/**
 * Peers two Aurora DSQL clusters of different Regions with a witness Region: a custom resource
 * (Provider framework, `onEvent` + `isComplete`) that calls UpdateCluster on each cluster, in its
 * own Region, with the other's ARN, then waits until both are ACTIVE. Deleting it deletes both
 * clusters when `deleteClusters` is set (as AWS documents), and otherwise leaves them peered.
 *
 * It lives in the stack of `localCluster`.
 */
export class DsqlPeering extends Construct {
  /** The peering custom resource. */
  public readonly resource: CustomResource;
  /** The role of the handler that changes the clusters. */
  public readonly onEventRole: iam.Role;
  /** The role of the handler that only reads the clusters' status. */
  public readonly isCompleteRole: iam.Role;

  constructor(scope: Construct, id: string, props: DsqlPeeringProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError('RegionBoundInAgnosticStack', `DsqlPeering '${id}' must be in the stack of its local cluster's Region, but stack `
        + `${stack.node.path} has no concrete Region (environment-agnostic); create it in the stack of ${props.localCluster.region}.`, scope);
    }
    if (props.localCluster.region !== stack.region) {
      throw validationError('PeeringOutsideLocalRegion', `DsqlPeering '${id}' is in ${stack.region} but its localCluster is in ${props.localCluster.region}; `
        + 'create it in the stack of the local cluster.', scope);
    }
    if (props.localCluster === props.peerCluster || props.localCluster.clusterArn === props.peerCluster.clusterArn) {
      throw validationError('PeerIsLocalCluster', `DsqlPeering '${id}': peerCluster is the local cluster itself (${Construct.isConstruct(props.localCluster) ? props.localCluster.node.path : props.localCluster.clusterArn}); `
        + `give the cluster of the pair's other Region as peerCluster, not the one in ${props.localCluster.region}.`, scope);
    }
    if (props.localCluster.region === props.peerCluster.region) {
      throw validationError('PeersInOneRegion', `DsqlPeering '${id}': both clusters are in ${props.localCluster.region}; peers must be in two Regions.`, scope);
    }
    if (props.witnessRegion === props.localCluster.region || props.witnessRegion === props.peerCluster.region) {
      throw validationError('WitnessIsPeer', `DsqlPeering '${id}': witnessRegion '${props.witnessRegion}' is the Region of a peer; the witness must be a third Region of the peers' Region set.`, scope);
    }
    checkDsqlRegionSet(this, `DsqlPeering '${id}'`, [props.localCluster.region, props.peerCluster.region, props.witnessRegion],
      allowsUnlistedRegionSet(props.allowUnlistedRegionSet, this));
    const timeout = props.timeout ?? Duration.minutes(30);
    if (timeout.toSeconds() < 60 || timeout.toSeconds() > Duration.hours(1).toSeconds()) {
      throw validationError('InvalidPeeringTimeout', `DsqlPeering '${id}': timeout of ${timeout.toSeconds()} s is not valid; use 1 to 60 minutes (the provider framework adds margin up to its 2 h limit).`, scope);
    }
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const clusterArns = [props.localCluster.clusterArn, props.peerCluster.clusterArn];

    this.onEventRole = new iam.Role(this, 'OnEventRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Peers and unpeers two Aurora DSQL clusters (multi-region-cdk)',
    });
    this.isCompleteRole = new iam.Role(this, 'IsCompleteRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Reads the status of two peered Aurora DSQL clusters (multi-region-cdk)',
    });

    // The actions UpdateCluster with multiRegionProperties needs (Aurora DSQL API Reference,
    // UpdateCluster, "Required permissions":
    // https://docs.aws.amazon.com/aurora-dsql/latest/APIReference/API_UpdateCluster.html):
    // dsql:UpdateCluster, dsql:PutMultiRegionProperties and dsql:GetCluster on the cluster;
    // dsql:AddPeerCluster on the local cluster and each peer; dsql:RemovePeerCluster, which AWS
    // checks on the wildcard arn:aws:dsql:*:<account>:cluster/* ("permissions are checked for both
    // adding and removing peers"); dsql:PutWitnessRegion on the cluster, conditioned on
    // dsql:WitnessRegion, and "checked both in the cluster Region and in the witness Region".
    const partition = partitionOfStack(stack);
    // How cdk-nag names a resource in its finding ids: literals, or <AWS::AccountId> for a token.
    const nagAccount = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
    this.onEventRole.addToPolicy(new iam.PolicyStatement({
      sid: 'PeerTheTwoClusters',
      actions: ['dsql:GetCluster', 'dsql:UpdateCluster', 'dsql:PutMultiRegionProperties', 'dsql:AddPeerCluster'],
      resources: clusterArns,
    }));
    const removePeerArn = `arn:${partition}:dsql:*:${stack.account}:cluster/*`;
    this.onEventRole.addToPolicy(new iam.PolicyStatement({
      sid: 'RemovePeerAsDocumented',
      actions: ['dsql:RemovePeerCluster'],
      resources: [removePeerArn],
    }));
    const witnessArn = `arn:${partition}:dsql:${props.witnessRegion}:${stack.account}:cluster/*`;
    this.onEventRole.addToPolicy(new iam.PolicyStatement({
      sid: 'SetTheWitnessRegion',
      actions: ['dsql:PutWitnessRegion'],
      resources: [...clusterArns, witnessArn],
      conditions: { StringEquals: { 'dsql:WitnessRegion': props.witnessRegion } },
    }));
    if (props.deleteClusters) {
      // DeleteCluster on each of the two clusters (API Reference, DeleteCluster).
      this.onEventRole.addToPolicy(new iam.PolicyStatement({
        sid: 'DeleteTheTwoClusters',
        actions: ['dsql:DeleteCluster'],
        resources: clusterArns,
      }));
    }
    Validations.of(this.onEventRole).acknowledge(
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:dsql:*:${nagAccount}:cluster/*]`,
        reason: 'The UpdateCluster API reference documents dsql:RemovePeerCluster on the wildcard arn:aws:dsql:*:<account>:cluster/*, '
          + 'checked whenever peers are updated; the role can call UpdateCluster on the two clusters of this pair only.',
      },
      {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:dsql:${props.witnessRegion}:${nagAccount}:cluster/*]`,
        reason: 'dsql:PutWitnessRegion "is checked both in the cluster Region and in the witness Region" (UpdateCluster API '
          + 'reference), which names no witness-Region resource form; the statement is limited to the witness Region, this '
          + 'account and the dsql:WitnessRegion condition.',
      },
    );
    this.isCompleteRole.addToPolicy(new iam.PolicyStatement({
      sid: 'ReadTheTwoClusters',
      actions: ['dsql:GetCluster'],
      resources: clusterArns,
    }));

    const network = { vpc: props.vpc, vpcSubnets: props.vpc ? props.vpcSubnets : undefined };
    const onEvent = this.handler('OnEvent', 'onEvent', this.onEventRole, Duration.minutes(5), retention, props.logEncryptionKey, network);
    const isComplete = this.handler('IsComplete', 'isComplete', this.isCompleteRole, Duration.minutes(1), retention, props.logEncryptionKey, network);

    // The provider framework's functions get roles of their own, so they carry no AWS managed
    // policy: only writing to their log group, and what the framework adds (invoking the handlers).
    const frameworkLogs = new logs.LogGroup(this, 'ProviderLogs', { retention, encryptionKey: props.logEncryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    const frameworkRole = (roleId: string, what: string) => {
      const role = new iam.Role(this, roleId, {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: `Provider framework ${what} of the DSQL peering resource (multi-region-cdk)`,
      });
      frameworkLogs.grantWrite(role);
      return role;
    };
    const provider = new cr.Provider(this, 'Provider', {
      onEventHandler: onEvent,
      isCompleteHandler: isComplete,
      queryInterval: QUERY_INTERVAL,
      // Longer than the handler's own deadline, so the error that names the clusters' statuses wins.
      totalTimeout: timeout.plus(Duration.minutes(5)),
      logGroup: frameworkLogs,
      frameworkOnEventRole: frameworkRole('FrameworkOnEventRole', 'onEvent'),
      frameworkCompleteAndTimeoutRole: frameworkRole('FrameworkWaiterRole', 'isComplete and onTimeout'),
      // The waiter state machine logs every event, without execution data (the CloudFormation event
      // and its pre-signed URL), into the framework's encrypted log group (cdk-nag SF1, AWS
      // Control Tower CT.STEPFUNCTIONS.PR.1).
      disableWaiterStateMachineLogging: false,
      ...network,
      waiterStateMachineLogOptions: { destination: frameworkLogs, level: sfn.LogLevel.ALL, includeExecutionData: false },
    });
    acknowledgeFrameworkFindings(provider, [onEvent, isComplete], props.vpc !== undefined);
    useHandlerRuntime(provider);

    this.resource = new CustomResource(this, 'Resource', {
      serviceToken: provider.serviceToken,
      resourceType: 'Custom::DsqlPeering',
      properties: {
        ClusterArns: clusterArns,
        WitnessRegion: props.witnessRegion,
        TimeoutSeconds: String(timeout.toSeconds()),
        DeleteClusters: props.deleteClusters ? 'true' : 'false',
        ClusterRevision: clusterRevision([props.localCluster, props.peerCluster]),
      },
    });
  }

  private handler(id: string, handler: string, role: iam.Role, timeout: Duration, retention: logs.RetentionDays, encryptionKey: kms.IKey,
    network: { vpc?: ec2.IVpc; vpcSubnets?: ec2.SubnetSelection }): lambda.IFunction {
    const logGroup = new logs.LogGroup(this, `${id}Logs`, { retention, encryptionKey, removalPolicy: RemovalPolicy.DESTROY });
    logGroup.grantWrite(role);
    return new lambda.Function(this, id, {
      code: handlerCode('dsql-peering'),
      handler: `index.${handler}`,
      description: `Aurora DSQL peering: ${handler} (multi-region-cdk)`,
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout,
      role,
      logGroup,
      ...network,
    });
  }
}

/**
 * A digest of the clusters' CloudFormation properties (tags included), computed at synth: a
 * change to either cluster's template changes it, so the peering resource gets an Update in the
 * same `cdk deploy --all` and checks that the two clusters still list each other. The cluster
 * templates record only the witness; the peers are the custom resource's state, and this is how
 * a later update of a cluster (for example a tag change) cannot drop a peer unnoticed.
 * Imported clusters (no template here) do not contribute.
 */
function clusterRevision(clusters: IDsqlCluster[]): string {
  return Lazy.string({
    produce: () => {
      const hash = crypto.createHash('sha256');
      for (const cluster of clusters) {
        const cfn = cluster instanceof DsqlCluster ? cluster.cfnCluster : undefined;
        hash.update(cfn ? JSON.stringify(Stack.of(cfn).resolve((cfn as any).cfnProperties)) : cluster.clusterArn);
      }
      return hash.digest('hex').slice(0, 16);
    },
  });
}

/**
 * The provider framework's findings that its props cannot avoid, each acknowledged on the
 * resource it is about, for the exact ARN it names.
 */
function acknowledgeFrameworkFindings(provider: cr.Provider, handlers: lambda.IFunction[], inVpc: boolean): void {
  const stack = Stack.of(provider);
  const arnOf = (fn: lambda.IFunction) => `Resource::<${stack.resolve((fn.node.defaultChild as lambda.CfnFunction).logicalId)}.Arn>:*`;
  const invokeReason = 'The provider framework grants lambda:InvokeFunction on the function ARN and its qualified '
    + 'versions (<arn>:*); the wildcard only covers versions of this one function.';
  for (const id of ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout']) {
    const fn = provider.node.findChild(id) as lambda.Function;
    Validations.of(fn.role!).acknowledge(...handlers.map((h) => ({ id: `AwsSolutions::AwsSolutions-IAM5[${arnOf(h)}]`, reason: invokeReason })));
  }
  const waiter = provider.node.findChild('waiter-state-machine');
  const frameworkFns = ['framework-isComplete', 'framework-onTimeout'].map((id) => provider.node.findChild(id) as lambda.Function);
  Validations.of(waiter).acknowledge(
    ...frameworkFns.map((fn) => ({ id: `AwsSolutions::AwsSolutions-IAM5[${arnOf(fn)}]`, reason: invokeReason })),
    {
      id: 'AwsSolutions::AwsSolutions-SF2',
      reason: 'The provider framework offers no X-Ray option for its waiter state machine; a deployment-time poller '
        + 'of two GetCluster calls has no latency worth tracing.',
    },
    {
      id: 'cdk-validator-cfnguard::step_functions_state_machine_tracing_enabled_check',
      reason: 'CT.STEPFUNCTIONS.PR.2: the provider framework offers no X-Ray option for its waiter state machine; it only '
        + 'loops the isComplete handler (two GetCluster calls) during a deployment, and logs every event (CT.STEPFUNCTIONS.PR.1).',
    },
  );
  // Step Functions delivers its logs through the CloudWatch Logs vended-log APIs
  // (logs:CreateLogDelivery, logs:PutResourcePolicy, ...), which take no resource ARN: the policy
  // must name "*" (AWS Step Functions Developer Guide, "Using CloudWatch Logs to log execution
  // history in Step Functions": https://docs.aws.amazon.com/step-functions/latest/dg/cw-logs.html).
  Validations.of(waiter.node.findChild('Role')).acknowledge({
    id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
    reason: 'Step Functions log delivery (logs:*LogDelivery*, logs:PutResourcePolicy, logs:DescribeResourcePolicies, '
      + 'logs:DescribeLogGroups) supports no resource-level permissions; AWS documents Resource "*" for it.',
  });
  if (!inVpc) {
    Validations.of(provider.node.scope!).acknowledge({
      id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
      reason: 'CT.LAMBDA.PR.3: the peering handlers and the provider framework only call the Aurora DSQL API of two Regions '
        + 'and Lambda during a deployment, and reach no resource inside a VPC; give DsqlPeering a vpc (with a route to '
        + 'both Regions\' DSQL API) where the control is enforced.',
    });
  }
}
