import { CloudWatchClient, DescribeAlarmsCommand, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { describeError, publishMetrics } from '../shared/metrics';

/** One Region the controller steers: its health alarm and its endpoint group. */
export interface ControlledRegion {
  readonly region: string;
  readonly alarmName: string;
  /** The Region the alarm lives in. */
  readonly alarmRegion: string;
  readonly endpointGroupArn: string;
  /** The traffic dial the app configures for the Region (restored when its alarm clears). */
  readonly configuredDial: number;
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
}

/** The clients a run uses; tests pass clients pointed at emulators or mocks. */
export interface ControllerClients {
  /** Global Accelerator's API (us-west-2). */
  readonly globalAccelerator: GlobalAcceleratorClient;
  /** CloudWatch in a given Region, for the alarm states. */
  cloudwatchIn(region: string): CloudWatchClient;
  /** CloudWatch where the controller publishes its metrics (its own Region). */
  readonly metrics: CloudWatchClient;
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
  readonly states: Record<string, AlarmState>;
  readonly dials: Record<string, number>;
  readonly changes: DialChange[];
  /** Regions in ALARM that were kept because no other Region is healthy (never take the last healthy Region out). */
  readonly refused: DialChange[];
  /** Changes whose UpdateEndpointGroup call failed. */
  readonly failed: Array<DialChange & { error: string }>;
}

/**
 * The dials the Regions should have, from their alarm states and current dials. Pure.
 * - OK: the configured dial (standbys stay at 0), except that when every OK Region is configured
 *   at 0 they get `failoverDial` (the standby takes over from a failed primary).
 * - ALARM: 0, unless no Region is OK; then every dial stays (never take the last healthy Region out).
 * - INSUFFICIENT_DATA or unreadable: the current dial (no evidence either way).
 */
export function decide(config: ControllerConfig, states: Record<string, AlarmState>, dials: Record<string, number>): { changes: DialChange[]; refused: DialChange[] } {
  const healthy = config.regions.filter((r) => states[r.region] === 'OK');
  const promote = healthy.length > 0 && healthy.every((r) => r.configuredDial === 0);
  const changes: DialChange[] = [];
  const refused: DialChange[] = [];
  for (const r of config.regions) {
    const current = dials[r.region];
    const state = states[r.region];
    let desired = current;
    let reason = `alarm ${r.alarmName} is ${state}: dial kept`;
    if (state === 'OK') {
      desired = promote ? config.failoverDial : r.configuredDial;
      reason = promote
        ? `alarm ${r.alarmName} is OK and every healthy Region is a standby (configured dial 0): dial raised to ${config.failoverDial}`
        : `alarm ${r.alarmName} is OK: configured dial ${r.configuredDial}`;
    } else if (state === 'ALARM') {
      if (healthy.length === 0) {
        if (current > 0) {
          refused.push({ region: r.region, from: current, to: current, reason: `alarm ${r.alarmName} is ALARM, but no Region is healthy by its alarm: kept at ${current} (never the last healthy Region)` });
        }
      } else {
        desired = 0;
        reason = `alarm ${r.alarmName} is ALARM: drained while ${healthy.map((h) => h.region).join(', ')} ${healthy.length === 1 ? 'is' : 'are'} healthy`;
      }
    }
    if (current !== undefined && desired !== current) changes.push({ region: r.region, from: current, to: desired, reason });
  }
  // Raise before lowering, so capacity never dips below what the decision keeps.
  changes.sort((a, b) => (b.to - b.from) - (a.to - a.from));
  return { changes, refused };
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

/** The metrics of one run: every change (count, by direction), every refusal, and each Region's dial. */
export function controllerMetricData(config: ControllerConfig, result: Omit<ControllerResult, 'failed'>, applied: Record<string, number>, timestamp: Date): MetricDatum[] {
  const dims = (region: string) => [{ Name: 'Accelerator', Value: config.accelerator }, { Name: 'Region', Value: region }];
  const data: MetricDatum[] = [];
  for (const r of config.regions) {
    if (applied[r.region] !== undefined) data.push({ MetricName: 'TrafficDial', Dimensions: dims(r.region), Value: applied[r.region], Unit: StandardUnit.Percent, Timestamp: timestamp });
  }
  for (const c of result.changes) {
    data.push({ MetricName: c.to < c.from ? 'RegionDrained' : 'RegionRestored', Dimensions: dims(c.region), Value: 1, Unit: StandardUnit.Count, Timestamp: timestamp });
  }
  data.push({ MetricName: 'DrainRefused', Dimensions: [{ Name: 'Accelerator', Value: config.accelerator }], Value: result.refused.length, Unit: StandardUnit.Count, Timestamp: timestamp });
  return data;
}

/**
 * One run: read every Region's alarm state and endpoint-group dial, decide, apply the changes
 * with UpdateEndpointGroup (raises first), log each change and publish the metrics. Idempotent:
 * the alarm states, not the triggering event, decide, so a late or repeated event does no harm.
 */
export async function reconcile(config: ControllerConfig, clients: ControllerClients, trigger: string, log: (line: string) => void = console.log): Promise<ControllerResult> {
  const states: Record<string, AlarmState> = {};
  const dials: Record<string, number> = {};
  await Promise.all(config.regions.map(async (r) => {
    states[r.region] = await readAlarmState(clients.cloudwatchIn(r.alarmRegion), r.alarmName);
    try {
      const out = await clients.globalAccelerator.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: r.endpointGroupArn }));
      const dial = out.EndpointGroup?.TrafficDialPercentage;
      if (dial !== undefined) dials[r.region] = dial;
    } catch (err) {
      log(JSON.stringify({ controller: 'accelerator', event: 'describe-failed', region: r.region, error: describeError(err) }));
    }
  }));
  const { changes, refused } = decide(config, states, dials);
  const applied: Record<string, number> = { ...dials };
  const done: DialChange[] = [];
  const failed: Array<DialChange & { error: string }> = [];
  for (const c of changes) {
    const group = config.regions.find((r) => r.region === c.region)!;
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
  for (const r of refused) log(JSON.stringify({ controller: 'accelerator', event: 'drain-refused', trigger, ...r }));
  const result = { trigger, states, dials, changes: done, refused };
  await publishMetrics(clients.metrics, config.namespace, controllerMetricData(config, result, applied, new Date()), { log });
  return { ...result, failed };
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
