import * as fs from 'node:fs';
import * as path from 'node:path';
import { renderReportHtml } from '../../lib/report/private/render-html';
import { renderTopologySvg, wrapText } from '../../lib/report/private/render-svg';
import type { ResilienceReportDocument } from '../../lib/report/private/schema';

function fixture(name: string): ResilienceReportDocument {
  return JSON.parse(fs.readFileSync(path.join(__dirname, 'fixtures', `${name}.report.json`), 'utf8')) as ResilienceReportDocument;
}

/** A deep copy to mutate. */
function copy<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The text a reader sees: tags dropped, entities decoded (enough for these assertions). */
function visibleText(markup: string): string {
  return markup
    .replace(/<style[\s\S]*?<\/style>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ');
}

const ROLE_WORDS: Record<string, string> = { active: 'ACTIVE', standby: 'STANDBY', witness: 'WITNESS', support: 'SUPPORT' };

const CASES: Array<[string, ResilienceReportDocument]> = [
  ['default app', fixture('default-app')],
  ['residency violation with a drill', fixture('violation')],
];

describe.each(CASES)('renderings of the %s report', (_name, doc) => {
  const svg = renderTopologySvg(doc);
  const html = renderReportHtml(doc);

  test('the fixture is what the assertions assume (three Regions, two routing paths)', () => {
    expect(doc.regions.map((r) => r.role)).toEqual(['active', 'active', 'witness']);
    expect(doc.routing.map((p) => p.path)).toEqual(['dns', 'accelerator']);
  });

  test.each([['SVG', () => svg], ['HTML', () => html]])('%s: every Region code and its role as a word', (_kind, render) => {
    const text = visibleText(render());
    for (const region of doc.regions) {
      expect(text).toContain(region.region);
      expect(text).toContain(ROLE_WORDS[region.role]);
    }
  });

  test('SVG: one column header per Region, in the document order', () => {
    const headers = [...svg.matchAll(/font-size="17" font-weight="700"[^>]*>([^<]+)<\/text>/g)].map((m) => m[1]);
    expect(headers).toEqual(doc.regions.map((r) => r.region));
  });

  test('SVG: each routing path and each routed Region\'s worst case', () => {
    const text = visibleText(svg);
    expect(text).toContain('Route 53 · latency');
    expect(text).toContain('Global Accelerator');
    for (const p of doc.routing) {
      for (const r of p.regions) expect(text).toContain(`${p.path}: ${r.totalSeconds} s`);
    }
  });

  test('HTML: each routing path\'s worst case, each Region\'s total and every term', () => {
    const text = visibleText(html);
    for (const p of doc.routing) {
      expect(text).toContain(`(${p.path} path): worst case ${p.worstCaseSeconds} s`);
      for (const r of p.regions) {
        expect(text).toMatch(new RegExp(`${r.region} ${r.totalSeconds} s ${r.detectionSeconds} s ${r.ttlSeconds} s`));
        for (const t of r.terms) expect(text).toContain(t.name);
      }
    }
  });

  test('the DSQL pair is drawn once, both ways, labelled synchronous; the witness edges are quorum', () => {
    expect(visibleText(svg)).toContain('synchronous');
    expect(visibleText(svg)).toContain('Dsql · both ways');
    expect(visibleText(svg)).toContain('quorum (witness)');
    // Solid line with arrowheads at both ends for the pair.
    expect(svg).toMatch(/<path d="[^"]+" fill="none" stroke="#1f4e9c" stroke-width="2.6" stroke-linecap="butt" marker-start="url\(#mrc-topology-arrow-sync\)" marker-end="url\(#mrc-topology-arrow-sync\)"\/>/);
    expect(svg.match(/marker-end="url\(#mrc-topology-arrow-quorum\)"/g)?.length).toBe(2 + 1 /* legend */);
    expect(visibleText(html)).toContain('synchronous');
  });

  test('HTML: the objectives with seconds against the limit and MET as a word', () => {
    const text = visibleText(html);
    for (const o of doc.objectives) {
      for (const c of o.checks) {
        expect(text).toContain(`${c.objective} ${c.subject} ${c.seconds} s ${c.limitSeconds} s ✓ ${c.met ? 'MET' : 'NOT MET'}`);
      }
    }
    expect(text).toContain(`Recovery objectives ${doc.summary.objectivesMet ? '✓ MET' : '✗ NOT MET'}`);
  });

  test('no external reference: no src, no remote href, no url(), no @import, no script, no link', () => {
    for (const out of [svg, html]) {
      expect(out).not.toMatch(/\ssrc\s*=/i);
      expect(out).not.toMatch(/href\s*=\s*["']?\s*(https?:|\/\/)/i);
      expect(out).not.toMatch(/url\(\s*["']?\s*(https?:|\/\/|data:)/i);
      expect(out).not.toMatch(/@import/i);
      expect(out).not.toMatch(/<script/i);
      expect(out).not.toMatch(/<link/i);
      expect(out).not.toMatch(/@font-face/i);
    }
    // The only url() references are the SVG's own markers.
    for (const m of svg.matchAll(/url\(([^)]*)\)/g)) expect(m[1]).toMatch(/^#mrc-topology-/);
  });

  test('deterministic: two renders are equal, and neither carries today\'s date', () => {
    expect(renderTopologySvg(copy(doc))).toBe(svg);
    expect(renderReportHtml(copy(doc))).toBe(html);
    const today = new Date().toISOString().slice(0, 10);
    expect(svg).not.toContain(today);
    expect(html).not.toContain(today);
  });

  test('SVG: standalone and accessible', () => {
    expect(svg).toMatch(/^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" width="\d+" height="\d+" viewBox="0 0 \d+ \d+" role="img" aria-labelledby="mrc-topology-title mrc-topology-desc"/);
    expect(svg).toContain('<title id="mrc-topology-title">');
    expect(svg).toContain('<desc id="mrc-topology-desc">');
    expect(svg).toMatch(/font-family="[^"]*sans-serif"/);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    // Every id is one of the fixed ones.
    for (const m of svg.matchAll(/\sid="([^"]+)"/g)) expect(m[1]).toMatch(/^mrc-topology-(title|desc|arrow-\w+|dot-\w+)$/);
  });

  test('HTML: one page with lang, headings in order, table headers with scope, the SVG inlined, print rules', () => {
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="en">')).toBe(true);
    expect(html).toContain(svg.trim());
    const levels = [...html.matchAll(/<h([1-6])\b/g)].map((m) => Number(m[1]));
    expect(levels[0]).toBe(1);
    levels.forEach((level, i) => { if (i > 0) expect(level - levels[i - 1]).toBeLessThanOrEqual(1); });
    expect(html).not.toMatch(/<th(?=[\s>])(?![^>]*scope=)[^>]*>/);
    expect(html).toContain('@media print');
    expect(html).toMatch(/@page \{ size: A4 landscape;/);
    expect(html.match(/<h2 /g)?.length).toBe(7);
  });
});

describe('what differs between the fixtures', () => {
  const plain = fixture('default-app');
  const violating = fixture('violation');

  test('VIOLATION (word and symbol) only on the page of the app with a residency violation', () => {
    const bad = renderReportHtml(violating);
    expect(visibleText(bad)).toContain('⚠ VIOLATION');
    expect(bad).toContain(`${violating.dataResidency.violations[0].message.replace(/,/g, ',')}`.split(' (')[0]);
    expect(visibleText(bad)).toContain('⚠ 1 VIOLATION');
    expect(visibleText(bad)).toContain('PII eu-west-1, eu-central-1');
    // The drawing marks the offending resource in its Region's column and counts the violations.
    const badSvg = visibleText(renderTopologySvg(violating));
    expect(badSvg).toContain('⚠ VIOLATION: PII · Table');
    expect(badSvg).toContain('PII: eu-west-1, eu-central-1');
    expect(badSvg).toContain('⚠ 1 VIOLATION');
    const good = renderReportHtml(plain);
    expect(good).not.toContain('VIOLATION');
    expect(visibleText(good)).toContain('No violations');
    expect(renderTopologySvg(plain)).not.toContain('VIOLATION');
  });

  test('the drill\'s figures beside the budgets only on the page with a drill report', () => {
    const drilled = visibleText(renderReportHtml(violating));
    for (const p of violating.drill!.paths) {
      expect(drilled).toContain(`${p.path} ${p.measuredSeconds} s ${p.budgetSeconds} s ${p.drillBudgetSeconds} s ✓ within budget`);
    }
    expect(drilled).toContain(violating.drill!.executionId);
    const undrilled = visibleText(renderReportHtml(plain));
    expect(undrilled).toContain('No drill report was given');
    expect(undrilled).toContain('cdk synth -c multi-region-cdk:drill-report=<file>');
    expect(undrilled).not.toContain('212.4 s');
    expect(undrilled).not.toContain('within budget');
  });

  test('a drill over budget says OVER BUDGET in words', () => {
    const doc = copy(violating) as { drill: { paths: Array<{ measuredSeconds?: number; withinBudget: boolean }> } } & ResilienceReportDocument;
    doc.drill.paths[0].measuredSeconds = 400;
    doc.drill.paths[0].withinBudget = false;
    const text = visibleText(renderReportHtml(doc));
    expect(text).toContain('dns 400 s 325 s 325 s ✗ OVER BUDGET');
    expect(text).not.toContain('budget changed since the drill');
    doc.drill!.paths[1] = { ...doc.drill!.paths[1], drillBudgetSeconds: 250 } as any;
    expect(visibleText(renderReportHtml(doc))).toContain('accelerator (budget changed since the drill) 95 s 310 s 250 s ✓ within budget');
  });

  test('an objective not met says NOT MET in the summary and in its check', () => {
    const doc = copy(plain) as any;
    doc.objectives[0].met = false;
    doc.objectives[0].checks[0].met = false;
    doc.objectives[0].checks[0].limitSeconds = 300;
    doc.summary.objectivesMet = false;
    const text = visibleText(renderReportHtml(doc));
    expect(text).toContain('Recovery objectives ✗ NOT MET');
    expect(text).toContain('RTO dns path, us-east-1 325 s 300 s ✗ NOT MET');
  });

  test('acknowledgements grouped by rule, with count, reason and construct paths in a details element', () => {
    const doc = copy(plain) as any;
    doc.acknowledgements.push({ id: 'AwsSolutions-IAM5', reason: 'Other reason', constructPath: 'MultiRegion/us-east-2/DsqlPeering' });
    const html = renderReportHtml(doc);
    const row = html.match(/<tr><th scope="row"><code>AwsSolutions-IAM5<\/code><\/th>[\s\S]*?<\/tr>/)![0];
    expect(visibleText(row)).toContain('AwsSolutions-IAM5 2');
    expect(row).toContain('Other reason');
    expect(row).toContain('<details><summary>2 construct paths</summary>');
    expect(row).toContain('MultiRegion/us-east-2/DsqlPeering');
  });
});

describe('escaping', () => {
  const attack = '<script>alert(1)</script>';

  test('every string from the document is escaped in the page and in the drawing', () => {
    const doc = copy(fixture('violation')) as any;
    doc.app.name = `app ${attack} & "quoted" 'single'`;
    doc.regions[0].stacks[0].path = `MultiRegion/${attack}`;
    doc.regions[0].services[0].description = `svc ${attack}`;
    doc.acknowledgements[0].constructPath = `MultiRegion/${attack}`;
    doc.acknowledgements[0].reason = `because ${attack}`;
    doc.dataResidency.violations[0].message = `bad ${attack}`;
    doc.routing[0].regions[0].terms[0].source = `src ${attack}`;
    doc.replication[0].note = `note ${attack}`;
    doc.drill.executionId = `exec ${attack}`;
    const html = renderReportHtml(doc);
    const svg = renderTopologySvg(doc);
    for (const out of [html, svg]) {
      expect(out).not.toContain('<script');
      expect(out).not.toContain('"quoted"');
    }
    expect(html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html.match(/&lt;script&gt;alert\(1\)&lt;\/script&gt;/g)!.length).toBeGreaterThanOrEqual(9);
    expect(svg).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('&amp; &quot;quoted&quot; &#39;single&#39;');
  });

  test('the attack really reaches the output (the escaping test can fail)', () => {
    const doc = copy(fixture('default-app')) as any;
    doc.acknowledgements[0].constructPath = `MultiRegion/${attack}`;
    const html = renderReportHtml(doc);
    // Undo the escaping: the raw string would be there without it.
    expect(html.replace(/&lt;/g, '<').replace(/&gt;/g, '>')).toContain(attack);
  });
});

describe('other shapes of document', () => {
  test('an asynchronous edge is dashed and carries its lag alarm band; a lower bound is written with ≥', () => {
    const doc = copy(fixture('default-app')) as any;
    doc.dataStores.push({
      id: 'MultiRegion/Table', kind: 'DynamoDB global table', replicationMode: 'ASYNCHRONOUS', worstCaseRpoSeconds: 10,
      rpoBasis: 'lag alarm critical threshold', members: [{ region: 'us-east-1', role: 'peer' }, { region: 'us-east-2', role: 'peer' }],
    });
    doc.regions[0].dataStores.push({ id: 'MultiRegion/Table', role: 'peer' });
    doc.regions[1].dataStores.push({ id: 'MultiRegion/Table', role: 'peer' });
    const band = { warningSeconds: 1, criticalSeconds: 10, metric: 'AWS/DynamoDB ReplicationLatency' };
    doc.replication.push({ store: 'MultiRegion/Table', from: 'us-east-1', to: 'us-east-2', mode: 'ASYNCHRONOUS', lagAlarms: band, note: 'eventually consistent' });
    doc.replication.push({ store: 'MultiRegion/Table', from: 'us-east-2', to: 'us-east-1', mode: 'ASYNCHRONOUS', lagAlarms: band, note: 'eventually consistent' });
    doc.routing[0].complete = false;
    doc.routing[0].regions[1].unknownTerms = ['resolver cache'];
    doc.routing[0].regions[1].terms[5].basis = 'UNKNOWN';
    delete doc.routing[0].regions[1].terms[5].seconds;
    const svg = renderTopologySvg(doc);
    const text = visibleText(svg);
    expect(text).toContain('asynchronous');
    expect(text).toContain('lag alarm warn 1 s / crit 10 s');
    expect(svg).toMatch(/stroke="#8a4b00" stroke-width="2.2" stroke-linecap="butt" stroke-dasharray="9 5" marker-start="url\(#mrc-topology-arrow-async\)"/);
    expect(text).toContain('dns: ≥ 325 s');
    expect(text).toContain('dns: 325 s'); // us-east-1 has no UNKNOWN term
    const html = visibleText(renderReportHtml(doc));
    expect(html).toContain('worst case ≥ 325 s');
    expect(html).toContain('lag alarm warn 1 s / crit 10 s (AWS/DynamoDB ReplicationLatency)');
    expect(html).toContain('UNKNOWN: resolver cache');
  });

  test('active-passive: PRIMARY and STANDBY as words; a support Region; a one-way edge has one arrowhead', () => {
    const doc = copy(fixture('default-app')) as any;
    doc.app.posture = 'ACTIVE_PASSIVE';
    doc.app.primaryRegion = 'us-east-1';
    doc.regions[0].primary = true;
    doc.regions[1].role = 'standby';
    doc.regions[2].role = 'support';
    doc.replication = [{ store: 'MultiRegion/Aurora', from: 'us-east-1', to: 'us-east-2', mode: 'ASYNCHRONOUS', note: 'storage-level replication' }];
    const svg = renderTopologySvg(doc);
    const text = visibleText(svg);
    expect(text).toContain('ACTIVE · PRIMARY');
    expect(text).toContain('STANDBY');
    expect(text).toContain('SUPPORT');
    expect(text).toContain('Aurora · us-east-1 → us-east-2');
    expect(text).toContain('no lag alarm');
    expect(svg).toContain('marker-start="url(#mrc-topology-dot-async)" marker-end="url(#mrc-topology-arrow-async)"');
    expect(visibleText(renderReportHtml(doc))).toContain('Primary Region us-east-1');
  });

  test('an empty app still renders', () => {
    const doc = copy(fixture('default-app')) as any;
    doc.regions = [];
    doc.routing = [];
    doc.replication = [];
    doc.dataStores = [];
    doc.objectives = [];
    doc.acknowledgements = [];
    delete doc.summary.objectivesMet;
    delete doc.summary.worstCaseFailoverSeconds;
    delete doc.summary.worstCaseRpoSeconds;
    const html = visibleText(renderReportHtml(doc));
    expect(html).toContain('The app has no routing path');
    expect(html).toContain('states no recovery objectives');
    expect(renderTopologySvg(doc)).toContain('</svg>');
  });

  test('long text is wrapped, then shortened with an ellipsis; the full text stays in a title', () => {
    const lines = wrapText('a '.repeat(200), 100, 11, 2);
    expect(lines).toHaveLength(2);
    expect(lines[1].endsWith('…')).toBe(true);
    const doc = copy(fixture('default-app')) as any;
    const long = `Route 53 records ${'and more '.repeat(30)}END`;
    doc.regions[0].services[0].description = long;
    const svg = renderTopologySvg(doc);
    expect(svg).not.toContain('END</text>');
    expect(svg).toContain(`<title>${long} (MultiRegion/global/Dns)</title>`);
  });
});

describe('a large app stays readable and printable', () => {
  test('tagged resources are counted per class and Region (page and drawing); a rejected one is drawn on its own', () => {
    const doc = copy(fixture('violation'));
    const audit = Array.from({ length: 12 }, (_, i) => ({ path: `MultiRegion/us-east-1/AuditTrail/R${i}/Resource`, type: 'AWS::S3::Bucket', dataClass: 'AUDIT_LOG:us-east-1', region: 'us-east-1' }));
    (doc.dataResidency.resources as unknown[]).push(...audit);
    const html = visibleText(renderReportHtml(doc));
    expect(html).toContain('AUDIT_LOG:us-east-1 us-east-1 12 resources');
    const svg = visibleText(renderTopologySvg(doc));
    expect(svg).toContain('AUDIT_LOG:us-east-1 · 12 resources');
    expect(svg).not.toContain('AuditTrail/R3 ');
    expect(svg).toContain('⚠ VIOLATION: PII · Table');
  });

  test('printed, acknowledgements are counted per rule without the finding detail in brackets; on screen every finding and reason stays', () => {
    const doc = copy(fixture('default-app'));
    doc.acknowledgements.push(
      { id: 'AwsSolutions::AwsSolutions-IAM5[Resource::arn:aws:dsql:*]', reason: 'peering needs every cluster', constructPath: 'A' },
      { id: 'AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]', reason: 'KMS re-encrypt', constructPath: 'B' },
    );
    const html = renderReportHtml(doc);
    const printed = html.slice(html.indexOf('<p class="ack-ids">'));
    expect(visibleText(printed.slice(0, printed.indexOf('</p>')))).toContain('AwsSolutions::AwsSolutions-IAM5 ×2');
    expect(visibleText(html)).toContain('AwsSolutions::AwsSolutions-IAM5[Action::kms:ReEncrypt*]');
    expect(visibleText(html)).toContain('KMS re-encrypt');
  });
});
