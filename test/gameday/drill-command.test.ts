import { DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';
import { mockClient } from 'aws-sdk-client-mock';
import { EXIT_FAILED, EXIT_OK, EXIT_REFUSED, formatPlan, runDrillCommand, stateMachineArnFromOutputs } from '../../lib/cli/drill-command';
import { parseDrillArgs } from '../../lib/cli/main';

/**
 * The drill command's core. Neither LocalStack's open-source runtime in host mode (its Step Functions
 * would need Lambda containers to run the drill's task states) nor moto (which does not run state
 * machines) can execute the drill, so these tests drive the command against an SDK mock of Step
 * Functions that replays an execution history: "[SFN mock]".
 */
const SM = 'arn:aws:states:us-west-2:111111111111:stateMachine:multi-region-region-drill';
const EXEC = 'arn:aws:states:us-west-2:111111111111:execution:multi-region-region-drill:drill-us-east-1';
const T0 = Date.parse('2026-05-01T10:00:00Z');

let n = 0;
function entered(name: string, s: number): HistoryEvent {
  return { id: ++n, type: 'TaskStateEntered', timestamp: new Date(T0 + s * 1000), stateEnteredEventDetails: { name } };
}
function exited(name: string, s: number, output?: unknown): HistoryEvent {
  return { id: ++n, type: 'TaskStateExited', timestamp: new Date(T0 + s * 1000), stateExitedEventDetails: { name, output: output === undefined ? undefined : JSON.stringify(output) } };
}

const PLAN = {
  region: 'us-east-1',
  survivors: ['us-east-2'],
  plan: [
    { kind: 'route53-health-check-inverted', resource: 'hc-1111', region: 'us-east-1', previous: false, target: true, status: 'pending' },
    { kind: 'accelerator-traffic-dial', resource: 'arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g1', region: 'us-east-1', previous: 100, target: 0, status: 'pending' },
  ],
  startedAt: T0,
};

function report(accelerator: number) {
  return {
    executionId: EXEC, region: 'us-east-1', outcome: 'succeeded', finishedAt: '2026-05-01T10:02:00.000Z',
    changes: PLAN.plan.map((c) => ({ ...c, status: 'restored' })),
    paths: [
      { path: 'dns', method: 'route53-health-check-status', measuredSeconds: 42, budgetSeconds: 60, withinBudget: true, notes: [] },
      { path: 'accelerator', method: 'global-accelerator-processed-bytes', measuredSeconds: accelerator, budgetSeconds: 30, withinBudget: accelerator <= 30, notes: [] },
    ],
    dataPath: [{ region: 'us-east-2', check: 'heartbeat', ok: true, detail: 'HTTP 200 in 35 ms' }],
    exceeded: accelerator > 30,
    reportBucket: 'drill-reports', reportKeys: { json: 'drills/us-east-1/x/report.json', markdown: 'drills/us-east-1/x/report.md' },
  };
}

/** A Step Functions mock whose execution runs through `history` in two polls and ends with `status`/`output`. */
function fakeSfn(history: HistoryEvent[], status: string, output?: unknown) {
  const sfn = new SFNClient({ region: 'us-west-2' });
  const mock = mockClient(sfn);
  mock.on(StartExecutionCommand).resolves({ executionArn: EXEC, startDate: new Date(T0) });
  let polls = 0;
  mock.on(GetExecutionHistoryCommand).callsFake(() => ({ events: polls === 0 ? history.slice(0, 2) : history }));
  mock.on(DescribeExecutionCommand).callsFake(() => (polls++ === 0
    ? { executionArn: EXEC, stateMachineArn: SM, status: 'RUNNING', startDate: new Date(T0) }
    : { executionArn: EXEC, stateMachineArn: SM, status, startDate: new Date(T0), output: output === undefined ? undefined : JSON.stringify(output) }));
  return { sfn, mock };
}

async function run(opts: { dryRun?: boolean; yes?: boolean; answer?: string }, history: HistoryEvent[], status: string, output?: unknown) {
  const { sfn, mock } = fakeSfn(history, status, output);
  const lines: string[] = [];
  const code = await runDrillCommand(
    { region: 'us-east-1', stateMachineArn: SM, dryRun: opts.dryRun, yes: opts.yes, pollMs: 0, executionName: 'drill-us-east-1' },
    { sfn, out: (l) => lines.push(l), ask: opts.answer === undefined ? undefined : async () => opts.answer, sleep: async () => undefined },
  );
  return { code, lines, mock };
}

describe('multi-region-cdk drill [SFN mock]', () => {
  test('--dry-run prints the plan of changes and starts an execution that only runs the preflight', async () => {
    const { code, lines, mock } = await run({ dryRun: true }, [entered('Preflight', 0), exited('Preflight', 1.4)], 'SUCCEEDED', PLAN);
    expect(code).toBe(EXIT_OK);
    expect(JSON.parse(mock.commandCalls(StartExecutionCommand)[0].args[0].input.input!)).toEqual({ region: 'us-east-1', confirmation: 'us-east-1', dryRun: true });
    expect(lines.join('\n')).toBe([
      `Dry run of us-east-1: ${EXEC}`,
      '+   0.0 s  > Preflight',
      '+   1.4 s  < Preflight (1.4 s)',
      '',
      'Plan of changes for an evacuation of us-east-1 (dry run: nothing was changed)',
      'Surviving Regions: us-east-2',
      '',
      'change                         Region     resource                                                                            now    during the drill',
      '-----------------------------  ---------  ----------------------------------------------------------------------------------  -----  ----------------',
      'route53-health-check-inverted  us-east-1  hc-1111                                                                             false  true',
      'accelerator-traffic-dial       us-east-1  arn:aws:globalaccelerator::111111111111:accelerator/a/listener/l/endpoint-group/g1  100    0',
      '',
      'Every change is restored at the end of the drill, also when a step fails, times out or the execution is stopped.',
    ].join('\n'));
  });

  test('--dry-run that the preflight refuses exits 2 with the reason', async () => {
    const history: HistoryEvent[] = [entered('Preflight', 0), { id: 99, type: 'TaskFailed', timestamp: new Date(T0 + 1000),
      taskFailedEventDetails: { resourceType: 'lambda', resource: 'invoke', error: 'DrillRefused', cause: JSON.stringify({ errorMessage: 'every other Region must be healthy before \'us-east-1\' is taken out, and us-east-2: x in ALARM.' }) } }];
    const { code, lines } = await run({ dryRun: true }, history, 'FAILED');
    expect(code).toBe(EXIT_REFUSED);
    expect(lines).toContain('+   1.0 s  ! TaskFailed: DrillRefused every other Region must be healthy before \'us-east-1\' is taken out, and us-east-2: x in ALARM.');
    expect(lines.slice(-1)[0]).toBe('Refused: DrillRefused: every other Region must be healthy before \'us-east-1\' is taken out, and us-east-2: x in ALARM.');
  });

  const fullRun = (accelerator: number) => [
    entered('Preflight', 0), exited('Preflight', 1), entered('TakeOut', 1), exited('TakeOut', 3), entered('Measure', 3), exited('Measure', 4),
    entered('Measure', 14), exited('Measure', 15), entered('CheckDataPath', 15), exited('CheckDataPath', 16), entered('Restore', 16), exited('Restore', 18),
    entered('Report', 18), exited('Report', 19, { report: report(accelerator) }),
  ];

  test('shows each step with its elapsed time, prints the report table and exits 0 within budget', async () => {
    const { code, lines } = await run({ yes: true }, fullRun(25), 'SUCCEEDED', report(25));
    expect(code).toBe(EXIT_OK);
    expect(lines.slice(1, 5)).toEqual(['+   0.0 s  > Preflight', '+   1.0 s  < Preflight (1.0 s)', '+   1.0 s  > TakeOut', '+   3.0 s  < TakeOut (2.0 s)']);
    expect(lines).toContain('+  18.0 s  < Restore (2.0 s)');
    const table = lines.slice(lines.indexOf('Drill of us-east-1: succeeded'));
    expect(table.slice(0, 6)).toEqual([
      'Drill of us-east-1: succeeded',
      '',
      'path         measured (s)  budget (s)  within budget  method',
      '-----------  ------------  ----------  -------------  ----------------------------------',
      'dns          42            60          yes            route53-health-check-status',
      'accelerator  25            30          yes            global-accelerator-processed-bytes',
    ]);
    expect(lines).toContain('Report: s3://drill-reports/drills/us-east-1/x/report.md (and report.json)');
  });

  test('exits 1 when a measured time exceeds the budget', async () => {
    const { code, lines } = await run({ yes: true }, fullRun(48), 'SUCCEEDED', report(48));
    expect(code).toBe(EXIT_FAILED);
    expect(lines).toContain('accelerator  48            30          NO             global-accelerator-processed-bytes');
    expect(lines.slice(-1)[0]).toBe('A path was slower than its failover budget, or never seen to move traffic.');
  });

  test('a drill that failed still prints the report the Report state wrote, and exits 1', async () => {
    const failed = { ...report(20), outcome: 'failed', error: 'States.Timeout: ' };
    const history = [...fullRun(20).slice(0, -1), exited('Report', 19, { report: failed })];
    const { code, lines } = await run({ yes: true }, history, 'FAILED');
    expect(code).toBe(EXIT_FAILED);
    expect(lines).toContain('Drill of us-east-1: failed (States.Timeout: )');
  });

  test('without --yes it asks for the Region\'s name and changes nothing on another answer', async () => {
    const { code, lines, mock } = await run({ answer: 'us-east-2' }, [], 'SUCCEEDED');
    expect(code).toBe(EXIT_REFUSED);
    expect(lines).toEqual(["Not confirmed ('us-east-2' is not 'us-east-1'); nothing was changed."]);
    expect(mock.commandCalls(StartExecutionCommand)).toHaveLength(0);
    const ok = await run({ answer: 'us-east-1' }, fullRun(25), 'SUCCEEDED', report(25));
    expect(ok.code).toBe(EXIT_OK);
  });

  test('without a terminal and without --yes it refuses', async () => {
    const { code, lines } = await run({}, [], 'SUCCEEDED');
    expect(code).toBe(EXIT_REFUSED);
    expect(lines).toEqual(['Not confirmed: run with --yes when there is no terminal to answer.']);
  });
});

describe('drill arguments', () => {
  test('parses the options, with the ARN from the environment as a fallback', () => {
    expect(parseDrillArgs(['drill', '--region', 'us-east-1', '--state-machine-arn', SM, '--dry-run'], {}))
      .toEqual({ region: 'us-east-1', stateMachineArn: SM, yes: false, dryRun: true });
    expect(parseDrillArgs(['drill', '--region=eu-west-1', '--yes'], { MULTI_REGION_DRILL_STATE_MACHINE_ARN: SM }))
      .toEqual({ region: 'eu-west-1', stateMachineArn: SM, yes: true, dryRun: false });
  });

  test('names what is wrong', () => {
    expect(parseDrillArgs(['drill', '--region', 'useast1', '--state-machine-arn', SM], {})).toEqual({ error: "--region 'useast1' is not a Region code such as us-east-1." });
    expect(parseDrillArgs(['drill', '--region', 'us-east-1'], {})).toMatchObject({ error: expect.stringMatching(/^--state-machine-arn '' is not a state machine ARN/) });
    expect(parseDrillArgs(['drill', '--force'], {})).toEqual({ error: "unknown option '--force'." });
    expect(parseDrillArgs(['evacuate'], {})).toEqual({ error: "unknown command 'evacuate'." });
  });

  test('finds the state machine from the drill stack\'s outputs', () => {
    expect(parseDrillArgs(['drill', '--region', 'us-east-1', '--stack', 'multi-region-game-day', '--stack-region', 'us-west-2'], {}))
      .toEqual({ region: 'us-east-1', stack: { name: 'multi-region-game-day', region: 'us-west-2' }, yes: false, dryRun: false });
    expect(parseDrillArgs(['drill', '--region', 'us-east-1', '--stack', 'x'], {})).toEqual({ error: "--stack 'x' needs --stack-region (or AWS_REGION)." });
    expect(stateMachineArnFromOutputs('s', [{ OutputKey: 'Other', OutputValue: 'x' }, { OutputKey: 'RegionDrillStateMachineArn0C2E7A1B', OutputValue: SM }])).toBe(SM);
    expect(() => stateMachineArnFromOutputs('s', [{ OutputKey: 'Other', OutputValue: 'x' }])).toThrow("stack 's' has 0 drill state machine outputs (outputs: Other); give --state-machine-arn instead.");
  });

  test('formatPlan of an empty plan still says nothing was changed', () => {
    expect(formatPlan({ region: 'us-east-2', survivors: [], plan: [] })[0]).toBe('Plan of changes for an evacuation of us-east-2 (dry run: nothing was changed)');
  });
});
