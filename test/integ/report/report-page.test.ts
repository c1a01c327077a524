/**
 * The resilience report page in a real browser: Debian's Chromium, headless, driven by puppeteer-core.
 *
 * For each case the page is written to `.integ/report/<name>.html` and opened from disk (file://): it
 * must render without console or page errors and without asking for anything outside the file, show
 * what a reviewer looks for (every active Region, the witness, each routing path's worst case, the
 * synchronous pair, the objectives as MET / NOT MET, a residency VIOLATION only where there is one), and
 * the default app must print on exactly one page. Full-page screenshots go to `.integ/report/screenshots/`
 * (ignored) for people to look at. One browser per file.
 *
 * The globalSetup (global-setup.ts) installs Chromium when needed; CHROMIUM_BIN points elsewhere.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import puppeteer, { Browser, Page } from 'puppeteer-core';
import { renderReportHtml } from '../../../lib/report/private/render-html';
import { renderTopologySvg } from '../../../lib/report/private/render-svg';
import type { ResilienceReportDocument } from '../../../lib/report/private/schema';
import { App } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { buildDefaultApp } from '../../../bin/default-app';
import { DataClass, DataResidency, DataResidencyGuard, MultiRegionApp } from '../../../lib';
import { newTestApp, TEST_ACCOUNT } from '../../helpers/app';
import { CHROMIUM_ARGS, ensureChromium } from '../harness/chromium';
import { integPath, REPO_ROOT } from '../harness/paths';

interface ReportPageCase {
  /** File name stem under .integ/report/. */
  readonly name: string;
  /** The document the page renders; the expectations are derived from it. */
  readonly doc: () => ResilienceReportDocument;
  /** The page to open (for example renderReportHtml(doc), or a synthesized cdk.out/resilience/report.html). */
  readonly html: () => string;
  /** The page must print on exactly one page (the default app). */
  readonly onePage?: boolean;
}

function fixture(name: string): ResilienceReportDocument {
  return JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'test', 'report', 'fixtures', `${name}.report.json`), 'utf8')) as ResilienceReportDocument;
}

/**
 * The cloud assembly of an app synthesized in this process (once per name): the report is what the
 * library writes at synth, so these cases open the real cdk.out/resilience/ files.
 */
const synthesized = new Map<string, string>();
function synthesize(name: string, build: (app: App) => void, synthFails: boolean): string {
  if (!synthesized.has(name)) {
    const app = newTestApp();
    build(app);
    let failed = false;
    try {
      app.synth();
    } catch {
      // A failing synth (a residency violation) still writes its report; the case checks it shows why.
      failed = true;
    }
    if (failed !== synthFails) throw new Error(`synth of ${name} ${failed ? 'failed' : 'succeeded'}, expected it to ${synthFails ? 'fail' : 'succeed'}`);
    synthesized.set(name, path.join(app.outdir, 'resilience'));
  }
  return synthesized.get(name)!;
}

/** An app whose residency guard rejects a queue of PII in eu-central-1. */
function residencyViolationApp(app: App): void {
  const topology = new MultiRegionApp(app, 'Eu', { activeRegions: ['eu-west-1', 'eu-central-1'], account: TEST_ACCOUNT });
  new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }] });
  DataResidency.tag(new sqs.Queue(topology.regionalStack('eu-central-1'), 'Customers', { enforceSSL: true }), DataClass.PII);
}

function synthesizedCase(name: string, build: (app: App) => void, opts: { onePage?: boolean; synthFails?: boolean } = {}): ReportPageCase {
  const read = (file: string) => fs.readFileSync(path.join(synthesize(name, build, opts.synthFails ?? false), file), 'utf8');
  return { name, doc: () => JSON.parse(read('report.json')), html: () => read('report.html'), onePage: opts.onePage };
}

/** Add a case here to open another page. */
const CASES: ReportPageCase[] = [
  // What `npx cdk synth` writes for bin/app.ts.
  synthesizedCase('synth-default-app', (app) => { buildDefaultApp(app); }, { onePage: true }),
  synthesizedCase('synth-residency-violation', residencyViolationApp, { synthFails: true }),
  {
    name: 'default-app',
    doc: () => fixture('default-app'),
    html: () => renderReportHtml(fixture('default-app')),
    onePage: true,
  },
  {
    name: 'violation',
    doc: () => fixture('violation'),
    html: () => renderReportHtml(fixture('violation')),
  },
];

/** Pages in a PDF: `/Type /Page` objects (not `/Type /Pages`, the page tree). */
function pdfPageCount(pdf: Uint8Array): number {
  return (Buffer.from(pdf).toString('latin1').match(/\/Type\s*\/Page(?!s)\b/g) ?? []).length;
}

interface Opened {
  readonly page: Page;
  readonly problems: string[];
  readonly requests: string[];
}

async function open(browser: Browser, file: string): Promise<Opened> {
  const page = await browser.newPage();
  const problems: string[] = [];
  const requests: string[] = [];
  page.on('console', (msg) => {
    if (msg.type() === 'error' || msg.type() === 'warn') problems.push(`console.${msg.type()}: ${msg.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${String(error)}`));
  page.on('requestfailed', (req) => problems.push(`request failed: ${req.url()} ${req.failure()?.errorText ?? ''}`));
  page.on('request', (req) => requests.push(req.url()));
  await page.setViewport({ width: 1280, height: 900 });
  await page.goto(pathToFileURL(file).href, { waitUntil: 'load' });
  return { page, problems, requests };
}

let browser: Browser;

beforeAll(async () => {
  browser = await puppeteer.launch({ executablePath: await ensureChromium(), args: CHROMIUM_ARGS, headless: true });
});

afterAll(async () => {
  await browser?.close();
});

describe.each(CASES)('report page $name in headless Chromium', (c) => {
  const doc = c.doc();
  const file = integPath('report', `${c.name}.html`);
  const screenshot = integPath('report', 'screenshots', `${c.name}.png`);
  let opened: Opened;
  let text: string;

  beforeAll(async () => {
    fs.writeFileSync(file, c.html());
    opened = await open(browser, file);
    text = await opened.page.evaluate('document.body.innerText') as string;
  });

  afterAll(async () => {
    await opened?.page.close();
  });

  test('renders without console errors, page errors or requests outside the file', async () => {
    expect(opened.problems).toEqual([]);
    const fileUrl = pathToFileURL(file).href;
    expect(opened.requests.filter((u) => u !== fileUrl)).toEqual([]);
    const svgs = await opened.page.evaluate(
      `[...document.querySelectorAll('svg[role="img"]')].map((e) => e.getBoundingClientRect().width)`) as number[];
    expect(svgs).toHaveLength(1);
    expect(svgs[0]).toBeGreaterThan(600);
  });

  test('shows every active Region, the witness, each routing path\'s worst case, the synchronous pair and the objectives', () => {
    for (const region of doc.app.activeRegions) expect(text).toContain(region);
    if (doc.app.witnessRegion) {
      expect(text).toContain(doc.app.witnessRegion);
      expect(text).toMatch(new RegExp(`Witness Region\\s+${doc.app.witnessRegion}`, "i"));
    }
    for (const p of doc.routing) {
      expect(text).toContain(`(${p.path} path): worst case ${p.complete ? '' : '≥ '}${p.worstCaseSeconds} s`);
    }
    if (doc.replication.some((e) => e.mode === 'SYNCHRONOUS')) expect(text).toContain('synchronous');
    for (const o of doc.objectives) {
      expect(text).toContain(`${o.constructPath} (tier ${o.tier}): RTO ${o.rtoSeconds} s, RPO ${o.rpoSeconds} s: ${o.met ? '✓ MET' : '✗ NOT MET'}`);
    }
  });

  test('shows VIOLATION exactly when the app has a residency violation', () => {
    if (doc.dataResidency.violations.length > 0) {
      expect(text).toContain('⚠ VIOLATION');
      for (const v of doc.dataResidency.violations) expect(text).toContain(v.message);
    } else {
      expect(text).not.toContain('VIOLATION');
      expect(text).toContain('No violations');
    }
  });

  test('the drawing shows each Region column and each routed Region\'s figure', async () => {
    const svgText = await opened.page.evaluate(
      `[...document.querySelectorAll('svg[role="img"] text')].map((t) => t.textContent).join('\\n')`) as string;
    for (const region of doc.regions) expect(svgText).toContain(region.region);
    for (const p of doc.routing) {
      for (const r of p.regions) expect(svgText).toMatch(new RegExp(`${p.path}:\\s+(≥ )?${r.totalSeconds} s`));
    }
  });

  test('writes a full-page screenshot', async () => {
    await opened.page.screenshot({ path: screenshot as `${string}.png`, fullPage: true });
    expect(fs.statSync(screenshot).size).toBeGreaterThan(10_000);
  });

  test(`prints${c.onePage ? ' on exactly one page' : ''}`, async () => {
    const pdf = await opened.page.pdf({ preferCSSPageSize: true, printBackground: true });
    fs.writeFileSync(integPath('report', `${c.name}.pdf`), pdf);
    const pages = pdfPageCount(pdf);
    expect(pages).toBeGreaterThanOrEqual(1);
    if (c.onePage) expect(pages).toBe(1);
  });
});

test('the standalone topology SVG opens on its own without errors', async () => {
  const file = integPath('report', 'default-app.topology.svg');
  fs.writeFileSync(file, renderTopologySvg(fixture('default-app')));
  const opened = await open(browser, file);
  try {
    expect(opened.problems).toEqual([]);
    expect(opened.requests.filter((u) => u !== pathToFileURL(file).href)).toEqual([]);
    const title = await opened.page.evaluate(`document.querySelector('svg > title').textContent`) as string;
    expect(title).toBe('Resilience topology of multi-region');
    await opened.page.screenshot({ path: integPath('report', 'screenshots', 'default-app.topology.png') as `${string}.png`, fullPage: true });
  } finally {
    await opened.page.close();
  }
});
