/**
 * Compares two resilience reports (`cdk.out/resilience/report.json`, lib/report/private/schema.ts): what
 * `multi-region-cdk report --diff old.json new.json` prints, for a pipeline to comment on a pull request.
 *
 * Each change has a severity (a `regression` makes the app less resilient, an `improvement` more, a
 * `change` is for reviewers to judge) and one line for people. The changes come sorted: regressions first,
 * then improvements, then changes; within each, by area and then by a stable key, so two runs on the same
 * reports print the same lines in the same order.
 *
 * `objectivesStopBeingMet` is what the command's exit status follows: true when an objectives entry that was
 * met is not met (or gone) after, a check that was met is not met or gone after, or a new objectives entry is
 * not met.
 */
import { compareCodeUnits as compare, formatSeconds } from './render-common';
import {
  AcknowledgementEntry, DataStoreEntry, ObjectiveCheck, ObjectivesEntry, ReplicationEdge, ResilienceReportDocument,
  RoutingPathEntry, RoutingRegionEntry, RoutingTermEntry,
} from './schema';
import { branchesOf } from './branches';

export type DiffSeverity = 'regression' | 'improvement' | 'change';

/** The part of the report a change is in, in the order the diff lists them within a severity. */
export type DiffArea = 'objectives' | 'routing' | 'dataStores' | 'replication' | 'residency' | 'app' | 'regions' | 'acknowledgements' | 'drill';

const AREA_ORDER: DiffArea[] = ['objectives', 'routing', 'dataStores', 'replication', 'residency', 'app', 'regions', 'acknowledgements', 'drill'];
const SEVERITY_ORDER: DiffSeverity[] = ['regression', 'improvement', 'change'];

export interface ReportChange {
  readonly severity: DiffSeverity;
  readonly area: DiffArea;
  /** A stable key of what changed, such as `dns/us-east-1/total` (sorting; tools may group on it). */
  readonly key: string;
  /** One line for people, such as `dns failover budget for eu-west-1 grew from 90 s to 150 s`. */
  readonly message: string;
  /** True when this change makes an objective stop being met (the command then exits 1). */
  readonly objectiveStopsBeingMet: boolean;
  readonly before?: unknown;
  readonly after?: unknown;
}

export interface ReportSide {
  /** Where the report was read from, when the caller said. */
  readonly label?: string;
  readonly generator: string;
  readonly app: string;
  /** `summary.objectivesMet` of the report (absent when it states no objectives). */
  readonly objectivesMet?: boolean;
}

export interface ReportDiff {
  /** The version of this diff document's layout. */
  readonly diffVersion: number;
  readonly before: ReportSide;
  readonly after: ReportSide;
  readonly objectivesStopBeingMet: boolean;
  readonly counts: { readonly regression: number; readonly improvement: number; readonly change: number };
  /** Sorted: regressions, improvements, changes; within each by area, then key, then message. */
  readonly changes: ReportChange[];
}

export interface DiffLabels {
  readonly before?: string;
  readonly after?: string;
}

/** Seconds as the page shows them; a term without a figure is UNKNOWN. */
function fmtSeconds(s: number | undefined): string {
  return s === undefined ? 'UNKNOWN' : formatSeconds(s);
}

function list(values: readonly string[]): string {
  return values.length ? values.join(', ') : '(none)';
}

function quoted(values: readonly string[]): string {
  return values.map((v) => `'${v}'`).join(', ');
}

/** Union of two keyed lists: the keys of `before` in its order, then the new keys of `after` in theirs. */
function pair<T>(before: readonly T[], after: readonly T[], key: (t: T) => string): Array<[string, T | undefined, T | undefined]> {
  const b = new Map(before.map((t) => [key(t), t] as const));
  const a = new Map(after.map((t) => [key(t), t] as const));
  const keys = [...b.keys(), ...[...a.keys()].filter((k) => !b.has(k))];
  return keys.map((k) => [k, b.get(k), a.get(k)]);
}

function sameList(x: readonly string[], y: readonly string[]): boolean {
  return x.length === y.length && x.every((v, i) => v === y[i]);
}

class Collector {
  readonly changes: ReportChange[] = [];

  add(severity: DiffSeverity, area: DiffArea, key: string, message: string, extra: { before?: unknown; after?: unknown; breach?: boolean } = {}) {
    this.changes.push({
      severity, area, key,
      // One line, whatever a construct path or a residency message holds.
      message: message.replace(/\s*[\r\n]+\s*/g, ' '),
      objectiveStopsBeingMet: extra.breach === true,
      ...(extra.before !== undefined ? { before: extra.before } : {}),
      ...(extra.after !== undefined ? { after: extra.after } : {}),
    });
  }

  /**
   * A figure that is worse when it grows. When the new figure is only a lower bound (`complete` false), a
   * smaller figure is no improvement: it is listed as a change and says so.
   */
  grew(area: DiffArea, key: string, what: string, before: number, after: number, complete = true) {
    if (before === after) return;
    if (!complete && after < before) {
      this.add('change', area, key, `${what} changed from ${fmtSeconds(before)} to at least ${fmtSeconds(after)} (a lower bound: some term is UNKNOWN)`, { before, after });
      return;
    }
    this.add(after > before ? 'regression' : 'improvement', area, key,
      `${what} ${after > before ? 'grew' : 'shrank'} from ${fmtSeconds(before)} to ${fmtSeconds(after)}`, { before, after });
  }
}

/** The structured differences from `before` to `after`. */
export function diffReports(before: ResilienceReportDocument, after: ResilienceReportDocument, labels: DiffLabels = {}): ReportDiff {
  const c = new Collector();
  diffApp(c, before, after);
  diffRegions(c, before, after);
  diffRouting(c, before.routing, after.routing);
  diffObjectives(c, before.objectives, after.objectives);
  diffDataStores(c, before.dataStores, after.dataStores);
  diffReplication(c, before, after);
  diffResidency(c, before, after);
  diffAcknowledgements(c, before.acknowledgements, after.acknowledgements);
  diffDrill(c, before, after);

  const changes = [...c.changes].sort((x, y) =>
    SEVERITY_ORDER.indexOf(x.severity) - SEVERITY_ORDER.indexOf(y.severity)
    || AREA_ORDER.indexOf(x.area) - AREA_ORDER.indexOf(y.area)
    || compare(x.key, y.key)
    || compare(x.message, y.message));
  const count = (s: DiffSeverity) => changes.filter((x) => x.severity === s).length;
  const side = (d: ResilienceReportDocument, label: string | undefined): ReportSide => ({
    ...(label !== undefined ? { label } : {}),
    generator: d.generator,
    app: d.app.name,
    ...(d.summary.objectivesMet !== undefined ? { objectivesMet: d.summary.objectivesMet } : {}),
  });
  return {
    diffVersion: 1,
    before: side(before, labels.before),
    after: side(after, labels.after),
    objectivesStopBeingMet: changes.some((x) => x.objectiveStopsBeingMet),
    counts: { regression: count('regression'), improvement: count('improvement'), change: count('change') },
    changes,
  };
}


function diffApp(c: Collector, b: ResilienceReportDocument, a: ResilienceReportDocument) {
  const none = (v: string | undefined) => v ?? '(none)';
  if (b.app.name !== a.app.name) c.add('change', 'app', 'name', `app name changed from ${b.app.name} to ${a.app.name}`, { before: b.app.name, after: a.app.name });
  if (b.app.posture !== a.app.posture) c.add('change', 'app', 'posture', `posture changed from ${b.app.posture} to ${a.app.posture}`, { before: b.app.posture, after: a.app.posture });
  if (!sameList(b.app.activeRegions, a.app.activeRegions)) {
    c.add('change', 'app', 'activeRegions', `active Regions changed from ${list(b.app.activeRegions)} to ${list(a.app.activeRegions)}`,
      { before: b.app.activeRegions, after: a.app.activeRegions });
  }
  if (b.app.primaryRegion !== a.app.primaryRegion) {
    c.add('change', 'app', 'primaryRegion', `primary Region changed from ${none(b.app.primaryRegion)} to ${none(a.app.primaryRegion)}`,
      { before: b.app.primaryRegion, after: a.app.primaryRegion });
  }
  if (b.app.witnessRegion !== a.app.witnessRegion) {
    c.add('change', 'app', 'witnessRegion', `witness Region changed from ${none(b.app.witnessRegion)} to ${none(a.app.witnessRegion)}`,
      { before: b.app.witnessRegion, after: a.app.witnessRegion });
  }
}

function diffRegions(c: Collector, b: ResilienceReportDocument, a: ResilienceReportDocument) {
  for (const [region, rb, ra] of pair(b.regions, a.regions, (r) => r.region)) {
    if (!rb) { c.add('change', 'regions', region, `Region ${region} added (${ra!.role})`, { after: ra!.role }); continue; }
    if (!ra) { c.add('change', 'regions', region, `Region ${region} removed (was ${rb.role})`, { before: rb.role }); continue; }
    if (rb.role !== ra.role) c.add('change', 'regions', `${region}/role`, `Region ${region} changed role from ${rb.role} to ${ra.role}`, { before: rb.role, after: ra.role });
    for (const [name, sb, sa] of pair(rb.stacks, ra.stacks, (s) => s.stackName)) {
      if (!sb) c.add('change', 'regions', `${region}/stack/${name}`, `Region ${region}: stack ${name} added`);
      else if (!sa) c.add('change', 'regions', `${region}/stack/${name}`, `Region ${region}: stack ${name} removed`);
    }
    for (const [p, kb, ka] of pair(rb.keys, ra.keys, (k) => k.path)) {
      if (!kb) c.add('change', 'regions', `${region}/key/${p}`, `Region ${region}: key ${p} added`);
      else if (!ka) c.add('change', 'regions', `${region}/key/${p}`, `Region ${region}: key ${p} removed`);
      else if (kb.alias !== ka.alias) c.add('change', 'regions', `${region}/key/${p}`, `Region ${region}: key ${p} alias changed from ${kb.alias ?? '(none)'} to ${ka.alias ?? '(none)'}`);
    }
    for (const [p, pb, pa] of pair(rb.probes, ra.probes, (x) => x.path)) {
      if (!pb) c.add('change', 'regions', `${region}/probe/${p}`, `Region ${region}: ${pa!.kind} probe ${p} added`);
      else if (!pa) c.add('change', 'regions', `${region}/probe/${p}`, `Region ${region}: ${pb.kind} probe ${p} removed`);
    }
    for (const [d, eb, ea] of pair(rb.endpoints, ra.endpoints, (e) => e.description)) {
      if (!eb) c.add('change', 'regions', `${region}/endpoint/${d}`, `Region ${region}: endpoint ${d} added (paths: ${list(ea!.paths)})`);
      else if (!ea) c.add('change', 'regions', `${region}/endpoint/${d}`, `Region ${region}: endpoint ${d} removed (paths: ${list(eb.paths)})`);
      else if (!sameList([...eb.paths].sort(), [...ea.paths].sort())) {
        c.add('change', 'regions', `${region}/endpoint/${d}`, `Region ${region}: endpoint ${d} paths changed from ${list(eb.paths)} to ${list(ea.paths)}`);
      }
    }
  }
}

function termKey(t: RoutingTermEntry): string {
  return `${t.branch ?? ''}|${t.name}`;
}

function diffRouting(c: Collector, before: readonly RoutingPathEntry[], after: readonly RoutingPathEntry[]) {
  for (const [p, pb, pa] of pair(before, after, (x) => x.path)) {
    if (!pb) { c.add('change', 'routing', p, `${p} routing path added (worst case ${fmtSeconds(pa!.worstCaseSeconds)})`, { after: pa!.worstCaseSeconds }); continue; }
    if (!pa) { c.add('change', 'routing', p, `${p} routing path removed (worst case was ${fmtSeconds(pb.worstCaseSeconds)})`, { before: pb.worstCaseSeconds }); continue; }
    if (pb.routingPolicy !== pa.routingPolicy) {
      c.add('change', 'routing', `${p}/policy`, `${p} path routing policy changed from ${pb.routingPolicy} to ${pa.routingPolicy}`, { before: pb.routingPolicy, after: pa.routingPolicy });
    }
    if (pb.constructPath !== pa.constructPath) {
      c.add('change', 'routing', `${p}/constructPath`, `${p} path construct moved from ${pb.constructPath} to ${pa.constructPath}`);
    }
    c.grew('routing', `${p}/worstCase`, `${p} path worst case`, pb.worstCaseSeconds, pa.worstCaseSeconds, pa.complete);
    let unknownChanged = false;
    for (const [region, rb, ra] of pair(pb.regions, pa.regions, (r) => r.region)) {
      if (!rb) { c.add('change', 'routing', `${p}/${region}`, `${p} path now covers ${region} (failover budget ${fmtSeconds(ra!.totalSeconds)})`, { after: ra!.totalSeconds }); continue; }
      if (!ra) { c.add('change', 'routing', `${p}/${region}`, `${p} path no longer covers ${region} (failover budget was ${fmtSeconds(rb.totalSeconds)})`, { before: rb.totalSeconds }); continue; }
      unknownChanged = diffRoutingRegion(c, p, rb, ra) || unknownChanged;
    }
    if (!unknownChanged && pb.complete !== pa.complete) {
      c.add(pa.complete ? 'improvement' : 'regression', 'routing', `${p}/complete`, pa.complete
        ? `${p} path worst case is complete again (${fmtSeconds(pa.worstCaseSeconds)})`
        : `${p} path worst case became incomplete: ${fmtSeconds(pa.worstCaseSeconds)} is only a lower bound (some term is UNKNOWN)`);
    }
  }
}

/** Returns true when the Region's UNKNOWN terms changed. */
function diffRoutingRegion(c: Collector, p: string, rb: RoutingRegionEntry, ra: RoutingRegionEntry): boolean {
  const r = rb.region;
  const what = `${p} failover budget for ${r}`;
  c.grew('routing', `${p}/${r}/total`, what, rb.totalSeconds, ra.totalSeconds, ra.unknownTerms.length === 0);
  const newUnknown = ra.unknownTerms.filter((t) => !rb.unknownTerms.includes(t));
  const goneUnknown = rb.unknownTerms.filter((t) => !ra.unknownTerms.includes(t));
  if (newUnknown.length) {
    c.add('regression', 'routing', `${p}/${r}/unknown`, rb.unknownTerms.length === 0
      ? `${what} became incomplete (${fmtSeconds(ra.totalSeconds)} is only a lower bound): UNKNOWN ${newUnknown.length === 1 ? 'term' : 'terms'} ${quoted(newUnknown)}`
      : `${what} has new UNKNOWN ${newUnknown.length === 1 ? 'term' : 'terms'} ${quoted(newUnknown)}`, { after: newUnknown });
  }
  if (goneUnknown.length) {
    c.add('improvement', 'routing', `${p}/${r}/unknown`, ra.unknownTerms.length === 0
      ? `${what} is complete again: ${quoted(goneUnknown)} no longer UNKNOWN`
      : `${what}: ${quoted(goneUnknown)} no longer UNKNOWN`, { before: goneUnknown });
  }
  // A lost detection branch (deep health removed, say) is a regression even when the budget
  // shrinks: the Region then no longer leaves when only that branch sees its failure.
  const branchesBefore = rb.branches ?? branchesOf(rb.terms);
  const branchesAfter = ra.branches ?? branchesOf(ra.terms);
  for (const [name, bb, ba] of pair(branchesBefore, branchesAfter, (b) => b.name)) {
    if (!ba) {
      c.add('regression', 'routing', `${p}/${r}/branch/${name}`, `${what} lost its detection branch '${name}' (was ${fmtSeconds(bb!.seconds)}, ${bb!.basis}): a failure only it sees no longer moves traffic`, { before: bb!.seconds });
    } else if (!bb) {
      c.add('improvement', 'routing', `${p}/${r}/branch/${name}`, `${what} gained the detection branch '${name}' (${fmtSeconds(ba.seconds)}, ${ba.basis})`, { after: ba.seconds });
    } else {
      for (const cp of ba.controlPlanes.filter((x) => !bb.controlPlanes.includes(x))) {
        c.add('regression', 'routing', `${p}/${r}/branch/${name}/controlPlane`, `${what}: detection branch '${name}' now waits for a control plane on the automatic path: ${cp}`);
      }
      for (const cp of bb.controlPlanes.filter((x) => !ba.controlPlanes.includes(x))) {
        c.add('improvement', 'routing', `${p}/${r}/branch/${name}/controlPlane`, `${what}: detection branch '${name}' no longer waits for ${cp}`);
      }
    }
  }
  if ((rb.worstBranch ?? '') !== (ra.worstBranch ?? '')) {
    c.add('change', 'routing', `${p}/${r}/worstBranch`, `${what}: worst branch changed from '${rb.worstBranch ?? '(none)'}' to '${ra.worstBranch ?? '(none)'}'`);
  }
  for (const [k, tb, ta] of pair(rb.terms, ra.terms, termKey)) {
    const key = `${p}/${r}/term/${k}`;
    if (!tb) { c.add('change', 'routing', key, `${what}: term '${ta!.name}' added (${fmtSeconds(ta!.seconds)}, ${ta!.basis})`); continue; }
    if (!ta) { c.add('change', 'routing', key, `${what}: term '${tb.name}' removed (was ${fmtSeconds(tb.seconds)}, ${tb.basis})`); continue; }
    if (tb.seconds !== undefined && ta.seconds !== undefined && tb.seconds !== ta.seconds) {
      c.add('change', 'routing', `${key}/seconds`, `${what}: term '${ta.name}' changed from ${fmtSeconds(tb.seconds)} to ${fmtSeconds(ta.seconds)}`, { before: tb.seconds, after: ta.seconds });
    }
    if (tb.basis !== ta.basis) {
      c.add('change', 'routing', `${key}/basis`, `${what}: term '${ta.name}' basis changed from ${tb.basis} to ${ta.basis}`
        + (tb.seconds !== ta.seconds ? ` (${fmtSeconds(tb.seconds)} to ${fmtSeconds(ta.seconds)})` : ''), { before: tb.basis, after: ta.basis });
    }
  }
  return newUnknown.length > 0 || goneUnknown.length > 0;
}

function checkKey(k: ObjectiveCheck): string {
  return k.objective === 'RTO' && k.path !== undefined && k.region !== undefined
    ? `RTO|${k.path}|${k.region}`
    : k.objective === 'RPO' && k.store !== undefined ? `RPO|${k.store}` : `${k.objective}|${k.subject}`;
}

/** `dns path, us-east-1 worst case 330 s > RTO 300 s`, saying so when the figure is only a lower bound. */
function checkFigure(k: ObjectiveCheck, withSubject = true): string {
  const subject = withSubject ? `${k.subject} ` : '';
  if (!k.complete) return `${subject}worst case at least ${fmtSeconds(k.seconds)} (UNKNOWN terms), ${k.objective} ${fmtSeconds(k.limitSeconds)}`;
  return `${subject}worst case ${fmtSeconds(k.seconds)} ${k.seconds <= k.limitSeconds ? '<=' : '>'} ${k.objective} ${fmtSeconds(k.limitSeconds)}`;
}

function objectivesName(o: ObjectivesEntry): string {
  return `objectives ${o.constructPath} (${o.tier})`;
}

function diffObjectives(c: Collector, before: readonly ObjectivesEntry[], after: readonly ObjectivesEntry[]) {
  for (const [id, ob, oa] of pair(before, after, (o) => o.constructPath)) {
    if (!ob) {
      const o = oa!;
      const failing = o.checks.filter((k) => !k.met);
      if (o.met) {
        c.add('change', 'objectives', id, `${objectivesName(o)} added: RTO ${fmtSeconds(o.rtoSeconds)}, RPO ${fmtSeconds(o.rpoSeconds)}, met`);
      } else {
        c.add('regression', 'objectives', id, `${objectivesName(o)} added and not met: ${failing.length} of ${o.checks.length} checks fail`, { breach: true });
        for (const k of failing) c.add('regression', 'objectives', `${id}/${checkKey(k)}`, `${k.objective} not met: ${checkFigure(k)}`, { after: k.seconds });
      }
      continue;
    }
    if (!oa) {
      c.add(ob.met ? 'regression' : 'change', 'objectives', id,
        `${objectivesName(ob)} removed (RTO ${fmtSeconds(ob.rtoSeconds)}, RPO ${fmtSeconds(ob.rpoSeconds)}; ${ob.met ? 'was met' : 'was not met'})`, { breach: ob.met });
      continue;
    }
    if (ob.tier !== oa.tier) c.add('change', 'objectives', `${id}/tier`, `${objectivesName(oa)}: tier changed from ${ob.tier} to ${oa.tier}`);
    for (const [name, lb, la] of [['RTO', ob.rtoSeconds, oa.rtoSeconds], ['RPO', ob.rpoSeconds, oa.rpoSeconds]] as const) {
      if (lb !== la) c.add('change', 'objectives', `${id}/${name}`, `${objectivesName(oa)}: ${name} changed from ${fmtSeconds(lb)} to ${fmtSeconds(la)}`, { before: lb, after: la });
    }
    if (ob.met && !oa.met) {
      const failing = oa.checks.filter((k) => !k.met).length;
      c.add('regression', 'objectives', id, `${objectivesName(oa)} no longer met: ${failing} of ${oa.checks.length} checks fail`, { breach: true });
    } else if (!ob.met && oa.met) {
      c.add('improvement', 'objectives', id, `${objectivesName(oa)} now met`);
    }
    for (const [k, kb, ka] of pair(ob.checks, oa.checks, checkKey)) {
      const key = `${id}/${k}`;
      if (!kb) {
        if (ka!.met) c.add('change', 'objectives', key, `${ka!.objective} now checked, met: ${checkFigure(ka!)}`);
        else c.add('regression', 'objectives', key, `${ka!.objective} not met (new check): ${checkFigure(ka!)}`, { after: ka!.seconds, breach: ob.met });
        continue;
      }
      if (!ka) {
        c.add(kb.met ? 'regression' : 'change', 'objectives', key, `${kb.objective} check gone: ${kb.subject} (was ${kb.met ? 'met' : 'not met'}: ${checkFigure(kb, false)})`, { breach: kb.met });
        continue;
      }
      if (kb.met && !ka.met) {
        c.add('regression', 'objectives', key, `${ka.objective} no longer met: ${checkFigure(ka)}`, { before: kb.seconds, after: ka.seconds, breach: true });
      } else if (!kb.met && ka.met) {
        c.add('improvement', 'objectives', key, `${ka.objective} now met: ${checkFigure(ka)}`, { before: kb.seconds, after: ka.seconds });
      }
    }
  }
}

function storeName(s: DataStoreEntry): string {
  return `data store ${s.id}`;
}

function diffDataStores(c: Collector, before: readonly DataStoreEntry[], after: readonly DataStoreEntry[]) {
  for (const [id, sb, sa] of pair(before, after, (s) => s.id)) {
    if (!sb) { c.add('change', 'dataStores', id, `${storeName(sa!)} added (${sa!.kind}, ${sa!.replicationMode}, worst-case RPO ${fmtSeconds(sa!.worstCaseRpoSeconds)}; Regions ${list(sa!.members.map((m) => m.region))})`); continue; }
    if (!sa) { c.add('change', 'dataStores', id, `${storeName(sb)} removed (was ${sb.kind}, ${sb.replicationMode}; Regions ${list(sb.members.map((m) => m.region))})`); continue; }
    if (sb.kind !== sa.kind) c.add('change', 'dataStores', `${id}/kind`, `${storeName(sa)}: kind changed from ${sb.kind} to ${sa.kind}`);
    if (sb.replicationMode !== sa.replicationMode) {
      const severity: DiffSeverity = sb.replicationMode === 'SYNCHRONOUS' && sa.replicationMode === 'ASYNCHRONOUS' ? 'regression'
        : sb.replicationMode === 'ASYNCHRONOUS' && sa.replicationMode === 'SYNCHRONOUS' ? 'improvement' : 'change';
      c.add(severity, 'dataStores', `${id}/mode`, `${storeName(sa)} replication changed from ${sb.replicationMode} to ${sa.replicationMode}`, { before: sb.replicationMode, after: sa.replicationMode });
    }
    c.grew('dataStores', `${id}/rpo`, `worst-case RPO of ${storeName(sa)}`, sb.worstCaseRpoSeconds, sa.worstCaseRpoSeconds);
    for (const [region, mb, ma] of pair(sb.members, sa.members, (m) => m.region)) {
      if (!mb) c.add('change', 'dataStores', `${id}/member/${region}`, `${storeName(sa)}: member in ${region} added (${ma!.role})`);
      else if (!ma) c.add('change', 'dataStores', `${id}/member/${region}`, `${storeName(sa)}: member in ${region} removed (was ${mb.role})`);
      else if (mb.role !== ma.role) c.add('change', 'dataStores', `${id}/member/${region}`, `${storeName(sa)}: member in ${region} changed role from ${mb.role} to ${ma.role}`);
    }
    if (sb.dataClass !== sa.dataClass) {
      c.add('change', 'dataStores', `${id}/dataClass`, `${storeName(sa)}: data class changed from ${sb.dataClass ?? '(none)'} to ${sa.dataClass ?? '(none)'}`);
    }
  }
}

function edgeName(e: ReplicationEdge): string {
  return `replication of ${e.store} from ${e.from} to ${e.to}`;
}

function diffReplication(c: Collector, b: ResilienceReportDocument, a: ResilienceReportDocument) {
  const storesB = new Map(b.dataStores.map((s) => [s.id, s] as const));
  const storesA = new Map(a.dataStores.map((s) => [s.id, s] as const));
  for (const [k, eb, ea] of pair(b.replication, a.replication, (e) => `${e.store}|${e.from}|${e.to}`)) {
    const e = (ea ?? eb)!;
    // A store that came or went is one change of its own, not one per edge.
    if (!storesB.has(e.store) || !storesA.has(e.store)) continue;
    if (!eb) { c.add('change', 'replication', k, `${edgeName(ea!)} added (${ea!.mode})`); continue; }
    if (!ea) { c.add('change', 'replication', k, `${edgeName(eb)} removed (was ${eb.mode})`); continue; }
    if (eb.mode !== ea.mode && storesB.get(e.store)!.replicationMode === storesA.get(e.store)!.replicationMode) {
      const severity: DiffSeverity = eb.mode === 'SYNCHRONOUS' && ea.mode === 'ASYNCHRONOUS' ? 'regression'
        : eb.mode === 'ASYNCHRONOUS' && ea.mode === 'SYNCHRONOUS' ? 'improvement' : 'change';
      c.add(severity, 'replication', `${k}/mode`, `${edgeName(ea)} changed from ${eb.mode} to ${ea.mode}`);
    }
    const lb = eb.lagAlarms;
    const la = ea.lagAlarms;
    if (lb && !la) {
      c.add(ea.mode === 'ASYNCHRONOUS' ? 'regression' : 'change', 'replication', `${k}/lagAlarms`, `${edgeName(ea)}: lag alarms removed (${lb.metric})`);
    } else if (!lb && la) {
      c.add('improvement', 'replication', `${k}/lagAlarms`, `${edgeName(ea)}: lag alarms added (${la.metric}${bandText(la)})`);
    } else if (lb && la) {
      if (lb.metric !== la.metric) c.add('change', 'replication', `${k}/lagAlarms/metric`, `${edgeName(ea)}: lag alarm metric changed from ${lb.metric} to ${la.metric}`);
      for (const [field, label] of [['warningSeconds', 'warning'], ['criticalSeconds', 'critical'], ['rpoSeconds', 'RPO-lag']] as const) {
        if (lb[field] !== la[field]) {
          c.add('change', 'replication', `${k}/lagAlarms/${field}`,
            `${edgeName(ea)}: ${label} lag alarm threshold changed from ${lb[field] === undefined ? '(none)' : fmtSeconds(lb[field])} to ${la[field] === undefined ? '(none)' : fmtSeconds(la[field])}`,
            { before: lb[field], after: la[field] });
        }
      }
    }
  }
}

function bandText(l: NonNullable<ReplicationEdge['lagAlarms']>): string {
  const parts = [
    l.warningSeconds !== undefined ? `warning ${fmtSeconds(l.warningSeconds)}` : undefined,
    l.criticalSeconds !== undefined ? `critical ${fmtSeconds(l.criticalSeconds)}` : undefined,
    l.rpoSeconds !== undefined ? `RPO-lag ${fmtSeconds(l.rpoSeconds)}` : undefined,
  ].filter((x): x is string => x !== undefined);
  return parts.length ? `; ${parts.join(', ')}` : '';
}

function diffResidency(c: Collector, b: ResilienceReportDocument, a: ResilienceReportDocument) {
  const rb = b.dataResidency;
  const ra = a.dataResidency;
  for (const [k, vb, va] of pair(rb.violations, ra.violations, (v) => `${v.guard}|${v.message}`)) {
    if (!vb) c.add('regression', 'residency', `violation/${k}`, `new residency violation (${va!.guard}): ${va!.message}`);
    else if (!va) c.add('improvement', 'residency', `violation/${k}`, `residency violation gone (${vb.guard}): ${vb.message}`);
  }
  for (const [g, gb, ga] of pair(rb.guards, ra.guards, (x) => x)) {
    if (!gb) c.add('change', 'residency', `guard/${g}`, `residency guard ${g} added`);
    else if (!ga) c.add('change', 'residency', `guard/${g}`, `residency guard ${g} removed`);
  }
  for (const [k, xb, xa] of pair(rb.rules, ra.rules, (r) => `${r.guard}|${r.dataClass}`)) {
    if (!xb) c.add('change', 'residency', `rule/${k}`, `residency rule added: ${xa!.dataClass} only in ${list(xa!.allowedRegions)} (${xa!.guard})`);
    else if (!xa) c.add('change', 'residency', `rule/${k}`, `residency rule removed: ${xb.dataClass} was only in ${list(xb.allowedRegions)} (${xb.guard})`);
    else if (!sameList([...xb.allowedRegions].sort(), [...xa.allowedRegions].sort())) {
      c.add('change', 'residency', `rule/${k}`, `residency rule for ${xa.dataClass} (${xa.guard}): allowed Regions changed from ${list(xb.allowedRegions)} to ${list(xa.allowedRegions)}`,
        { before: xb.allowedRegions, after: xa.allowedRegions });
    }
  }
  for (const [p, xb, xa] of pair(rb.resources, ra.resources, (r) => r.path)) {
    if (xb && xa && (xb.dataClass !== xa.dataClass || xb.region !== xa.region)) {
      c.add('change', 'residency', `resource/${p}`, `${p}: ${xb.dataClass} in ${xb.region ?? '(no Region)'} is now ${xa.dataClass} in ${xa.region ?? '(no Region)'}`);
    }
  }
}

/** Grouped per rule id: one line for the places it was added (with the reasons), one for those it left, one for new reasons. */
function diffAcknowledgements(c: Collector, before: readonly AcknowledgementEntry[], after: readonly AcknowledgementEntry[]) {
  const ids = [...new Set([...before, ...after].map((x) => x.id))];
  for (const id of ids) {
    const b = before.filter((x) => x.id === id);
    const a = after.filter((x) => x.id === id);
    const added: AcknowledgementEntry[] = [];
    const removed: AcknowledgementEntry[] = [];
    const reasons: Array<[AcknowledgementEntry, AcknowledgementEntry]> = [];
    for (const [, xb, xa] of pair(b, a, (x) => x.constructPath)) {
      if (!xb) added.push(xa!);
      else if (!xa) removed.push(xb);
      else if (xb.reason !== xa.reason) reasons.push([xb, xa]);
    }
    const places = (n: number) => `${n} ${n === 1 ? 'place' : 'places'}`;
    if (added.length) {
      c.add('change', 'acknowledgements', `${id}/added`,
        `${id} newly acknowledged at ${places(added.length)}: ${byReason(added)}`, { after: added.length });
    }
    if (removed.length) {
      c.add('change', 'acknowledgements', `${id}/removed`,
        `${id} no longer acknowledged at ${places(removed.length)}: ${removed.map((x) => x.constructPath).join(', ')}`, { before: removed.length });
    }
    if (reasons.length) {
      c.add('change', 'acknowledgements', `${id}/reason`,
        `${id} acknowledged with a new reason at ${places(reasons.length)}: ${byReason(reasons.map(([, x]) => x))}`);
    }
  }
}

/** `"reason" (path, path); "other reason" (path)`. */
function byReason(entries: readonly AcknowledgementEntry[]): string {
  const groups = new Map<string, string[]>();
  for (const e of entries) groups.set(e.reason, [...(groups.get(e.reason) ?? []), e.constructPath]);
  return [...groups].map(([reason, paths]) => `"${reason}" (${paths.join(', ')})`).join('; ');
}

function diffDrill(c: Collector, b: ResilienceReportDocument, a: ResilienceReportDocument) {
  const db = b.drill;
  const da = a.drill;
  if (!db && !da) return;
  if (!db) { c.add('change', 'drill', 'drill', `drill report given: drill of ${da!.region} ${da!.outcome} (${da!.finishedAt})`); return; }
  if (!da) { c.add('change', 'drill', 'drill', `drill report no longer given (was: drill of ${db.region} ${db.outcome}, ${db.finishedAt})`); return; }
  if (db.executionId !== da.executionId) {
    c.add(db.outcome === 'succeeded' && da.outcome !== 'succeeded' ? 'regression' : da.outcome === 'succeeded' && db.outcome !== 'succeeded' ? 'improvement' : 'change',
      'drill', 'drill', `drill report changed: drill of ${db.region} ${db.outcome} (${db.finishedAt}) to drill of ${da.region} ${da.outcome} (${da.finishedAt})`);
  }
  for (const [p, pb, pa] of pair(db.paths, da.paths, (x) => x.path)) {
    if (pb && pa && pb.withinBudget !== pa.withinBudget) {
      c.add(pa.withinBudget ? 'improvement' : 'regression', 'drill', `path/${p}`, pa.withinBudget
        ? `drill of ${da.region}: ${p} path now within budget (${fmtSeconds(pa.measuredSeconds)} <= ${fmtSeconds(pa.budgetSeconds)})`
        : `drill of ${da.region}: ${p} path no longer within budget (measured ${pa.measuredSeconds === undefined ? 'nothing in time' : fmtSeconds(pa.measuredSeconds)}, budget ${fmtSeconds(pa.budgetSeconds)})`);
    }
  }
}

const HEADINGS: Record<DiffSeverity, string> = { regression: 'Regressions', improvement: 'Improvements', change: 'Changes' };

function countsLine(d: ReportDiff): string {
  const n = (k: number, one: string, many: string) => `${k} ${k === 1 ? one : many}`;
  return `${n(d.counts.regression, 'regression', 'regressions')}, ${n(d.counts.improvement, 'improvement', 'improvements')}, ${n(d.counts.change, 'change', 'changes')}`;
}

function verdict(d: ReportDiff): string {
  return d.objectivesStopBeingMet
    ? 'An objective stops being met.'
    : 'No objective stops being met.';
}

function sideText(s: ReportSide): string {
  return `${s.label ? `${s.label}, ` : ''}${s.app}, ${s.generator}`;
}

/** Plain text for a terminal or a CI log. */
export function renderDiffText(d: ReportDiff): string {
  const lines = [
    `Resilience report diff`,
    `  before: ${sideText(d.before)}`,
    `  after:  ${sideText(d.after)}`,
    '',
  ];
  if (d.changes.length === 0) {
    lines.push('No changes between the two reports.');
    return lines.join('\n');
  }
  lines.push(`${countsLine(d)}. ${verdict(d)}`);
  for (const s of SEVERITY_ORDER) {
    const group = d.changes.filter((x) => x.severity === s);
    if (!group.length) continue;
    lines.push('', `${HEADINGS[s]}:`);
    for (const x of group) lines.push(`  - ${x.message}`);
  }
  return lines.join('\n');
}

function mdCell(s: string): string {
  return s.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/\r?\n/g, ' ');
}

/** Rows of the markdown table at most: a pull-request comment has a size limit (65,536 characters on GitHub). */
export const MARKDOWN_MAX_ROWS = 150;

/**
 * Markdown for a pull-request comment: a short heading, the verdict, then a table, regressions first.
 * Past `MARKDOWN_MAX_ROWS` rows the rest is counted, not listed (the text and JSON formats list all).
 */
export function renderDiffMarkdown(d: ReportDiff): string {
  const lines = [`### Resilience report: ${d.changes.length === 0 ? 'no changes' : countsLine(d)}`, ''];
  if (d.changes.length) {
    lines.push(d.objectivesStopBeingMet ? `**${verdict(d)}**` : verdict(d), '');
    lines.push('| Severity | Change |', '| --- | --- |');
    for (const x of d.changes.slice(0, MARKDOWN_MAX_ROWS)) lines.push(`| ${x.severity === 'regression' ? '**regression**' : x.severity} | ${mdCell(x.message)} |`);
    if (d.changes.length > MARKDOWN_MAX_ROWS) {
      const rest = d.changes.slice(MARKDOWN_MAX_ROWS);
      lines.push(`| | ... and ${rest.length} more (${rest.filter((x) => x.severity === 'regression').length} regressions): \`multi-region-cdk report --diff\` lists them all |`);
    }
    lines.push('');
  } else {
    lines.push('No changes between the two reports.', '');
  }
  lines.push(`<sub>before: ${mdCell(sideText(d.before))} · after: ${mdCell(sideText(d.after))}</sub>`);
  return lines.join('\n');
}
