/**
 * The report the default app writes at synth validates against schema/resilience-report.schema.json:
 * the collector keeps to the documented schema (test/report/schema.test.ts checks the schema itself).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { buildDefaultApp } from '../../bin/default-app';
import { newTestApp } from '../helpers/app';

test('the default app\'s report.json validates against the JSON Schema', () => {
  const schema = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'schema', 'resilience-report.schema.json'), 'utf8'));
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  const validate = ajv.compile(schema);
  const app = newTestApp();
  buildDefaultApp(app);
  app.synth();
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'resilience', 'report.json'), 'utf8'));
  expect(validate(report) ? [] : validate.errors!.map((e) => `${e.instancePath || '/'} ${e.message}`)).toEqual([]);
});
