/**
 * The detection chain of a Region failure, end to end on loopback: a health target (a local HTTP
 * server) goes down at a known time; the health probe's core publishes RegionHealthy to
 * LocalStack's CloudWatch every `intervalMs`; an alarm shaped like HealthProbe's Region-unhealthy
 * alarm (M of N periods below 1, missing data not breaching) goes to ALARM; the accelerator
 * controller's core, run on its reconcile schedule, reads the alarm states from LocalStack and
 * sets the failed Region's traffic dial to 0. Global Accelerator is an SDK mock: neither
 * LocalStack's open-source runtime nor moto serves it.
 *
 * Shared by the integration test (order of events) and `npm run bench:failover` (times).
 */
import * as http from 'http';
import { CloudWatchClient, DeleteAlarmsCommand, DescribeAlarmsCommand, PutMetricAlarmCommand } from '@aws-sdk/client-cloudwatch';
import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { mockClient } from 'aws-sdk-client-mock';
import { ControllerConfig, reconcile } from '../../../lambda/accelerator-controller/controller';
import { HealthProbeConfig, runHealthProbe } from '../../../lambda/health-probe/probe';

export interface ChainSettings {
  /** CloudWatch endpoint (LocalStack). */
  readonly endpoint: string;
  /** Probe schedule = alarm period, ms (the app uses 60 000; the bench scales it down). */
  readonly intervalMs: number;
  /** The alarm's M of N. */
  readonly datapointsToAlarm: number;
  readonly evaluationPeriods: number;
  /** The controller's reconcile schedule, ms. */
  readonly reconcileMs: number;
  /** Healthy probe runs before the target goes down. */
  readonly healthyRuns: number;
  /** Whether to bring the target back and wait for the restore. */
  readonly recover: boolean;
  /** Give up after this long, ms. */
  readonly timeoutMs: number;
}

/** One event of the chain, in ms since the target went down (negative: before). */
export interface ChainEvent {
  readonly event: string;
  readonly atMs: number;
}

/** What the chain measured. */
export interface ChainResult {
  readonly events: ChainEvent[];
  /** The probe runs: when, and whether the Region was healthy. */
  readonly datapoints: Array<{ atMs: number; healthy: boolean }>;
  /** When evaluating the alarm's own rule over the published datapoints says ALARM (ms since down). */
  readonly ruleAlarmAtMs?: number;
  readonly settings: ChainSettings;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * The alarm's rule over the datapoints, as CloudWatch evaluates it: at each evaluation, the last
 * N periods; ALARM when M of them have a breaching (unhealthy) datapoint; missing periods do not
 * breach. Returns the first evaluation time (period boundaries) that says ALARM.
 */
export function evaluateAlarmRule(datapoints: Array<{ atMs: number; healthy: boolean }>, startMs: number, periodMs: number, m: number, n: number): number | undefined {
  const last = Math.max(...datapoints.map((d) => d.atMs));
  for (let t = startMs + periodMs; t <= last + periodMs; t += periodMs) {
    let breaching = 0;
    for (let k = 1; k <= n; k++) {
      const from = t - k * periodMs;
      const inPeriod = datapoints.filter((d) => d.atMs >= from && d.atMs < from + periodMs);
      // Minimum over the period: one unhealthy run makes the period breach.
      if (inPeriod.length > 0 && inPeriod.some((d) => !d.healthy)) breaching++;
    }
    if (breaching >= m) return t;
  }
  return undefined;
}

export async function runFailoverChain(settings: ChainSettings): Promise<ChainResult> {
  const suffix = `${process.pid}-${Date.now()}`;
  const namespace = `Chain/${suffix}`;
  const regions = ['us-east-1', 'us-east-2'];
  let down = false;
  const server = http.createServer((_req, res) => {
    res.writeHead(down ? 503 : 200);
    res.end(down ? 'down' : 'ok');
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as { port: number }).port;
  const credentials = { accessKeyId: 'test', secretAccessKey: 'test' };
  const cloudwatch = new CloudWatchClient({ endpoint: settings.endpoint, region: 'us-east-1', credentials });
  const healthy = new http.Server((_q, s) => { s.writeHead(200); s.end('ok'); });
  await new Promise<void>((r) => healthy.listen(0, '127.0.0.1', r));
  const healthyPort = (healthy.address() as { port: number }).port;
  const probeConfig = (region: string): HealthProbeConfig => ({
    region, namespace, timeoutMs: 1000,
    targets: [{ name: 'api', url: region === regions[0] ? `http://127.0.0.1:${port}/health` : `http://127.0.0.1:${healthyPort}/health` }],
  });
  const alarmName = (region: string) => `chain-${suffix}-${region}-unhealthy`;
  for (const region of regions) {
    await cloudwatch.send(new PutMetricAlarmCommand({
      AlarmName: alarmName(region), Namespace: namespace, MetricName: 'RegionHealthy', Dimensions: [{ Name: 'Region', Value: region }],
      Statistic: 'Minimum', Period: settings.intervalMs / 1000, EvaluationPeriods: settings.evaluationPeriods, DatapointsToAlarm: settings.datapointsToAlarm,
      Threshold: 1, ComparisonOperator: 'LessThanThreshold', TreatMissingData: 'notBreaching',
    }));
  }

  const ga = mockClient(GlobalAcceleratorClient);
  const dials: Record<string, number> = { [regions[0]]: 100, [regions[1]]: 100 };
  const arn = (region: string) => `arn:aws:globalaccelerator::111111111111:accelerator/chain/listener/l/endpoint-group/${region}`;
  const regionOf = (a: string) => a.split('/').pop()!;
  const events: ChainEvent[] = [];
  let t0 = Number.NaN;
  const now = () => Date.now() - (Number.isNaN(t0) ? Date.now() : t0);
  ga.on(DescribeEndpointGroupCommand).callsFake((input) => ({ EndpointGroup: { EndpointGroupArn: input.EndpointGroupArn, TrafficDialPercentage: dials[regionOf(input.EndpointGroupArn)] } }));
  ga.on(UpdateEndpointGroupCommand).callsFake((input) => {
    const region = regionOf(input.EndpointGroupArn);
    events.push({ event: `controller set ${region} dial ${dials[region]} -> ${input.TrafficDialPercentage}`, atMs: now() });
    dials[region] = input.TrafficDialPercentage;
    return {};
  });
  const controllerConfig: ControllerConfig = {
    namespace: `${namespace}/Routing`, accelerator: 'chain', failoverDial: 100,
    regions: regions.map((region) => ({ region, alarmName: alarmName(region), alarmRegion: 'us-east-1', endpointGroupArn: arn(region), configuredDial: 100 })),
  };
  const clients = { globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2', credentials }), cloudwatchIn: () => cloudwatch, metrics: cloudwatch };

  const datapoints: Array<{ atMs: number; healthy: boolean }> = [];
  let stop = false;
  const started = Date.now();
  let lastState: Record<string, string> = {};
  const loops: Array<Promise<void>> = [];
  try {
    // The probe: every interval, both Regions.
    loops.push((async () => {
      for (let run = 0; !stop; run++) {
        const next = started + (run + 1) * settings.intervalMs;
        const [summary] = await Promise.all(regions.map((r) => runHealthProbe(probeConfig(r), { cloudwatch }, { publishAttempts: 2, log: () => undefined })));
        datapoints.push({ atMs: now(), healthy: summary.regionHealthy });
        if (run === settings.healthyRuns - 1) {
          // The worst alignment: the target fails right after a probe run, so the failure is
          // seen one full interval later.
          down = true;
          t0 = Date.now();
          events.push({ event: 'target down', atMs: 0 });
          datapoints[datapoints.length - 1] = { ...datapoints[datapoints.length - 1], atMs: -1 };
        }
        if (!summary.regionHealthy && !events.some((e) => e.event === 'unhealthy datapoint published')) events.push({ event: 'unhealthy datapoint published', atMs: now() });
        if (summary.regionHealthy && down === false && events.some((e) => e.event === 'target up') && !events.some((e) => e.event === 'healthy datapoint published')) {
          events.push({ event: 'healthy datapoint published', atMs: now() });
        }
        await sleep(Math.max(0, next - Date.now()));
      }
    })());
    // The alarm states, polled every second.
    loops.push((async () => {
      while (!stop) {
        const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: regions.map(alarmName) }));
        for (const a of out.MetricAlarms ?? []) {
          const region = regions.find((r) => alarmName(r) === a.AlarmName)!;
          // The alarm's own time of the change, not the time this poll saw it.
          if (lastState[region] !== a.StateValue && !Number.isNaN(t0)) {
            events.push({ event: `alarm ${region} ${a.StateValue}`, atMs: (a.StateUpdatedTimestamp?.getTime() ?? Date.now()) - t0 });
          }
          lastState = { ...lastState, [region]: a.StateValue! };
        }
        await sleep(1000);
      }
    })());
    // The controller on its reconcile schedule.
    loops.push((async () => {
      while (!stop) {
        await sleep(settings.reconcileMs);
        if (!Number.isNaN(t0)) await reconcile(controllerConfig, clients, 'reconcile schedule', () => undefined);
      }
    })());
    // The scenario.
    const deadline = Date.now() + settings.timeoutMs;
    const waitFor = async (what: (e: ChainEvent) => boolean) => {
      while (!events.some(what)) {
        if (Date.now() > deadline) throw new Error(`failover chain timed out; events so far: ${JSON.stringify(events)}`);
        await sleep(250);
      }
    };
    // The controller reads the alarm state itself and may act before the once-a-second poll above
    // has seen the change; each wait also waits for that poll (the event carries the alarm's own time).
    await waitFor((e) => e.event === `controller set ${regions[0]} dial 100 -> 0`);
    await waitFor((e) => e.event === `alarm ${regions[0]} ALARM`);
    if (settings.recover) {
      down = false;
      events.push({ event: 'target up', atMs: now() });
      await waitFor((e) => e.event === `controller set ${regions[0]} dial 0 -> 100`);
      await waitFor((e) => e.event === `alarm ${regions[0]} OK`);
    }
  } finally {
    stop = true;
    await Promise.allSettled(loops);
    ga.restore();
    server.close();
    healthy.close();
    await cloudwatch.send(new DeleteAlarmsCommand({ AlarmNames: regions.map(alarmName) })).catch(() => undefined);
  }
  const downStart = datapoints.filter((d) => d.atMs < 0).reduce((m, d) => Math.max(m, d.atMs), -settings.intervalMs);
  const ruleAlarmAtMs = evaluateAlarmRule(datapoints.filter((d) => d.atMs >= downStart), downStart, settings.intervalMs, settings.datapointsToAlarm, settings.evaluationPeriods);
  return { events: [...events].sort((a, b) => a.atMs - b.atMs), datapoints, ruleAlarmAtMs, settings };
}
