import { Duration, Stack, Validations } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { handlerCode } from '../private/handler-code';
import { AcceleratorRouting } from '../routing/accelerator-routing';
import { DnsRouting } from '../routing/dns-routing';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { Posture } from '../topology/posture';
import { isKnownRegion, partitionOf, partitionOfStack } from '../topology/regions';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { HandlerRuntime } from '../runtime/handler-runtime';

/**
 * The alarms that trigger a Region switch away from one Region.
 */
export interface RegionSwitchTrigger {
  /** The Region whose alarms these are. */
  readonly region: string;
  /** Alarms (for example the probes' `regionUnhealthyAlarm(region)`); any of them red triggers the switch. 1 to 10. */
  readonly alarms: cloudwatch.IAlarm[];
}

/**
 * Properties of a `RegionSwitchPlan`.
 */
export interface RegionSwitchPlanProps {
  /** The topology: exactly two active Regions; its posture picks active-active or active-passive. */
  readonly topology: IMultiRegionTopology;

  /**
   * Route 53 routing: a Route53HealthCheck execution block for its records.
   * @default - no Route 53 block
   */
  readonly dnsRouting?: DnsRouting;

  /**
   * Global Accelerator: a CustomActionLambda block that sets the endpoint groups' traffic dials.
   * @default - no accelerator block
   */
  readonly acceleratorRouting?: AcceleratorRouting;

  /**
   * Alarms that start the plan automatically, per Region.
   * @default - no triggers; the plan runs only when started
   */
  readonly triggers?: RegionSwitchTrigger[];

  /**
   * Minimum time between two triggered executions.
   * @default Duration.minutes(60)
   */
  readonly minDelayBetweenTriggeredExecutions?: Duration;

  /**
   * The recovery time objective Region switch reports each execution against.
   * @default - none
   */
  readonly recoveryTimeObjective?: Duration;

  /**
   * Whether every workflow starts with a manual approval step.
   * @default false
   */
  readonly manualApproval?: boolean;

  /**
   * The role approvers assume to approve a step.
   * @default - a role assumable by principals of the account that the account allows
   */
  readonly approvalRole?: iam.IRole;

  /**
   * How long a manual approval waits.
   * @default Duration.minutes(60)
   */
  readonly approvalTimeout?: Duration;

  /**
   * More steps, appended to every workflow (for example a database block of your own).
   * Their `executionBlockType` must be one Region switch supports.
   * @default - none
   */
  readonly additionalSteps?: arc.CfnPlan.StepProperty[];

  /**
   * The plan's name.
   * @default `<stackNamePrefix>-region-switch`
   */
  readonly planName?: string;
}

/**
 * Execution block types of a Region switch step: the CloudFormation template reference
 * ("AWS::ARCRegionSwitch::Plan Step") and the ARC Region switch API reference ("Step"), which adds
 * the RDS read-replica blocks.
 */
const BLOCK_TYPES = [
  'CustomActionLambda', 'ManualApproval', 'AuroraGlobalDatabase', 'EC2AutoScaling', 'ARCRoutingControl', 'ARCRegionSwitchPlan',
  'Parallel', 'ECSServiceScaling', 'EKSResourceScaling', 'Route53HealthCheck', 'DocumentDb', 'RdsPromoteReadReplica', 'RdsCreateCrossRegionReplica',
];
/** Pattern of a trigger's target Region (ARC Region switch API reference, "Trigger"). */
const REGION_PATTERN = /^[a-z]{2}-[a-z-]+-\d+$/;

/**
 * An ARC Region switch plan (`AWS::ARCRegionSwitch::Plan`) generated from the topology and its
 * routing: a Route 53 health-check block for the app's records, a Lambda block that sets the
 * accelerator's traffic dials (one function in each Region, as Region switch requires), an
 * optional manual approval first, the probes' alarms as triggers and a recovery time objective.
 *
 * Active-passive apps get one `activate` workflow and a trigger that activates the standby when
 * the primary's alarms go red; active-active apps get `activate` and `deactivate` workflows and a
 * trigger per Region that deactivates it when its alarms go red.
 *
 * Region switch's Route 53 block manages health checks of its own for the listed records; see
 * the README's Game day section for what that means for the records `DnsRouting` made.
 */
export class RegionSwitchPlan extends Construct {
  /** The plan. */
  public readonly plan: arc.CfnPlan;
  /** The role Region switch assumes to run the plan. */
  public readonly executionRole: iam.Role;
  /** The plan's ARN. */
  public readonly planArn: string;
  private readonly dialFunctions: lambda.Function[] = [];

  constructor(scope: Construct, id: string, props: RegionSwitchPlanProps) {
    super(scope, id);
    const topology = props.topology;
    const regions = topology.activeRegions;
    if (regions.length !== 2) {
      throw validationError('RegionSwitchRegionCount', `Region switch plans have exactly two Regions, but ${topology.node.path} has ${regions.length} (${regions.join(', ')}); use a topology with two active Regions.`, this);
    }
    for (const r of regions) {
      if (!REGION_PATTERN.test(r) || !isKnownRegion(r)) {
        throw validationError('RegionSwitchRegion', `Region '${r}' is not a Region Region switch can use; give a Region code such as 'us-east-1'.`, this);
      }
    }
    if (partitionOf(regions[0]) !== partitionOf(regions[1])) {
      throw validationError('RegionSwitchPartition', `Regions '${regions.join("', '")}' are in different partitions; a plan's Regions share one partition.`, this);
    }
    if (!props.dnsRouting && !props.acceleratorRouting && (props.additionalSteps ?? []).length === 0) {
      throw validationError('RegionSwitchEmpty', `RegionSwitchPlan '${id}' has no step: give dnsRouting, acceleratorRouting or additionalSteps.`, this);
    }
    (props.additionalSteps ?? []).forEach((s, i) => {
      if (!BLOCK_TYPES.includes(s.executionBlockType)) {
        throw validationError('RegionSwitchBlockType', `additionalSteps[${i}] has executionBlockType '${s.executionBlockType}', which Region switch does not support; use one of ${BLOCK_TYPES.join(', ')}.`, this);
      }
      const configs = Object.entries(s.executionBlockConfiguration ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (configs.length !== 1) {
        throw validationError('RegionSwitchBlockConfig', `additionalSteps[${i}] ('${s.name}') has ${configs.length} configurations in executionBlockConfiguration${configs.length ? ` (${configs.join(', ')})` : ''}; `
          + `a step holds exactly one, the one of its executionBlockType '${s.executionBlockType}'.`, this);
      }
    });
    const triggers = props.triggers ?? [];
    for (const t of triggers) {
      if (!regions.includes(t.region)) {
        throw validationError('RegionSwitchTriggerRegion', `triggers has Region '${t.region}', which is not one of the plan's Regions (${regions.join(', ')}).`, this);
      }
      if (t.alarms.length < 1 || t.alarms.length > 10) {
        throw validationError('RegionSwitchTriggerAlarms', `the trigger of '${t.region}' has ${t.alarms.length} alarms; Region switch takes 1 to 10 conditions per trigger.`, this);
      }
    }
    const rtoMinutes = props.recoveryTimeObjective?.toMinutes({ integral: false });
    if (rtoMinutes !== undefined && (rtoMinutes < 1 || !Number.isInteger(rtoMinutes))) {
      throw validationError('RegionSwitchRto', `recoveryTimeObjective of ${rtoMinutes} minutes is not valid; give a whole number of minutes, at least 1.`, this);
    }
    const minDelay = (props.minDelayBetweenTriggeredExecutions ?? Duration.minutes(60)).toMinutes();

    const stack = Stack.of(this);
    const partition = partitionOfStack(stack);
    const activePassive = topology.posture === Posture.ACTIVE_PASSIVE;
    const planName = props.planName ?? `${topology.stackNamePrefix}-region-switch`;

    this.executionRole = new iam.Role(this, 'ExecutionRole', {
      // Region switch assumes this role to evaluate and run the plan (ARC developer guide, "Plan execution role trust policy").
      assumedBy: new iam.ServicePrincipal('arc-region-switch.amazonaws.com'),
      description: `Runs the Region switch plan ${planName}`,
    });

    let approvalRole: iam.IRole | undefined;
    if (props.manualApproval) {
      approvalRole = props.approvalRole ?? new iam.Role(this, 'ApprovalRole', {
        assumedBy: new iam.AccountRootPrincipal(),
        description: `Approves steps of the Region switch plan ${planName}`,
      });
    }

    if (props.acceleratorRouting) this.createDialFunctions(topology, partition);

    const steps = (action: string): arc.CfnPlan.StepProperty[] => [
      ...(approvalRole ? [{
        name: 'approve',
        description: 'A person confirms the Region switch',
        executionBlockType: 'ManualApproval',
        executionBlockConfiguration: { executionApprovalConfig: { approvalRole: approvalRole.roleArn, timeoutMinutes: (props.approvalTimeout ?? Duration.minutes(60)).toMinutes() } },
      }] : []),
      ...(props.dnsRouting ? [this.route53Step(props.dnsRouting, regions)] : []),
      ...(props.acceleratorRouting ? [this.dialStep(props.acceleratorRouting, regions, action, activePassive)] : []),
      ...(props.additionalSteps ?? []),
    ];
    const workflows: arc.CfnPlan.WorkflowProperty[] = activePassive
      ? [{ workflowTargetAction: 'activate', workflowDescription: 'Activate a Region (move the traffic to it)', steps: steps('activate') }]
      : [
        { workflowTargetAction: 'activate', workflowDescription: 'Activate a Region (it takes traffic again)', steps: steps('activate') },
        { workflowTargetAction: 'deactivate', workflowDescription: 'Deactivate a Region (move its traffic to the other)', steps: steps('deactivate') },
      ];

    const associatedAlarms: Record<string, arc.CfnPlan.AssociatedAlarmProperty> = {};
    const planTriggers: arc.CfnPlan.TriggerProperty[] = [];
    for (const t of triggers) {
      const names = t.alarms.map((alarm, i) => {
        const name = `${t.region}-alarm-${i + 1}`;
        associatedAlarms[name] = { alarmType: 'trigger', resourceIdentifier: alarm.alarmArn };
        return name;
      });
      const other = regions.find((r) => r !== t.region)!;
      if (activePassive && t.region !== topology.primaryRegion) continue;
      planTriggers.push({
        // Active-passive: the primary's alarms activate the standby. Active-active: a Region's alarms deactivate it.
        action: activePassive ? 'activate' : 'deactivate',
        targetRegion: activePassive ? other : t.region,
        description: `${t.region} unhealthy`,
        conditions: names.map((associatedAlarmName) => ({ associatedAlarmName, condition: 'red' })),
        minDelayMinutesBetweenExecutions: minDelay,
      });
    }
    if (triggers.length > 0) {
      // Region switch reads the trigger alarms with the execution role (ARC developer guide, "Plan execution trigger permissions").
      this.executionRole.addToPolicy(new iam.PolicyStatement({
        actions: ['cloudwatch:DescribeAlarms', 'cloudwatch:DescribeAlarmHistory'],
        resources: triggers.flatMap((t) => t.alarms.map((a) => a.alarmArn)),
      }));
    }

    this.plan = new arc.CfnPlan(this, 'Plan', {
      name: planName,
      description: `Region switch of ${topology.stackNamePrefix} (${activePassive ? 'active-passive' : 'active-active'}), generated by multi-region-cdk`,
      executionRole: this.executionRole.roleArn,
      recoveryApproach: activePassive ? 'activePassive' : 'activeActive',
      regions,
      primaryRegion: activePassive ? topology.primaryRegion : undefined,
      recoveryTimeObjectiveMinutes: rtoMinutes,
      workflows,
      triggers: planTriggers.length > 0 ? planTriggers : undefined,
      associatedAlarms: Object.keys(associatedAlarms).length > 0 ? associatedAlarms : undefined,
    });
    this.planArn = this.plan.attrArn;
    if (approvalRole instanceof iam.Role) {
      approvalRole.addToPolicy(new iam.PolicyStatement({
        actions: ['arc-region-switch:ApprovePlanExecutionStep', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:GetPlan'],
        resources: [this.planArn],
      }));
    }
  }

  private route53Step(dns: DnsRouting, regions: string[]): arc.CfnPlan.StepProperty {
    const first = dns.record(regions[0]).node.defaultChild as route53.CfnRecordSet;
    return {
      name: 'route53-health-checks',
      description: `Route 53 health checks of ${dns.recordName}: the deactivated Region's records go unhealthy`,
      executionBlockType: 'Route53HealthCheck',
      executionBlockConfiguration: {
        route53HealthCheckConfig: {
          hostedZoneId: first.hostedZoneId!,
          recordName: dns.recordName,
          recordSets: regions.map((region) => ({
            recordSetIdentifier: (dns.record(region).node.defaultChild as route53.CfnRecordSet).setIdentifier,
            region,
          })),
        },
      },
    };
  }

  private dialStep(accelerator: AcceleratorRouting, regions: string[], action: string, exclusive: boolean): arc.CfnPlan.StepProperty {
    const payload = Stack.of(this).toJsonString({
      dialAction: action,
      exclusive,
      endpointGroups: Object.fromEntries(regions.map((r) => [r, accelerator.endpointGroup(r).endpointGroupArn])),
    });
    return {
      name: `accelerator-dials-${action}`,
      description: `Global Accelerator traffic dials: ${action === 'activate' ? 'the activating Region to 100 %' : 'the deactivating Region to 0 %'}`,
      executionBlockType: 'CustomActionLambda',
      executionBlockConfiguration: {
        customActionLambdaConfig: {
          lambdas: this.dialFunctions.map((fn) => ({ arn: fn.functionArn, payload })),
          regionToRun: action === 'activate' ? 'activatingRegion' : 'deactivatingRegion',
          retryIntervalMinutes: 1,
          timeoutMinutes: 10,
        },
      },
    };
  }

  /**
   * One dial function in each Region's stack (Region switch runs the one of the activating or
   * deactivating Region). The endpoint group ARNs reach it in the step's payload: a reference from
   * a regional stack to the accelerator's stack would close a cycle (the accelerator points at the
   * regional load balancers).
   */
  private createDialFunctions(topology: IMultiRegionTopology, partition: string): void {
    for (const region of topology.activeRegions) {
      const stack = topology.regionalStack(region);
      const scope = new Construct(stack, `RegionSwitchDial-${this.node.addr.slice(0, 8)}`);
      const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: topology.regionalKey(region) });
      const role = new iam.Role(scope, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Region switch step: sets the traffic dials of the app\'s accelerator endpoint groups',
      });
      const policy = new iam.Policy(scope, 'Policy', {
        roles: [role],
        statements: [
          new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
          new iam.PolicyStatement({
            actions: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
            resources: [`arn:${partition}:globalaccelerator::${stack.account}:accelerator/*/listener/*/endpoint-group/*`],
          }),
        ],
      });
      Validations.of(policy).acknowledge({
        id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:globalaccelerator::<AWS::AccountId>:accelerator/*/listener/*/endpoint-group/*]',
        reason: 'The endpoint group ARNs live in the accelerator stack, which already depends on this stack (its load balancer); naming them here would close a cycle. The plan passes the exact ARNs in its payload.',
      }, {
        id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:globalaccelerator::${stack.account}:accelerator/*/listener/*/endpoint-group/*]`,
        reason: 'The endpoint group ARNs live in the accelerator stack, which already depends on this stack (its load balancer); naming them here would close a cycle. The plan passes the exact ARNs in its payload.',
      });
      const fn = new lambda.Function(scope, 'Function', {
        code: handlerCode('region-switch-dial'),
        handler: 'index.handler',
        runtime: HandlerRuntime.of(scope),
        architecture: lambda.Architecture.ARM_64,
        memorySize: 128,
        timeout: Duration.seconds(60),
        description: `Region switch step of ${topology.stackNamePrefix}: accelerator traffic dials`,
        role,
        logGroup,
      });
      fn.node.addDependency(policy);
      acknowledgeLambdaOutsideVpc(fn, 'the dial function only calls the Global Accelerator API in us-west-2.');
      this.dialFunctions.push(fn);
    }
    // Region switch invokes the functions with the execution role (ARC developer guide, "Custom action Lambda execution block sample policy").
    this.executionRole.addToPolicy(new iam.PolicyStatement({
      actions: ['lambda:GetFunction', 'lambda:InvokeFunction'],
      resources: this.dialFunctions.map((fn) => fn.functionArn),
    }));
  }
}
