import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';

/** schema/resilience-report.schema.json, as shipped in the package. */
export const REPORT_SCHEMA = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'resilience-report.schema.json'), 'utf8'));

// strictRequired off: the conditional parts (if/then/else) require properties their parent declares.
const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
addFormats(ajv);
const validate = ajv.compile(REPORT_SCHEMA);

/** What the JSON Schema rejects in `doc`, one line each (empty when it is a valid report). */
export function reportSchemaErrors(doc: unknown): string[] {
  return validate(doc) ? [] : (validate.errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`);
}
