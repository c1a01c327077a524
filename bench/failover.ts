/**
 * `npm run bench:failover`: the detection chain of a Region failure, measured, against the
 * failover budget's terms for the same settings. Printed, never asserted.
 *
 * On loopback: LocalStack (the harness's, host mode) for CloudWatch, which evaluates alarms;
 * a local HTTP server as the health target, taken down at a known time; the health probe's core
 * publishing RegionHealthy every interval; an alarm shaped like HealthProbe's Region-unhealthy
 * alarm (2 of 3 periods); the accelerator controller's core on its reconcile schedule, reading
 * the alarms from LocalStack. Global Accelerator is an SDK mock (no emulator serves it), so the
 * dial's propagation inside Global Accelerator is not measured.
 *
 * First, the data-plane chain the default app uses: the deep-health handler's core (5 s cache,
 * 1.5 s timeout) in front of a PostgreSQL server of its own, which is stopped at a known time;
 * the handler is polled every 100 ms (when its answer turns 503), and checkers following ELB's
 * rule (every 5 s, 2 failures) and Route 53's (every 10 s after each answer, 2 failures) read it.
 * The checkers are this bench's own code applying AWS's documented rules, not AWS; Route 53's and
 * Global Accelerator's reaction times are AWS's figures (ASSUMED in the budget), not measured.
 *
 * Then the alarm chain (probes, alarm, controller). The app runs the probe and the alarm period at 60 s; the bench scales both to 10 s (and the
 * reconcile schedule to 10 s) so a run takes about a minute. The budget's terms scale with them.
 */
import { buildChecks, DeepHealth } from '../lambda/deep-health/health';
import { startLocalStack } from '../test/integ/harness/localstack';
import { startPostgresPair } from '../test/integ/harness/postgres';
import { ChainResult, runFailoverChain } from '../test/integ/failover/failover-chain';

const INTERVAL_S = 10;
const M = 2;
const N = 3;
const RECONCILE_S = 10;

function seconds(ms: number | undefined): string {
  return ms === undefined ? 'not reached' : `${(ms / 1000).toFixed(1)} s`;
}

function print(result: ChainResult): void {
  const first = (prefix: string) => result.events.find((e) => e.event.startsWith(prefix))?.atMs;
  const published = first('unhealthy datapoint published');
  const alarm = first('alarm us-east-1 ALARM');
  const drained = first('controller set us-east-1 dial 100 -> 0');
  console.log('\nEvents (ms after the target went down):');
  for (const e of result.events) console.log(`  ${String(e.atMs).padStart(7)}  ${e.event}`);
  const budgetAlarm = INTERVAL_S + M * INTERVAL_S;
  const budgetController = budgetAlarm + RECONCILE_S;
  console.log(`\nSettings: probe every ${INTERVAL_S} s, alarm ${M} of ${N} periods of ${INTERVAL_S} s, controller reconciles every ${RECONCILE_S} s`);
  console.log('Term                                               measured     budget (same settings)');
  console.log(`  failure -> first unhealthy datapoint published   ${seconds(published).padEnd(12)} <= ${INTERVAL_S} s + the probe's run (publishing interval; the run is bounded by the probe's Lambda timeout)`);
  console.log(`  failure -> alarm rule met (own evaluation)       ${seconds(result.ruleAlarmAtMs).padEnd(12)} <= ${budgetAlarm} s + the probe's run (interval ${INTERVAL_S} + ${M} x ${INTERVAL_S}: the rule over the published datapoints, evaluated at the end of each period as CloudWatch documents)`);
  console.log(`  failure -> alarm in ALARM (LocalStack)           ${seconds(alarm).padEnd(12)} <= ${budgetAlarm} s in AWS; LocalStack evaluates on its own schedule (StateUpdatedTimestamp)`);
  console.log(`  alarm -> controller drained the Region           ${seconds(drained !== undefined && alarm !== undefined ? drained - alarm : undefined).padEnd(12)} <= ${RECONCILE_S} s + run (reconcile schedule; run bound 15 s, the controller's timeout)`);
  const runs = result.events.filter((e) => e.event.startsWith('controller set'));
  console.log(`  controller actions: ${runs.map((e) => e.event).join('; ')}`);
  console.log(`  failure -> controller drained the Region         ${seconds(drained).padEnd(12)} <= ${budgetController} s + run + dial propagation (not measured: Global Accelerator is mocked)`);
  console.log('\nWith the app\'s settings (60 s), the budget\'s accelerator alarm branch is 60 + 25 (probe run) + 2 x 60 + 60 + 15 + 30 (assumed) = 310 s, DNS 325 s; see cdk.out/failover-budget.md.');
}

/** The deep-health chain of the default app, measured where it runs locally. */
async function deepHealthChain(): Promise<void> {
  const pg = await startPostgresPair({ name: `bench-deep-health-${process.pid}` });
  try {
    const config = { region: 'us-east-1', cacheMs: 5000, deadlineMs: 1500, checkTimeoutMs: 1500, aurora: { host: '127.0.0.1' } };
    const health = new DeepHealth(buildChecks(config, { auroraConnect: async () => ({ connectionString: pg.standbyUrl }) }), config);
    // Warm: a healthy answer is cached, as it would be under Route 53's checkers.
    if (!(await health.get()).healthy) throw new Error('the deep-health check is not healthy before the failure');
    const answers: Array<{ atMs: number; healthy: boolean }> = [];
    const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
    const t0 = Date.now();
    await pg.standby.stop();
    let stop = false;
    const poll = (async () => {
      while (!stop) {
        const r = await health.get();
        answers.push({ atMs: Date.now() - t0, healthy: r.healthy });
        await sleep(100);
      }
    })();
    // A checker sends a request every `intervalMs` (ELB: whatever the answer took; Route 53: after
    // each answer) and counts consecutive failures up to `threshold`.
    const checker = async (intervalMs: number, threshold: number, afterAnswer: boolean) => {
      let failures = 0;
      await sleep(Math.random() * intervalMs); // the failure lands anywhere within an interval
      for (;;) {
        const sent = Date.now();
        const r = await health.get();
        failures = r.healthy ? 0 : failures + 1;
        if (failures >= threshold) return Date.now() - t0;
        await sleep(afterAnswer ? intervalMs : Math.max(0, intervalMs - (Date.now() - sent)));
      }
    };
    const [elb, route53] = await Promise.all([checker(5000, 2, false), checker(10_000, 2, true)]);
    stop = true;
    await poll;
    const first503 = answers.find((a) => !a.healthy)?.atMs;
    const row = (term: string, measured: string, budget: string, how: string) => console.log(`  ${term.padEnd(56)} ${measured.padEnd(12)} ${budget.padEnd(8)} ${how}`);
    console.log('\nDeep health on the data plane (default app settings), seconds after the database stopped:');
    console.log(`  ${'term'.padEnd(56)} ${'measured'.padEnd(12)} ${'budget'.padEnd(8)} how`);
    row('database stopped -> handler answers 503', seconds(first503), '5 s', 'measured: the cache term (5 s) plus one evaluation');
    row('-> ELB rule (2 x 5 s + 3 s timeout) marks it unhealthy', seconds(elb), '18 s', 'simulated: ELB\'s documented rule over the handler\'s answers (cache + 13 s)');
    row('-> Route 53 rule (2 x (10 s + 6 s)) marks it unhealthy', seconds(route53), '37 s', 'simulated: Route 53\'s documented rule over the handler\'s answers (cache + 32 s)');
    row('Global Accelerator acts on target health', 'not measured', '30 s', 'AWS\'s figure ("about 30 seconds"), ASSUMED');
    row('Route 53 acts on the health change', 'not measured', '60 s', 'AWS\'s closest figure (changes propagate within 60 s), ASSUMED');
    row('resolver cache: CNAME TTL', 'not measured', '10 s', 'configured (DnsRouting ttl)');
    console.log('  Accelerator path: 18 + 30 = 48 s; DNS path: max(32, 37) + 60 + 10 = 107 s (cdk.out/failover-budget.md).');
  } finally {
    await pg.stop();
  }
}

async function main(): Promise<void> {
  await deepHealthChain();
  if (process.env.BENCH_DEEP_HEALTH_ONLY === '1') return;
  const localstack = await startLocalStack();
  try {
    console.log(`LocalStack ${localstack.version} on ${localstack.endpoint}`);
    const result = await runFailoverChain({
      endpoint: localstack.endpoint, intervalMs: INTERVAL_S * 1000, datapointsToAlarm: M, evaluationPeriods: N, reconcileMs: RECONCILE_S * 1000,
      healthyRuns: 2, recover: true, timeoutMs: 240_000,
    });
    print(result);
  } finally {
    await localstack.stop();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });
