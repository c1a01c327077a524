import { CloudWatchClient, MetricDatum, PutMetricDataCommand, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { Change, DrillConfig } from './config';
import { DataPathCheck, DrillJournal, PathMeasurement } from './steps';

/** One routing path's measured time beside its synth-time budget. */
export interface PathResult {
  readonly path: string;
  readonly method: string;
  /** Seconds from the last change to the observation; undefined when not observed in time. */
  readonly measuredSeconds?: number;
  /**
   * What the measurement is compared with: in the deep-health mode the path's whole budget for the
   * Region (detection included); in the routing mode only its terms after detection, since a
   * take-out skips detection (review W5).
   */
  readonly budgetSeconds?: number;
  /** `whole budget` or `after detection`. */
  readonly budgetBasis?: string;
  readonly withinBudget: boolean;
  readonly notes: string[];
}

export interface DrillReport {
  readonly executionId: string;
  readonly region: string;
  /** routing or deep-health. */
  readonly mode: string;
  /** succeeded, failed or refused. */
  readonly outcome: string;
  readonly error?: string;
  readonly startedAt?: string;
  readonly changedAt?: string;
  readonly finishedAt: string;
  readonly changes: Change[];
  /** Changes the drill could not set back: the Region may still be out of routing, held, or failing its deep health. */
  readonly notRestored: Change[];
  readonly paths: PathResult[];
  readonly dataPath: DataPathCheck[];
  /** True when any path was slower than its budget or not observed. */
  readonly exceeded: boolean;
}

export interface ReportInput {
  readonly executionId: string;
  readonly region: string;
  readonly startedAt?: number;
  /** The error a failed state caught (Error, Cause). */
  readonly error?: { Error?: string; Cause?: string };
  readonly dataPath?: { ok: boolean; checks: DataPathCheck[] };
}

/** Where reports go (S3 in the Lambda). */
export interface ReportSink {
  put(key: string, body: string, contentType: string): Promise<void>;
}

export function buildReport(config: DrillConfig, journal: DrillJournal | undefined, input: ReportInput, now: number): DrillReport {
  const changedAt = journal?.changedAt;
  const mode = journal?.mode ?? 'routing';
  const paths = (journal?.measurements ?? []).map((m) => pathResult(config, input.region, m, changedAt, mode));
  const refused = input.error?.Error === 'DrillRefused';
  const notRestored = (journal?.changes ?? []).filter((c) => c.status !== 'restored');
  const failed = input.error !== undefined || (input.dataPath !== undefined && !input.dataPath.ok) || notRestored.length > 0;
  return {
    executionId: input.executionId,
    region: input.region,
    mode,
    outcome: refused && notRestored.length === 0 ? 'refused' : failed ? 'failed' : 'succeeded',
    error: input.error ? `${input.error.Error ?? 'Error'}: ${errorMessage(input.error.Cause)}` : undefined,
    startedAt: input.startedAt ? new Date(input.startedAt).toISOString() : undefined,
    changedAt: changedAt ? new Date(changedAt).toISOString() : undefined,
    finishedAt: new Date(now).toISOString(),
    changes: journal?.changes ?? [],
    notRestored,
    paths,
    dataPath: input.dataPath?.checks ?? [],
    exceeded: paths.some((p) => !p.withinBudget),
  };
}

/** The Cause of a Lambda task failure is a JSON document with errorMessage. */
function errorMessage(cause: string | undefined): string {
  if (!cause) return '';
  try {
    const parsed = JSON.parse(cause);
    return parsed.errorMessage ?? cause;
  } catch {
    return cause;
  }
}

function pathResult(config: DrillConfig, region: string, m: PathMeasurement, changedAt: number | undefined, mode: string): PathResult {
  const budget = config.budget.find((b) => b.path === m.path);
  const whole = mode === 'deep-health';
  const budgetSeconds = budget ? (whole ? (budget.regions[region] ?? budget.worstCaseSeconds) : budget.postDetection?.[region]) : undefined;
  const budgetBasis = whole ? 'whole budget' : 'after detection';
  const measuredSeconds = m.stoppedAt !== undefined && changedAt !== undefined ? Math.max(0, Math.round((m.stoppedAt - changedAt) / 100) / 10) : undefined;
  const withinBudget = measuredSeconds !== undefined && (budgetSeconds === undefined || measuredSeconds <= budgetSeconds);
  return { path: m.path, method: m.method, measuredSeconds, budgetSeconds, budgetBasis, withinBudget, notes: m.notes };
}

const cell = (v: number | undefined) => (v === undefined ? 'n/a' : String(v));

export function renderMarkdown(r: DrillReport): string {
  const lines = [
    `# Region evacuation drill: ${r.region}`,
    '',
    `- execution: \`${r.executionId}\``,
    `- mode: ${r.mode} (${r.mode === 'deep-health' ? 'the Region\'s deep health failed by its fault switch; measured against the whole budget' : 'taken out of routing directly; measured against the terms after detection'})`,
    `- outcome: **${r.outcome}**${r.error ? ` (${r.error})` : ''}`,
    `- started: ${r.startedAt ?? 'n/a'}; Region taken out: ${r.changedAt ?? 'never'}; finished: ${r.finishedAt}`,
    '',
    '## Measured recovery time beside the budget',
    '',
    '| path | measured (s) | budget (s) | budget terms | within budget | method |',
    '|---|---|---|---|---|---|',
    ...r.paths.map((p) => `| ${p.path} | ${cell(p.measuredSeconds)} | ${cell(p.budgetSeconds)} | ${p.budgetBasis ?? 'n/a'} | ${p.withinBudget ? 'yes' : '**no**'} | ${p.method} |`),
  ];
  if (r.notRestored.length > 0) {
    lines.push('', `**NOT RESTORED: ${r.notRestored.length} change(s)** (${r.notRestored.map((c) => `${c.kind} ${c.resource}`).join('; ')}); set them back by hand, see the table below.`);
  }
  const notes = r.paths.flatMap((p) => p.notes.map((n) => `- ${p.path}: ${n}`));
  if (notes.length > 0) lines.push('', ...notes);
  lines.push('', '## Changes', '', '| change | resource | Region | before | during | status |', '|---|---|---|---|---|---|',
    ...r.changes.map((c) => `| ${c.kind} | \`${c.resource}\` | ${c.region} | ${c.previous} | ${c.target} | ${c.status} |`));
  if (r.dataPath.length > 0) {
    lines.push('', '## Data path in the surviving Regions', '', '| Region | check | ok | detail |', '|---|---|---|---|',
      ...r.dataPath.map((c) => `| ${c.region} | ${c.check} | ${c.ok ? 'yes' : '**no**'} | ${c.detail} |`));
  }
  return lines.join('\n') + '\n';
}

/** S3 keys of a report: drills/<Region>/<execution name>/report.{json,md}. */
export function reportKeys(region: string, executionId: string): { json: string; markdown: string } {
  const name = executionId.split(':').pop();
  return { json: `drills/${region}/${name}/report.json`, markdown: `drills/${region}/${name}/report.md` };
}

/** Writes the report (JSON and Markdown) and one `MeasuredRecoverySeconds` point per measured path. */
export async function publishReport(config: DrillConfig, report: DrillReport, sink: ReportSink, cloudwatch: CloudWatchClient): Promise<{ json: string; markdown: string }> {
  const keys = reportKeys(report.region, report.executionId);
  await sink.put(keys.json, JSON.stringify(report, undefined, 2) + '\n', 'application/json');
  await sink.put(keys.markdown, renderMarkdown(report), 'text/markdown');
  const data: MetricDatum[] = report.paths.flatMap((p): MetricDatum[] => {
    const dims = [{ Name: 'Path', Value: p.path }, { Name: 'Region', Value: report.region }];
    return [
      ...(p.measuredSeconds !== undefined ? [{ MetricName: 'MeasuredRecoverySeconds', Dimensions: dims, Value: p.measuredSeconds, Unit: StandardUnit.Seconds }] : []),
      ...(p.budgetSeconds !== undefined ? [{ MetricName: 'BudgetRecoverySeconds', Dimensions: dims, Value: p.budgetSeconds, Unit: StandardUnit.Seconds }] : []),
    ];
  });
  data.push({ MetricName: 'PathsOverBudget', Dimensions: [], Value: report.paths.filter((p) => !p.withinBudget).length, Unit: StandardUnit.Count });
  data.push({ MetricName: 'ChangesNotRestored', Dimensions: [], Value: report.notRestored.length, Unit: StandardUnit.Count });
  await cloudwatch.send(new PutMetricDataCommand({ Namespace: config.namespace, MetricData: data }));
  return keys;
}
