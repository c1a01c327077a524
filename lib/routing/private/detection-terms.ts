import { CfnResource, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import { HealthProbe } from '../../probes/health-probe';
import { deepHealthTimingOfTargetGroup } from '../deep-health-endpoint';
import { FailoverTerm, FailoverTermBasis } from '../failover-budget';
import { RoutedRegion } from '../routed-region';
import { unknownTerm } from './failover-math';

/** CloudWatch evaluates alarms with a period of a minute or more once a minute. */
const CLOUDWATCH_EVALUATION_NOTE = 'for a period of a minute or more an alarm is evaluated every minute over the window of Period x EvaluationPeriods ending then '
  + '(CloudWatch User Guide, "Using Amazon CloudWatch alarms", Evaluating an alarm), so the M-th breaching period counts once it ends';

/** Route 53's alias answers for a load balancer carry the load balancer's own TTL. */
export const ELB_ALIAS_TTL_SECONDS = 60;
export const ELB_ALIAS_TTL_SOURCE = 'an alias answer carries the target\'s own TTL (Route 53 Developer Guide, "Choosing between alias and non-alias records"); '
  + 'a load balancer\'s DNS entry has a TTL of 60 seconds (Elastic Load Balancing User Guide, "How Elastic Load Balancing works", Request routing)';

/** The alarm's figures: publish interval P, period T and datapoints M, each known or not. */
interface AlarmFigures {
  readonly interval?: number;
  readonly intervalSource: string;
  readonly intervalBasis: FailoverTermBasis;
  readonly period?: number;
  readonly datapoints?: number;
  readonly alarmSource: string;
  /** How long after its run starts a HealthProbe's datapoint can arrive: the probe function's timeout. */
  readonly runSeconds?: number;
  readonly runSource?: string;
}

function concreteNumber(value: number | undefined): number | undefined {
  return value === undefined || Token.isUnresolved(value) ? undefined : value;
}

function alarmFigures(r: RoutedRegion): AlarmFigures {
  const alarm = r.healthAlarm!;
  const timing = r.healthAlarmTiming;
  if (timing) {
    return {
      interval: timing.metricInterval.toSeconds(),
      intervalSource: `healthAlarmTiming.metricInterval of ${r.region}`,
      intervalBasis: FailoverTermBasis.DECLARED,
      period: timing.period.toSeconds(),
      datapoints: timing.datapointsToAlarm,
      alarmSource: `healthAlarmTiming of ${r.region}`,
    };
  }
  if (alarm instanceof cloudwatch.Alarm) {
    const cfn = alarm.node.defaultChild as cloudwatch.CfnAlarm;
    const period = concreteNumber(cfn.period);
    const evaluationPeriods = concreteNumber(cfn.evaluationPeriods);
    const datapoints = concreteNumber(cfn.datapointsToAlarm) ?? evaluationPeriods;
    const probe = alarm.node.scope instanceof HealthProbe ? alarm.node.scope as HealthProbe : undefined;
    let runSeconds: number | undefined;
    let runSource: string | undefined;
    if (probe) {
      // Each probe of a run publishes as soon as its targets answered or timed out, so what bounds
      // a datapoint's delay is one probe (the per-target timeout plus 20 s for the SDK calls, the
      // single-probe function timeout), not the whole run; probesPerRun p puts a datapoint every 60/p s.
      runSeconds = Math.ceil(probe.targetTimeout.toSeconds()) + 20;
      runSource = `${probe.node.path}: a probe publishes once its targets answered or timed out (target timeout ${probe.targetTimeout.toSeconds()} s + 20 s for its SDK calls); `
        + 'a probe that starts just before a period ends lands after that period\'s evaluation';
    }
    return {
      runSeconds,
      runSource,
      interval: probe ? 60 / probe.probesPerRun : period,
      intervalSource: probe
        ? `${probe.node.path} (HealthProbe) probes ${probe.probesPerRun} time(s) a minute, evenly spread: one datapoint every ${60 / probe.probesPerRun} s`
        : 'assumed one datapoint per alarm period; state it with healthAlarmTiming.metricInterval',
      intervalBasis: probe ? FailoverTermBasis.CONFIGURED : FailoverTermBasis.ASSUMED,
      period,
      datapoints,
      alarmSource: `${alarm.node.path}: DatapointsToAlarm ${datapoints ?? 'unresolved'} of EvaluationPeriods ${evaluationPeriods ?? 'unresolved'}, Period ${period ?? 'unresolved'} s`,
    };
  }
  return {
    intervalSource: `imported alarm ${alarm.node.path}: its timing cannot be read; give healthAlarmTiming for ${r.region}`,
    intervalBasis: FailoverTermBasis.UNKNOWN,
    alarmSource: `imported alarm ${alarm.node.path}: its timing cannot be read; give healthAlarmTiming for ${r.region}`,
  };
}

/**
 * The terms from a failure until the Region's health alarm is in ALARM: one publishing interval
 * (a failure just after a datapoint waits for the next one) plus M breaching periods (the M-th
 * period's datapoint is evaluated at the next once-a-minute evaluation).
 */
export function alarmTerms(r: RoutedRegion, branch: string): FailoverTerm[] {
  const f = alarmFigures(r);
  const intervalTerm: FailoverTerm = f.interval === undefined
    ? unknownTerm('health metric publishing interval', f.intervalSource, branch)
    : { name: 'health metric publishing interval', seconds: f.interval, source: f.intervalSource, basis: f.intervalBasis, branch };
  const alarmTerm: FailoverTerm = f.period === undefined || f.datapoints === undefined
    ? unknownTerm('alarm: datapoints to alarm x period', f.alarmSource, branch)
    : {
      name: 'alarm: datapoints to alarm x period',
      seconds: f.datapoints * f.period,
      source: `${f.datapoints} x ${f.period} s (${f.alarmSource}); ${CLOUDWATCH_EVALUATION_NOTE}`,
      basis: r.healthAlarmTiming ? FailoverTermBasis.DECLARED : r.healthAlarm instanceof cloudwatch.Alarm ? FailoverTermBasis.CONFIGURED : FailoverTermBasis.UNKNOWN,
      branch,
    };
  const runTerm: FailoverTerm[] = f.runSource === undefined ? []
    : [f.runSeconds === undefined
      ? unknownTerm('probe run until it publishes', f.runSource, branch)
      : { name: 'probe until it publishes (target timeout + SDK calls)', seconds: f.runSeconds, source: f.runSource, basis: FailoverTermBasis.CONFIGURED, branch }];
  return [intervalTerm, ...runTerm, alarmTerm];
}

/** True when the Region's alarm timing cannot be read and was not stated. */
export function alarmTimingUnknown(r: RoutedRegion): boolean {
  return r.healthAlarm !== undefined && r.healthAlarmTiming === undefined && !(r.healthAlarm instanceof cloudwatch.Alarm);
}

/**
 * Worst-case time for ELB to mark a target group's targets unhealthy. ELB sends a check every
 * interval whatever the previous answer took ("The time that it takes for the target to respond
 * does not affect the interval for the next health check request"), and a target is out after
 * UnhealthyThresholdCount consecutive failures, the last one known when its timeout ends
 * (Elastic Load Balancing User Guide, "Health checks for Application Load Balancer target groups"):
 * threshold x interval + timeout. A deep-health target adds its cache time (a healthy answer
 * cached just before the failure is served that long).
 */
function targetGroupFigures(tg: elbv2.CfnTargetGroup): { seconds?: number; source: string; basis: FailoverTermBasis; cacheSeconds?: number; cacheSource?: string } {
  const path = tg.node.path;
  // The L2 target group sets these lazily; resolve them as the template will hold them.
  const resolve = (v: unknown) => Stack.of(tg).resolve(v);
  const lambdaTarget = resolve(tg.targetType) === 'lambda';
  const enabled = resolve(tg.healthCheckEnabled);
  if (lambdaTarget && enabled !== true && enabled !== 'true') {
    return { source: `${path}: health checks are disabled (the default for Lambda targets), so target health never turns unhealthy`, basis: FailoverTermBasis.UNKNOWN };
  }
  if (enabled === false || enabled === 'false') {
    return { source: `${path}: health checks are disabled`, basis: FailoverTermBasis.UNKNOWN };
  }
  const interval = concreteNumber(resolve(tg.healthCheckIntervalSeconds));
  const threshold = concreteNumber(resolve(tg.unhealthyThresholdCount));
  const timeout = concreteNumber(resolve(tg.healthCheckTimeoutSeconds));
  const defaulted = interval === undefined || threshold === undefined || timeout === undefined;
  // ELB defaults: interval 30 s (35 s for Lambda targets), unhealthy threshold 2, timeout 5 s
  // (30 s for Lambda targets) (Elastic Load Balancing API Reference, CreateTargetGroup).
  const i = interval ?? (lambdaTarget ? 35 : 30);
  const t = threshold ?? 2;
  const to = timeout ?? (lambdaTarget ? 30 : 5);
  const deep = deepHealthTimingOfTargetGroup(tg);
  return {
    seconds: t * i + to,
    source: `${path}: UnhealthyThresholdCount ${t} x HealthCheckIntervalSeconds ${i} + HealthCheckTimeoutSeconds ${to}${defaulted ? ' (ELB defaults where the template leaves them out)' : ''}; `
      + 'checks are sent every interval whatever the last one took (Elastic Load Balancing User Guide, "Health checks for Application Load Balancer target groups")',
    basis: defaulted ? FailoverTermBasis.DOCUMENTED : FailoverTermBasis.CONFIGURED,
    cacheSeconds: deep?.cacheSeconds,
    cacheSource: deep?.source,
  };
}

/** The target groups that the listeners (and listener rules) of `loadBalancer` forward to, in its stack. */
export function targetGroupsBehind(loadBalancer: elbv2.ILoadBalancerV2): elbv2.CfnTargetGroup[] {
  const lbCfn = loadBalancer.node.defaultChild;
  if (!CfnResource.isCfnResource(lbCfn)) return [];
  const stack = Stack.of(loadBalancer);
  const all = stack.node.findAll().filter((c): c is CfnResource => CfnResource.isCfnResource(c) && Stack.of(c) === stack);
  const refersTo = (value: unknown, target: CfnResource) => JSON.stringify(stack.resolve(value) ?? null).includes(`"${stack.getLogicalId(target)}"`);
  const listeners = all.filter((c): c is elbv2.CfnListener => c instanceof elbv2.CfnListener && refersTo(c.loadBalancerArn, lbCfn));
  const actions: unknown[] = listeners.map((l) => l.defaultActions);
  for (const rule of all.filter((c): c is elbv2.CfnListenerRule => c instanceof elbv2.CfnListenerRule)) {
    if (listeners.some((l) => refersTo(rule.listenerArn, l))) actions.push(rule.actions);
  }
  return all.filter((c): c is elbv2.CfnTargetGroup => c instanceof elbv2.CfnTargetGroup && actions.some((a) => refersTo(a, c)));
}

/**
 * How long ELB takes to mark the Region's load balancer targets unhealthy, which is what Global
 * Accelerator follows for load balancer endpoints (it ignores the endpoint group's own health
 * check settings for them: Global Accelerator Developer Guide, "Endpoint groups for standard accelerators").
 */
export function targetHealthTerms(r: RoutedRegion, branch: string): FailoverTerm[] {
  const name = 'ELB target health: unhealthy threshold x interval + timeout';
  if (r.targetHealthDetection !== undefined) {
    return [{ name, seconds: r.targetHealthDetection.toSeconds(), source: `targetHealthDetection of ${r.region}, as the app states it (the library cannot read an imported load balancer's target groups)`, basis: FailoverTermBasis.DECLARED, branch }];
  }
  const lb = r.endpoint.loadBalancer;
  if (lb === undefined) {
    return [unknownTerm(name, `${r.endpoint.description} is imported: its target groups are not in this app; give targetHealthDetection for ${r.region}`, branch)];
  }
  const groups = targetGroupsBehind(lb);
  if (groups.length === 0) {
    return [unknownTerm(name, `${lb.node.path} forwards to no target group in this app (fixed responses only), so its target health is undefined; add a target group or give targetHealthDetection for ${r.region}`, branch)];
  }
  // The slowest target group sets the worst case.
  const figures = groups.map(targetGroupFigures);
  const unknown = figures.find((f) => f.seconds === undefined);
  if (unknown) return [unknownTerm(name, unknown.source, branch)];
  const total = (f: ReturnType<typeof targetGroupFigures>) => f.seconds! + (f.cacheSeconds ?? 0);
  const worst = figures.reduce((a, b) => (total(b) > total(a) ? b : a));
  const terms: FailoverTerm[] = [];
  if (worst.cacheSeconds !== undefined) {
    terms.push({ name: 'deep-health cache: a healthy answer cached just before the failure is served this long', seconds: worst.cacheSeconds, source: worst.cacheSource!, basis: FailoverTermBasis.CONFIGURED, branch });
  }
  terms.push({ name, seconds: worst.seconds, source: worst.source, basis: worst.basis, branch });
  return terms;
}

/** True when the Region's load balancer's target health is a DeepHealthEndpoint's (read from this app). */
export function targetHealthIsDeepHealth(r: RoutedRegion): boolean {
  const lb = r.endpoint.loadBalancer;
  return lb !== undefined && targetGroupsBehind(lb).some((tg) => deepHealthTimingOfTargetGroup(tg) !== undefined);
}
