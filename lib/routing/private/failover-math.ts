import { Duration } from 'aws-cdk-lib';
import { FailoverPathBudget, FailoverTerm, FailoverTermBasis, RegionFailoverTime } from '../failover-budget';

/**
 * Sums the terms of one Region: the slowest detection branch plus the terms every branch pays.
 * A branch with an unknown term makes the Region's figure a lower bound (listed in unknownTerms).
 */
export function regionFailoverTime(region: string, terms: FailoverTerm[]): RegionFailoverTime {
  const branches = new Map<string, number>();
  let common = 0;
  for (const t of terms) {
    if (t.branch === undefined) {
      common += t.seconds ?? 0;
    } else {
      branches.set(t.branch, (branches.get(t.branch) ?? 0) + (t.seconds ?? 0));
    }
  }
  let worstBranch: string | undefined;
  let detectionSeconds = 0;
  for (const [branch, seconds] of branches) {
    if (worstBranch === undefined || seconds > detectionSeconds) {
      worstBranch = branch;
      detectionSeconds = seconds;
    }
  }
  const unknownTerms = terms.filter((t) => t.seconds === undefined).map((t) => (t.branch ? `${t.branch}: ${t.name}` : t.name));
  return {
    region,
    detectionSeconds,
    ttlSeconds: common,
    totalSeconds: detectionSeconds + common,
    terms,
    worstBranch: branches.size > 1 ? worstBranch : undefined,
    unknownTerms,
  };
}

/** The worst case over the Regions. */
export function worstCaseSeconds(regions: readonly RegionFailoverTime[]): number {
  return regions.reduce((max, r) => Math.max(max, r.totalSeconds), 0);
}

/** A path's budget from its Regions. */
export function pathBudget(fields: Omit<FailoverPathBudget, 'worstCaseSeconds' | 'complete'>): FailoverPathBudget {
  return {
    ...fields,
    worstCaseSeconds: worstCaseSeconds(fields.regions),
    complete: fields.regions.every((r) => r.unknownTerms.length === 0),
  };
}

/** `120 s` or `unknown`. */
export function secondsText(seconds: number | undefined): string {
  return seconds === undefined ? 'unknown' : `${seconds} s`;
}

/** One Region's terms on one line: `us-east-1 300 s = max(endpoint check 30 s, deep-health alarm 240 s) + ELB alias TTL 60 s`. */
export function describeRegion(r: RegionFailoverTime): string {
  const byBranch = new Map<string, FailoverTerm[]>();
  const common: FailoverTerm[] = [];
  for (const t of r.terms) {
    if (t.branch === undefined) common.push(t);
    else byBranch.set(t.branch, [...(byBranch.get(t.branch) ?? []), t]);
  }
  const branchText = (terms: FailoverTerm[]) => terms.map((t) => `${t.name} ${secondsText(t.seconds)}`).join(' + ');
  const branches = [...byBranch.entries()].map(([b, terms]) => `${b} (${branchText(terms)})`);
  const detection = branches.length > 1 ? `max(${branches.join(', ')})` : branches.join('');
  const parts = [detection, ...common.map((t) => `${t.name} ${secondsText(t.seconds)}`)].filter((p) => p !== '');
  const unknown = r.unknownTerms.length > 0 ? ` (at least; UNKNOWN: ${r.unknownTerms.join('; ')})` : '';
  return `${r.region} ${r.totalSeconds} s${unknown} = ${parts.join(' + ')}`;
}

/** One line per path, as printed at synth: the worst case and every term of every Region. */
export function describeBudget(budget: FailoverPathBudget): string {
  const worst = budget.complete ? `${budget.worstCaseSeconds} s` : `at least ${budget.worstCaseSeconds} s (some terms UNKNOWN)`;
  return `Failover budget, ${budget.path} path (${budget.routingPolicy}): worst case ${worst} to move traffic off a failed Region `
    + `[${budget.regions.map(describeRegion).join('; ')}]`;
}

/** The Markdown report of every path. */
export function renderBudgetMarkdown(budgets: readonly FailoverPathBudget[]): string {
  const lines = [
    '# Failover budget',
    '',
    'Worst-case time to move traffic off a failed Region, per routing path, computed from the synthesized configuration. '
      + 'A Region leaves through whichever detection branch sees the failure first, so its worst case is its slowest branch plus the terms every branch pays. '
      + 'Basis: CONFIGURED (read from this app), DOCUMENTED (an AWS figure), ASSUMED (AWS documents none; overridable), UNKNOWN.',
    '',
    '| path | routing | construct | worst case (s) | formula |',
    '|---|---|---|---|---|',
    ...budgets.map((b) => `| ${b.path} | ${b.routingPolicy} | \`${b.constructPath}\` | ${b.complete ? b.worstCaseSeconds : `>= ${b.worstCaseSeconds} (UNKNOWN terms)`} | ${b.formula} |`),
  ];
  for (const b of budgets) {
    lines.push('', `## ${b.path} (${b.routingPolicy}): \`${b.constructPath}\``, '',
      '| Region | detection (s) | after detection (s) | total (s) | slowest branch |', '|---|---|---|---|---|',
      ...b.regions.map((r) => `| ${r.region} | ${r.detectionSeconds} | ${r.ttlSeconds} | ${r.unknownTerms.length > 0 ? `>= ${r.totalSeconds}` : r.totalSeconds} | ${r.worstBranch ?? '-'} |`));
    for (const r of b.regions) {
      lines.push('', `### ${b.path}, ${r.region}`, '', '| branch | term | seconds | basis | source |', '|---|---|---|---|---|',
        ...r.terms.map((t) => `| ${t.branch ?? '(every branch)'} | ${t.name} | ${t.seconds ?? 'UNKNOWN'} | ${t.basis} | ${t.source.replace(/\|/g, '/')} |`));
    }
    if (b.caveats.length > 0) {
      lines.push('', ...b.caveats.map((c) => `- ${c}`));
    }
  }
  return lines.join('\n') + '\n';
}

/** A term of basis UNKNOWN. */
export function unknownTerm(name: string, source: string, branch?: string): FailoverTerm {
  return { name, source, basis: FailoverTermBasis.UNKNOWN, branch };
}

/**
 * A service's reaction time that AWS documents no figure for: ASSUMED at `assumedSeconds` with the
 * closest figure AWS does document (`assumedSource`), or DECLARED when the app gives a measured one.
 */
export function reactionTerm(t: {
  name: string; measured?: Duration; measuredSource: string; assumedSeconds: number; assumedSource: string; branch?: string; controlPlane?: string;
}): FailoverTerm {
  return {
    name: t.name,
    seconds: (t.measured ?? Duration.seconds(t.assumedSeconds)).toSeconds(),
    source: t.measured ? t.measuredSource : t.assumedSource,
    basis: t.measured ? FailoverTermBasis.DECLARED : FailoverTermBasis.ASSUMED,
    ...(t.branch !== undefined ? { branch: t.branch } : {}),
    ...(t.controlPlane !== undefined ? { controlPlane: t.controlPlane } : {}),
  };
}
