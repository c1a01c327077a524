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
 * The app runs the probe and the alarm period at 60 s; the bench scales both to 10 s (and the
 * reconcile schedule to 10 s) so a run takes about a minute. The budget's terms scale with them.
 */
import { startLocalStack } from '../test/integ/harness/localstack';
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

async function main(): Promise<void> {
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
