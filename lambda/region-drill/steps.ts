import { CloudWatchClient, DescribeAlarmsCommand, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import {
  DescribeAcceleratorCommand, DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand,
} from '@aws-sdk/client-global-accelerator';
import { GetHealthCheckCommand, Route53Client, TestDNSAnswerCommand, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { ListExecutionsCommand, SFNClient } from '@aws-sdk/client-sfn';
import { Change, DrillConfig, DrillRegion, Journal, JournalStore } from './config';

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
}

export interface PreflightResult {
  readonly region: string;
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
    const out = await clients.cloudwatch(region).send(new DescribeAlarmsCommand({ AlarmNames: names }));
    const found = new Map((out.MetricAlarms ?? []).concat((out.CompositeAlarms ?? []) as any).map((a: any) => [a.AlarmName, a.StateValue]));
    for (const name of names) {
      // An alarm that no longer exists cannot vouch for the Region: count it as unhealthy.
      if (!found.has(name) || found.get(name) === 'ALARM') firing.push(found.has(name) ? name : `${name} (not found in ${region})`);
    }
  }
  return firing;
}

/** The changes a take-out of `region` makes, with the current values as `previous`. */
export async function planChanges(config: DrillConfig, clients: DrillClients, region: string): Promise<Change[]> {
  const target = regionOf(config, region);
  const changes: Change[] = [];
  if (target.healthCheckId) {
    const hc = await clients.route53.send(new GetHealthCheckCommand({ HealthCheckId: target.healthCheckId }));
    const inverted = hc.HealthCheck?.HealthCheckConfig?.Inverted ?? false;
    changes.push({ kind: CHANGE_DNS, resource: target.healthCheckId, region, previous: inverted, target: !inverted, status: 'pending' });
  }
  if (target.endpointGroupArn) {
    const ga = acceleratorOf(clients);
    for (const r of config.regions) {
      if (!r.endpointGroupArn) continue;
      const group = await ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: r.endpointGroupArn }));
      const dial = group.EndpointGroup?.TrafficDialPercentage ?? 100;
      if (r.region === region) {
        changes.push({ kind: CHANGE_DIAL, resource: r.endpointGroupArn, region: r.region, previous: dial, target: 0, status: 'pending' });
      } else if (dial === 0) {
        // A standby at 0 % (active-passive) must take the traffic the evacuated Region gives up.
        changes.push({ kind: CHANGE_DIAL, resource: r.endpointGroupArn, region: r.region, previous: dial, target: 100, status: 'pending' });
      }
    }
  }
  return changes;
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
  const plan = await planChanges(config, clients, region);
  if (plan.length === 0) throw new DrillRefused(`'${region}' has no routing the drill can change (no health check, no endpoint group).`);
  return { region, survivors: survivors.map((r) => r.region), plan, startedAt: nowOf(clients) };
}

async function apply(clients: DrillClients, change: Change, value: boolean | number): Promise<void> {
  if (change.kind === CHANGE_DNS) {
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
  const plan = await planChanges(config, clients, input.region);
  const journal: DrillJournal = { executionId: input.executionId, region: input.region, changes: [] };
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
 * - accelerator: the endpoint group's `ProcessedBytesIn` (us-west-2, 1-minute sums, reported only
 *   when non-zero) shows a whole minute after the change without bytes; when no traffic flowed
 *   before the change either, the time until the accelerator reported the change DEPLOYED.
 */
export async function measure(config: DrillConfig, clients: DrillClients, input: { executionId: string }): Promise<MeasureResult> {
  const journal = await clients.journal.load(input.executionId) as DrillJournal | undefined;
  if (!journal?.changedAt) throw new Error(`execution ${input.executionId} has no applied take-out to measure.`);
  const target = regionOf(config, journal.region);
  const now = nowOf(clients);
  const changedAt = journal.changedAt;
  const ms = journal.measurements ?? initialMeasurements(config, target, journal);
  for (const m of ms) {
    if (m.stoppedAt !== undefined) continue;
    if (m.path === 'dns') await pollDns(config, clients, target, journal, m, now);
    if (m.path === 'accelerator') await pollAccelerator(config, clients, target, m, changedAt, now);
  }
  const elapsedSeconds = (now - changedAt) / 1000;
  const timedOut = elapsedSeconds >= config.measureTimeoutSeconds;
  if (timedOut) {
    for (const m of ms.filter((x) => x.stoppedAt === undefined)) {
      m.notes.push(`not observed within ${config.measureTimeoutSeconds} s`);
    }
  }
  journal.measurements = ms;
  await clients.journal.save(journal);
  return { done: timedOut || ms.every((m) => m.stoppedAt !== undefined), elapsedSeconds, measurements: ms };
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
    ms.push({ path: 'accelerator', method: 'global-accelerator-processed-bytes', notes: [] });
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

async function pollAccelerator(config: DrillConfig, clients: DrillClients, target: DrillRegion, m: PathMeasurement, changedAt: number, now: number): Promise<void> {
  const ga = acceleratorOf(clients);
  if (m.deployedAt === undefined) {
    const [acc, group] = await Promise.all([
      ga.send(new DescribeAcceleratorCommand({ AcceleratorArn: config.accelerator!.acceleratorArn })),
      ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: target.endpointGroupArn! })),
    ]);
    if (acc.Accelerator?.Status === 'DEPLOYED' && group.EndpointGroup?.TrafficDialPercentage === 0) m.deployedAt = now;
  }
  // "Using Amazon CloudWatch with AWS Global Accelerator": ProcessedBytesIn (Sum, us-west-2) by
  // Accelerator, Listener, EndpointGroup, reported only when non-zero, every 60 s. The ids come
  // from arn:aws:globalaccelerator::<account>:accelerator/<id>/listener/<id>/endpoint-group/<id>;
  // the EndpointGroup dimension is the group's Region.
  const parts = target.endpointGroupArn!.split('/');
  const dims = { Accelerator: parts[1], Listener: parts[3], EndpointGroup: target.region };
  const minute = 60_000;
  const points = await metricPoints(clients.cloudwatch(ACCELERATOR_REGION), 'AWS/GlobalAccelerator', 'ProcessedBytesIn',
    dims, 'Sum', changedAt - 5 * minute, now);
  const trafficBefore = points.some((p) => p.timestamp < changedAt && p.value > 0);
  // The first whole minute after the change with no traffic (no point, or 0) whose point would be in by now:
  // traffic had stopped by the end of that minute (an upper bound, to the minute).
  for (let start = Math.ceil(changedAt / minute) * minute; start + minute + ACCELERATOR_METRIC_DELAY_MS <= now; start += minute) {
    const busy = points.some((p) => p.timestamp >= start && p.timestamp < start + minute && p.value > 0);
    if (!busy && trafficBefore) {
      m.stoppedAt = start + minute;
      m.notes.push('minute resolution: traffic had stopped by the end of the first minute after the change without bytes to the endpoint group');
      return;
    }
    if (!trafficBefore) break;
  }
  // No traffic through the group before the change either: the only observable is the accelerator applying it.
  if (!trafficBefore && m.deployedAt !== undefined && now - changedAt >= 3 * minute) {
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
