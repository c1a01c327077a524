import { Annotations, Duration, Stack, Token, Validations } from 'aws-cdk-lib';
import * as arc from 'aws-cdk-lib/aws-arcregionswitch';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { handlerCode } from '../private/handler-code';
import { AcceleratorRouting } from '../routing/accelerator-routing';
import { DnsRouting } from '../routing/dns-routing';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { Posture } from '../topology/posture';
import { isKnownRegion, partitionOf, partitionOfStack } from '../topology/regions';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { acknowledgeCompositeAlarmRead, describeAlarmsStatements, isCompositeAlarm } from '../private/alarm-read';
import { RoutingIntentStore } from '../routing/routing-intent-store';
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
   * Route 53 routing: the plan's routing step (a CustomActionLambda block) inverts the health check
   * that guards the deactivated Region's record (DnsRouting's own check, so the records move; ARC's
   * Route53HealthCheck block would create checks that no DnsRouting record carries).
   * @default - DNS is not switched
   */
  readonly dnsRouting?: DnsRouting;

  /**
   * Global Accelerator: the plan's routing step sets the endpoint groups' traffic dials.
   * @default - the accelerator is not switched
   */
  readonly acceleratorRouting?: AcceleratorRouting;

  /**
   * The recorded routing intents: the routing step holds a Region before it takes it out (the
   * accelerator controller then leaves the switch alone) and clears the plan's hold when it activates it.
   * @default - acceleratorRouting's `routingIntent`, else none
   */
  readonly routingIntent?: RoutingIntentStore;

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
   * More steps, appended to every workflow (for example a database block of your own). They are
   * aws-cdk-lib's `CfnPlan.StepProperty`, so the L1 types check their configuration; each holds exactly one.
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
 * A plan name as the API accepts it: "Length Constraints: Minimum length of 1. Maximum length of 32.
 * Pattern: [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?" (ARC Region switch API Reference, "Plan", name).
 */
const PLAN_NAME_PATTERN = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?$/;
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
    // The block types are not listed here: the steps are the L1's StepProperty (its configuration keys
    // are aws-cdk-lib's, checked by the compiler), and CloudFormation's schema checks executionBlockType.
    (props.additionalSteps ?? []).forEach((s, i) => {
      const configs = Object.entries(s.executionBlockConfiguration ?? {}).filter(([, v]) => v !== undefined).map(([k]) => k);
      if (configs.length !== 1) {
        throw validationError('RegionSwitchBlockConfig', `additionalSteps[${i}] ('${s.name}') has ${configs.length} configurations in executionBlockConfiguration${configs.length ? ` (${configs.join(', ')})` : ''}; `
          + `a step holds exactly one, the one of its executionBlockType '${s.executionBlockType}'.`, this);
      }
    });
    const triggers = props.triggers ?? [];
    const activePassiveEarly = topology.posture === Posture.ACTIVE_PASSIVE;
    const seen = new Set<string>();
    for (const t of triggers) {
      if (seen.has(t.region)) throw validationError('RegionSwitchTriggerRegion', `triggers lists '${t.region}' twice; give one trigger per Region.`, this);
      seen.add(t.region);
      if (!activePassiveEarly) {
        // The deactivate trigger of a Region also requires the other Region's alarms green (see below).
        const others = triggers.filter((o) => o.region !== t.region).reduce((n, o) => n + o.alarms.length, 0);
        if (others > 0 && t.alarms.length + others > 10) {
          throw validationError('RegionSwitchTriggerAlarms', `the trigger of '${t.region}' would have ${t.alarms.length + others} conditions (its ${t.alarms.length} alarms red and the other Region's ${others} green, so the triggers can never deactivate both Regions); Region switch takes 1 to 10 conditions per trigger.`, this);
        }
      }
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
    // R12: the plan reports every execution against its RTO; one below the routing's own worst case can never be met.
    if (rtoMinutes !== undefined) {
      const budgets = [props.dnsRouting?.failoverBudget, props.acceleratorRouting?.failoverBudget].filter((b) => b !== undefined);
      const worst = budgets.reduce((m, b) => Math.max(m, b!.worstCaseSeconds), 0);
      if (worst > rtoMinutes * 60) {
        throw validationError('RegionSwitchRtoBelowBudget', `recoveryTimeObjective of ${rtoMinutes} minutes is below the routing's failover budget (worst case ${worst} s${budgets.some((b) => !b!.complete) ? ', at least' : ''}, cdk.out/failover-budget.md); `
          + `give at least ${Math.ceil(worst / 60)} minutes, or shorten the detection terms.`, this);
      }
      if (props.manualApproval) {
        Annotations.of(this).addInfo(`RegionSwitchPlan ${this.node.path}: the ${rtoMinutes}-minute recovery time objective includes the manual approval, which may wait up to ${(props.approvalTimeout ?? Duration.minutes(60)).toMinutes()} minutes.`);
      }
    }
    const minDelay = wholeMinutes(this, props.minDelayBetweenTriggeredExecutions ?? Duration.minutes(60), 'minDelayBetweenTriggeredExecutions', 0);
    const approvalMinutes = wholeMinutes(this, props.approvalTimeout ?? Duration.minutes(60), 'approvalTimeout', 1);

    const stack = Stack.of(this);
    const partition = partitionOfStack(stack);
    const activePassive = topology.posture === Posture.ACTIVE_PASSIVE;
    const planName = props.planName ?? `${topology.stackNamePrefix}-region-switch`;
    if (!Token.isUnresolved(planName) && !PLAN_NAME_PATTERN.test(planName)) {
      throw validationError('RegionSwitchPlanName', `plan name '${planName}' is not valid: Region switch accepts 1 to 32 letters, digits and '-', not starting or ending with '-' `
        + `(pattern [a-zA-Z0-9](?:[a-zA-Z0-9-]{0,30}[a-zA-Z0-9])?)${props.planName ? '' : '; the default is <stackNamePrefix>-region-switch, so give planName'}.`, this);
    }
    const intents = props.routingIntent ?? props.acceleratorRouting?.routingIntent;

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

    const routing = props.acceleratorRouting !== undefined || props.dnsRouting !== undefined;
    if (routing) this.createDialFunctions(topology, partition, props, intents);

    const steps = (action: string): arc.CfnPlan.StepProperty[] => [
      ...(approvalRole ? [{
        name: 'approve',
        description: 'A person confirms the Region switch',
        executionBlockType: 'ManualApproval',
        executionBlockConfiguration: { executionApprovalConfig: { approvalRole: approvalRole.roleArn, timeoutMinutes: approvalMinutes } },
      }] : []),
      ...(routing ? [this.routingStep(props, regions, action, activePassive, intents)] : []),
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
      t.alarms.forEach((alarm, i) => {
        associatedAlarms[`${t.region}-alarm-${i + 1}`] = { alarmType: 'trigger', resourceIdentifier: alarm.alarmArn };
      });
    }
    for (const t of triggers) {
      if (activePassive && t.region !== topology.primaryRegion) continue;
      const own = t.alarms.map((_, i) => `${t.region}-alarm-${i + 1}`);
      // Active-active (R11): a Region is deactivated only while the other's alarms are green, so the
      // triggers cannot take both out (Trigger.conditions: "The conditions that must be met for the
      // trigger to fire", ARC Region switch API Reference); the routing step also refuses the last serving Region.
      const others = activePassive ? [] : triggers.filter((o) => o.region !== t.region).flatMap((o) => o.alarms.map((_, i) => `${o.region}-alarm-${i + 1}`));
      planTriggers.push({
        // Active-passive: the primary's alarms activate the standby. Active-active: a Region's alarms deactivate it.
        action: activePassive ? 'activate' : 'deactivate',
        targetRegion: activePassive ? regions.find((r) => r !== t.region)! : t.region,
        description: activePassive ? `${t.region} unhealthy` : `${t.region} unhealthy while the other Region is healthy`,
        conditions: [
          ...own.map((associatedAlarmName) => ({ associatedAlarmName, condition: 'red' })),
          ...others.map((associatedAlarmName) => ({ associatedAlarmName, condition: 'green' })),
        ],
        minDelayMinutesBetweenExecutions: minDelay,
      });
    }
    if (triggers.length > 0) {
      // Region switch reads the trigger alarms with the execution role (ARC developer guide, "Plan execution trigger permissions");
      // a composite alarm only with DescribeAlarms on * (CloudWatch API Reference, DescribeAlarms).
      const alarms = triggers.flatMap((t) => t.alarms);
      const composite = alarms.some(isCompositeAlarm);
      for (const st of describeAlarmsStatements(alarms.map((a) => a.alarmArn), composite, ['cloudwatch:DescribeAlarmHistory'])) this.executionRole.addToPolicy(st);
      if (composite) acknowledgeCompositeAlarmRead(this.executionRole);
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
    // The base statements of a plan execution role (ARC Developer Guide, "Complete plan execution role
    // permissions"; the same actions as the managed policy AmazonApplicationRecoveryControllerRegionSwitchPlanExecutionPolicy),
    // scoped to this plan and this role instead of the managed policy's '*'.
    this.executionRole.addToPolicy(new iam.PolicyStatement({
      actions: ['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'],
      resources: [this.planArn],
    }));
    this.executionRole.addToPolicy(new iam.PolicyStatement({ actions: ['iam:SimulatePrincipalPolicy'], resources: [this.executionRole.roleArn] }));
    if (approvalRole instanceof iam.Role) {
      approvalRole.addToPolicy(new iam.PolicyStatement({
        actions: ['arc-region-switch:ApprovePlanExecutionStep', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:GetPlan'],
        resources: [this.planArn],
      }));
    }
  }

  private routingStep(props: RegionSwitchPlanProps, regions: string[], action: string, exclusive: boolean, intents: RoutingIntentStore | undefined): arc.CfnPlan.StepProperty {
    const accelerator = props.acceleratorRouting;
    const dns = props.dnsRouting;
    const payload = Stack.of(this).toJsonString({
      dialAction: action,
      exclusive,
      endpointGroups: accelerator ? Object.fromEntries(regions.map((r) => [r, accelerator.endpointGroup(r).endpointGroupArn])) : undefined,
      healthChecks: dns ? Object.fromEntries(regions.map((r) => [r, dns.healthCheck(r).healthCheckId])) : undefined,
      intents: intents ? { region: intents.storeRegion, names: intents.parameterNames() } : undefined,
    });
    const paths = [accelerator ? 'Global Accelerator traffic dials' : undefined, dns ? `Route 53 health checks of ${dns.recordName}` : undefined].filter(Boolean).join(' and ');
    return {
      name: `routing-${action}`,
      description: `${paths}: ${action === 'activate' ? 'the activating Region back in' : 'the deactivating Region out'} (never the last serving Region)`,
      executionBlockType: 'CustomActionLambda',
      executionBlockConfiguration: {
        customActionLambdaConfig: {
          lambdas: this.dialFunctions.map((fn) => ({ arn: fn.functionArn, payload })),
          // R6: never in the Region being deactivated, which may be impaired; the function acts on the other Region.
          regionToRun: 'activatingRegion',
          retryIntervalMinutes: 1,
          timeoutMinutes: 10,
          // An ungraceful execution (the Region is failing) skips the step rather than waiting on it.
          ungraceful: { behavior: 'skip' },
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
  private createDialFunctions(topology: IMultiRegionTopology, partition: string, props: RegionSwitchPlanProps, intents: RoutingIntentStore | undefined): void {
    for (const region of topology.activeRegions) {
      const stack = topology.regionalStack(region);
      const scope = new Construct(stack, `RegionSwitchDial-${this.node.addr.slice(0, 8)}`);
      const logGroup = new logs.LogGroup(scope, 'Logs', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: topology.regionalKey(region) });
      const role = new iam.Role(scope, 'Role', {
        assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
        description: 'Region switch step: sets the app\'s accelerator traffic dials and inverts its Route 53 health checks',
      });
      const statements: iam.PolicyStatement[] = [];
      if (props.dnsRouting) {
        statements.push(new iam.PolicyStatement({
          actions: ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'],
          resources: [`arn:${partition}:route53:::healthcheck/*`],
        }));
      }
      const policy = new iam.Policy(scope, 'Policy', {
        roles: [role],
        statements: [
          new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
          ...(props.acceleratorRouting ? [new iam.PolicyStatement({
            actions: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
            resources: [`arn:${partition}:globalaccelerator::${stack.account}:accelerator/*/listener/*/endpoint-group/*`],
          })] : []),
          ...statements,
        ],
      });
      intents?.grantWrite(policy);
      if (props.dnsRouting) {
        Validations.of(policy).acknowledge({
          id: `AwsSolutions::AwsSolutions-IAM5[Resource::arn:${partition}:route53:::healthcheck/*]`,
          reason: 'DnsRouting\'s health checks live in the global stack, which already depends on this stack (its load balancer); naming them here would close a cycle. The plan passes the exact ids in its payload.',
        }, {
          id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:route53:::healthcheck/*]',
          reason: 'DnsRouting\'s health checks live in the global stack, which already depends on this stack (its load balancer); naming them here would close a cycle. The plan passes the exact ids in its payload.',
        });
      }
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
        description: `Region switch step of ${topology.stackNamePrefix}: routing (accelerator dials, Route 53 health checks)`,
        role,
        logGroup,
      });
      fn.node.addDependency(policy);
      acknowledgeLambdaOutsideVpc(fn, 'the routing function only calls the Global Accelerator (us-west-2), Route 53 and SSM APIs.');
      this.dialFunctions.push(fn);
    }
    // Region switch invokes the functions with the execution role (ARC developer guide, "Custom action Lambda execution block sample policy").
    this.executionRole.addToPolicy(new iam.PolicyStatement({
      actions: ['lambda:GetFunction', 'lambda:InvokeFunction'],
      resources: this.dialFunctions.map((fn) => fn.functionArn),
    }));
  }
}

function wholeMinutes(scope: Construct, d: Duration, what: string, min: number): number {
  const minutes = d.toMinutes({ integral: false });
  if (!Number.isInteger(minutes) || minutes < min) {
    throw validationError('RegionSwitchMinutes', `${what} of ${minutes} minutes is not valid; Region switch takes whole minutes, at least ${min}.`, scope);
  }
  return minutes;
}
