/**
 * The resilience report's topology drawing (`cdk.out/resilience/topology.svg`), a rendering of the report
 * document and nothing else.
 *
 * Layout (columns, one per `doc.regions` entry in its order):
 *
 *   [gutter: routing path names] ── bus ──┬──────────────┬─────────   one band per routing path
 *                                          ▼ dns: 325 s   ▼ ...       (arrow into each routed Region)
 *   [gutter: legend]               ┌─ us-east-1 ─┐ ┌─ us-east-2 ─┐ ┌─ us-west-2 ─┐
 *                                  │ ACTIVE      │ │ ACTIVE      │ │ WITNESS     │  (border style = role)
 *                                  │ stacks, keys, data stores, endpoints, probes, services
 *                                  └──────┬──────┘ └──────┬──────┘ └──────┬──────┘
 *                                         └── synchronous ┘               │        replication lanes
 *                                                                                  (line style = mode)
 *
 * Meaning never rests on colour: Region roles are words and border styles, replication modes are words
 * and line styles (solid synchronous, dashed asynchronous, dotted quorum), figures are text. The output
 * is deterministic (fixed ids, no dates), standalone (no external reference, no font to fetch) and
 * accessible (`role="img"`, `<title>`, `<desc>`; every shortened text has its full text in a `<title>`).
 */
import {
  collapseEdges,
  DrawnEdge,
  escapeXml,
  formatWorstCase,
  isLowerBound,
  lagBandText,
  modeWord,
  postureWord,
  roleWord,
  routingPathTitle,
  shortName,
  storeKind,
} from './render-common';
import type { RegionEntry, ResilienceReportDocument } from './schema';

/** A generic stack: nothing to fetch, whatever the viewer has. */
const SVG_FONT_FAMILY = "'Helvetica Neue', Helvetica, Arial, 'Liberation Sans', 'DejaVu Sans', sans-serif";

const MARGIN = 20;
const GUTTER = 176;
const COL_W = 290;
const COL_GAP = 34;
const PAD = 10;
const TITLE_H = 34;
const BAND_H = 36;
const DROP_SPACE = 44;
const HEADER_H = 48;
const FONT = 11;
const SUB_FONT = 9.5;
const LINE = 13;
const SUB_LINE = 12;
const LANE_LINE = 12.5;

const TEXT = '#1a1a1a';
const MUTED = '#4a4a4a';
const ALERT = '#b00020';

interface ModeStyle {
  readonly key: string;
  readonly stroke: string;
  readonly width: number;
  readonly dash?: string;
  readonly cap: string;
}

function modeStyle(mode: string): ModeStyle {
  switch (mode) {
    case 'SYNCHRONOUS':
      return { key: 'sync', stroke: '#1f4e9c', width: 2.6, cap: 'butt' };
    case 'ASYNCHRONOUS':
      return { key: 'async', stroke: '#8a4b00', width: 2.2, dash: '9 5', cap: 'butt' };
    case 'QUORUM':
      return { key: 'quorum', stroke: '#505050', width: 2.4, dash: '0.1 5', cap: 'round' };
    default:
      return { key: 'other', stroke: '#505050', width: 1.8, dash: '10 4 2 4', cap: 'butt' };
  }
}

interface RoleStyle {
  readonly strokeWidth: number;
  readonly dash?: string;
  readonly headerFill: string;
}

function roleStyle(region: RegionEntry): RoleStyle {
  switch (region.role) {
    case 'active':
      return { strokeWidth: 2.6, headerFill: '#dce8f7' };
    case 'standby':
      return { strokeWidth: 1.4, headerFill: '#eef0f3' };
    case 'witness':
      return { strokeWidth: 1.6, dash: '7 4', headerFill: '#f1f1f1' };
    default:
      return { strokeWidth: 1.6, dash: '1.5 3.5', headerFill: '#f7f7f7' };
  }
}

// ---------------------------------------------------------------------------------------------------
// Text measuring (an estimate: the widest likely fallback font is DejaVu Sans, so we err on the wide side)
// ---------------------------------------------------------------------------------------------------

function charWidth(ch: string): number {
  if (' ilj.,:;|!\'`()[]/'.includes(ch)) return 0.34;
  if ('ft-r'.includes(ch)) return 0.42;
  if ('mw'.includes(ch)) return 0.92;
  if ('MW@'.includes(ch)) return 0.98;
  if (ch >= 'A' && ch <= 'Z') return 0.72;
  if (ch >= '0' && ch <= '9') return 0.64;
  return 0.61;
}

/** Estimated width of `text` at `size` px. */
function textWidth(text: string, size: number, bold = false): number {
  let w = 0;
  for (const ch of text) w += charWidth(ch);
  return w * size * (bold ? 1.08 : 1);
}

/** Shortens `text` with an ellipsis so it fits `width`. */
function truncate(text: string, width: number, size: number, bold = false): string {
  if (textWidth(text, size, bold) <= width) return text;
  let out = text;
  while (out.length > 1 && textWidth(`${out}…`, size, bold) > width) out = out.slice(0, -1);
  return `${out.trimEnd()}…`;
}

/** Wraps `text` into at most `maxLines` lines of `width` (breaking at spaces and after slashes); the last line is shortened with an ellipsis. */
export function wrapText(text: string, width: number, size: number, maxLines: number, bold = false): string[] {
  const tokens = String(text).match(/[^\s/]+\/?|\/|\s+/g) ?? [];
  const lines: string[] = [];
  let current = '';
  let i = 0;
  for (; i < tokens.length; i++) {
    const token = tokens[i];
    const candidate = current + token;
    if (textWidth(candidate.trimEnd(), size, bold) <= width || current.trim() === '') {
      current = candidate;
      continue;
    }
    lines.push(current.trimEnd());
    if (lines.length === maxLines) break;
    current = token.trimStart();
  }
  if (lines.length < maxLines) {
    if (current.trim() !== '') lines.push(current.trimEnd());
    return lines.map((l) => truncate(l, width, size, bold));
  }
  // Out of lines: the rest goes onto the last line, shortened.
  const rest = tokens.slice(i).join('');
  lines[maxLines - 1] = truncate(`${lines[maxLines - 1]} ${rest}`.replace(/\s+/g, ' '), width, size, bold);
  return lines.map((l) => truncate(l, width, size, bold));
}

function num(n: number): string {
  return String(Math.round(n * 10) / 10);
}

/** A `<text>` element; `extra` is raw attributes. */
function text(x: number, y: number, content: string, extra = ''): string {
  return `<text x="${num(x)}" y="${num(y)}"${extra ? ` ${extra}` : ''}>${escapeXml(content)}</text>`;
}

// ---------------------------------------------------------------------------------------------------
// Column content
// ---------------------------------------------------------------------------------------------------

interface Item {
  readonly main: string;
  /** Drawn bold, in red, with the word VIOLATION in its text. */
  readonly alert?: boolean;
  readonly sub?: string;
  /** The full text shown on hover. */
  readonly full: string;
  /** Lines the main text may take before it is shortened. @default 2 */
  readonly maxLines?: number;
}

interface Section {
  readonly heading: string;
  readonly items: Item[];
}

function regionSections(doc: ResilienceReportDocument, region: RegionEntry): Section[] {
  const sections: Section[] = [];
  sections.push({
    heading: 'Stacks',
    items: region.stacks.map((s) => ({ main: s.stackName, sub: s.path, full: `stack ${s.stackName} (${s.path})` })),
  });
  sections.push({
    heading: 'Keys',
    items: region.keys.map((k) => ({
      main: k.alias ?? 'KMS key',
      sub: k.path,
      full: `KMS key ${k.path}${k.alias ? ` (${k.alias})` : ''}`,
    })),
  });
  sections.push({
    heading: 'Data stores',
    items: region.dataStores.map((d) => {
      const kind = storeKind(doc, d.id);
      const dataClass = doc.dataStores.find((s) => s.id === d.id)?.dataClass;
      const sub = [kind, dataClass ? `data class ${dataClass}` : undefined].filter((x) => x).join(' · ');
      return {
        main: `${shortName(d.id)} · ${d.role}`,
        sub: sub || d.id,
        full: `data store ${d.id}${kind ? ` (${kind})` : ''}: ${d.role} in ${region.region}${dataClass ? `; data class ${dataClass}` : ''}`,
      };
    }),
  });
  sections.push({
    heading: 'Endpoints',
    items: region.endpoints.map((e) => ({
      main: e.description,
      maxLines: 1,
      sub: e.paths.length ? `routed by: ${e.paths.join(', ')}` : 'not routed',
      full: `${e.description}; DNS name ${e.dnsName}; routing paths: ${e.paths.join(', ') || 'none'}`,
    })),
  });
  sections.push({
    heading: 'Probes',
    items: region.probes.map((p) => ({ main: p.description, sub: `${p.kind} · ${p.path}`, full: `${p.kind} probe ${p.path}: ${p.description}` })),
  });
  sections.push({
    heading: 'Services',
    items: region.services.map((s) => ({ main: s.description, sub: s.path, full: `${s.description} (${s.path})` })),
  });
  const residency = doc.dataResidency;
  if (residency.resources.length) {
    // A resource a guard rejects is drawn on its own and marked; the others are counted per class
    // (an audit trail alone tags a dozen resources per Region).
    const here = residency.resources.filter((r) => r.region === region.region);
    const violationsOf = (path: string) => residency.violations.filter((v) => v.message.includes(path));
    const rejected = here.filter((r) => violationsOf(r.path).length > 0);
    const byClass = new Map<string, typeof here>();
    for (const r of here.filter((x) => !rejected.includes(x))) byClass.set(r.dataClass, [...(byClass.get(r.dataClass) ?? []), r]);
    sections.push({
      heading: 'Data classes',
      items: [
        ...rejected.map((r) => ({
          main: `⚠ VIOLATION: ${r.dataClass} · ${shortName(r.path.replace(/\/Resource$/, ''))}`,
          sub: `${r.type} · ${r.path}`,
          full: `${r.path} (${r.type}): data class ${r.dataClass} in ${region.region}${violationsOf(r.path).map((v) => `; VIOLATION: ${v.message}`).join('')}`,
          alert: true,
        })),
        ...[...byClass.entries()].map(([dataClass, list]) => ({
          main: `${dataClass} · ${list.length} resource${list.length === 1 ? '' : 's'}`,
          sub: [...new Set(list.map((r) => r.type.replace(/^AWS::/, '')))].join(', '),
          full: `data class ${dataClass} in ${region.region}: ${list.map((r) => `${r.path} (${r.type})`).join('; ')}`,
        })),
      ],
    });
  }
  return sections;
}

interface LaidItem {
  readonly item: Item;
  readonly mainLines: string[];
  readonly subLine?: string;
  readonly height: number;
}

interface LaidSection {
  readonly heading: string;
  readonly items: LaidItem[];
  readonly height: number;
}

const SECTION_HEAD_H = 18;
const ITEM_GAP = 4;
const SECTION_GAP = 6;

function layoutSections(sections: Section[]): LaidSection[] {
  const width = COL_W - 2 * PAD - 8;
  return sections.map((section) => {
    const items = section.items.map((item) => {
      const mainLines = wrapText(item.main, width, FONT, item.maxLines ?? 2);
      const subLine = item.sub ? truncate(item.sub, width, SUB_FONT) : undefined;
      const height = mainLines.length * LINE + (subLine ? SUB_LINE : 0) + ITEM_GAP;
      return { item, mainLines, subLine, height };
    });
    const body = items.length ? items.reduce((a, i) => a + i.height, 0) : LINE + ITEM_GAP;
    return { heading: section.heading, items, height: SECTION_HEAD_H + body + SECTION_GAP };
  });
}

function renderSections(laid: LaidSection[], x: number, y: number): string {
  const out: string[] = [];
  let cy = y;
  for (const section of laid) {
    out.push(text(x + PAD, cy + 12, section.heading.toUpperCase(), `font-size="9.5" font-weight="700" letter-spacing="0.8" fill="${MUTED}"`));
    out.push(`<line x1="${num(x + PAD)}" y1="${num(cy + 15.5)}" x2="${num(x + COL_W - PAD)}" y2="${num(cy + 15.5)}" stroke="#c8c8c8" stroke-width="0.8"/>`);
    cy += SECTION_HEAD_H;
    if (!section.items.length) {
      out.push(text(x + PAD + 8, cy + 10, 'none', `font-size="${FONT}" font-style="italic" fill="${MUTED}"`));
      cy += LINE + ITEM_GAP;
    }
    for (const li of section.items) {
      const parts: string[] = [`<title>${escapeXml(li.item.full)}</title>`];
      let ly = cy + 10;
      li.mainLines.forEach((line, i) => {
        parts.push(text(x + PAD + 8, ly, line, li.item.alert ? `font-size="${FONT}" font-weight="700" fill="${ALERT}"` : `font-size="${FONT}" fill="${TEXT}"`));
        if (i === 0) parts.push(`<circle cx="${num(x + PAD + 2.5)}" cy="${num(ly - 3.5)}" r="1.8" fill="${MUTED}"/>`);
        ly += LINE;
      });
      if (li.subLine) {
        parts.push(text(x + PAD + 8, ly - 1, li.subLine, `font-size="${SUB_FONT}" fill="${MUTED}"`));
      }
      out.push(`<g>${parts.join('')}</g>`);
      cy += li.height;
    }
    cy += SECTION_GAP;
  }
  return out.join('\n');
}

// ---------------------------------------------------------------------------------------------------
// Replication lanes
// ---------------------------------------------------------------------------------------------------

interface PlacedEdge {
  readonly edge: DrawnEdge;
  readonly a: number;
  readonly b: number;
  xa: number;
  xb: number;
  lane: number;
  readonly labelLines: string[];
  readonly labelWidth: number;
}

function edgeLabelLines(edge: DrawnEdge): string[] {
  const lines = [modeWord(edge.mode)];
  if (edge.mode === 'ASYNCHRONOUS' || edge.lagAlarms) lines.push(lagBandText(edge.lagAlarms));
  lines.push(edge.bothWays ? `${shortName(edge.store)} · both ways` : `${shortName(edge.store)} · ${edge.from} → ${edge.to}`);
  return lines;
}

function placeEdges(edges: DrawnEdge[], columnIndex: Map<string, number>, columnX: (i: number) => number): PlacedEdge[] {
  const placed: PlacedEdge[] = [];
  for (const edge of edges) {
    const i = columnIndex.get(edge.from);
    const j = columnIndex.get(edge.to);
    if (i === undefined || j === undefined || i === j) continue;
    const labelLines = edgeLabelLines(edge);
    const labelWidth = Math.max(...labelLines.map((l, k) => textWidth(l, k === 0 ? 10.5 : 9.5, k === 0)));
    placed.push({ edge, a: Math.min(i, j), b: Math.max(i, j), xa: 0, xb: 0, lane: 0, labelLines, labelWidth });
  }
  // Anchors: per column, edges to the left (shorter span first), then edges to the right (longer span
  // first), so a longer edge's vertical leg stays outside a shorter edge's span (no crossing of labels).
  const columns = new Set<number>();
  placed.forEach((p) => { columns.add(p.a); columns.add(p.b); });
  for (const c of columns) {
    // Ties (same span) are ordered one way at their left end and the other way at their right end, so
    // they nest instead of crossing.
    const left = placed.filter((p) => p.b === c).sort((p, q) => (p.b - p.a) - (q.b - q.a) || placed.indexOf(q) - placed.indexOf(p));
    const right = placed.filter((p) => p.a === c).sort((p, q) => (q.b - q.a) - (p.b - p.a) || placed.indexOf(p) - placed.indexOf(q));
    const order = [...left, ...right];
    const inner = COL_W - 2 * 30;
    order.forEach((p, k) => {
      const x = columnX(c) + 30 + ((k + 0.5) * inner) / order.length;
      if (p.b === c) p.xb = x;
      else p.xa = x;
    });
  }
  // Lanes: shortest spans nearest the columns; an edge shares a lane with those it does not overlap.
  const lanes: Array<Array<[number, number]>> = [];
  const bySpan = [...placed].sort((p, q) => (p.b - p.a) - (q.b - q.a) || ((p.xb - p.xa) - (q.xb - q.xa)) || (p.xa - q.xa));
  for (const p of bySpan) {
    const mid = (p.xa + p.xb) / 2;
    const lo = Math.min(p.xa, mid - p.labelWidth / 2) - 10;
    const hi = Math.max(p.xb, mid + p.labelWidth / 2) + 10;
    let lane = lanes.findIndex((taken) => taken.every(([l, h]) => hi < l || lo > h));
    if (lane < 0) {
      lanes.push([]);
      lane = lanes.length - 1;
    }
    lanes[lane].push([lo, hi]);
    p.lane = lane;
  }
  return placed;
}

// ---------------------------------------------------------------------------------------------------
// The drawing
// ---------------------------------------------------------------------------------------------------

function markers(): string {
  const defs: string[] = [];
  for (const mode of ['SYNCHRONOUS', 'ASYNCHRONOUS', 'QUORUM', 'OTHER']) {
    const s = modeStyle(mode);
    defs.push(`<marker id="mrc-topology-arrow-${s.key}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="7" markerHeight="7" markerUnits="userSpaceOnUse" orient="auto-start-reverse"><path d="M0,0 L10,5 L0,10 z" fill="${s.stroke}"/></marker>`);
    defs.push(`<marker id="mrc-topology-dot-${s.key}" viewBox="0 0 10 10" refX="5" refY="5" markerWidth="6" markerHeight="6" markerUnits="userSpaceOnUse"><circle cx="5" cy="5" r="4" fill="${s.stroke}"/></marker>`);
  }
  defs.push('<marker id="mrc-topology-arrow-route" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#222"/></marker>');
  return `<defs>${defs.join('')}</defs>`;
}

/** A sentence per part, for screen readers (`<desc>`). */
function description(doc: ResilienceReportDocument): string {
  const parts: string[] = [];
  parts.push(`${doc.app.name}, ${postureWord(doc.app.posture)}.`);
  parts.push(`Regions: ${doc.regions.map((r) => `${r.region} (${roleWord(r)})`).join(', ') || 'none'}.`);
  for (const path of doc.routing) {
    const regions = path.regions.map((r) => `${r.region} ${formatWorstCase(r.totalSeconds, isLowerBound(r))}`).join(', ');
    parts.push(`Routing path ${path.path} (${routingPathTitle(path)}): worst-case failover ${regions}.`);
  }
  for (const edge of collapseEdges(doc.replication)) {
    const dir = edge.bothWays ? `${edge.from} and ${edge.to}, both ways` : `${edge.from} to ${edge.to}`;
    const band = edge.mode === 'ASYNCHRONOUS' || edge.lagAlarms ? `, ${lagBandText(edge.lagAlarms)}` : '';
    parts.push(`Replication of ${edge.store}: ${dir}, ${modeWord(edge.mode)}${band}.`);
  }
  return parts.join(' ');
}

interface LegendEntry {
  readonly draw: (x: number, y: number) => string;
  readonly label: string;
}

function legend(x: number, y: number, hasRouting: boolean): { svg: string; height: number } {
  const out: string[] = [];
  let cy = y;
  const heading = (t: string) => {
    out.push(text(x, cy + 11, t.toUpperCase(), `font-size="9.5" font-weight="700" letter-spacing="0.8" fill="${MUTED}"`));
    cy += 18;
  };
  const rows = (entries: LegendEntry[]) => {
    for (const e of entries) {
      out.push(e.draw(x, cy + 7));
      out.push(text(x + 44, cy + 11, e.label, `font-size="10" fill="${TEXT}"`));
      cy += 17;
    }
    cy += 8;
  };
  const box = (dash: string | undefined, width: number) => (bx: number, by: number) =>
    `<rect x="${num(bx + 2)}" y="${num(by - 6)}" width="32" height="13" fill="none" stroke="#333" stroke-width="${width}"${dash ? ` stroke-dasharray="${dash}"` : ''}/>`;
  const line = (mode: string, bothEnds: boolean) => (lx: number, ly: number) => {
    const s = modeStyle(mode);
    return `<line x1="${num(lx + 2)}" y1="${num(ly)}" x2="${num(lx + 34)}" y2="${num(ly)}" stroke="${s.stroke}" stroke-width="${s.width}" stroke-linecap="${s.cap}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} marker-end="url(#mrc-topology-arrow-${s.key})"${bothEnds ? ` marker-start="url(#mrc-topology-arrow-${s.key})"` : ''}/>`;
  };
  out.push(text(x, cy + 12, 'Legend', `font-size="12" font-weight="700" fill="${TEXT}"`));
  cy += 22;
  heading('Region (border)');
  rows([
    { draw: box(undefined, 2.6), label: 'ACTIVE (thick)' },
    { draw: box(undefined, 1.2), label: 'STANDBY (thin)' },
    { draw: box('7 4', 1.6), label: 'WITNESS (dashed)' },
    { draw: box('1.5 3.5', 1.6), label: 'SUPPORT (dotted)' },
  ]);
  heading('Replication (line)');
  rows([
    { draw: line('SYNCHRONOUS', false), label: 'synchronous (solid)' },
    { draw: line('ASYNCHRONOUS', false), label: 'asynchronous (dashed)' },
    { draw: line('QUORUM', false), label: 'quorum (dotted)' },
    { draw: line('SYNCHRONOUS', true), label: 'two heads: both ways' },
  ]);
  if (hasRouting) {
    heading('Routing');
    out.push(`<line x1="${num(x + 18)}" y1="${num(cy)}" x2="${num(x + 18)}" y2="${num(cy + 20)}" stroke="#222" stroke-width="1.4" marker-end="url(#mrc-topology-arrow-route)"/>`);
    out.push(text(x + 30, cy + 9, 'traffic into a Region:', `font-size="10" fill="${TEXT}"`));
    out.push(text(x + 30, cy + 22, 'its worst-case failover', `font-size="10" fill="${TEXT}"`));
    cy += 30;
    out.push(text(x, cy + 10, '≥ : lower bound (a term is', `font-size="10" fill="${TEXT}"`));
    out.push(text(x, cy + 23, 'UNKNOWN)', `font-size="10" fill="${TEXT}"`));
    cy += 30;
  }
  return { svg: out.join('\n'), height: cy - y };
}

/** The topology of the report as a standalone SVG document. */
export function renderTopologySvg(doc: ResilienceReportDocument): string {
  const regions = doc.regions;
  const routing = doc.routing;
  const n = Math.max(regions.length, 1);
  const x0 = MARGIN + GUTTER + 14;
  const columnX = (i: number) => x0 + i * (COL_W + COL_GAP);
  const width = x0 + n * COL_W + (n - 1) * COL_GAP + MARGIN;
  const columnIndex = new Map<string, number>();
  regions.forEach((r, i) => { if (!columnIndex.has(r.region)) columnIndex.set(r.region, i); });

  const body: string[] = [];
  const app = doc.app;
  const appTitle = `${app.name}: Regions, replication and routing`;
  body.push(text(MARGIN, MARGIN + 14, appTitle, `font-size="16" font-weight="700" fill="${TEXT}"`));
  body.push(text(MARGIN, MARGIN + 30, `${postureWord(app.posture)}; ${regions.length} Region${regions.length === 1 ? '' : 's'}; ${doc.generator}`, `font-size="10.5" fill="${MUTED}"`));

  // ---- Routing bands ----
  const bandsTop = MARGIN + TITLE_H + 6;
  const busY = (k: number) => bandsTop + k * BAND_H + 26;
  const colTop = bandsTop + routing.length * BAND_H + (routing.length ? DROP_SPACE : 0);
  // Each column gives every routing path its own x, so drops from different paths never overlap.
  const dropX = (col: number, k: number) => columnX(col) + 16 + (k * (COL_W - 32)) / Math.max(routing.length, 1);
  const routeDrops: Array<{ x: number; k: number; pathName: string; figure: string; full: string }> = [];
  const bridges: string[] = [];
  routing.forEach((path, k) => {
    const title = routingPathTitle(path);
    const worst = { seconds: path.worstCaseSeconds, lowerBound: !path.complete };
    const y = busY(k);
    body.push(`<g><title>${escapeXml(`${title} (${path.path} path, ${path.constructPath}): worst case ${formatWorstCase(worst.seconds, worst.lowerBound)}; ${path.formula}`)}</title>`
      + text(MARGIN, y - 12, truncate(title, GUTTER - 4, 12, true), `font-size="12" font-weight="700" fill="${TEXT}"`)
      + text(MARGIN, y + 1, truncate(`${path.path} path · worst ${formatWorstCase(worst.seconds, worst.lowerBound)}`, GUTTER - 4, 10), `font-size="10" fill="${MUTED}"`)
      + '</g>');
    const routed = path.regions.filter((r) => columnIndex.has(r.region));
    const xs = routed.map((r) => dropX(columnIndex.get(r.region)!, k));
    const busEnd = xs.length ? Math.max(...xs) : MARGIN + GUTTER;
    body.push(`<line x1="${num(MARGIN)}" y1="${num(y + 5)}" x2="${num(busEnd)}" y2="${num(y + 5)}" stroke="#222" stroke-width="1.6"/>`);
    routed.forEach((r, i) => {
      const figure = formatWorstCase(r.totalSeconds, isLowerBound(r));
      routeDrops.push({
        x: xs[i],
        k,
        pathName: `${path.path}:`,
        figure,
        full: `${title} into ${r.region}: worst-case failover ${figure} (detection ${r.detectionSeconds} s + TTL ${r.ttlSeconds} s${r.worstBranch ? `; worst branch: ${r.worstBranch}` : ''})`,
      });
      // Hops where this drop crosses the buses of the bands below it.
      for (let j = k + 1; j < routing.length; j++) {
        bridges.push(`<line x1="${num(xs[i] - 4)}" y1="${num(busY(j) + 5)}" x2="${num(xs[i] + 4)}" y2="${num(busY(j) + 5)}" stroke="#fff" stroke-width="4"/>`);
      }
    });
  });
  body.push(...bridges);
  const labelRoom = (COL_W - 32) / Math.max(routing.length, 1) - 10;
  for (const drop of routeDrops) {
    body.push(`<g><title>${escapeXml(drop.full)}</title>`
      + `<circle cx="${num(drop.x)}" cy="${num(busY(drop.k) + 5)}" r="2.6" fill="#222"/>`
      + `<line x1="${num(drop.x)}" y1="${num(busY(drop.k) + 5)}" x2="${num(drop.x)}" y2="${num(colTop - 1)}" stroke="#222" stroke-width="1.4" marker-end="url(#mrc-topology-arrow-route)"/>`
      + text(drop.x + 5, colTop - 20, truncate(drop.pathName, labelRoom, 9.5), `font-size="9.5" fill="${MUTED}"`)
      + text(drop.x + 5, colTop - 7, truncate(drop.figure, labelRoom, 11.5, true), `font-size="11.5" font-weight="700" fill="${TEXT}"`)
      + '</g>');
  }

  // ---- Region columns ----
  const laid = regions.map((r) => layoutSections(regionSections(doc, r)));
  const bodyHeight = Math.max(120, ...laid.map((sections) => sections.reduce((a, s) => a + s.height, 0) + 6));
  const colHeight = HEADER_H + bodyHeight;
  const colBottom = colTop + colHeight;
  regions.forEach((region, i) => {
    const x = columnX(i);
    const style = roleStyle(region);
    const dash = style.dash ? ` stroke-dasharray="${style.dash}"` : '';
    const role = roleWord(region);
    body.push(`<g><title>${escapeXml(`${region.region}: ${role}`)}</title>`
      + `<rect x="${num(x)}" y="${num(colTop)}" width="${COL_W}" height="${HEADER_H}" fill="${style.headerFill}"/>`
      + text(x + PAD, colTop + 21, region.region, `font-size="17" font-weight="700" fill="${TEXT}"`)
      + text(x + PAD, colTop + 38, role, `font-size="11" font-weight="700" letter-spacing="1" fill="${TEXT}"`)
      + `<line x1="${num(x)}" y1="${num(colTop + HEADER_H)}" x2="${num(x + COL_W)}" y2="${num(colTop + HEADER_H)}" stroke="#333" stroke-width="1"/>`
      + '</g>');
    body.push(renderSections(laid[i], x, colTop + HEADER_H + 6));
    body.push(`<rect x="${num(x)}" y="${num(colTop)}" width="${COL_W}" height="${num(colHeight)}" fill="none" stroke="#333" stroke-width="${style.strokeWidth}"${dash}/>`);
  });

  // ---- Replication lanes ----
  const placed = placeEdges(collapseEdges(doc.replication), columnIndex, columnX);
  const laneCount = placed.length ? Math.max(...placed.map((p) => p.lane)) + 1 : 0;
  const laneHeights: number[] = [];
  for (let l = 0; l < laneCount; l++) {
    const lines = Math.max(...placed.filter((p) => p.lane === l).map((p) => p.labelLines.length));
    laneHeights.push(lines * LANE_LINE + 16);
  }
  const laneY = (l: number) => colBottom + 12 + laneHeights.slice(0, l + 1).reduce((a, h) => a + h, 0);
  const lanesBottom = laneCount ? laneY(laneCount - 1) + 10 : colBottom;
  for (const p of placed) {
    const s = modeStyle(p.edge.mode);
    const y = laneY(p.lane);
    // Drawn from the sending Region to the receiving one, so the arrowhead marks the receiver.
    const fromX = columnIndex.get(p.edge.from)! === p.a ? p.xa : p.xb;
    const toX = fromX === p.xa ? p.xb : p.xa;
    const start = p.edge.bothWays ? `url(#mrc-topology-arrow-${s.key})` : `url(#mrc-topology-dot-${s.key})`;
    const edgeFull = `${p.edge.store}${storeKind(doc, p.edge.store) ? ` (${storeKind(doc, p.edge.store)})` : ''}: `
      + `${p.edge.bothWays ? `${p.edge.from} ↔ ${p.edge.to}` : `${p.edge.from} → ${p.edge.to}`}, ${modeWord(p.edge.mode)}`
      + `${p.edge.lagAlarms ? `, ${lagBandText(p.edge.lagAlarms)} (${p.edge.lagAlarms.metric})` : ''}; ${p.edge.note}`;
    const mid = (p.xa + p.xb) / 2;
    const labels = p.labelLines.map((line, k) => text(mid, y - 6 - (p.labelLines.length - 1 - k) * LANE_LINE, line,
      `font-size="${k === 0 ? 10.5 : 9.5}"${k === 0 ? ' font-weight="700"' : ''} fill="${k === 0 ? TEXT : MUTED}" text-anchor="middle" stroke="#fff" stroke-width="3" paint-order="stroke"`)).join('');
    body.push(`<g><title>${escapeXml(edgeFull)}</title>`
      + `<path d="M${num(fromX)},${num(colBottom + 1)} V${num(y)} H${num(toX)} V${num(colBottom + 2)}" fill="none" stroke="${s.stroke}" stroke-width="${s.width}" stroke-linecap="${s.cap}"${s.dash ? ` stroke-dasharray="${s.dash}"` : ''} marker-start="${start}" marker-end="url(#mrc-topology-arrow-${s.key})"/>`
      + labels
      + '</g>');
  }

  // ---- Legend (in the gutter, beside the columns) ----
  const leg = legend(MARGIN, colTop, routing.length > 0);
  body.push(leg.svg);
  let gutterBottom = colTop + leg.height;
  const rules = doc.dataResidency.rules;
  if (rules.length) {
    let cy = gutterBottom + 4;
    body.push(text(MARGIN, cy + 11, 'DATA CLASSES: ALLOWED IN', `font-size="9.5" font-weight="700" letter-spacing="0.8" fill="${MUTED}"`));
    cy += 18;
    for (const rule of rules) {
      const lines = wrapText(`${rule.dataClass}: ${rule.allowedRegions.join(', ') || 'no Region'}`, GUTTER - 8, 10, 3);
      body.push(`<g><title>${escapeXml(`data class ${rule.dataClass} may live only in ${rule.allowedRegions.join(', ')} (guard ${rule.guard})`)}</title>${
        lines.map((l, i) => text(MARGIN, cy + 10 + i * 13, l, `font-size="10" fill="${TEXT}"`)).join('')}</g>`);
      cy += lines.length * 13 + 4;
    }
    const violations = doc.dataResidency.violations.length;
    if (violations) {
      body.push(text(MARGIN, cy + 12, `⚠ ${violations} VIOLATION${violations === 1 ? '' : 'S'}`, `font-size="11" font-weight="700" fill="${ALERT}"`));
      cy += 18;
    }
    gutterBottom = cy;
  }

  const height = Math.ceil(Math.max(lanesBottom, gutterBottom) + MARGIN);
  const w = Math.ceil(width);
  const title = `Resilience topology of ${app.name}`;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${height}" viewBox="0 0 ${w} ${height}" role="img" aria-labelledby="mrc-topology-title mrc-topology-desc" font-family="${escapeXml(SVG_FONT_FAMILY)}">`,
    `<title id="mrc-topology-title">${escapeXml(title)}</title>`,
    `<desc id="mrc-topology-desc">${escapeXml(description(doc))}</desc>`,
    markers(),
    `<rect x="0" y="0" width="${w}" height="${height}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}
