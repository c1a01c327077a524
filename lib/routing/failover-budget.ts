/**
 * Worst-case time to move traffic off one failed Region on one routing path.
 */
export interface RegionFailoverTime {
  /** The Region that fails. */
  readonly region: string;
  /** Health-check interval x failure threshold: how long until the Region counts as unhealthy. */
  readonly detectionSeconds: number;
  /** How long resolvers may keep the old answer after that (0 for alias records and the accelerator). */
  readonly ttlSeconds: number;
  /** detectionSeconds + ttlSeconds. */
  readonly totalSeconds: number;
}

/** The failover budget of one routing path (Route 53 records, or Global Accelerator). */
export interface FailoverPathBudget {
  /** `dns` or `accelerator`. */
  readonly path: string;
  /** The construct that owns the path, by its construct path. */
  readonly constructPath: string;
  /** How the path routes, for example `latency`, `failover` or `accelerator`. */
  readonly routingPolicy: string;
  /** The formula the numbers come from. */
  readonly formula: string;
  /** The largest `totalSeconds` over the Regions. */
  readonly worstCaseSeconds: number;
  /** One entry per Region. */
  readonly regions: RegionFailoverTime[];
  /** What the numbers leave out. */
  readonly caveats: string[];
}

/** DNS path: interval x threshold, plus the record's TTL unless the record is an alias. */
export function dnsFailoverTime(region: string, intervalSeconds: number, failureThreshold: number, ttlSeconds?: number): RegionFailoverTime {
  const detectionSeconds = intervalSeconds * failureThreshold;
  const ttl = ttlSeconds ?? 0;
  return { region, detectionSeconds, ttlSeconds: ttl, totalSeconds: detectionSeconds + ttl };
}

/** Accelerator path: interval x threshold; there is no DNS TTL behind the static anycast IPs. */
export function acceleratorFailoverTime(region: string, intervalSeconds: number, threshold: number): RegionFailoverTime {
  const detectionSeconds = intervalSeconds * threshold;
  return { region, detectionSeconds, ttlSeconds: 0, totalSeconds: detectionSeconds };
}

/** The worst case over the Regions. */
export function worstCaseSeconds(regions: readonly RegionFailoverTime[]): number {
  return regions.reduce((max, r) => Math.max(max, r.totalSeconds), 0);
}

/** One line per path, as printed at synth. */
export function describeBudget(budget: FailoverPathBudget): string {
  const perRegion = budget.regions.map((r) => `${r.region} ${r.totalSeconds} s`).join(', ');
  return `Failover budget, ${budget.path} path (${budget.routingPolicy}): worst case ${budget.worstCaseSeconds} s to move traffic off a failed Region `
    + `[${budget.formula}; ${perRegion}]`;
}

/** The Markdown report of every path. */
export function renderBudgetMarkdown(budgets: readonly FailoverPathBudget[]): string {
  const lines = [
    '# Failover budget',
    '',
    'Worst-case time to move traffic off a failed Region, per routing path, computed from the synthesized configuration.',
    '',
    '| path | routing | construct | worst case (s) | formula |',
    '|---|---|---|---|---|',
    ...budgets.map((b) => `| ${b.path} | ${b.routingPolicy} | \`${b.constructPath}\` | ${b.worstCaseSeconds} | ${b.formula} |`),
  ];
  for (const b of budgets) {
    lines.push('', `## ${b.path} (${b.routingPolicy}): \`${b.constructPath}\``, '',
      '| Region | detection (s) | TTL (s) | total (s) |', '|---|---|---|---|',
      ...b.regions.map((r) => `| ${r.region} | ${r.detectionSeconds} | ${r.ttlSeconds} | ${r.totalSeconds} |`));
    if (b.caveats.length > 0) {
      lines.push('', ...b.caveats.map((c) => `- ${c}`));
    }
  }
  return lines.join('\n') + '\n';
}
