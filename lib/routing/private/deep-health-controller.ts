import { Arn, Aws, Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { KeyService } from '../../keys/key-service';
import { RegionalKey } from '../../keys/regional-key';
import { registerAlarm } from '../../private/alarm-registry';
import { handlerCode } from '../../private/handler-code';
import { GLOBAL_ACCELERATOR_REGION, IMultiRegionTopology } from '../../topology/multi-region-topology';
import { acknowledgeLambdaOutsideVpc } from '../../private/control-tower';
import { metricsPolicy as metricsPolicyOf } from '../../private/metric-permissions';
import { acknowledgeCompositeAlarmRead, describeAlarmsStatements, isCompositeAlarm } from '../../private/alarm-read';
import { RoutingIntentStore } from '../routing-intent-store';
import { HandlerRuntime } from '../../runtime/handler-runtime';

/** Seconds between two reconcile runs: the bound on the controller's reaction when an event is late or lost. */
export const CONTROLLER_RECONCILE_SECONDS = 60;
/** The controller function's timeout: the bound on one run. */
export const CONTROLLER_TIMEOUT_SECONDS = 15;
/** How long a scheduled invocation polls the deep-health URLs (the rest of the minute is its margin). */
export const CONTROLLER_POLL_RUN_SECONDS = 50;

/** One Region the controller steers. */
export interface ControllerRegionSpec {
  readonly region: string;
  readonly alarm?: cloudwatch.IAlarm;
  readonly alarmRegion?: string;
  readonly deepHealthUrl?: string;
  readonly endpointGroupArn: string;
  readonly configuredDial: number;
}

/** The controller's deep-health polling. */
export interface ControllerPolling {
  readonly pollSeconds: number;
  readonly failures: number;
  readonly timeoutSeconds: number;
}

/** What the controller needs. */
export interface DeepHealthControllerOptions {
  readonly topology: IMultiRegionTopology;
  readonly acceleratorName: string;
  readonly regions: ControllerRegionSpec[];
  readonly namespace: string;
  readonly encryptionKey?: kms.IKey;
  /** The recorded intents the controller honours. */
  readonly intents: RoutingIntentStore;
  readonly monitorOnly: boolean;
  readonly maxChangesPerRun: number;
  /** Present when some Region has a deep-health URL to poll. */
  readonly polling?: ControllerPolling;
}

/**
 * The alarm-driven controller that makes Global Accelerator follow each Region's deep-health alarm.
 *
 * Where things live, and why: Global Accelerator's API is in us-west-2, and a Lambda function can
 * only be the target of an EventBridge rule in its own Region, while "CloudWatch Alarm State
 * Change" events are put on the default bus of the alarm's Region. So each alarm Region gets a
 * rule that forwards its alarm's state changes to an event bus in us-west-2 (an event bus in
 * another Region as a rule's target: EventBridge User Guide, "Sending and receiving events between
 * AWS Regions"; with a role allowed events:PutEvents on that bus only); there, one
 * controller function next to the endpoint groups decides for all Regions at once, from every
 * alarm's current state, so the guard "never the last healthy Region" sees the whole picture.
 * A one-minute schedule reconciles as well, which bounds the reaction when an event is late or lost.
 *
 * The bus ARN is built from a fixed name, so the regional stacks need no reference to the
 * accelerator stack (which already depends on them through the load balancer ARNs).
 */
export class DeepHealthController extends Construct {
  public readonly function: lambda.Function;
  public readonly bus: events.EventBus;
  public readonly refusedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, options: DeepHealthControllerOptions) {
    super(scope, id);
    const stack = Stack.of(this);
    const busName = Names.uniqueResourceName(this, { maxLength: 200, separator: '-' });
    this.bus = new events.EventBus(this, 'Bus', { eventBusName: busName, description: 'Alarm state changes of the Regions\' deep-health alarms, for the accelerator controller' });
    const busArn = Arn.format({ service: 'events', region: GLOBAL_ACCELERATOR_REGION, account: stack.account, resource: 'event-bus', resourceName: busName, partition: Aws.PARTITION });

    const key = options.encryptionKey ?? new RegionalKey(this, 'LogKey', {
      alias: `alias/multi-region/${busName.slice(0, 200)}`,
      description: `Key of the accelerator controller's logs in ${GLOBAL_ACCELERATOR_REGION} (multi-region-cdk)`,
      services: [KeyService.CLOUDWATCH_LOGS],
      removalPolicy: RemovalPolicy.DESTROY,
    });
    const logGroup = new logs.LogGroup(this, 'LogGroup', { retention: logs.RetentionDays.ONE_YEAR, encryptionKey: key, removalPolicy: RemovalPolicy.DESTROY });
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Accelerator controller: reads the Regions\' health alarms, sets their endpoint groups\' traffic dials, writes its log group and metrics',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }));
    // Global Accelerator supports resource-level permissions on endpoint groups for both actions
    // (Service Authorization Reference, "Actions, resources, and condition keys for AWS Global Accelerator").
    role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
      resources: options.regions.map((r) => r.endpointGroupArn),
    }));
    const alarms = options.regions.flatMap((r) => (r.alarm ? [r.alarm] : []));
    const composite = alarms.some(isCompositeAlarm);
    for (const st of describeAlarmsStatements(alarms.map((a) => a.alarmArn), composite)) role.addToPrincipalPolicy(st);
    if (composite) acknowledgeCompositeAlarmRead(role);
    options.intents.grantRead(role, options.regions.map((r) => r.region));
    const metricsPolicy = metricsPolicyOf(this, 'MetricsPolicy', role, options.namespace);

    const config = {
      namespace: options.namespace,
      accelerator: options.acceleratorName,
      failoverDial: 100,
      mode: options.monitorOnly ? 'monitor' : 'act',
      maxChangesPerRun: options.maxChangesPerRun,
      deepHealth: options.polling ? { ...options.polling, runSeconds: CONTROLLER_POLL_RUN_SECONDS } : undefined,
      regions: options.regions.map((r) => ({
        region: r.region,
        alarmName: r.alarm?.alarmName,
        alarmRegion: r.alarmRegion,
        deepHealthUrl: r.deepHealthUrl,
        endpointGroupArn: r.endpointGroupArn,
        configuredDial: r.configuredDial,
        intentParameter: options.intents.parameterName(r.region),
      })),
    };
    this.function = new lambda.Function(this, 'Function', {
      code: handlerCode('accelerator-controller'),
      handler: 'index.handler',
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      description: 'Sets each Region\'s Global Accelerator traffic dial from its deep health, honouring holds (never the last serving Region)',
      // A polling invocation runs most of its minute; the margin covers its last reconcile.
      timeout: Duration.seconds(options.polling ? CONTROLLER_POLL_RUN_SECONDS + 20 : CONTROLLER_TIMEOUT_SECONDS),
      memorySize: 256,
      role,
      logGroup,
      environment: { ACCELERATOR_CONTROLLER_CONFIG: stack.toJsonString(config) },
      retryAttempts: 2,
      maxEventAge: Duration.minutes(5),
    });
    this.function.node.addDependency(metricsPolicy);
    acknowledgeLambdaOutsideVpc(this.function, 'the controller calls the CloudWatch API of the Regions and the Global Accelerator API in us-west-2; it reads no private resource.');

    new events.Rule(this, 'AlarmStateChange', {
      eventBus: this.bus,
      description: 'Deep-health alarm state changes forwarded from the Regions',
      eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'] },
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 2, maxEventAge: Duration.minutes(5) })],
    });
    new events.Rule(this, 'Reconcile', {
      description: 'Reconciles the traffic dials with the alarm states every minute (bounds the reaction when an event is late or lost)',
      schedule: events.Schedule.rate(Duration.seconds(CONTROLLER_RECONCILE_SECONDS)),
      targets: [new targets.LambdaFunction(this.function, { retryAttempts: 0 })],
    });

    // One forwarding rule per alarm, in the alarm's own stack (its Region's default bus).
    for (const r of options.regions) {
      if (!r.alarm || !r.alarmRegion) continue;
      const alarmStack = Stack.of(r.alarm);
      const forwardScope = alarmStack.region === r.alarmRegion ? alarmStack : options.topology.regionalStack(r.alarmRegion);
      const forward = new events.Rule(forwardScope, `${Names.uniqueId(this)}Forward${r.region}`, {
        description: `Forwards the deep-health alarm's state changes of ${r.region} to the accelerator controller in ${GLOBAL_ACCELERATOR_REGION}`,
        eventPattern: { source: ['aws.cloudwatch'], detailType: ['CloudWatch Alarm State Change'], resources: [r.alarm.alarmArn] },
      });
      forward.addTarget(new targets.EventBus(events.EventBus.fromEventBusArn(forward, 'ControllerBus', busArn)));
    }

    this.refusedAlarm = registerAlarm(new cloudwatch.Alarm(this, 'DrainRefused', {
      alarmDescription: 'The accelerator controller kept an unhealthy Region in service because no other Region would be left serving.',
      metric: new cloudwatch.Metric({
        namespace: options.namespace,
        metricName: 'DrainRefused',
        dimensionsMap: { Accelerator: options.acceleratorName },
        statistic: cloudwatch.Stats.MAXIMUM,
        period: Duration.minutes(1),
      }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
  }
}
