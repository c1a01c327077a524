import { DescribeExecutionCommand, GetExecutionHistoryCommand, HistoryEvent, SFNClient, StartExecutionCommand } from '@aws-sdk/client-sfn';

/**
 * `multi-region-cdk drill`: starts the Region evacuation drill's state machine, prints each step
 * with its elapsed time as the execution runs (from GetExecutionHistory), then the report table.
 * The core takes its client and its output as arguments so tests drive it.
 */
export interface DrillCommandOptions {
  readonly region: string;
  readonly stateMachineArn: string;
  /** Skip the interactive confirmation. */
  readonly yes?: boolean;
  /** Run the preflight only and print the plan of changes. */
  readonly dryRun?: boolean;
  /** Time between two history polls. */
  readonly pollMs?: number;
  /** Execution name (default drill-<region>-<time>). */
  readonly executionName?: string;
}

export interface DrillCommandIo {
  readonly sfn: SFNClient;
  /** Prints one line. */
  out(line: string): void;
  /** Asks a question, returns the answer (undefined when nobody can answer). */
  ask?(question: string): Promise<string | undefined>;
  sleep?(ms: number): Promise<void>;
}

/** Exit codes: 0 within budget, 1 drill failed or over budget, 2 refused, not confirmed or bad usage. */
export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_REFUSED = 2;

interface Change { kind: string; resource: string; region: string; previous: unknown; target: unknown; status?: string }
interface PathResult { path: string; method: string; measuredSeconds?: number; budgetSeconds?: number; withinBudget: boolean; notes?: string[] }
interface Report {
  outcome: string; error?: string; region: string; paths: PathResult[]; changes: Change[];
  dataPath?: Array<{ region: string; check: string; ok: boolean; detail: string }>; exceeded: boolean;
  reportBucket?: string; reportKeys?: { json: string; markdown: string };
}

export async function runDrillCommand(opts: DrillCommandOptions, io: DrillCommandIo): Promise<number> {
  const sleep = io.sleep ?? ((ms: number) => new Promise((r) => setTimeout(r, ms)));
  if (!opts.dryRun && !opts.yes) {
    const answer = io.ask ? await io.ask(`This takes ${opts.region} out of DNS and the accelerator until the drill restores it. Type the Region's name to go on: `) : undefined;
    if (answer?.trim() !== opts.region) {
      io.out(answer === undefined ? 'Not confirmed: run with --yes when there is no terminal to answer.' : `Not confirmed ('${answer.trim()}' is not '${opts.region}'); nothing was changed.`);
      return EXIT_REFUSED;
    }
  }
  const name = opts.executionName ?? `drill-${opts.region}-${new Date().toISOString().replace(/[:.]/g, '-')}${opts.dryRun ? '-dry-run' : ''}`;
  const started = await io.sfn.send(new StartExecutionCommand({
    stateMachineArn: opts.stateMachineArn,
    name,
    input: JSON.stringify({ region: opts.region, confirmation: opts.region, dryRun: opts.dryRun === true }),
  }));
  const executionArn = started.executionArn!;
  io.out(`${opts.dryRun ? 'Dry run' : 'Drill'} of ${opts.region}: ${executionArn}`);

  const events: HistoryEvent[] = [];
  const printer = new ProgressPrinter(io.out);
  let status = 'RUNNING';
  let output: string | undefined;
  for (;;) {
    let nextToken: string | undefined;
    const fresh: HistoryEvent[] = [];
    do {
      const page = await io.sfn.send(new GetExecutionHistoryCommand({ executionArn, nextToken, maxResults: 1000, includeExecutionData: true }));
      fresh.push(...(page.events ?? []));
      nextToken = page.nextToken;
    } while (nextToken);
    for (const e of fresh.slice(events.length)) printer.print(e);
    events.splice(0, events.length, ...fresh);
    const described = await io.sfn.send(new DescribeExecutionCommand({ executionArn }));
    status = described.status ?? 'RUNNING';
    output = described.output;
    if (status !== 'RUNNING' && status !== 'PENDING_REDRIVE') break;
    await sleep(opts.pollMs ?? 2000);
  }

  if (opts.dryRun) {
    if (status !== 'SUCCEEDED') {
      io.out(`Refused: ${failureOf(events) ?? status}`);
      return EXIT_REFUSED;
    }
    io.out('');
    for (const line of formatPlan(JSON.parse(output ?? '{}'))) io.out(line);
    return EXIT_OK;
  }

  const report = reportOf(status, output, events);
  io.out('');
  if (!report) {
    io.out(`The drill ended ${status} without a report: ${failureOf(events) ?? 'see the execution in the Step Functions console'}.`);
    return EXIT_FAILED;
  }
  for (const line of formatReport(report)) io.out(line);
  if (report.outcome === 'refused') return EXIT_REFUSED;
  return report.outcome === 'succeeded' && !report.exceeded ? EXIT_OK : EXIT_FAILED;
}

/** The plan a dry run returns (the preflight's result), as lines. */
export function formatPlan(plan: { region?: string; survivors?: string[]; plan?: Change[] }): string[] {
  const changes = plan.plan ?? [];
  return [
    `Plan of changes for an evacuation of ${plan.region} (dry run: nothing was changed)`,
    `Surviving Regions: ${(plan.survivors ?? []).join(', ') || 'none'}`,
    '',
    ...table(['change', 'Region', 'resource', 'now', 'during the drill'],
      changes.map((c) => [c.kind, c.region, c.resource, String(c.previous), String(c.target)])),
    '',
    'Every change is restored at the end of the drill, also when a step fails, times out or the execution is stopped.',
  ];
}

/** The report table: measured time beside the budget for each path, then the data path and the changes. */
export function formatReport(r: Report): string[] {
  const lines = [
    `Drill of ${r.region}: ${r.outcome}${r.error ? ` (${r.error})` : ''}`,
    '',
    ...table(['path', 'measured (s)', 'budget (s)', 'within budget', 'method'],
      r.paths.map((p) => [p.path, p.measuredSeconds === undefined ? 'not observed' : String(p.measuredSeconds),
        p.budgetSeconds === undefined ? 'n/a' : String(p.budgetSeconds), p.withinBudget ? 'yes' : 'NO', p.method])),
  ];
  for (const p of r.paths) for (const n of p.notes ?? []) lines.push(`  ${p.path}: ${n}`);
  if ((r.dataPath ?? []).length > 0) {
    lines.push('', ...table(['survivor', 'check', 'ok', 'detail'], r.dataPath!.map((c) => [c.region, c.check, c.ok ? 'yes' : 'NO', c.detail])));
  }
  if (r.changes.length > 0) {
    lines.push('', ...table(['change', 'Region', 'before', 'during', 'status'], r.changes.map((c) => [c.kind, c.region, String(c.previous), String(c.target), c.status ?? ''])));
  }
  if (r.reportBucket && r.reportKeys) lines.push('', `Report: s3://${r.reportBucket}/${r.reportKeys.markdown} (and report.json)`);
  if (r.exceeded) lines.push('', 'A path was slower than its failover budget, or never seen to move traffic.');
  return lines;
}

function table(header: string[], rows: string[][]): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i])).join('  ').trimEnd();
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)];
}

/** The report: the execution's output when it succeeded, else the Report state's output in the history. */
function reportOf(status: string, output: string | undefined, events: HistoryEvent[]): Report | undefined {
  if (status === 'SUCCEEDED' && output) return JSON.parse(output);
  const exited = [...events].reverse().find((e) => e.type === 'TaskStateExited' && e.stateExitedEventDetails?.name === 'Report');
  const state = exited?.stateExitedEventDetails?.output ? JSON.parse(exited.stateExitedEventDetails.output) : undefined;
  return state?.report;
}

function failureOf(events: HistoryEvent[]): string | undefined {
  for (const e of [...events].reverse()) {
    const d = e.taskFailedEventDetails ?? e.lambdaFunctionFailedEventDetails ?? e.executionFailedEventDetails;
    if (d) return `${d.error ?? 'Error'}: ${causeOf(d.cause)}`;
  }
  return undefined;
}

function causeOf(cause: string | undefined): string {
  if (!cause) return '';
  try {
    return JSON.parse(cause).errorMessage ?? cause;
  } catch {
    return cause;
  }
}

/** Prints each state as it is entered and left, with the time since the execution started. */
class ProgressPrinter {
  private start?: number;
  private readonly entered = new Map<string, number>();
  constructor(private readonly out: (line: string) => void) {}

  public print(e: HistoryEvent): void {
    const t = new Date(e.timestamp!).getTime();
    this.start ??= t;
    const at = `+${((t - this.start) / 1000).toFixed(1).padStart(6)} s`;
    if (e.stateEnteredEventDetails?.name) {
      this.entered.set(e.stateEnteredEventDetails.name, t);
      this.out(`${at}  > ${e.stateEnteredEventDetails.name}`);
    } else if (e.stateExitedEventDetails?.name) {
      const name = e.stateExitedEventDetails.name;
      const took = this.entered.has(name) ? ` (${((t - this.entered.get(name)!) / 1000).toFixed(1)} s)` : '';
      this.out(`${at}  < ${name}${took}`);
    } else if (e.type === 'TaskFailed' || e.type === 'ExecutionFailed' || e.type === 'ExecutionAborted' || e.type === 'ExecutionTimedOut') {
      const d = e.taskFailedEventDetails ?? e.executionFailedEventDetails;
      this.out(`${at}  ! ${e.type}${d ? `: ${d.error ?? ''} ${causeOf(d.cause)}` : ''}`);
    }
  }
}

/** The stack outputs a drill's stack has (CloudFormation DescribeStacks). */
export interface StackOutput {
  readonly OutputKey?: string;
  readonly OutputValue?: string;
}

/**
 * The drill's state machine ARN among a stack's outputs: the output `RegionEvacuationDrill` writes
 * (its key contains `StateMachineArn`). Throws, naming the outputs, when there is not exactly one.
 */
export function stateMachineArnFromOutputs(stackName: string, outputs: StackOutput[]): string {
  const found = outputs.filter((o) => (o.OutputKey ?? '').includes('StateMachineArn') && /:states:[a-z0-9-]+:\d{12}:stateMachine:/.test(o.OutputValue ?? ''));
  if (found.length !== 1) {
    throw new Error(`stack '${stackName}' has ${found.length} drill state machine outputs (outputs: ${outputs.map((o) => o.OutputKey).join(', ') || 'none'}); `
      + 'give --state-machine-arn instead.');
  }
  return found[0].OutputValue!;
}
