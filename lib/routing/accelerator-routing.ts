import { Annotations, CrossStackReferences, Duration, ReferenceStrength, Fn, Names, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { GLOBAL_ACCELERATOR_REGION, IMultiRegionTopology } from '../topology/multi-region-topology';
import { FailoverBudgetReport } from './failover-budget-report';
import { FailoverPathBudget, FailoverTerm, FailoverTermBasis, RegionFailoverTime } from './failover-budget';
import { CONTROLLER_POLL_RUN_SECONDS, CONTROLLER_RECONCILE_SECONDS, CONTROLLER_TIMEOUT_SECONDS, ControllerPolling, DeepHealthController } from './private/deep-health-controller';
import { GA_CONTROL_PLANE, GA_DIAL_PROPAGATION_SOURCE, deepHealthPollTerms } from './private/deep-health-poll-terms';
import { RoutingIntentStore } from './routing-intent-store';
import { alarmTerms, targetHealthTerms } from './private/detection-terms';
import { describeBudget, pathBudget, reactionTerm, regionFailoverTime } from './private/failover-math';
import { markUnknownFailoverTerms } from './private/unknown-terms';
import { RegionalEndpointKind } from './regional-endpoint';
import { RoutedRegion, healthAlarmRegionOf, resolveRoutedRegions } from './routed-region';
import { checkInterval, checkThreshold, checkTrafficDial } from './routing-validation';

/**
 * Properties of `AcceleratorRouting`.
 */
export interface AcceleratorRoutingProps {
  /** The topology: the standbys of an active-passive app get a traffic dial of 0 by default. */
  readonly topology: IMultiRegionTopology;

  /** One entry per active Region, each with a load balancer endpoint. */
  readonly regions: RoutedRegion[];

  /**
   * Ports the listener accepts; traffic goes to the same port of each load balancer.
   * @default [443]
   */
  readonly ports?: number[];

  /**
   * Protocol of the listener.
   * @default ga.ConnectionProtocol.TCP
   */
  readonly protocol?: ga.ConnectionProtocol;

  /**
   * Whether a client keeps reaching the same endpoint (SOURCE_IP) or is spread by flow (NONE).
   * @default ga.ClientAffinity.NONE
   */
  readonly clientAffinity?: ga.ClientAffinity;

  /**
   * Time between two health checks of an endpoint group: 10 s or 30 s.
   * @default Duration.seconds(10)
   */
  readonly healthCheckInterval?: Duration;

  /**
   * Consecutive health checks before an endpoint changes state (1 to 10).
   * @default 3
   */
  readonly healthCheckThreshold?: number;

  /**
   * Name of the accelerator.
   * @default - the construct's unique id
   */
  readonly acceleratorName?: string;

  /**
   * Whether Global Accelerator follows each Region's `healthAlarm`: a small controller sets the
   * Region's endpoint group traffic dial to 0 while its alarm is in ALARM and restores the
   * configured dial when it clears, never taking out the last Region whose alarm is OK. Global
   * Accelerator itself never sees a CloudWatch alarm.
   * @default true when any Region has a healthAlarm
   */
  readonly followHealthAlarms?: boolean;

  /**
   * CloudWatch namespace of the controller's metrics (TrafficDial, RegionDrained, RegionRestored, DrainRefused).
   * @default 'MultiRegion/Routing'
   */
  readonly controllerNamespace?: string;

  /**
   * Key of the controller's log group (in us-west-2).
   * @default - a key of its own in us-west-2
   */
  readonly controllerLogKey?: kms.IKey;

  /**
   * For the failover budget: how long Global Accelerator takes to apply a new traffic dial to new
   * connections. AWS documents no figure, so the budget shows an ASSUMED term; set it to what you measured.
   * @default Duration.seconds(30)
   */
  readonly dialPropagation?: Duration;

  /**
   * For the failover budget: how long Global Accelerator takes to stop sending new connections to
   * a load balancer once its target health turns unhealthy. AWS documents no figure for that; the
   * closest is the "about 30 seconds" it gives for the way back (Global Accelerator Developer
   * Guide, "Failover for unhealthy endpoints"), so the budget shows an ASSUMED 30 s. Set it to a
   * figure you measured (the budget then marks it DECLARED).
   * @default Duration.seconds(30)
   */
  readonly targetHealthPropagation?: Duration;

  /**
   * Whether the controller polls each Region's `deepHealthUrl` itself (every
   * `deepHealthPollInterval`, unhealthy after `deepHealthFailureThreshold` failures in a row) and
   * drains a Region whose deep health fails. Use it for imported load balancers whose target
   * health does not read the deep-health endpoint; where the target group's health check reads
   * it (MinimalRegionalEndpoint), Global Accelerator already follows it without a control plane.
   * @default false
   */
  readonly followDeepHealth?: boolean;

  /**
   * Time between two polls of the deep-health URLs: 1 to 10 seconds.
   * @default Duration.seconds(10)
   */
  readonly deepHealthPollInterval?: Duration;

  /**
   * Consecutive failed polls before the controller counts a Region unhealthy (and consecutive good
   * ones before it counts it healthy again): 1 to 10.
   * @default 3
   */
  readonly deepHealthFailureThreshold?: number;

  /**
   * Timeout of one deep-health poll; below the poll interval.
   * @default Duration.seconds(2)
   */
  readonly deepHealthTimeout?: Duration;

  /**
   * Whether the controller only decides: it logs and publishes what it would change
   * (`WouldDrain`/`WouldRestore` metrics) and changes no dial. Use it to watch a new controller before it acts.
   * @default false
   */
  readonly controllerMonitorOnly?: boolean;

  /**
   * The most dial changes one controller run makes; further changes wait for the next run. An
   * active-passive failover takes two (raise the standby, then drain the primary).
   * @default 2
   */
  readonly controllerMaxChangesPerRun?: number;
}

/**
 * Global Accelerator in front of the regional load balancers: an accelerator and a listener in
 * `topology.acceleratorStack` (us-west-2, where its API lives) and one endpoint group per
 * active Region, each pointing at that Region's load balancer through a cross-Region reference.
 */
export class AcceleratorRouting extends Construct {
  /** The accelerator. */
  public readonly accelerator: ga.Accelerator;
  /** The listener. */
  public readonly listener: ga.Listener;
  /** Worst-case time to move accelerator traffic off a failed Region. */
  public readonly failoverBudget: FailoverPathBudget;
  /** The Regions this accelerator sends traffic to, with their endpoints, in the order of the topology's active Regions. */
  public readonly routedRegions: RoutedRegion[];
  /** The controller that makes the accelerator follow the Regions' health alarms, when there is one. */
  public readonly controllerFunction?: lambda.IFunction;
  /**
   * The recorded routing intent of each active Region (in this construct's stack, us-west-2): the
   * controller honours its holds; the drill and the Region switch plan set and clear them.
   */
  public readonly routingIntent: RoutingIntentStore;
  private readonly groups = new Map<string, ga.EndpointGroup>();

  constructor(scope: Construct, id: string, props: AcceleratorRoutingProps) {
    super(scope, id);
    // Strong cross-Region references (export writer and reader): a regional stack cannot drop
    // or replace a load balancer this routing still points at, so routing never goes stale.
    CrossStackReferences.of(this).consume(ReferenceStrength.STRONG);
    const stackRegion = Stack.of(this).region;
    if (stackRegion !== GLOBAL_ACCELERATOR_REGION) {
      throw new Error(`AcceleratorRouting is in a stack of '${Token.isUnresolved(stackRegion) ? 'an unknown Region' : stackRegion}', but Global Accelerator's `
        + `CloudFormation resources exist only in ${GLOBAL_ACCELERATOR_REGION}; create it in topology.acceleratorStack.`);
    }
    const regions = resolveRoutedRegions(props.topology, props.regions, 'AcceleratorRouting');
    this.routedRegions = regions;
    for (const r of regions) {
      if (r.endpoint.kind !== RegionalEndpointKind.LOAD_BALANCER) {
        throw new Error(`AcceleratorRouting cannot route to ${r.endpoint.description} in '${r.region}': Global Accelerator endpoints are load balancers, `
          + 'EC2 instances or Elastic IPs, not domain names; use RegionalEndpoint.fromLoadBalancer() or fromLoadBalancerAttributes().');
      }
    }
    const intervalSeconds = checkInterval(props.healthCheckInterval ?? Duration.seconds(10), 'AcceleratorRouting healthCheckInterval');
    const threshold = checkThreshold(props.healthCheckThreshold ?? 3, 'AcceleratorRouting healthCheckThreshold');
    const ports = checkPorts(props.ports ?? [443]);

    validateAcceleratorName(this, props.acceleratorName);
    this.accelerator = new ga.Accelerator(this, 'Accelerator', { acceleratorName: props.acceleratorName });
    this.listener = this.accelerator.addListener('Listener', {
      portRanges: ports.map((port) => ({ fromPort: port })),
      protocol: props.protocol ?? ga.ConnectionProtocol.TCP,
      clientAffinity: props.clientAffinity ?? ga.ClientAffinity.NONE,
    });

    const times: RegionFailoverTime[] = [];
    const followAlarms = (props.followHealthAlarms ?? true) && regions.some((r) => r.healthAlarm);
    const followDeep = props.followDeepHealth ?? false;
    if (followDeep && !regions.some((r) => r.deepHealthUrl)) {
      throw validationError('FollowDeepHealthWithoutUrl', 'AcceleratorRouting followDeepHealth is true, but no Region has a deepHealthUrl; give each Region its deep-health endpoint\'s URL (for example DeepHealthEndpoint.url).', this);
    }
    const polling = followDeep ? checkPolling(this, props) : undefined;
    const follow = followAlarms || followDeep;
    const maxChanges = props.controllerMaxChangesPerRun ?? 2;
    if (!Number.isInteger(maxChanges) || maxChanges < 1 || maxChanges > 10) {
      throw validationError('ControllerMaxChanges', `controllerMaxChangesPerRun of ${maxChanges} is not valid; use an integer from 1 to 10 (2 lets an active-passive failover raise the standby and drain the primary in one run).`, this);
    }
    this.routingIntent = new RoutingIntentStore(this, 'RoutingIntent', { topology: props.topology });
    const dials = new Map<string, number>();
    for (const r of regions) {
      const standby = props.topology.standbyRegions.includes(r.region);
      const dial = checkTrafficDial(r.trafficDialPercentage ?? (standby ? 0 : 100), `AcceleratorRouting traffic dial of '${r.region}'`);
      this.groups.set(r.region, this.listener.addEndpointGroup(`EndpointGroup-${r.region}`, {
        region: r.region,
        endpoints: [new ga.RawEndpoint({ endpointId: r.endpoint.loadBalancerArn!, region: r.region })],
        healthCheckInterval: Duration.seconds(intervalSeconds),
        healthCheckThreshold: threshold,
        trafficDialPercentage: dial,
      }));
      dials.set(r.region, dial);
      times.push(regionFailoverTime(r.region, this.termsOf(r, followAlarms, props.dialPropagation, props.targetHealthPropagation, polling)));
    }

    if (follow) {
      const controller = new DeepHealthController(this, 'DeepHealthController', {
        topology: props.topology,
        acceleratorName: props.acceleratorName ?? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' }),
        namespace: props.controllerNamespace ?? 'MultiRegion/Routing',
        encryptionKey: props.controllerLogKey,
        intents: this.routingIntent,
        monitorOnly: props.controllerMonitorOnly ?? false,
        maxChangesPerRun: maxChanges,
        polling,
        regions: regions.filter((r) => (followAlarms && r.healthAlarm) || (followDeep && r.deepHealthUrl)).map((r) => ({
          region: r.region,
          alarm: followAlarms ? r.healthAlarm : undefined,
          alarmRegion: followAlarms && r.healthAlarm ? healthAlarmRegionOf(r) : undefined,
          deepHealthUrl: followDeep ? r.deepHealthUrl : undefined,
          endpointGroupArn: this.groups.get(r.region)!.endpointGroupArn,
          configuredDial: dials.get(r.region)!,
        })),
      });
      this.controllerFunction = controller.function;
    }

    this.failoverBudget = pathBudget({
      path: 'accelerator',
      constructPath: this.node.path,
      routingPolicy: 'accelerator',
      formula: 'max(target health: deep-health cache + unhealthy threshold x interval + timeout + Global Accelerator acting on it; deep-health alarm + controller: publishing interval + datapoints x period + controller reaction + run + dial propagation (a control plane)) (no DNS TTL behind the static IPs)',
      regions: times,
      caveats: [
        'For load balancer endpoints Global Accelerator follows Elastic Load Balancing target health and ignores the endpoint group\'s own health-check settings (Global Accelerator Developer Guide, "Endpoint groups for standard accelerators").',
        'A new traffic dial applies to new connections only; established connections stay until they break (Global Accelerator Developer Guide, "Use traffic dials").',
        'When a group has no healthy endpoint, Global Accelerator fails over ignoring traffic dials, so a standby at 0 % still takes traffic once the primary is unhealthy.',
        ...(follow ? [
          'The controller changes dials outside CloudFormation; a deploy that changes an endpoint group resets its dial to the template\'s value.',
          'A controller run that fails (for example throttled) is retried by the next one-minute reconcile, one more minute per failed run.',
          `The controller's branch has a control plane on the automatic path: ${GA_CONTROL_PLANE}.`,
          'The controller leaves a Region alone while its routing intent holds it (a drill, a Region switch step or an operator), and never lowers a dial when no Region would be left serving.',
        ] : []),
        ...(polling ? ['The controller keeps deep-health streaks in its function\'s memory; a cold start begins a new streak, which can add up to (threshold - 1) poll intervals once.'] : []),
      ],
    });
    for (const r of this.failoverBudget.regions) {
      markUnknownFailoverTerms(this.groups.get(r.region)!.node.defaultChild!, r.unknownTerms);
    }
    if (!this.failoverBudget.complete) {
      Annotations.of(this).addWarningV2('multi-region-cdk:failover-budget-unknown',
        `The accelerator failover budget has UNKNOWN terms (${this.failoverBudget.regions.flatMap((r) => r.unknownTerms.map((t) => `${r.region}: ${t}`)).join('; ')}); its worst case is at least ${this.failoverBudget.worstCaseSeconds} s.`);
    }
    FailoverBudgetReport.of(this).addPath(this.failoverBudget);
    Annotations.of(this).addInfo(describeBudget(this.failoverBudget));
  }

  private termsOf(r: RoutedRegion, follow: boolean, dialPropagation?: Duration, targetHealthPropagation?: Duration, polling?: ControllerPolling): FailoverTerm[] {
    const terms: FailoverTerm[] = [...targetHealthTerms(r, 'target health'), reactionTerm({
      name: 'Global Accelerator acts on the load balancer\'s health change',
      measured: targetHealthPropagation,
      measuredSource: 'AcceleratorRouting targetHealthPropagation, as measured by the app',
      assumedSeconds: 30,
      assumedSource: 'AWS documents no figure for taking an unhealthy endpoint out; the closest documented figure is that traffic returns to a recovered endpoint "in about 30 seconds" '
        + '(Global Accelerator Developer Guide, "Failover for unhealthy endpoints"); set AcceleratorRouting targetHealthPropagation to a measured figure',
      branch: 'target health',
    })];
    if (polling && r.deepHealthUrl) {
      terms.push(...deepHealthPollTerms(r.region, {
        ...polling, runSeconds: CONTROLLER_POLL_RUN_SECONDS, scheduleSeconds: CONTROLLER_RECONCILE_SECONDS, dialPropagation,
      }));
    }
    if (follow && r.healthAlarm) {
      const branch = 'deep-health alarm + controller';
      terms.push(...alarmTerms(r, branch), {
        name: 'controller reacts: alarm state-change event, at the latest the reconcile schedule',
        seconds: CONTROLLER_RECONCILE_SECONDS,
        source: `the controller also runs every ${CONTROLLER_RECONCILE_SECONDS} s; the cross-Region EventBridge event usually arrives sooner`,
        basis: FailoverTermBasis.CONFIGURED,
        branch,
      }, {
        name: 'controller run (its Lambda timeout)',
        seconds: CONTROLLER_TIMEOUT_SECONDS,
        source: 'the controller function\'s timeout',
        basis: FailoverTermBasis.CONFIGURED,
        branch,
      }, reactionTerm({
        name: 'Global Accelerator applies the new traffic dial',
        measured: dialPropagation,
        measuredSource: 'AcceleratorRouting dialPropagation',
        assumedSeconds: 30,
        assumedSource: GA_DIAL_PROPAGATION_SOURCE,
        branch,
        // The controller's dial change is a control-plane call, and the only API Region is us-west-2.
        controlPlane: `Global Accelerator UpdateEndpointGroup (${GLOBAL_ACCELERATOR_REGION})`,
      }));
    }
    return terms;
  }

  /** The endpoint group of `region`. */
  public endpointGroup(region: string): ga.EndpointGroup {
    const group = this.groups.get(region);
    if (!group) {
      throw new Error(`'${region}' has no endpoint group in ${this.node.path}; Regions: ${[...this.groups.keys()].join(', ')}.`);
    }
    return group;
  }

  /** The accelerator's DNS name, for a CNAME or alias of your own. */
  public get dnsName(): string {
    return this.accelerator.dnsName;
  }

  /**
   * Global Accelerator's `ProcessedBytesIn` of this accelerator (published in us-west-2).
   */
  public metricProcessedBytesIn(props: cloudwatch.MetricOptions = {}): cloudwatch.Metric {
    return new cloudwatch.Metric({
      namespace: 'AWS/GlobalAccelerator',
      metricName: 'ProcessedBytesIn',
      // The dimension is the accelerator id, the last part of arn:aws:globalaccelerator::<account>:accelerator/<id>.
      dimensionsMap: { Accelerator: Fn.select(1, Fn.split('/', this.accelerator.acceleratorArn)) },
      statistic: cloudwatch.Stats.SUM,
      region: GLOBAL_ACCELERATOR_REGION,
      ...props,
    });
  }
}

function checkPolling(scope: Construct, props: AcceleratorRoutingProps): ControllerPolling {
  const pollSeconds = (props.deepHealthPollInterval ?? Duration.seconds(10)).toSeconds();
  if (!Number.isInteger(pollSeconds) || pollSeconds < 1 || pollSeconds > 10) {
    throw validationError('DeepHealthPollInterval', `deepHealthPollInterval of ${pollSeconds} s is not valid; use 1 to 10 whole seconds.`, scope);
  }
  const failures = props.deepHealthFailureThreshold ?? 3;
  if (!Number.isInteger(failures) || failures < 1 || failures > 10) {
    throw validationError('DeepHealthFailureThreshold', `deepHealthFailureThreshold of ${failures} is not valid; use an integer from 1 to 10.`, scope);
  }
  const timeoutSeconds = (props.deepHealthTimeout ?? Duration.seconds(2)).toSeconds();
  if (timeoutSeconds < 1 || timeoutSeconds >= pollSeconds) {
    throw validationError('DeepHealthTimeout', `deepHealthTimeout of ${timeoutSeconds} s is not valid; use at least 1 s and less than deepHealthPollInterval (${pollSeconds} s).`, scope);
  }
  return { pollSeconds, failures, timeoutSeconds };
}

function checkPorts(ports: number[]): number[] {
  if (ports.length === 0) {
    throw new Error('AcceleratorRouting ports is empty; give at least one port, for example [443].');
  }
  for (const port of ports) {
    if (!Number.isInteger(port) || port < 1 || port > 65535) {
      throw new Error(`AcceleratorRouting port ${port} is not a port; use integers from 1 to 65535.`);
    }
  }
  if (new Set(ports).size !== ports.length) {
    throw new Error(`AcceleratorRouting ports ${ports.join(', ')} lists a port twice; list each port once.`);
  }
  return ports;
}

/**
 * Accelerator names that both Global Accelerator and CloudFormation accept. The API allows
 * "a maximum of 64 characters, ... only alphanumeric characters, periods (.), or hyphens (-),
 * and must not begin or end with a hyphen or period" (API Reference, CreateAccelerator, Name);
 * the AWS::GlobalAccelerator::Accelerator schema allows `^[a-zA-Z0-9_-]{0,64}$`. Together:
 * letters, digits and '-', not at either end, at most 64 characters.
 */
function validateAcceleratorName(scope: Construct, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  if (name.length > 64) {
    throw validationError('InvalidAcceleratorName', `acceleratorName '${name}' is not valid: ${name.length} characters, and Global Accelerator accepts at most 64 characters.`, scope);
  }
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/.test(name)) {
    throw validationError('InvalidAcceleratorName', `acceleratorName '${name}' is not valid; use letters, digits and '-', not starting or ending with '-' `
      + "(Global Accelerator refuses '_', CloudFormation's schema refuses '.').", scope);
  }
}
