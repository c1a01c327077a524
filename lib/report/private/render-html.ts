/**
 * The resilience report's page (`cdk.out/resilience/report.html`): ONE self-contained HTML file rendered
 * from the report document, for reviewers and auditors.
 *
 * Self-contained: inline CSS, the topology SVG inlined, no script, no link, no web font, no external
 * reference; it opens from disk without a network. Plain and accessible: `lang`, headings in order,
 * tables with `<th scope>`, and every meaning carried by words (MET / NOT MET, VIOLATION, within budget /
 * OVER BUDGET) and symbols, colour only repeating it. Every string from the document is escaped.
 * Printing (`@media print`, `@page`) lays the default app's report out on one landscape page.
 */
import {
  basisWord,
  compareCodeUnits,
  collapseEdges,
  escapeXml,
  formatSeconds,
  formatSecondsLong,
  formatWorstCase,
  isLowerBound,
  lagBandText,
  modeWord,
  postureWord,
  routingPathTitle,
} from './render-common';
import { renderTopologySvg } from './render-svg';
import type {
  AcknowledgementEntry,
  DrillEntry,
  ObjectivesEntry,
  ResilienceReportDocument,
  RoutingPathEntry,
  RoutingTermEntry,
} from './schema';
import { branchesOf } from './branches';

const esc = escapeXml;

const CSS = `
:root { color-scheme: light; }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px 28px 40px; font-family: system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif;
  font-size: 14px; line-height: 1.45; color: #1a1a1a; background: #fff; }
.page { max-width: 1240px; margin: 0 auto; }
h1 { font-size: 1.6em; margin: 0 0 2px; }
h2 { font-size: 1.25em; margin: 28px 0 8px; padding-bottom: 3px; border-bottom: 2px solid #333; }
h3 { font-size: 1.05em; margin: 18px 0 6px; }
p { margin: 4px 0 8px; }
.meta, .note { color: #4a4a4a; }
.note { font-size: 0.9em; }
dl.summary { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 8px; margin: 14px 0 0; }
dl.summary > div { border: 1px solid #999; border-radius: 3px; padding: 6px 10px; }
dl.summary dt { font-size: 0.82em; font-weight: 700; color: #4a4a4a; }
dl.summary dd { margin: 2px 0 0; font-size: 1.1em; font-weight: 600; }
figure { margin: 0; }
figure svg { display: block; width: 100%; height: auto; max-width: 1240px; border: 1px solid #ccc; }
figcaption { font-size: 0.9em; color: #4a4a4a; margin-top: 4px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 10px; font-size: 0.92em; }
caption { text-align: left; font-weight: 700; padding: 2px 0 4px; }
th, td { border: 1px solid #b5b5b5; padding: 3px 6px; text-align: left; vertical-align: top; }
thead th { background: #ececec; }
tbody th { font-weight: 600; background: #f7f7f7; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
.src { color: #333; }
table.terms { table-layout: fixed; }
table.terms thead th:nth-child(1) { width: 26%; }
table.terms thead th.num { width: 8%; }
table.terms thead th:nth-last-child(2) { width: 9%; }
table.terms tr.group th { background: #ececec; font-weight: 700; font-style: italic; }
th, td { overflow-wrap: break-word; }
code, .path { font-family: ui-monospace, 'DejaVu Sans Mono', Menlo, Consolas, monospace; font-size: 0.9em; overflow-wrap: anywhere; }
.met { color: #1b5e20; font-weight: 700; }
.notmet { color: #b00020; font-weight: 700; }
.unknown { color: #b00020; font-weight: 700; }
.violation { color: #b00020; font-weight: 700; }
ul.violations { list-style: none; padding: 0; margin: 6px 0; }
ul.violations li { border: 2px solid #b00020; border-left-width: 6px; background: #fdecee; padding: 6px 10px; margin: 4px 0; }
ul.plain { margin: 4px 0 8px; padding-left: 20px; }
details summary { cursor: pointer; }
.ok { color: #1b5e20; font-weight: 700; }
.keyline { font-size: 0.92em; }
footer { margin-top: 28px; border-top: 1px solid #999; padding-top: 6px; font-size: 0.85em; color: #4a4a4a; }
.print-only { display: none; }
@media (max-width: 720px) { dl.summary { grid-template-columns: repeat(2, minmax(0, 1fr)); } }

@page { size: A4 landscape; margin: 5mm; }
@media print {
  body { padding: 0; font-size: 5.1pt; line-height: 1.16; }
  .page { max-width: none; }
  h1 { font-size: 10pt; }
  h2 { font-size: 7pt; margin: 4px 0 2px; padding-bottom: 1px; border-bottom-width: 1px; }
  h3 { font-size: 6pt; margin: 3px 0 1px; }
  p { margin: 1px 0 2px; }
  dl.summary { grid-template-columns: repeat(8, 1fr); gap: 3px; margin-top: 3px; }
  dl.summary > div { padding: 1px 4px; }
  dl.summary dd { font-size: 6.5pt; }
  main { display: grid; grid-template-areas: "topology facts" "routing routing"; column-gap: 4mm; }
  main > #topology { grid-area: topology; min-width: 0; }
  main > .facts { grid-area: facts; min-width: 0; }
  main > #routing { grid-area: routing; min-width: 0; }
  figcaption { display: none; }
  main { grid-template-columns: 37% 63%; }
  table.terms thead th:last-child, table.terms td.src { display: none; }
  table.terms { table-layout: auto; }
  table.terms thead th:nth-child(1), table.terms thead th.num, table.terms thead th:nth-last-child(2) { width: auto; }
  .paths { display: grid; grid-template-columns: repeat(2, minmax(0, 1fr)); column-gap: 4mm; }
  .caveats { columns: 2; column-gap: 4mm; }
  .caveats h3 { column-span: all; }
  .caveat-group { break-inside: avoid; }
  table.terms thead th.num { width: 10%; }
  table.terms thead th:nth-last-child(2) { width: 11%; }
  h2:first-child, .facts > section:first-child h2 { margin-top: 0; }
  figure svg { border: none; }
  table { margin: 1px 0 3px; font-size: 1em; }
  th, td { padding: 0 2px; }
  ul.plain { margin: 1px 0 2px; padding-left: 10px; }
  ul.violations li { padding: 1px 4px; margin: 1px 0; }
  details > :not(summary) { display: none; }
  footer { margin-top: 3px; padding-top: 1px; }
  .screen-only { display: none; }
  table.edges th:last-child, table.edges td:last-child { display: none; }
  .print-only { display: block; }
  section, table, tr, figure { break-inside: avoid; }
}
`;

function metHtml(met: boolean): string {
  return met ? '<span class="met">✓ MET</span>' : '<span class="notmet">✗ NOT MET</span>';
}

function table(caption: string | undefined, head: string[], rows: string[][], numeric: number[] = [], rowHeader = true, cls?: string): string {
  const ths = head.map((h, i) => `<th scope="col"${numeric.includes(i) ? ' class="num"' : ''}>${h}</th>`).join('');
  const trs = rows.map((cells) => `<tr>${cells.map((c, i) => {
    if (i === 0 && rowHeader) return `<th scope="row">${c}</th>`;
    return `<td${numeric.includes(i) ? ' class="num"' : ''}>${c}</td>`;
  }).join('')}</tr>`).join('\n');
  return `<table${cls ? ` class="${cls}"` : ''}>${caption ? `<caption>${caption}</caption>` : ''}<thead><tr>${ths}</tr></thead><tbody>\n${trs}\n</tbody></table>`;
}

function summarySection(doc: ResilienceReportDocument): string {
  const s = doc.summary ?? ({ residencyViolations: 0, acknowledgements: 0 } as ResilienceReportDocument['summary']);
  const app = doc.app;
  const anyIncomplete = doc.routing.some((p) => !p.complete);
  const worstPath = doc.routing.find((p) => p.worstCaseSeconds === s.worstCaseFailoverSeconds);
  const worstRegion = worstPath?.regions.find((r) => r.totalSeconds === worstPath.worstCaseSeconds);
  const cards: Array<[string, string]> = [
    ['Posture', esc(postureWord(app.posture))],
    ['Active Regions', esc(app.activeRegions.join(', ') || 'none')],
    ['Witness Region', esc(app.witnessRegion ?? 'none')],
    ['Recovery objectives', s.objectivesMet === undefined ? 'none stated' : metHtml(s.objectivesMet)],
    ['Worst-case failover', s.worstCaseFailoverSeconds === undefined ? 'no routing path'
      : `${esc(`${anyIncomplete ? '≥ ' : ''}${formatSecondsLong(s.worstCaseFailoverSeconds)}`)}${worstPath ? `<br><span class="note">${esc(`${worstPath.path} path${worstRegion ? `, ${worstRegion.region}` : ''}`)}</span>` : ''}`],
    ['Worst-case RPO', s.worstCaseRpoSeconds === undefined ? 'no data store' : esc(formatSecondsLong(s.worstCaseRpoSeconds))],
    ['Residency violations', s.residencyViolations > 0
      ? `<span class="violation">⚠ ${esc(s.residencyViolations)} VIOLATION${s.residencyViolations === 1 ? '' : 'S'}</span>`
      : '<span class="ok">✓ 0 (none)</span>'],
    ['Acknowledged findings', esc(s.acknowledgements)],
  ];
  if (app.primaryRegion) cards.splice(2, 0, ['Primary Region', esc(app.primaryRegion)]);
  return `<header>
<h1>Resilience report: ${esc(app.name)}</h1>
<p class="meta">${esc(doc.generator)} · report schema version ${esc(doc.schemaVersion)} · topology <span class="path">${esc(app.topologyPath)}</span></p>
<dl class="summary">
${cards.map(([k, v]) => `<div><dt>${esc(k)}</dt><dd>${v}</dd></div>`).join('\n')}
</dl>
</header>`;
}

function topologySection(doc: ResilienceReportDocument): string {
  return `<section id="topology" aria-labelledby="h-topology">
<h2 id="h-topology">Topology</h2>
<figure>
${renderTopologySvg(doc).trim()}
<figcaption>One column per Region (active first, then the witness, then support Regions); its border says its role (thick: active, thin: standby, dashed: witness, dotted: support). Replication lines: solid synchronous, dashed asynchronous, dotted quorum; two arrowheads mean both ways. Arrows from the routing bands carry each Region's worst-case failover. Hover a shortened text for the whole of it.</figcaption>
</figure>
</section>`;
}

/** A term's source with each Region's own code written as `‹Region›`, so identical chains read once. */
function genericSource(source: string, region: string): string {
  return region ? source.split(region).join('‹Region›') : source;
}

interface MergedTerm {
  readonly name: string;
  readonly branch?: string;
  readonly basis: string;
  readonly seconds: Map<string, number | undefined>;
  readonly sources: Array<[string, string]>;
}

function mergeTerms(path: RoutingPathEntry): MergedTerm[] {
  const merged: MergedTerm[] = [];
  for (const region of path.regions) {
    for (const term of region.terms) {
      const key = (t: MergedTerm | RoutingTermEntry) => `${t.branch ?? ''}\u0000${t.name}\u0000${t.basis}`;
      let m = merged.find((x) => key(x) === key(term) && !x.seconds.has(region.region));
      if (!m) {
        m = { name: term.name, branch: term.branch, basis: term.basis, seconds: new Map(), sources: [] };
        merged.push(m);
      }
      m.seconds.set(region.region, term.seconds);
      m.sources.push([region.region, term.source]);
    }
  }
  return merged;
}

function sourceHtml(term: MergedTerm): string {
  const generic = new Set(term.sources.map(([r, s]) => genericSource(s, r)));
  if (generic.size === 1) {
    const [region, source] = term.sources[0];
    const text = term.sources.length > 1 ? genericSource(source, region) : source;
    return esc(text);
  }
  return term.sources.map(([r, s]) => `<strong>${esc(r)}:</strong> ${esc(s)}`).join('<br>');
}

/** The terms of one routing path, one row group per detection branch, one seconds column per Region. */
function termTable(terms: MergedTerm[], regionCodes: string[], worstBranches: Set<string | undefined>): string {
  const groups: Array<{ branch?: string; terms: MergedTerm[] }> = [];
  for (const t of terms) {
    let g = groups.find((x) => x.branch === t.branch);
    if (!g) {
      g = { branch: t.branch, terms: [] };
      groups.push(g);
    }
    g.terms.push(t);
  }
  // Terms outside every branch (the TTL) are added after detection: last.
  groups.sort((a, b) => (a.branch === undefined ? 1 : 0) - (b.branch === undefined ? 1 : 0));
  const columns = 3 + regionCodes.length;
  const head = `<thead><tr><th scope="col">Term</th>${regionCodes.map((c) => `<th scope="col" class="num">${esc(c)} (s)</th>`).join('')}<th scope="col">Basis</th><th scope="col">Source</th></tr></thead>`;
  const bodies = groups.map((g) => {
    const worst = g.branch !== undefined && worstBranches.size === 1 && worstBranches.has(g.branch);
    const title = g.branch === undefined
      ? 'Added after detection'
      : `Detection branch: ${esc(g.branch)}${worst ? ' (the worst branch: it sets detection)' : ''}`;
    const rows = g.terms.map((t) => {
      const secs = regionCodes.map((code) => {
        if (!t.seconds.has(code)) return '<td class="num">—</td>';
        const v = t.seconds.get(code);
        return v === undefined ? '<td class="num"><span class="unknown">UNKNOWN</span></td>' : `<td class="num">${esc(Math.round(v * 10) / 10)}</td>`;
      }).join('');
      const basis = t.basis === 'UNKNOWN' ? '<span class="unknown">UNKNOWN</span>' : esc(basisWord(t.basis));
      return `<tr><th scope="row">${esc(t.name)}</th>${secs}<td>${basis}</td><td class="src">${sourceHtml(t)}</td></tr>`;
    }).join('\n');
    return `<tbody><tr class="group"><th scope="rowgroup" colspan="${columns}">${title}</th></tr>\n${rows}\n</tbody>`;
  }).join('\n');
  return `<table class="terms terms-${Math.min(regionCodes.length, 4)}">${head}\n${bodies}</table>`;
}

function routingSection(doc: ResilienceReportDocument): string {
  const paths = doc.routing;
  if (!paths.length) {
    return `<section id="routing" aria-labelledby="h-routing"><h2 id="h-routing">Routing and failover budget</h2><p>The app has no routing path.</p></section>`;
  }
  const parts: string[] = [];
  for (const path of paths) {
    const worst = formatWorstCase(path.worstCaseSeconds, !path.complete);
    const regions = path.regions;
    const regionRows = regions.map((r) => {
      const lower = isLowerBound(r);
      return [
        esc(r.region),
        `<strong>${esc(formatWorstCase(r.totalSeconds, lower))}</strong>`,
        esc(formatSeconds(r.detectionSeconds)),
        esc(formatSeconds(r.ttlSeconds)),
        esc(r.worstBranch ?? '—'),
        esc((r.branches ?? branchesOf(r.terms)).map((b) => `${b.name} ${formatSeconds(b.seconds)} (${b.basis.toLowerCase()}${b.controlPlanes.length ? `; control plane: ${b.controlPlanes.join(', ')}` : ''})`).join('; ') || '—'),
        r.unknownTerms.length ? `<span class="unknown">UNKNOWN: ${esc(r.unknownTerms.join('; '))}</span>` : 'none',
      ];
    });
    const terms = mergeTerms(path);
    const worstBranches = new Set(regions.map((r) => r.worstBranch));
    const termsTable = termTable(terms, regions.map((r) => r.region), worstBranches);
    const hasGeneric = terms.some((t) => t.sources.length > 1 && new Set(t.sources.map(([r, s]) => genericSource(s, r))).size === 1 && t.sources.some(([r, s]) => s.includes(r)));
    parts.push(`<div class="path-budget"><h3>${esc(routingPathTitle(path))} (${esc(path.path)} path): worst case ${esc(worst)}</h3>
<p class="note"><span class="path">${esc(path.constructPath)}</span> · ${esc(path.formula)}${path.complete ? '' : ' <span class="unknown">Some term is UNKNOWN: the figures are lower bounds (≥).</span>'}</p>
${table(undefined, ['Region', 'Worst case', 'Detection', 'TTL', 'Worst branch', 'Detection branches (basis)', 'Unknown terms'], regionRows, [1, 2, 3])}
${termsTable.replace('<table', `<table aria-label="Every term"`).replace('<thead>', `<caption>Every term, by detection branch${hasGeneric ? ' (‹Region› in a source stands for each Region’s own code)' : ''}</caption><thead>`)}</div>`);
  }
  const caveats = paths.filter((p) => p.caveats.length).map((p) =>
    `<div class="caveat-group"><p><strong>${esc(routingPathTitle(p))} (${esc(p.path)} path)</strong></p><ul class="plain note">${p.caveats.map((c) => `<li>${esc(c)}</li>`).join('')}</ul></div>`);
  return `<section id="routing" aria-labelledby="h-routing">
<h2 id="h-routing">Routing and failover budget</h2>
<p class="note">True worst case per Region: the slowest detection branch plus what is added after it (the DNS TTL). Basis: configured (from this app), declared (stated by the app, not checkable), documented (AWS documentation), assumed (no AWS figure; set a measured one), UNKNOWN (makes the figure a lower bound). A branch is as well known as its weakest term; a control plane on a branch is named.</p>
<p class="print-only note">Printed without each term's source and each replication edge's note (the page on screen and <code>report.json</code> give them).</p>
<div class="paths">
${parts.join('\n')}
</div>
${caveats.length ? `<div class="caveats"><h3>Caveats</h3>\n${caveats.join('\n')}\n</div>` : ''}
</section>`;
}

function objectivesSection(doc: ResilienceReportDocument): string {
  const objectives = doc.objectives;
  const body = objectives.length ? objectives.map((o: ObjectivesEntry) => {
    const rows = o.checks.map((c) => [
      esc(c.objective),
      esc(c.subject),
      esc(formatWorstCase(c.seconds, !c.complete)),
      esc(formatSeconds(c.limitSeconds)),
      `${metHtml(c.met)}${c.complete ? '' : ' <span class="note">(lower bound: a term is UNKNOWN)</span>'}`,
    ]);
    return `<h3>${esc(o.constructPath)} (tier ${esc(o.tier)}): RTO ${esc(formatSeconds(o.rtoSeconds))}, RPO ${esc(formatSeconds(o.rpoSeconds))}: ${metHtml(o.met)}</h3>
${table(undefined, ['Objective', 'Subject', 'Worst case', 'Limit', 'Result'], rows, [2, 3])}`;
  }).join('\n') : '<p>The app states no recovery objectives (no <code>RecoveryObjectives</code>).</p>';
  return `<section id="objectives" aria-labelledby="h-objectives">
<h2 id="h-objectives">Recovery objectives</h2>
${body}
</section>`;
}

function dataSection(doc: ResilienceReportDocument): string {
  const stores = doc.dataStores;
  const storeRows = stores.map((s) => [
    `<span class="path">${esc(s.id)}</span>`,
    esc(s.kind),
    esc(modeWord(s.replicationMode)),
    esc(s.members.map((m) => `${m.region} (${m.role})`).join(', ')),
    esc(formatSeconds(s.worstCaseRpoSeconds)),
    `<span class="src">${esc(s.rpoBasis)}</span>`,
    esc(s.dataClass ?? '—'),
  ]);
  const edges = doc.replication;
  const edgeRows = edges.map((e) => [
    `<span class="path">${esc(e.store)}</span>`,
    esc(`${e.from} → ${e.to}`),
    `<strong>${esc(modeWord(e.mode))}</strong>`,
    esc(e.lagAlarms ? `${lagBandText(e.lagAlarms)} (${e.lagAlarms.metric})` : (e.mode === 'ASYNCHRONOUS' ? 'no lag alarm' : 'none needed')),
    esc(e.note),
  ]);
  const pairs = collapseEdges(edges).filter((e) => e.bothWays).length;
  return `<section id="data" aria-labelledby="h-data">
<h2 id="h-data">Data stores and replication</h2>
${stores.length ? table(undefined, ['Data store', 'Kind', 'Replication', 'Members', 'Worst-case RPO', 'RPO basis', 'Data class'], storeRows, [4]) : '<p>The app has no multi-Region data store.</p>'}
${edges.length ? table(`Replication edges (${edges.length}${pairs ? `; ${pairs} symmetric pair${pairs === 1 ? '' : 's'} drawn as one line` : ''})`, ['Data store', 'From → to', 'Mode', 'Lag alarms', 'Note'], edgeRows, [], true, 'edges') : '<p>No replication edges.</p>'}
</section>`;
}

function residencySection(doc: ResilienceReportDocument): string {
  const r = doc.dataResidency ?? { guards: [], rules: [], resources: [], violations: [] };
  const parts: string[] = [];
  if (!r.guards.length && !r.rules.length) {
    parts.push('<p>No data residency rules: the app has no <code>DataResidencyGuard</code>.</p>');
  } else {
    parts.push(table('Rules: where each data class may live', ['Data class', 'Allowed Regions', 'Guard'],
      r.rules.map((x) => [esc(x.dataClass), esc(x.allowedRegions.join(', ')), `<span class="path">${esc(x.guard)}</span>`])));
  }
  if (r.resources.length) {
    // One row per class and Region (an audit trail alone tags a dozen resources per Region); the resources in a <details>.
    const groups = new Map<string, typeof r.resources>();
    for (const x of r.resources) {
      const key = `${x.dataClass}\u0000${x.region ?? ''}`;
      groups.set(key, [...(groups.get(key) ?? []), x]);
    }
    parts.push(table('Resources tagged with a data class, by class and Region', ['Data class', 'Region', 'Resources'],
      [...groups.values()].map((list) => [
        esc(list[0].dataClass),
        esc(list[0].region ?? 'no concrete Region'),
        `<details><summary>${esc(list.length)} resource${list.length === 1 ? '' : 's'}</summary><ul class="plain">${list.map((x) =>
          `<li><span class="path">${esc(x.path)}</span> (${esc(x.type)})${livesInText(x.livesIn)}</li>`).join('')}</ul></details>`,
      ])));
  } else {
    parts.push('<p>No resource is tagged with a data class.</p>');
  }
  if (r.violations.length) {
    parts.push(`<ul class="violations">${r.violations.map((v) =>
      `<li><span class="violation">⚠ VIOLATION</span> (guard <span class="path">${esc(v.guard)}</span>): ${esc(v.message)}</li>`).join('\n')}</ul>`);
  } else {
    parts.push('<p><span class="ok">✓ No violations</span></p>');
  }
  return `<section id="residency" aria-labelledby="h-residency">
<h2 id="h-residency">Data residency</h2>
${parts.join('\n')}
</section>`;
}

function drillSection(drill: DrillEntry | undefined): string {
  if (!drill) {
    return `<section id="drill" aria-labelledby="h-drill">
<h2 id="h-drill">Region evacuation drill</h2>
<p>No drill report was given. To show the last drill's measured times beside the budget, synthesize with <code>cdk synth -c multi-region-cdk:drill-report=&lt;file&gt;</code>.</p>
</section>`;
  }
  const rows = drill.paths.map((p) => [
    `${esc(p.path)}${p.budgetSeconds !== undefined && p.drillBudgetSeconds !== undefined && p.budgetSeconds !== p.drillBudgetSeconds
      ? ' <span class="note">(budget changed since the drill)</span>' : ''}`,
    p.measuredSeconds === undefined ? 'not measured (traffic did not move in time)' : esc(formatSeconds(p.measuredSeconds)),
    esc(formatSeconds(p.budgetSeconds)),
    esc(formatSeconds(p.drillBudgetSeconds)),
    p.withinBudget ? '<span class="met">✓ within budget</span>' : '<span class="notmet">✗ OVER BUDGET</span>',
  ]);
  const outcome = drill.outcome === 'succeeded' ? esc(drill.outcome) : `<span class="notmet">${esc(String(drill.outcome).toUpperCase())}</span>`;
  return `<section id="drill" aria-labelledby="h-drill">
<h2 id="h-drill">Region evacuation drill</h2>
<p>The drill took <strong>${esc(drill.region)}</strong> out; outcome ${outcome}; finished ${esc(drill.finishedAt)}. Execution <span class="path">${esc(drill.executionId)}</span>, read from <span class="path">${esc(drill.source)}</span>.</p>
${table(undefined, ['Routing path', 'Measured', 'Budget (this synth)', 'Budget (when drilled)', 'Result'], rows, [1, 2, 3])}
</section>`;
}

/**
 * For print: acknowledgements per rule, without the per-finding detail cdk-nag puts in brackets
 * (`AwsSolutions-IAM5[Resource::...]` counts as `AwsSolutions-IAM5`).
 */
function printedRuleCounts(acks: AcknowledgementEntry[]): Array<[string, number]> {
  const counts = new Map<string, number>();
  for (const a of acks) {
    const rule = a.id.replace(/\[.*\]$/s, '');
    counts.set(rule, (counts.get(rule) ?? 0) + 1);
  }
  return [...counts.entries()].sort(([a], [b]) => compareCodeUnits(a, b));
}

function acknowledgementsSection(acks: AcknowledgementEntry[]): string {
  if (!acks.length) {
    return `<section id="acknowledgements" aria-labelledby="h-acks"><h2 id="h-acks">Acknowledged findings</h2><p>No rule is acknowledged.</p></section>`;
  }
  const groups = new Map<string, AcknowledgementEntry[]>();
  for (const a of acks) {
    if (!groups.has(a.id)) groups.set(a.id, []);
    groups.get(a.id)!.push(a);
  }
  const ids = [...groups.keys()].sort(compareCodeUnits);
  const rows = ids.map((id) => {
    const list = groups.get(id)!;
    const reasons = [...new Set(list.map((a) => a.reason))];
    const paths = list.map((a) => a.constructPath);
    return [
      `<code>${esc(id)}</code>`,
      esc(list.length),
      reasons.length === 1 ? esc(reasons[0]) : `<ul class="plain">${reasons.map((r) => `<li>${esc(r)}</li>`).join('')}</ul>`,
      `<details><summary>${esc(paths.length)} construct path${paths.length === 1 ? '' : 's'}</summary><ul class="plain">${paths.map((p) => `<li><span class="path">${esc(p)}</span></li>`).join('')}</ul></details>`,
    ];
  });
  return `<section id="acknowledgements" aria-labelledby="h-acks">
<h2 id="h-acks">Acknowledged findings</h2>
<p class="note screen-only">Rules acknowledged with <code>Validations.of(x).acknowledge(...)</code>, grouped by rule; an acknowledgement covers its construct and everything under it.</p>
<div class="screen-only">${table(undefined, ['Rule', 'Count', 'Reasons', 'Where'], rows, [1])}</div>
<div class="print-only"><p class="note">${esc(acks.length)} acknowledgements of ${esc(ids.length)} rules (reasons and construct paths on screen and in <code>report.json</code>):</p>
<p class="ack-ids">${printedRuleCounts(acks).map(([rule, n]) => `<code>${esc(rule)}</code> ×${esc(n)}`).join(' · ')}</p></div>
</section>`;
}

/** The whole report as one self-contained HTML page. */
export function renderReportHtml(doc: ResilienceReportDocument): string {
  const name = doc.app.name;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="${esc(doc.generator)}">
<title>Resilience report: ${esc(name)}</title>
<style>${CSS}</style>
</head>
<body>
<div class="page">
${summarySection(doc)}
<main>
${topologySection(doc)}
${routingSection(doc)}
<div class="facts">
${objectivesSection(doc)}
${dataSection(doc)}
${residencySection(doc)}
${drillSection(doc.drill)}
${acknowledgementsSection(doc.acknowledgements)}
</div>
</main>
<footer>Rendered by ${esc(doc.generator)} from the report document (<code>report.json</code>, schema version ${esc(doc.schemaVersion)}). Words and line styles carry every meaning; colour only repeats them.</footer>
</div>
</body>
</html>
`;
}

/** ", lives in eu-west-1, witness eu-west-3" for a resource whose data is in more than its own Region. */
function livesInText(livesIn: ReadonlyArray<{ region: string; role: string }> | undefined): string {
  if (!livesIn || livesIn.length <= 1) return '';
  return `; lives in ${esc(livesIn.map((p) => (p.role === 'resource' ? p.region : `${p.role} ${p.region}`)).join(', '))}`;
}
