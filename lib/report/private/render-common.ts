/**
 * What the SVG drawing and the HTML page of the resilience report share: escaping, the words that carry
 * the meaning (never colour alone), figures and the grouping of replication edges.
 *
 * Everything here is a pure function of the report document: the same document always gives the same
 * strings (no dates, no random ids, no locale-dependent formatting).
 */
import type {
  LagAlarmBand,
  RegionEntry,
  ReplicationEdge,
  ResilienceReportDocument,
  RoutingPathEntry,
  RoutingRegionEntry,
} from './schema';

/** Escapes text for an XML or HTML text node or a double- or single-quoted attribute. */
export function escapeXml(value: unknown): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

/** Plain code-unit order of two strings: the same on every machine and locale (unlike localeCompare). */
export function compareCodeUnits(x: string, y: string): number {
  return x < y ? -1 : x > y ? 1 : 0;
}

/** A figure in seconds: `325 s`, `212.4 s` (at most one decimal, no locale separators). */
export function formatSeconds(seconds: number | undefined): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return 'unknown';
  const rounded = Math.round(seconds * 10) / 10;
  return `${rounded} s`;
}

/** `325 s (5 min 25 s)` for figures of a minute or more; `45 s` below. */
export function formatSecondsLong(seconds: number | undefined): string {
  if (seconds === undefined || seconds === null || !Number.isFinite(seconds)) return 'unknown';
  const base = formatSeconds(seconds);
  if (seconds < 60) return base;
  const whole = Math.round(seconds);
  const minutes = Math.floor(whole / 60);
  const rest = whole % 60;
  return `${base} (${minutes} min${rest ? ` ${rest} s` : ''})`;
}

/** The figure with `≥ ` in front when it is only a lower bound (some term UNKNOWN). */
export function formatWorstCase(seconds: number | undefined, lowerBound: boolean): string {
  return `${lowerBound ? '≥ ' : ''}${formatSeconds(seconds)}`;
}

/** `ACTIVE`, `STANDBY`, `WITNESS`, `SUPPORT`, with `PRIMARY` for the primary of an active-passive app. */
export function roleWord(region: RegionEntry): string {
  const role = region.role.toUpperCase();
  return region.primary ? `${role} · PRIMARY` : role;
}

/** `active-active`, `active-passive`, or the posture as given. */
export function postureWord(posture: string): string {
  switch (posture) {
    case 'ACTIVE_ACTIVE':
      return 'active-active';
    case 'ACTIVE_PASSIVE':
      return 'active-passive';
    default:
      return posture.toLowerCase().replace(/_/g, '-');
  }
}

/** `synchronous`, `asynchronous`, `quorum (witness)`, or the mode in lower case. */
export function modeWord(mode: string): string {
  switch (mode) {
    case 'SYNCHRONOUS':
      return 'synchronous';
    case 'ASYNCHRONOUS':
      return 'asynchronous';
    case 'QUORUM':
      return 'quorum (witness)';
    default:
      return mode.toLowerCase();
  }
}

/** `configured`, `documented`, `assumed`, `UNKNOWN` (upper case: it makes a figure a lower bound). */
export function basisWord(basis: string): string {
  switch (basis) {
    case 'CONFIGURED':
      return 'configured';
    case 'DECLARED':
      return 'declared';
    case 'DOCUMENTED':
      return 'documented';
    case 'ASSUMED':
      return 'assumed';
    case 'UNKNOWN':
      return 'UNKNOWN';
    default:
      return basis.toLowerCase();
  }
}

/** `lag alarm warn 1 s / crit 10 s / RPO 5 s`, or `no lag alarm`. */
export function lagBandText(band: LagAlarmBand | undefined): string {
  if (!band) return 'no lag alarm';
  const parts: string[] = [];
  if (band.warningSeconds !== undefined) parts.push(`warn ${formatSeconds(band.warningSeconds)}`);
  if (band.criticalSeconds !== undefined) parts.push(`crit ${formatSeconds(band.criticalSeconds)}`);
  if (band.rpoSeconds !== undefined) parts.push(`RPO ${formatSeconds(band.rpoSeconds)}`);
  return parts.length ? `lag alarm ${parts.join(' / ')}` : 'lag alarm (no threshold given)';
}

/** `Route 53 · latency`, `Global Accelerator`, or the path's name. */
export function routingPathTitle(path: RoutingPathEntry): string {
  if (path.path === 'dns') return `Route 53 · ${path.routingPolicy || 'DNS'}`;
  if (path.path === 'accelerator') return 'Global Accelerator';
  return path.routingPolicy && path.routingPolicy !== path.path ? `${path.path} · ${path.routingPolicy}` : path.path;
}

/** True when a Region's total is only a lower bound: some of its terms are UNKNOWN. */
export function isLowerBound(region: RoutingRegionEntry): boolean {
  return region.unknownTerms.length > 0;
}

/** The last segment of a construct path (`MultiRegion/Dsql` -> `Dsql`). */
export function shortName(constructPath: string): string {
  const parts = constructPath.split('/').filter((p) => p.length > 0);
  return parts.length ? parts[parts.length - 1] : constructPath;
}

/** A replication edge, or the two directions of a symmetric pair as one edge. */
export interface DrawnEdge extends ReplicationEdge {
  /** True when the edge stands for both directions (same store, mode and lag alarms). */
  readonly bothWays: boolean;
}

function bandKey(band: LagAlarmBand | undefined): string {
  if (!band) return '';
  return JSON.stringify([band.warningSeconds, band.criticalSeconds, band.rpoSeconds, band.metric]);
}

/** Collapses each symmetric pair of edges (same store, mode and lag alarms, opposite directions) into one. */
export function collapseEdges(edges: ReplicationEdge[]): DrawnEdge[] {
  const out: DrawnEdge[] = [];
  const used = new Set<number>();
  edges.forEach((edge, i) => {
    if (used.has(i)) return;
    used.add(i);
    const j = edges.findIndex((other, k) => !used.has(k)
      && other.store === edge.store
      && other.from === edge.to
      && other.to === edge.from
      && other.mode === edge.mode
      && bandKey(other.lagAlarms) === bandKey(edge.lagAlarms));
    if (j >= 0) {
      used.add(j);
      const note = edges[j].note && edges[j].note !== edge.note ? `${edge.note}; ${edges[j].note}` : edge.note;
      out.push({ ...edge, note, bothWays: true });
    } else {
      out.push({ ...edge, bothWays: false });
    }
  });
  return out;
}

/** The data store's kind, by its id, for labels. */
export function storeKind(doc: ResilienceReportDocument, id: string): string | undefined {
  return doc.dataStores.find((s) => s.id === id)?.kind;
}
