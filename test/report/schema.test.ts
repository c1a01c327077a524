/**
 * schema/resilience-report.schema.json documents report.json (lib/report/private/schema.ts) for pipelines.
 * The fixtures validate against it, a wrong document does not, and the schema stays in step with the
 * TypeScript types: every interface of schema.ts is a `$defs` entry of the same name with the same
 * properties, the same required ones and the same types.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import { REPORT_SCHEMA_VERSION } from '../../lib/report/private/schema';
import { REPORT_SCHEMA as schema, reportSchemaErrors as errors } from './schema-validator';

const ROOT = path.join(__dirname, '..', '..');
const TYPES_FILE = path.join(ROOT, 'lib', 'report', 'private', 'schema.ts');
const FIXTURES = path.join(__dirname, 'fixtures');

function fixture(name: string): any {
  return JSON.parse(fs.readFileSync(path.join(FIXTURES, name), 'utf8'));
}

describe('the JSON Schema of report.json', () => {
  const fixtures = fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.report.json')).sort();

  test('there are fixtures to validate (default app, violation)', () => {
    expect(fixtures).toEqual(expect.arrayContaining(['default-app.report.json', 'violation.report.json']));
  });

  test.each(fixtures)('%s validates', (name) => {
    expect(errors(fixture(name))).toEqual([]);
  });

  test('names the package in $id, is draft 2020-12, and reads schemaVersion 1 only', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(schema.$id).toMatch(/multi-region-cdk\/schema\/resilience-report\.schema\.json$/);
    expect(schema.$defs.ResilienceReportDocument.properties.schemaVersion.const).toBe(REPORT_SCHEMA_VERSION);
    expect(errors({ ...fixture('default-app.report.json'), schemaVersion: 2 })).toEqual(['/schemaVersion must be equal to constant']);
  });

  test('an unknown field fails, at the top and deep inside', () => {
    expect(errors({ ...fixture('default-app.report.json'), colour: 'red' })).toEqual(['/ must NOT have additional properties']);
    const doc = fixture('default-app.report.json');
    doc.routing[0].regions[1].terms[0].confidence = 'high';
    expect(errors(doc)).toEqual(['/routing/0/regions/1/terms/0 must NOT have additional properties']);
  });

  test('a wrong type, a value outside an enum or a missing required field fails', () => {
    const doc = fixture('default-app.report.json');
    doc.routing[0].regions[0].totalSeconds = '325 s';
    doc.dataStores[0].replicationMode = 'SEMI_SYNCHRONOUS';
    doc.regions[2].role = 'observer';
    delete doc.summary.acknowledgements;
    expect(errors(doc)).toEqual(expect.arrayContaining([
      '/routing/0/regions/0/totalSeconds must be number',
      '/dataStores/0/replicationMode must be equal to one of the allowed values',
      '/regions/2/role must be equal to one of the allowed values',
      "/summary must have required property 'acknowledgements'",
    ]));
  });

  test('a term has seconds unless its basis is UNKNOWN; an RTO check names its path and Region, an RPO check its store', () => {
    const unknownWithSeconds = fixture('default-app.report.json');
    unknownWithSeconds.routing[0].regions[0].terms[4].basis = 'UNKNOWN';
    expect(errors(unknownWithSeconds)).not.toEqual([]);
    const knownWithout = fixture('default-app.report.json');
    delete knownWithout.routing[0].regions[0].terms[4].seconds;
    expect(errors(knownWithout)).toEqual(expect.arrayContaining(["/routing/0/regions/0/terms/4 must have required property 'seconds'"]));
    const unknownWithout = fixture('default-app.report.json');
    unknownWithout.routing[0].regions[0].terms[4].basis = 'UNKNOWN';
    delete unknownWithout.routing[0].regions[0].terms[4].seconds;
    expect(errors(unknownWithout)).toEqual([]);
    const rtoWithoutRegion = fixture('default-app.report.json');
    delete rtoWithoutRegion.objectives[0].checks[0].region;
    expect(errors(rtoWithoutRegion)).toEqual(expect.arrayContaining(["/objectives/0/checks/0 must have required property 'region'"]));
  });

  test('every property has a description, and every duration says it is in seconds', () => {
    const missing: string[] = [];
    const noUnit: string[] = [];
    for (const [name, def] of Object.entries<any>(schema.$defs)) {
      if (!def.description) missing.push(name);
      for (const [prop, p] of Object.entries<any>(def.properties ?? {})) {
        if (!p.description) missing.push(`${name}.${prop}`);
        if (/Seconds$/.test(prop) && !/seconds/i.test(p.description)) noUnit.push(`${name}.${prop}`);
      }
    }
    expect(missing).toEqual([]);
    expect(noUnit).toEqual([]);
  });

  test('every object forbids additional properties', () => {
    const open = Object.entries<any>(schema.$defs).filter(([, d]) => d.type === 'object' && d.additionalProperties !== false).map(([n]) => n);
    expect(open).toEqual([]);
  });

  describe('stays in step with lib/report/private/schema.ts', () => {
    const source = ts.createSourceFile(TYPES_FILE, fs.readFileSync(TYPES_FILE, 'utf8'), ts.ScriptTarget.ES2022, true);
    const interfaces = source.statements.filter(ts.isInterfaceDeclaration);
    const aliases = source.statements.filter(ts.isTypeAliasDeclaration);

    /** The JSON Schema a TypeScript type maps to, reduced to what the comparison needs. */
    function expected(type: ts.TypeNode): unknown {
      if (ts.isArrayTypeNode(type)) return { type: 'array', items: expected(type.elementType) };
      if (ts.isTypeReferenceNode(type)) return { $ref: `#/$defs/${type.typeName.getText(source)}` };
      switch (type.kind) {
        case ts.SyntaxKind.StringKeyword: return { type: 'string' };
        case ts.SyntaxKind.NumberKeyword: return { type: ['number', 'integer'] };
        case ts.SyntaxKind.BooleanKeyword: return { type: 'boolean' };
        default: throw new Error(`no mapping for ${type.getText(source)}`);
      }
    }
    function actual(s: any): unknown {
      if (s.$ref) return { $ref: s.$ref };
      if (s.type === 'array') return { type: 'array', items: actual(s.items) };
      if (s.type === 'number' || s.type === 'integer') return { type: ['number', 'integer'] };
      return { type: s.type };
    }

    test('the file declares the interfaces this test walks', () => {
      expect(interfaces.map((i) => i.name.text)).toEqual(expect.arrayContaining(['ResilienceReportDocument', 'RoutingTermEntry', 'SummaryEntry']));
    });

    test('$defs has exactly the interfaces and type aliases of schema.ts', () => {
      expect(Object.keys(schema.$defs).sort()).toEqual([...interfaces, ...aliases].map((d) => d.name.text).sort());
    });

    test.each(interfaces.map((i) => [i.name.text, i] as const))('%s: same properties, required ones and types', (name, decl) => {
      const def = schema.$defs[name];
      const props = decl.members.filter(ts.isPropertySignature);
      expect(Object.keys(def.properties).sort()).toEqual(props.map((p) => p.name.getText(source)).sort());
      expect([...def.required].sort()).toEqual(props.filter((p) => !p.questionToken).map((p) => p.name.getText(source)).sort());
      for (const p of props) {
        expect({ [p.name.getText(source)]: actual(def.properties[p.name.getText(source)]) })
          .toEqual({ [p.name.getText(source)]: expected(p.type!) });
      }
    });

    test.each(aliases.map((a) => [a.name.text, a] as const))('%s: the same values as the string literal union', (name, decl) => {
      expect(ts.isUnionTypeNode(decl.type)).toBe(true);
      const values = (decl.type as ts.UnionTypeNode).types.map((t) => ((t as ts.LiteralTypeNode).literal as ts.StringLiteral).text);
      expect(schema.$defs[name].enum).toEqual(values);
    });
  });
});
