import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeAcceleratorCommand, DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { GetHealthCheckCommand, Route53Client, TestDNSAnswerCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { GetParameterCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { clearHold, isHeld, readIntents, setHold } from '../shared/routing-intent';
import { Change, DRILL_MODES, DrillConfig, DrillMode, DrillRegion, Journal, JournalStore } from './config';

/**
 * The drill's steps, each a plain function of the config, the clients and the step's input,
 * so tests drive them against emulators. The Step Functions state machine calls them in order:
 * preflight, takeOut, measure (polled), checkDataPath, restore, report; every failure goes to
 * restore, which reads the journal and sets back exactly what was changed.
 */
export interface DrillClients {
  readonly route53: Route53Client;
  /** Global Accelerator's API (us-west-2). */
  readonly accelerator?: GlobalAcceleratorClient;
  /** A CloudWatch client for `region` (alarms live in their Regions; Route 53 metrics in us-east-1, accelerator metrics in us-west-2). */
  cloudwatch(region: string): CloudWatchClient;
  readonly sfn?: SFNClient;
  /** SSM in `region`: the routing intents (in their store's Region) and the fault switches (in each Region). */
  ssm?(region: string): SSMClient;
  readonly journal: JournalStore;
  /** Epoch milliseconds. */
  readonly now?: () => number;
  /** HTTP for heartbeats. */
  readonly fetch?: typeof fetch;
  /** IPv4 addresses of a name (node:dns resolve4), to recognise a load balancer in an alias answer. */
  readonly resolve?: (name: string) => Promise<string[]>;
}

/** A refusal: the drill did not start, nothing was changed. */
export class DrillRefused extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrillRefused';
  }
}

export const CHANGE_DNS = 'route53-health-check-inverted';
export const CHANGE_DIAL = 'accelerator-traffic-dial';
export const CHANGE_HOLD = 'routing-intent-hold';
export const CHANGE_FAULT = 'deep-health-fault-switch';
/** The fault switch's value when the endpoint is not failed (CONTRACTS.md C1). */
export const FAULT_OFF = '{"fail":false}';

/** Who the drill's holds and faults name: the execution. */
export const drillActor = (executionId: string) => `drill:${executionId}`;
/** Where Route 53 publishes health-check metrics. */
const ROUTE53_METRICS_REGION = 'us-east-1';
/** Where Global Accelerator's API and metrics live. */
const ACCELERATOR_REGION = 'us-west-2';

export interface PreflightInput {
  readonly region: string;
  /** Must equal `region`: the explicit confirmation. */
  readonly confirmation?: string;
  readonly executionId: string;
  readonly stateMachineArn?: string;
  /** routing (default) or deep-health. */
  readonly mode?: string;
}

export interface PreflightResult {
  readonly region: string;
  readonly mode: DrillMode;
  readonly survivors: string[];
  /** The changes a take-out would make, with the values in place now. */
  readonly plan: Change[];
  readonly startedAt: number;
}

const nowOf = (clients: DrillClients) => (clients.now ?? Date.now)();

function regionOf(config: DrillConfig, region: string): DrillRegion {
  const r = config.regions.find((x) => x.region === region);
  if (!r) throw new DrillRefused(`'${region}' is not a Region of this app; Regions: ${config.regions.map((x) => x.region).join(', ')}.`);
  return r;
}

/** Alarms of `r` that are in ALARM (names), read in each alarm's Region. */
export async function alarmsInAlarm(clients: DrillClients, r: DrillRegion): Promise<string[]> {
  const byRegion = new Map<string, string[]>();
  for (const a of r.alarms) byRegion.set(a.region, [...(byRegion.get(a.region) ?? []), a.name]);
  const firing: string[] = [];
  for (const [region, names] of byRegion) {
    // Without AlarmTypes DescribeAlarms returns metric alarms only (CloudWatch API Reference, DescribeAlarms).
    const out = await clients.cloudwatch(region).send(new DescribeAlarmsCommand({ AlarmNames: names, AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    const found = new Map((out.MetricAlarms ?? []).concat((out.CompositeAlarms ?? []) as any).map((a: any) => [a.AlarmName, a.StateValue]));
    for (const name of names) {
      // An alarm that no longer exists cannot vouch for the Region: count it as unhealthy.
      if (!found.has(name) || found.get(name) === 'ALARM') firing.push(found.has(name) ? name : `${name} (not found in ${region})`);
    }
  }
  return firing;
}

/** The mode of a drill input: routing when absent; refused when unknown. */
export function modeOf(mode: string | undefined): DrillMode {
  const m = (mode === undefined || mode === '' ? 'routing' : mode) as DrillMode;
  if (!DRILL_MODES.includes(m)) throw new DrillRefused(`mode '${mode}' is not a drill mode; use ${DRILL_MODES.join(' or ')}.`);
  return m;
}

/**
 * The changes a drill of `region` makes, with the current values as `previous`, in the order they
 * are made (restore undoes them last first).
 * - routing: a hold on every Region whose dial it changes (so the accelerator controller leaves the
 *   take-out alone), then the health check inverted and the dials.
 * - deep-health: only the Region's fault switch; detection and the automation do the rest.
 */
export async function planChanges(config: DrillConfig, clients: DrillClients, region: string, mode: DrillMode = 'routing', executionId = ''): Promise<Change[]> {
  const target = regionOf(config, region);
  if (mode === 'deep-health') {
    if (!target.faultSwitchName) throw new DrillRefused(`'${region}' has no fault switch; give its DrillRegionTarget a faultSwitch (DeepHealthEndpoint.faultSwitch) for the deep-health mode.`);
    const current = await readFaultSwitch(clients, region, target.faultSwitchName);
    if (faultOn(current)) throw new DrillRefused(`the deep health of '${region}' is already failed by its fault switch (${current}); clear it first.`);
    return [{
      kind: CHANGE_FAULT, resource: target.faultSwitchName, region, resourceRegion: region, previous: current ?? FAULT_OFF,
      target: JSON.stringify({ fail: true, by: drillActor(executionId), at: new Date(nowOf(clients)).toISOString() }), status: 'pending',
    }];
  }
  const routing: Change[] = [];
  if (target.healthCheckId) {
    const hc = await clients.route53.send(new GetHealthCheckCommand({ HealthCheckId: target.healthCheckId }));
    const inverted = hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
    routing.push({ kind: CHANGE_DNS, resource: target.healthCheckId, region, previous: inverted, target: !inverted, status: 'pending' });
  }
  if (target.endpointGroupArn) {
    const ga = acceleratorOf(clients);
    for (const r of config.regions) {
      if (!r.endpointGroupArn) continue;
      const group = await ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: r.endpointGroupArn }));
      const dial = group.EndpointGroup?.TrafficDialPercentage ?? 100;
      if (r.region === region) {
        routing.push({ kind: CHANGE_DIAL, resource: r.endpointGroupArn, region: r.region, previous: dial, target: 0, status: 'pending' });
      } else if (dial === 0) {
        // A standby at 0 % (active-passive) must take the traffic the evacuated Region gives up.
        routing.push({ kind: CHANGE_DIAL, resource: r.endpointGroupArn, region: r.region, previous: dial, target: 100, status: 'pending' });
      }
    }
  }
  const holds: Change[] = [];
  if (config.intents) {
    const heldRegions = [...new Set([region, ...routing.filter((c) => c.kind === CHANGE_DIAL).map((c) => c.region)])];
    for (const r of heldRegions) {
      const name = config.intents.names[r];
      if (name) holds.push({ kind: CHANGE_HOLD, resource: name, region: r, resourceRegion: config.intents.region, previous: '', target: drillActor(executionId), status: 'pending' });
    }
  }
  return [...holds, ...routing];
}

function faultOn(value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    return JSON.parse(value)?.fail === true;
  } catch {
    return false;
  }
}

async function readFaultSwitch(clients: DrillClients, region: string, name: string): Promise<string | undefined> {
  const out = await ssmOf(clients, region).send(new GetParameterCommand({ Name: name }));
  return out.Parameter?.Value;
}

function ssmOf(clients: DrillClients, region: string): SSMClient {
  if (!clients.ssm) throw new Error('the drill has no SSM client.');
  return clients.ssm(region);
}

/** Regions of the app that someone other than this execution holds (recorded intent), as "Region (holder)". */
async function heldByOthers(config: DrillConfig, clients: DrillClients, executionId: string): Promise<string[]> {
  if (!config.intents) return [];
  const intents = await readIntents(ssmOf(clients, config.intents.region), config.intents.names);
  return Object.entries(intents)
    .filter(([, i]) => isHeld(i, nowOf(clients)) && i.by !== drillActor(executionId))
    .map(([r, i]) => `${r} (held by ${i.by ?? 'unknown'}${i.why ? `: ${i.why}` : ''})`);
}

function acceleratorOf(clients: DrillClients): GlobalAcceleratorClient {
  if (!clients.accelerator) throw new Error('the app has an accelerator, but the drill has no Global Accelerator client.');
  return clients.accelerator;
}

/**
 * Refuses unless: the confirmation names the Region, the Region is one of the app's and not the
 * drill's own, no other execution of the drill is running, and every other Region is healthy
 * (none of its alarms in ALARM, its health check not inverted): the drill never takes out the
 * last healthy Region.
 */
export async function preflight(config: DrillConfig, clients: DrillClients, input: PreflightInput): Promise<PreflightResult> {
  const { region } = input;
  const mode = modeOf(input.mode);
  regionOf(config, region);
  if (input.confirmation !== region) {
    throw new DrillRefused(`the drill takes '${region}' out of routing only with the confirmation '${region}' (got '${input.confirmation ?? ''}').`);
  }
  if (region === config.homeRegion) {
    throw new DrillRefused(`'${region}' is the Region the drill runs in; evacuate another Region, or deploy the drill in a Region that survives.`);
  }
  if (clients.sfn && input.stateMachineArn) {
    const running = await clients.sfn.send(new ListExecutionsCommand({ stateMachineArn: input.stateMachineArn, statusFilter: 'RUNNING' }));
    const others = (running.executions ?? []).filter((e) => e.executionArn !== input.executionId);
    if (others.length > 0) {
      throw new DrillRefused(`a drill is already running: ${others.map((e) => e.executionArn).join(', ')}; wait for it to end.`);
    }
  }
  const survivors = config.regions.filter((r) => r.region !== region);
  if (survivors.length === 0) throw new DrillRefused(`'${region}' is the only Region; there is nowhere to move its traffic.`);
  const problems: string[] = [];
  for (const r of survivors) {
    const firing = await alarmsInAlarm(clients, r);
    if (firing.length > 0) problems.push(`${r.region}: ${firing.join(', ')} in ALARM`);
    if (r.healthCheckId) {
      const hc = await clients.route53.send(new GetHealthCheckCommand({ HealthCheckId: r.healthCheckId }));
      if (hc.HealthCheck?.HealthCheckConfig?.Inverted) problems.push(`${r.region}: health check ${r.healthCheckId} is inverted (out of DNS)`);
    }
  }
  if (problems.length > 0) {
    throw new DrillRefused(`every other Region must be healthy before '${region}' is taken out, and ${problems.join('; ')}.`);
  }
  // A held Region belongs to its holder (an operator, a Region switch plan): the drill neither
  // takes it over nor runs beside it (the controller would not move traffic as the budget assumes).
  const held = await heldByOthers(config, clients, input.executionId);
  if (held.length > 0) throw new DrillRefused(`routing is held: ${held.join(', ')}; the drill runs only when no Region is held.`);
  const plan = await planChanges(config, clients, region, mode, input.executionId);
  if (plan.filter((c) => c.kind !== CHANGE_HOLD).length === 0) throw new DrillRefused(`'${region}' has no routing the drill can change (no health check, no endpoint group).`);
  return { region, mode, survivors: survivors.map((r) => r.region), plan, startedAt: nowOf(clients) };
}

async function apply(clients: DrillClients, change: Change, value: boolean | number | string): Promise<void> {
  if (change.kind === CHANGE_HOLD) {
    const ssm = ssmOf(clients, change.resourceRegion!);
    const names = { [change.region]: change.resource };
    if (value === '') {
      // Another holder's hold (an operator took over, or ours was never set) is theirs to clear: left in place.
      await clearHold(ssm, names, change.region, change.target as string, nowOf(clients));
    } else {
      await setHold(ssm, names, change.region, { by: value as string, why: 'Region evacuation drill' }, nowOf(clients));
    }
  } else if (change.kind === CHANGE_FAULT) {
    await ssmOf(clients, change.resourceRegion!).send(new PutParameterCommand({ Name: change.resource, Value: value as string, Type: 'String', Overwrite: true }));
  } else if (change.kind === CHANGE_DNS) {
    await clients.route53.send(new UpdateHealthCheckCommand({ HealthCheckId: change.resource, Inverted: value as boolean }));
  } else if (change.kind === CHANGE_DIAL) {
    await acceleratorOf(clients).send(new UpdateEndpointGroupCommand({ EndpointGroupArn: change.resource, TrafficDialPercentage: value as number }));
  } else {
    throw new Error(`unknown change kind '${change.kind}'.`);
  }
}

export interface TakeOutInput {
  readonly region: string;
  readonly executionId: string;
  /** routing (default) or deep-health. */
  readonly mode?: string;
}

/** Everything the measure step keeps between polls. */
export interface PathMeasurement {
  readonly path: string;
  /** How the time was observed. */
  method: string;
  /** Epoch ms when the path was seen to stop sending traffic to the Region. */
  stoppedAt?: number;
  /** Epoch ms when the accelerator reported the change DEPLOYED (accelerator only). */
  deployedAt?: number;
  /** Set when the path has nothing to observe (no traffic): measuring stops, and the path counts as not observed. */
  unobservable?: boolean;
  notes: string[];
}

export interface DrillJournal extends Journal {
  /** DNS answer for the record before the change, and the endpoint's addresses in it. */
  baseline?: { dnsAnswer: string[]; endpointAddresses?: string[]; regionInAnswer: boolean; error?: string };
  measurements?: PathMeasurement[];
}

/**
 * Takes the Region out of every routing path: writes each change to the journal (status pending)
 * before making it, then marks it applied, so a restore after a crash at any point sets back
 * everything that may have changed.
 */
export async function takeOut(config: DrillConfig, clients: DrillClients, input: TakeOutInput): Promise<{ changedAt: number; changes: Change[] }> {
  const target = regionOf(config, input.region);
  const existing = await clients.journal.load(input.executionId);
  if (existing && existing.changes.length > 0) {
    throw new Error(`execution ${input.executionId} already has a journal with ${existing.changes.length} change(s); restore it before taking out again.`);
  }
  const mode = modeOf(input.mode);
  const plan = await planChanges(config, clients, input.region, mode, input.executionId);
  const journal: DrillJournal = { executionId: input.executionId, region: input.region, mode, changes: [] };
  if (config.dns && target.healthCheckId) {
    try {
      const answer = await dnsAnswer(config, clients);
      // An alias record answers with the load balancer's addresses, not its name.
      const addresses = target.endpointDnsName && clients.resolve
        ? await clients.resolve(`dualstack.${target.endpointDnsName}`).catch(() => [] as string[]) : [];
      journal.baseline = { dnsAnswer: answer, endpointAddresses: addresses, regionInAnswer: answerNamesRegion(answer, target, addresses) };
    } catch (e) {
      // Without Route 53's answer the DNS path is still measured, by the health check's status.
      journal.baseline = { dnsAnswer: [], regionInAnswer: false, error: `TestDNSAnswer failed: ${(e as Error).message}` };
    }
  }
  await clients.journal.save(journal);
  for (const change of plan) {
    journal.changes.push({ ...change, status: 'pending' });
    await clients.journal.save(journal);
    await apply(clients, change, change.target);
    journal.changes[journal.changes.length - 1].status = 'applied';
    await clients.journal.save(journal);
  }
  journal.changedAt = nowOf(clients);
  await clients.journal.save(journal);
  return { changedAt: journal.changedAt, changes: journal.changes };
}

/**
 * Sets back every change of the journal that is not restored yet, last first, to its previous
 * value. Idempotent: a second call (the state machine's, then the abort rule's) finds nothing
 * left. Tries every change and fails at the end if any could not be restored, so the caller retries.
 */
export async function restore(clients: DrillClients, executionId: string): Promise<{ restored: Change[]; alreadyRestored: number }> {
  const journal = await clients.journal.load(executionId);
  if (!journal) return { restored: [], alreadyRestored: 0 };
  const restored: Change[] = [];
  const errors: string[] = [];
  for (const change of [...journal.changes].reverse()) {
    if (change.status === 'restored') continue;
    try {
      await apply(clients, change, change.previous);
      change.status = 'restored';
      restored.push(change);
      await clients.journal.save(journal);
    } catch (e) {
      errors.push(`${change.kind} ${change.resource}: ${(e as Error).message}`);
    }
  }
  if (errors.length > 0) throw new Error(`could not restore ${errors.length} change(s): ${errors.join('; ')}`);
  return { restored, alreadyRestored: journal.changes.length - restored.length };
}

async function dnsAnswer(config: DrillConfig, clients: DrillClients): Promise<string[]> {
  const dns = config.dns!;
  // TestDNSAnswer: the answer Route 53's authoritative servers give now (from a us-east-1 resolver's
  // point of view when no ResolverIP is given); the resolvers' TTL comes on top.
  const out = await clients.route53.send(new TestDNSAnswerCommand({
    HostedZoneId: dns.hostedZoneId, RecordName: dns.recordName, RecordType: dns.recordType as any,
  }));
  return (out.RecordData ?? []).map((d) => d.toLowerCase().replace(/\.$/, ''));
}

/** Whether Route 53's answer names the Region's load balancer, by name (CNAME) or by its addresses (alias A record). */
function answerNamesRegion(answer: string[], r: DrillRegion, addresses: string[] = []): boolean {
  if (answer.some((a) => addresses.includes(a))) return true;
  if (!r.endpointDnsName) return false;
  const name = r.endpointDnsName.toLowerCase().replace(/\.$/, '');
  return answer.some((a) => a === name || a === `dualstack.${name}`);
}

export interface MeasureResult {
  readonly done: boolean;
  readonly elapsedSeconds: number;
  readonly measurements: PathMeasurement[];
}

/**
 * One poll of every path, from the drill's own Region (a survivor). Called again and again by the
 * state machine until it returns done: every path stopped, or `measureTimeoutSeconds` passed.
 *
 * - dns: Route 53's answer (TestDNSAnswer) no longer names the Region's endpoint. When the answer
 *   did not name it before the change (latency records answer by the resolver's location), the
 *   time is the first `HealthCheckStatus` = 0 of the Region's check (us-east-1, 1-minute points).
 * - accelerator: the endpoint group's `NewFlowCount` (us-west-2, 1-minute sums, reported only when
 *   non-zero) shows a whole minute after the change without new flows. A dial "applies to only new
 *   connections. Existing connections are not terminated" (Global Accelerator Developer Guide, "Use
 *   traffic dials"), so new flows, not bytes of long-lived connections, tell when routing moved.
 *   When no flow came before the change either (routing mode), the time until the accelerator
 *   reported the change DEPLOYED.
 */
export async function measure(config: DrillConfig, clients: DrillClients, input: { executionId: string }): Promise<MeasureResult> {
  const journal = await clients.journal.load(input.executionId) as DrillJournal | undefined;
  if (!journal?.changedAt) throw new Error(`execution ${input.executionId} has no applied take-out to measure.`);
  const target = regionOf(config, journal.region);
  const now = nowOf(clients);
  const changedAt = journal.changedAt;
  const ms = journal.measurements ?? initialMeasurements(config, target, journal);
  for (const m of ms) {
    if (m.stoppedAt !== undefined || m.unobservable) continue;
    if (m.path === 'dns') await pollDns(config, clients, target, journal, m, now);
    if (m.path === 'accelerator') await pollAccelerator(config, clients, target, m, changedAt, now, journal.mode ?? 'routing');
  }
  const elapsedSeconds = (now - changedAt) / 1000;
  const timedOut = elapsedSeconds >= config.measureTimeoutSeconds;
  if (timedOut) {
    for (const m of ms.filter((x) => x.stoppedAt === undefined && !x.unobservable)) {
      m.notes.push(`not observed within ${config.measureTimeoutSeconds} s`);
    }
  }
  journal.measurements = ms;
  await clients.journal.save(journal);
  return { done: timedOut || ms.every((m) => m.stoppedAt !== undefined || m.unobservable), elapsedSeconds, measurements: ms };
}

function initialMeasurements(config: DrillConfig, target: DrillRegion, journal: DrillJournal): PathMeasurement[] {
  const ms: PathMeasurement[] = [];
  if (config.dns && target.healthCheckId) {
    const byAnswer = journal.baseline?.regionInAnswer ?? false;
    ms.push({
      path: 'dns',
      method: byAnswer ? 'route53-test-dns-answer' : 'route53-health-check-status',
      notes: byAnswer ? ['resolvers may keep the old answer for the record\'s TTL on top of this time']
        : [journal.baseline?.error
          ? `${journal.baseline.error}; the time is when Route 53 reported the Region's health check unhealthy (1-minute metric)`
          : `Route 53's answer to a us-east-1 resolver did not name ${target.region} before the change (latency routing), so the time is when Route 53 reported the Region's health check unhealthy (1-minute metric)`],
    });
  }
  if (config.accelerator && target.endpointGroupArn) {
    ms.push({ path: 'accelerator', method: 'global-accelerator-new-flows', notes: [] });
  }
  return ms;
}

async function pollDns(config: DrillConfig, clients: DrillClients, target: DrillRegion, journal: DrillJournal, m: PathMeasurement, now: number): Promise<void> {
  if (m.method === 'route53-test-dns-answer') {
    const answer = await dnsAnswer(config, clients);
    if (!answerNamesRegion(answer, target, journal.baseline?.endpointAddresses)) m.stoppedAt = now;
    return;
  }
  const points = await metricPoints(clients.cloudwatch(ROUTE53_METRICS_REGION), 'AWS/Route53', 'HealthCheckStatus',
    { HealthCheckId: target.healthCheckId! }, 'Minimum', journal.changedAt!, now);
  // A 1-minute point counts when its minute ends after the change.
  if (points.some((p) => p.value === 0 && p.timestamp + 60_000 > journal.changedAt!)) m.stoppedAt = now;
}

/**
 * How long after a minute ends its Global Accelerator data point is expected in CloudWatch: points
 * are sent every 60 s, and a minute with no traffic has no point at all.
 */
const ACCELERATOR_METRIC_DELAY_MS = 90_000;

async function pollAccelerator(config: DrillConfig, clients: DrillClients, target: DrillRegion, m: PathMeasurement, changedAt: number, now: number, mode: DrillMode): Promise<void> {
  const ga = acceleratorOf(clients);
  if (mode === 'routing' && m.deployedAt === undefined) {
    const [acc, group] = await Promise.all([
      ga.send(new DescribeAcceleratorCommand({ AcceleratorArn: config.accelerator!.acceleratorArn })),
      ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: target.endpointGroupArn! })),
    ]);
    if (acc.Accelerator?.Status === 'DEPLOYED' && group.EndpointGroup?.TrafficDialPercentage === 0) m.deployedAt = now;
  }
  // "Using Amazon CloudWatch with AWS Global Accelerator": NewFlowCount (Sum, us-west-2) by
  // Accelerator, Listener, EndpointGroup, reported only when non-zero, every 60 s. The ids come
  // from arn:aws:globalaccelerator::<account>:accelerator/<id>/listener/<id>/endpoint-group/<id>;
  // the EndpointGroup dimension is the group's Region.
  const parts = target.endpointGroupArn!.split('/');
  const dims = { Accelerator: parts[1], Listener: parts[3], EndpointGroup: target.region };
  const minute = 60_000;
  const points = await metricPoints(clients.cloudwatch(ACCELERATOR_REGION), 'AWS/GlobalAccelerator', 'NewFlowCount',
    dims, 'Sum', changedAt - 5 * minute, now);
  const trafficBefore = points.some((p) => p.timestamp < changedAt && p.value > 0);
  // The first whole minute after the change with no traffic (no point, or 0) whose point would be in by now:
  // traffic had stopped by the end of that minute (an upper bound, to the minute).
  for (let start = Math.ceil(changedAt / minute) * minute; start + minute + ACCELERATOR_METRIC_DELAY_MS <= now; start += minute) {
    const busy = points.some((p) => p.timestamp >= start && p.timestamp < start + minute && p.value > 0);
    if (!busy && trafficBefore) {
      m.stoppedAt = start + minute;
      m.notes.push('minute resolution: new flows had stopped by the end of the first minute after the change without new flows to the endpoint group');
      return;
    }
    if (!trafficBefore) break;
  }
  // No traffic through the group before the change either: the only observable is the accelerator applying it.
  if (mode === 'deep-health' && !trafficBefore && now - changedAt >= 3 * minute) {
    m.unobservable = true;
    m.notes.push('no new flows through the endpoint group before the fault: nothing to observe; send traffic through the accelerator during a deep-health drill');
    return;
  }
  if (mode === 'routing' && !trafficBefore && m.deployedAt !== undefined && now - changedAt >= 3 * minute) {
    m.method = 'global-accelerator-deployed';
    m.notes.push('no traffic through the endpoint group to observe; the time is when the accelerator reported the dial change DEPLOYED');
    m.stoppedAt = m.deployedAt;
  }
}

async function metricPoints(cw: CloudWatchClient, namespace: string, metricName: string, dims: Record<string, string>,
  stat: string, from: number, to: number): Promise<Array<{ timestamp: number; value: number }>> {
  const out = await cw.send(new GetMetricDataCommand({
    StartTime: new Date(from - 60_000),
    EndTime: new Date(to + 60_000),
    MetricDataQueries: [{
      Id: 'm',
      MetricStat: {
        Metric: { Namespace: namespace, MetricName: metricName, Dimensions: Object.entries(dims).map(([Name, Value]) => ({ Name, Value })) },
        Period: 60,
        Stat: stat,
      },
    }],
  }));
  const r = out.MetricDataResults?.[0];
  return (r?.Timestamps ?? []).map((t, i) => ({ timestamp: new Date(t).getTime(), value: r!.Values![i] }));
}

export interface DataPathCheck {
  readonly region: string;
  readonly check: string;
  readonly ok: boolean;
  readonly detail: string;
}

/**
 * The data path in every surviving Region: none of its alarms (deep health, which includes the
 * database) in ALARM, and its heartbeat URL, when given, answers a POST with 2xx (the app writes a
 * row and reads it back; for Aurora DSQL this proves the survivor still commits).
 */
export async function checkDataPath(config: DrillConfig, clients: DrillClients, input: { region: string }): Promise<{ ok: boolean; checks: DataPathCheck[] }> {
  const checks: DataPathCheck[] = [];
  for (const r of config.regions.filter((x) => x.region !== input.region)) {
    if (r.alarms.length > 0) {
      const firing = await alarmsInAlarm(clients, r);
      checks.push({ region: r.region, check: 'alarms', ok: firing.length === 0, detail: firing.length === 0 ? `${r.alarms.length} alarm(s) not in ALARM` : `${firing.join(', ')} in ALARM` });
    }
    if (r.heartbeatUrl) {
      const started = nowOf(clients);
      try {
        const res = await (clients.fetch ?? fetch)(r.heartbeatUrl, { method: 'POST', signal: AbortSignal.timeout(10_000) });
        checks.push({ region: r.region, check: 'heartbeat', ok: res.ok, detail: `HTTP ${res.status} in ${nowOf(clients) - started} ms` });
      } catch (e) {
        checks.push({ region: r.region, check: 'heartbeat', ok: false, detail: (e as Error).message });
      }
    }
  }
  return { ok: checks.every((c) => c.ok), checks };
}
