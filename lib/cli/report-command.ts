/**
 * `multi-region-cdk report --diff old.json new.json [--format text|markdown|json]`: compares two resilience
 * reports (cdk.out/resilience/report.json) and prints what changed, regressions first.
 *
 * Exit status: 0 when no objective stops being met, 1 when one does, 2 for bad usage, a file that cannot be
 * read, is not JSON, is not a resilience report, or has a schemaVersion this version does not read.
 * The core takes its file reader and its output as arguments so tests drive it.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import schema from '../../schema/resilience-report.schema.json';
import { diffReports, renderDiffMarkdown, renderDiffText } from '../report/private/diff';
import { REPORT_SCHEMA_VERSION, ResilienceReportDocument } from '../report/private/schema';

export const EXIT_NO_OBJECTIVE_LOST = 0;
export const EXIT_OBJECTIVE_NO_LONGER_MET = 1;
export const EXIT_USAGE = 2;

export const REPORT_USAGE = `Usage: multi-region-cdk report --diff <old report.json> <new report.json> [--format text|markdown|json]

Compares two resilience reports (cdk.out/resilience/report.json of two synths, such as a pull request's
base and head) and prints what changed: regressions first, then improvements, then other changes
(budgets per routing path and Region, objectives, data stores and replication, residency, acknowledgements).

  --diff <old> <new>   the two reports
  --format <f>         text (default), markdown (for a pull-request comment) or json

Exit status: 0 no objective stops being met, 1 an objective stops being met (an objectives entry or a
check that was met is not met or is gone, or a new objectives entry is not met), 2 bad usage or a file
that is not a report this version reads.`;

export type ReportFormat = 'text' | 'markdown' | 'json';

export interface ReportArgs {
  readonly before: string;
  readonly after: string;
  readonly format: ReportFormat;
}

export interface ReportCommandIo {
  /** Reads a file as UTF-8; throws when it cannot. */
  readFile(path: string): string;
  /** Prints the result. */
  out(text: string): void;
  /** Prints an error line. */
  err(text: string): void;
}

/** Parses the arguments after `report`; returns an error message or the options. */
export function parseReportArgs(argv: readonly string[]): { error: string } | ReportArgs {
  const files: string[] = [];
  let diff = false;
  let format: string = 'text';
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--diff') { diff = true; continue; }
    if (a === '--format' || a.startsWith('--format=')) {
      const v = a === '--format' ? argv[++i] : a.slice('--format='.length);
      if (v === undefined) return { error: '--format needs a value: text, markdown or json.' };
      format = v;
      continue;
    }
    if (a.startsWith('-') && a !== '-') return { error: `unknown option '${a}'.` };
    files.push(a);
  }
  if (!diff) return { error: 'report needs --diff <old report.json> <new report.json>.' };
  if (files.length !== 2) return { error: `--diff needs two report files, got ${files.length}${files.length ? ` (${files.join(', ')})` : ''}.` };
  if (format !== 'text' && format !== 'markdown' && format !== 'json') return { error: `--format '${format}' is not one of text, markdown, json.` };
  return { before: files[0], after: files[1], format };
}

let validator: ReturnType<Ajv2020['compile']> | undefined;
function validate(doc: unknown) {
  if (!validator) {
    // Lenient on additions: a report of a newer library of the same schemaVersion may carry new optional
    // fields (the schema forbids them, so additionalProperties errors are dropped below).
    const ajv = new Ajv2020({ allErrors: true, strict: false });
    addFormats(ajv);
    validator = ajv.compile(schema);
  }
  if (validator(doc)) return [];
  return (validator.errors ?? []).filter((e) => e.keyword !== 'additionalProperties' && e.keyword !== 'if');
}

/** Reads and checks one report: the document, or a one-line error naming the file. */
export function loadReport(file: string, io: Pick<ReportCommandIo, 'readFile'>): { doc: ResilienceReportDocument } | { error: string } {
  let text: string;
  try {
    text = io.readFile(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return { error: `${file}: cannot read it (${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'a directory' : code ?? (e as Error).message}).` };
  }
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (e) {
    return { error: `${file}: not JSON (${(e as Error).message.split('\n')[0]}).` };
  }
  if (typeof doc !== 'object' || doc === null || Array.isArray(doc) || !('schemaVersion' in doc)) {
    return { error: `${file}: not a resilience report (no schemaVersion; expected cdk.out/resilience/report.json).` };
  }
  const version = (doc as { schemaVersion: unknown }).schemaVersion;
  if (version !== REPORT_SCHEMA_VERSION) {
    const newer = typeof version === 'number' && version > REPORT_SCHEMA_VERSION;
    return {
      error: `${file}: schemaVersion ${JSON.stringify(version)} is not one this version of multi-region-cdk reads (it reads ${REPORT_SCHEMA_VERSION})`
        + `${newer ? '; a newer multi-region-cdk wrote it: run that version\'s command' : ''}.`,
    };
  }
  const errors = validate(doc);
  if (errors.length) {
    const first = errors[0];
    const more = errors.length > 1 ? ` (and ${errors.length - 1} more)` : '';
    return { error: `${file}: not a valid resilience report (schemaVersion ${REPORT_SCHEMA_VERSION}): ${first.instancePath || '/'} ${first.message}${more}.` };
  }
  return { doc: doc as ResilienceReportDocument };
}

/** Runs `report` with the arguments after the command name; returns the exit status. */
export function runReportCommand(argv: readonly string[], io: ReportCommandIo): number {
  const args = parseReportArgs(argv);
  if ('error' in args) {
    io.err(`multi-region-cdk report: ${args.error}\n\n${REPORT_USAGE}`);
    return EXIT_USAGE;
  }
  const before = loadReport(args.before, io);
  if ('error' in before) { io.err(`multi-region-cdk report: ${before.error}`); return EXIT_USAGE; }
  const after = loadReport(args.after, io);
  if ('error' in after) { io.err(`multi-region-cdk report: ${after.error}`); return EXIT_USAGE; }
  const diff = diffReports(before.doc, after.doc, { before: args.before, after: args.after });
  switch (args.format) {
    case 'json': io.out(JSON.stringify(diff, null, 2)); break;
    case 'markdown': io.out(renderDiffMarkdown(diff)); break;
    default: io.out(renderDiffText(diff));
  }
  return diff.objectivesStopBeingMet ? EXIT_OBJECTIVE_NO_LONGER_MET : EXIT_NO_OBJECTIVE_LOST;
}
