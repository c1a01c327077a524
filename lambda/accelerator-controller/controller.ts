import { CloudWatchClient, DescribeAlarmsCommand, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { SSMClient } from '@aws-sdk/client-ssm';
import { describeError, publishMetrics } from '../shared/metrics';
import { isHeld, readIntents } from '../shared/routing-intent';

/** One Region the controller steers: its health signals, its endpoint group and its recorded intent. */
export interface ControlledRegion {
  readonly region: string;
  /** The Region's health alarm, when the controller follows one. */
  readonly alarmName?: string;
  /** The Region the alarm lives in. */
  readonly alarmRegion?: string;
  /** The Region's deep-health URL (200 healthy, anything else or no answer unhealthy), when the controller polls it. */
  readonly deepHealthUrl?: string;
  readonly endpointGroupArn: string;
  /** The traffic dial the app configures for the Region (restored when it is healthy again). */
  readonly configuredDial: number;
  /** The SSM parameter of the Region's routing intent (a hold stops the controller from touching the dial). */
  readonly intentParameter?: string;
}

/** How the controller polls the deep-health URLs. */
export interface DeepHealthPolling {
  /** Seconds between two polls of every URL (at most 10). */
  readonly pollSeconds: number;
  /** Consecutive failed polls that make a Region unhealthy, and consecutive good ones that make it healthy again. */
  readonly failures: number;
  /** Timeout of one poll, in seconds. */
  readonly timeoutSeconds: number;
  /** How long one invocation keeps polling before it returns (the schedule starts the next). */
  readonly runSeconds: number;
}

/** Configuration of the controller (the Lambda reads it from its environment). */
export interface ControllerConfig {
  /** CloudWatch namespace of the controller's metrics. */
  readonly namespace: string;
  /** The accelerator's name, a metric dimension. */
  readonly accelerator: string;
  readonly regions: ControlledRegion[];
  /** Dial given to healthy Regions when every healthy Region is configured at 0 (the standbys of an active-passive app). */
  readonly failoverDial: number;
  /** `act` changes dials; `monitor` decides, logs and publishes what it would change, and changes nothing. */
  readonly mode?: 'act' | 'monitor';
  /** At most this many dial changes per run; the rest wait for the next run (a rail against a runaway decision). */
  readonly maxChangesPerRun?: number;
  /** Present when the controller polls deep-health URLs. */
  readonly deepHealth?: DeepHealthPolling;
}

/** The clients a run uses; tests pass clients pointed at emulators or mocks. */
export interface ControllerClients {
  /** Global Accelerator's API (us-west-2). */
  readonly globalAccelerator: GlobalAcceleratorClient;
  /** CloudWatch in a given Region, for the alarm states. */
  cloudwatchIn(region: string): CloudWatchClient;
  /** CloudWatch where the controller publishes its metrics (its own Region). */
  readonly metrics: CloudWatchClient;
  /** SSM where the routing intents live. */
  readonly ssm?: SSMClient;
  /** Epoch ms. */
  readonly now?: () => number;
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' | 'UNREADABLE';

/** One dial change, or one refused drain. */
export interface DialChange {
  readonly region: string;
  readonly from: number;
  readonly to: number;
  readonly reason: string;
}

/** What one run decided and did. */
export interface ControllerResult {
  readonly trigger: string;
  readonly mode: 'act' | 'monitor';
  readonly states: Record<string, AlarmState>;
  readonly dials: Record<string, number>;
  /** Changes made (act), or that would have been made (monitor). */
  readonly changes: DialChange[];
  /** Drains refused because no Region would be left serving (never take the last serving Region out). */
  readonly refused: DialChange[];
  /** Regions whose dial the controller left alone because their intent holds them, with the holder. */
  readonly held: Record<string, string>;
  /** Changes past the step limit, left for the next run. */
  readonly deferred: DialChange[];
  /** Changes whose UpdateEndpointGroup call failed. */
  readonly failed: Array<DialChange & { error: string }>;
  /** Set when the intents could not be read: the run then changes nothing. */
  readonly intentError?: string;
}

/** A decision: the changes, the refused drains and the held Regions. */
export interface Decision {
  readonly changes: DialChange[];
  readonly refused: DialChange[];
  readonly held: Record<string, string>;
}

/**
 * The dials the Regions should have, from their health states, current dials and holds. Pure.
 * - Held (a recorded intent by the drill, a Region switch step or an operator): the current dial,
 *   whatever the health says; the holder owns the Region's routing.
 * - OK: the configured dial (standbys stay at 0), except that when every OK Region that is not
 *   held is configured at 0 and no held Region serves, they get `failoverDial` (the standby takes
 *   over from a failed primary).
 * - ALARM: 0.
 * - INSUFFICIENT_DATA or unreadable: the current dial (no evidence either way).
 * Then the fail-open rail, as Route 53 and Global Accelerator route to every endpoint when none is
 * healthy: when after the changes no Region would serve (dial above 0 and healthy), no dial is
 * lowered; the drains are reported as refused.
 */
export function decide(config: ControllerConfig, states: Record<string, AlarmState>, dials: Record<string, number>, holds: Record<string, string> = {}): Decision {
  const isHeldRegion = (region: string) => holds[region] !== undefined;
  const free = config.regions.filter((r) => !isHeldRegion(r.region));
  const healthyFree = free.filter((r) => states[r.region] === 'OK');
  const heldServing = config.regions.some((r) => isHeldRegion(r.region) && states[r.region] === 'OK' && (dials[r.region] ?? 0) > 0);
  const promote = healthyFree.length > 0 && healthyFree.every((r) => r.configuredDial === 0) && !heldServing;
  const desired: Record<string, number> = {};
  const reasons: Record<string, string> = {};
  const held: Record<string, string> = {};
  for (const r of config.regions) {
    const current = dials[r.region];
    const state = states[r.region];
    const what = describeSignals(r);
    if (isHeldRegion(r.region)) {
      held[r.region] = holds[r.region];
      desired[r.region] = current;
      continue;
    }
    if (state === 'OK') {
      desired[r.region] = promote ? config.failoverDial : r.configuredDial;
      reasons[r.region] = promote
        ? `${what} OK and every healthy Region is a standby (configured dial 0): dial raised to ${config.failoverDial}`
        : `${what} OK: configured dial ${r.configuredDial}`;
    } else if (state === 'ALARM') {
      desired[r.region] = 0;
      reasons[r.region] = `${what} unhealthy: drained`;
    } else {
      desired[r.region] = current;
    }
  }
  const servingAfter = config.regions.filter((r) => (desired[r.region] ?? 0) > 0 && states[r.region] === 'OK');
  const changes: DialChange[] = [];
  const refused: DialChange[] = [];
  for (const r of config.regions) {
    const current = dials[r.region];
    const want = desired[r.region];
    if (current === undefined || want === undefined || want === current) continue;
    if (want < current && servingAfter.length === 0) {
      refused.push({ region: r.region, from: current, to: current, reason: `${describeSignals(r)} says drain, but no Region would be left serving: kept at ${current} (never the last serving Region; Route 53 and Global Accelerator fail open the same way)` });
      continue;
    }
    changes.push({ region: r.region, from: current, to: want, reason: want < current && servingAfter.length > 0
      ? `${reasons[r.region]} while ${servingAfter.map((h) => h.region).join(', ')} ${servingAfter.length === 1 ? 'serves' : 'serve'}` : reasons[r.region] });
  }
  // Raise before lowering, so capacity never dips below what the decision keeps.
  changes.sort((a, b) => (b.to - b.from) - (a.to - a.from));
  return { changes, refused, held };
}

function describeSignals(r: ControlledRegion): string {
  return [r.alarmName ? `alarm ${r.alarmName}` : undefined, r.deepHealthUrl ? 'deep health' : undefined].filter(Boolean).join(' and ') || 'health';
}

/**
 * One Region's state from its signals: ALARM when any signal says unhealthy, OK when every signal
 * it has says OK, else the state that keeps its dial (no evidence).
 */
export function combineStates(...states: Array<AlarmState | undefined>): AlarmState {
  const known = states.filter((s): s is AlarmState => s !== undefined);
  if (known.length === 0) return 'UNREADABLE';
  if (known.includes('ALARM')) return 'ALARM';
  if (known.every((s) => s === 'OK')) return 'OK';
  return known.includes('UNREADABLE') ? 'UNREADABLE' : 'INSUFFICIENT_DATA';
}

/** The state of one alarm; UNREADABLE when the call fails or the alarm is missing. Never throws. */
export async function readAlarmState(cloudwatch: CloudWatchClient, alarmName: string): Promise<AlarmState> {
  try {
    const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [alarmName], AlarmTypes: ['MetricAlarm', 'CompositeAlarm'] }));
    const state = out.MetricAlarms?.[0]?.StateValue ?? out.CompositeAlarms?.[0]?.StateValue;
    return state === 'OK' || state === 'ALARM' || state === 'INSUFFICIENT_DATA' ? state : 'UNREADABLE';
  } catch {
    return 'UNREADABLE';
  }
}

/**
 * The metrics of one run (decision metrics): each Region's applied dial, every change made or
 * (monitor) decided, by direction, every refusal, every change past the step limit, and the held Regions.
 */
export function controllerMetricData(config: ControllerConfig, result: Omit<ControllerResult, 'failed'>, applied: Record<string, number>, timestamp: Date): MetricDatum[] {
  const acc = { Name: 'Accelerator', Value: config.accelerator };
  const dims = (region: string) => [acc, { Name: 'Region', Value: region }];
  const data: MetricDatum[] = [];
  for (const r of config.regions) {
    if (applied[r.region] !== undefined) data.push({ MetricName: 'TrafficDial', Dimensions: dims(r.region), Value: applied[r.region], Unit: StandardUnit.Percent, Timestamp: timestamp });
    data.push({ MetricName: 'RegionHeld', Dimensions: dims(r.region), Value: result.held[r.region] !== undefined ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp });
  }
  const monitor = result.mode === 'monitor';
  for (const c of result.changes) {
    const drain = c.to < c.from;
    const name = monitor ? (drain ? 'WouldDrain' : 'WouldRestore') : (drain ? 'RegionDrained' : 'RegionRestored');
    data.push({ MetricName: name, Dimensions: dims(c.region), Value: 1, Unit: StandardUnit.Count, Timestamp: timestamp });
  }
  data.push({ MetricName: 'ChangesDecided', Dimensions: [acc], Value: result.changes.length + result.deferred.length, Unit: StandardUnit.Count, Timestamp: timestamp });
  data.push({ MetricName: 'ChangesDeferred', Dimensions: [acc], Value: result.deferred.length, Unit: StandardUnit.Count, Timestamp: timestamp });
  data.push({ MetricName: 'DrainRefused', Dimensions: [acc], Value: result.refused.length, Unit: StandardUnit.Count, Timestamp: timestamp });
  data.push({ MetricName: 'IntentUnreadable', Dimensions: [acc], Value: result.intentError ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp });
  return data;
}

/**
 * One run: read every Region's health (alarm state, and the deep-health state the poller passes
 * in), endpoint-group dial and recorded intent; decide; apply at most `maxChangesPerRun` changes
 * with UpdateEndpointGroup (raises first) unless in monitor mode; log each decision and publish
 * the metrics. Idempotent: the current states, not the triggering event, decide. When the intents
 * cannot be read the run changes nothing (a hold it cannot see must not be overridden).
 */
export async function reconcile(config: ControllerConfig, clients: ControllerClients, trigger: string, log: (line: string) => void = console.log,
  deepHealthStates: Record<string, AlarmState> = {}): Promise<ControllerResult> {
  const now = (clients.now ?? Date.now)();
  const mode = config.mode ?? 'act';
  const states: Record<string, AlarmState> = {};
  const dials: Record<string, number> = {};
  await Promise.all(config.regions.map(async (r) => {
    const alarm = r.alarmName ? await readAlarmState(clients.cloudwatchIn(r.alarmRegion ?? r.region), r.alarmName) : undefined;
    const polled = r.deepHealthUrl ? (deepHealthStates[r.region] ?? 'INSUFFICIENT_DATA') : undefined;
    states[r.region] = combineStates(alarm, polled);
    try {
      const out = await clients.globalAccelerator.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: r.endpointGroupArn }));
      const dial = out.EndpointGroup?.TrafficDialPercentage;
      if (dial !== undefined) dials[r.region] = dial;
    } catch (err) {
      log(JSON.stringify({ controller: 'accelerator', event: 'describe-failed', region: r.region, error: describeError(err) }));
    }
  }));
  const holds: Record<string, string> = {};
  let intentError: string | undefined;
  const names = Object.fromEntries(config.regions.filter((r) => r.intentParameter).map((r) => [r.region, r.intentParameter!]));
  if (Object.keys(names).length > 0) {
    try {
      if (!clients.ssm) throw new Error('no SSM client');
      const intents = await readIntents(clients.ssm, names);
      for (const [region, intent] of Object.entries(intents)) {
        if (isHeld(intent, now)) holds[region] = `${intent.by ?? 'unknown'}${intent.why ? `: ${intent.why}` : ''}`;
      }
    } catch (err) {
      intentError = describeError(err);
      log(JSON.stringify({ controller: 'accelerator', event: 'intents-unreadable', trigger, error: intentError }));
    }
  }
  const decision = intentError ? { changes: [], refused: [], held: {} } : decide(config, states, dials, holds);
  const limit = config.maxChangesPerRun ?? Number.MAX_SAFE_INTEGER;
  const planned = decision.changes.slice(0, limit);
  const deferred = decision.changes.slice(limit);
  const applied: Record<string, number> = { ...dials };
  const done: DialChange[] = [];
  const failed: Array<DialChange & { error: string }> = [];
  for (const c of planned) {
    const group = config.regions.find((r) => r.region === c.region)!;
    if (mode === 'monitor') {
      done.push(c);
      log(JSON.stringify({ controller: 'accelerator', event: 'would-change-dial', mode, trigger, ...c }));
      continue;
    }
    try {
      await clients.globalAccelerator.send(new UpdateEndpointGroupCommand({ EndpointGroupArn: group.endpointGroupArn, TrafficDialPercentage: c.to }));
      applied[c.region] = c.to;
      done.push(c);
      log(JSON.stringify({ controller: 'accelerator', event: 'dial-changed', trigger, ...c, endpointGroupArn: group.endpointGroupArn }));
    } catch (err) {
      failed.push({ ...c, error: describeError(err) });
      log(JSON.stringify({ controller: 'accelerator', event: 'dial-change-failed', trigger, ...c, error: describeError(err) }));
    }
  }
  for (const r of decision.refused) log(JSON.stringify({ controller: 'accelerator', event: 'drain-refused', trigger, ...r }));
  for (const c of deferred) log(JSON.stringify({ controller: 'accelerator', event: 'change-deferred', trigger, limit, ...c }));
  for (const [region, by] of Object.entries(decision.held)) log(JSON.stringify({ controller: 'accelerator', event: 'region-held', trigger, region, by }));
  const result = { trigger, mode, states, dials, changes: done, refused: decision.refused, held: decision.held, deferred, intentError };
  await publishMetrics(clients.metrics, config.namespace, controllerMetricData(config, result, applied, new Date(now)), { log });
  return { ...result, failed };
}

/**
 * Consecutive-result counters of the deep-health URLs: a Region turns ALARM after `failures`
 * failed polls in a row and OK after as many good ones; until then its state is INSUFFICIENT_DATA
 * (which keeps its dial). Kept in the function's memory between warm invocations.
 */
export class DeepHealthTracker {
  private readonly streaks = new Map<string, { ok: boolean; count: number }>();
  private readonly states = new Map<string, AlarmState>();

  constructor(private readonly failures: number) {}

  /** Records one poll result; returns true when the Region's state changed. */
  public record(region: string, ok: boolean): boolean {
    const prev = this.streaks.get(region);
    const streak = prev && prev.ok === ok ? { ok, count: prev.count + 1 } : { ok, count: 1 };
    this.streaks.set(region, streak);
    const before = this.state(region);
    if (streak.count >= this.failures) this.states.set(region, ok ? 'OK' : 'ALARM');
    return this.state(region) !== before;
  }

  public state(region: string): AlarmState {
    return this.states.get(region) ?? 'INSUFFICIENT_DATA';
  }

  public all(): Record<string, AlarmState> {
    return Object.fromEntries([...this.streaks.keys()].map((r) => [r, this.state(r)]));
  }
}

/** One poll of a deep-health URL: true for a 2xx within the timeout. Never throws. */
export async function pollDeepHealth(url: string, timeoutSeconds: number, fetchFn: typeof fetch = fetch): Promise<boolean> {
  try {
    const res = await fetchFn(url, { method: 'GET', signal: AbortSignal.timeout(timeoutSeconds * 1000), redirect: 'manual' });
    await res.arrayBuffer().catch(() => undefined);
    return res.status >= 200 && res.status < 300;
  } catch {
    return false;
  }
}

/** What the poll loop needs beyond the run's clients. */
export interface PollLoopDeps {
  readonly fetch?: typeof fetch;
  readonly sleep?: (ms: number) => Promise<void>;
}

/**
 * One invocation with deep-health polling: reconciles once, then polls every URL every
 * `pollSeconds` until `runSeconds` have passed, and reconciles again whenever a Region's polled
 * state changes. Returns the last run's result.
 */
export async function pollAndReconcile(config: ControllerConfig, clients: ControllerClients, tracker: DeepHealthTracker, trigger: string,
  log: (line: string) => void = console.log, deps: PollLoopDeps = {}): Promise<ControllerResult> {
  const polling = config.deepHealth!;
  const now = clients.now ?? Date.now;
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  const start = now();
  let last = await reconcile(config, clients, trigger, log, tracker.all());
  const urls = config.regions.filter((r) => r.deepHealthUrl);
  for (let tick = 1; ; tick++) {
    const next = start + tick * polling.pollSeconds * 1000;
    if (next - start > polling.runSeconds * 1000) break;
    const wait = next - now();
    if (wait > 0) await sleep(wait);
    const results = await Promise.all(urls.map(async (r) => ({ region: r.region, ok: await pollDeepHealth(r.deepHealthUrl!, polling.timeoutSeconds, deps.fetch) })));
    const changed = results.filter((x) => tracker.record(x.region, x.ok));
    if (changed.length > 0) {
      log(JSON.stringify({ controller: 'accelerator', event: 'deep-health-changed', regions: Object.fromEntries(changed.map((c) => [c.region, tracker.state(c.region)])) }));
      last = await reconcile(config, clients, `deep health of ${changed.map((c) => c.region).join(', ')} is ${changed.map((c) => tracker.state(c.region)).join(', ')}`, log, tracker.all());
    }
  }
  return last;
}

/** Parses and checks the configuration. */
export function parseControllerConfig(json: string | undefined): ControllerConfig {
  if (!json) throw new Error('ACCELERATOR_CONTROLLER_CONFIG is not set; the AcceleratorRouting construct sets it.');
  const config = JSON.parse(json) as ControllerConfig;
  if (!config.namespace || !Array.isArray(config.regions) || config.regions.length === 0) {
    throw new Error('ACCELERATOR_CONTROLLER_CONFIG needs namespace and regions.');
  }
  return config;
}

/** A short description of what invoked the run (an alarm state change, or the schedule). */
export function describeTrigger(event: unknown): string {
  const e = event as { 'detail-type'?: string; region?: string; detail?: { alarmName?: string; state?: { value?: string } } } | undefined;
  if (e?.['detail-type'] === 'CloudWatch Alarm State Change') {
    return `alarm ${e.detail?.alarmName} in ${e.region} is ${e.detail?.state?.value}`;
  }
  if (e?.['detail-type'] === 'Scheduled Event') return 'reconcile schedule';
  return 'manual';
}
