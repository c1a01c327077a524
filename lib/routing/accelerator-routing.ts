import { Annotations, CrossStackReferences, Duration, ReferenceStrength, Fn, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ga from 'aws-cdk-lib/aws-globalaccelerator';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { GLOBAL_ACCELERATOR_REGION, IMultiRegionTopology } from '../topology/multi-region-topology';
import { FailoverBudgetReport } from './failover-budget-report';
import { FailoverPathBudget, RegionFailoverTime, acceleratorFailoverTime, describeBudget, worstCaseSeconds } from './failover-budget';
import { RegionalEndpointKind } from './regional-endpoint';
import { RoutedRegion, resolveRoutedRegions } from './routed-region';
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
      times.push(acceleratorFailoverTime(r.region, intervalSeconds, threshold));
    }

    this.failoverBudget = {
      path: 'accelerator',
      constructPath: this.node.path,
      routingPolicy: 'accelerator',
      formula: 'interval x threshold (no DNS TTL behind the static IPs)',
      worstCaseSeconds: worstCaseSeconds(times),
      regions: times,
      caveats: [
        'For load balancer endpoints Global Accelerator follows Elastic Load Balancing target health; keep the target groups\' health checks at least as fast as this interval and threshold.',
        'Global Accelerator ignores traffic dials when it fails over, so a standby at 0 % still takes traffic once the primary is unhealthy.',
      ],
    };
    FailoverBudgetReport.of(this).addPath(this.failoverBudget);
    Annotations.of(this).addInfo(describeBudget(this.failoverBudget));
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
