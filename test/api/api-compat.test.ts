// The public API stays compatible with the last release (api/<version>.jsii.gz): jsii-diff of that
// assembly against the current lib/, built by jsii here; and proof that the check fails when an
// element is removed without a deprecation, on assemblies mutated from the recorded one.
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  allowedChanges, allowedChangesProblems, Assembly, buildCurrentAssembly, jsiiDiff, lastReleasedVersion,
  loadRecordedAssembly, scratchDir, writeAssemblyModule, ALLOWED_CHANGES,
} from './jsii-compat';

const release = loadRecordedAssembly();
let scratch: string;
let recorded: string;

beforeAll(() => {
  scratch = scratchDir();
  recorded = writeAssemblyModule(release, path.join(scratch, 'recorded'));
});
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** The recorded release with `edit` applied, as a module folder. */
function mutated(name: string, edit: (a: Assembly) => void): string {
  const copy = structuredClone(release);
  edit(copy);
  return writeAssemblyModule(copy, path.join(scratch, name));
}

function removeMethod(a: Assembly, type: string, method: string): void {
  const t = a.types[`multi-region-cdk.${type}`];
  const before = t.methods?.length ?? 0;
  t.methods = (t.methods ?? []).filter((m) => m.name !== method);
  if (t.methods.length !== before - 1) throw new Error(`${type}.${method} is not in the recorded assembly`);
}

test('the recorded release is the assembly of the version CHANGELOG.md names last', () => {
  expect(release.name).toBe('multi-region-cdk');
  expect(release.version).toBe(lastReleasedVersion());
  const changelog = fs.readFileSync(path.join(__dirname, '..', '..', 'CHANGELOG.md'), 'utf8');
  const released = [...changelog.matchAll(/^## \[?(\d+\.\d+\.\d+)\]?/gm)].map((m) => m[1]);
  expect(released[0]).toBe(release.version);
});

test('every allowed breaking change names an element the recorded release had deprecated', () => {
  expect(allowedChangesProblems(allowedChanges(), release)).toEqual([]);
});

test('the current lib/ keeps the public API of the last release (jsii-diff)', async () => {
  const current = await buildCurrentAssembly(scratch);
  const { code, output } = await jsiiDiff(recorded, current, ALLOWED_CHANGES);
  expect(output.split('\n').filter((l) => l.startsWith('err '))).toEqual([]);
  expect(code).toBe(0);
}, 300_000);

describe('the check fails on a removal without a deprecation', () => {
  test('a removed method and a removed type', async () => {
    // One jsii-diff run for both (each run loads aws-cdk-lib's assembly, the slow part).
    const updated = mutated('removed', (a) => {
      removeMethod(a, 'ProbesDashboard', 'addRoute53HealthChecks');
      delete a.types['multi-region-cdk.RegionSwitchPlan'];
    });
    const { code, output } = await jsiiDiff(recorded, updated, ALLOWED_CHANGES);
    expect(code).toBe(1);
    expect(output).toMatch(/^err {2}- .*ProbesDashboard\.addRoute53HealthChecks.*\[removed:multi-region-cdk\.ProbesDashboard\.addRoute53HealthChecks\]$/m);
    expect(output).toMatch(/^err {2}- .*RegionSwitchPlan.*\[removed:multi-region-cdk\.RegionSwitchPlan\]$/m);
  }, 120_000);

  test('listing the removal as allowed does not help while the element was not deprecated', () => {
    expect(allowedChangesProblems(['removed:multi-region-cdk.ProbesDashboard.addRoute53HealthChecks'], release)).toEqual([
      expect.stringMatching(/ProbesDashboard\.addRoute53HealthChecks was not deprecated in multi-region-cdk@0\.1\.0/),
    ]);
  });
});

test('a deprecated element can go after a release, with its key listed as allowed', async () => {
  // The release deprecated the method; the next one removes it and lists the key.
  const deprecating = structuredClone(release);
  const method = deprecating.types['multi-region-cdk.ProbesDashboard'].methods!.find((m) => m.name === 'addRoute53HealthChecks')!;
  method.docs = { ...method.docs, deprecated: 'use addSomethingElse()', stability: 'deprecated' };
  const original = writeAssemblyModule(deprecating, path.join(scratch, 'deprecating'));
  const updated = mutated('removed-after-deprecation', (a) => removeMethod(a, 'ProbesDashboard', 'addRoute53HealthChecks'));
  const key = 'removed:multi-region-cdk.ProbesDashboard.addRoute53HealthChecks';
  const allowed = path.join(scratch, 'allowed.txt');
  fs.writeFileSync(allowed, `${key}\n`);

  expect(allowedChangesProblems([key], deprecating)).toEqual([]);
  const { code, output } = await jsiiDiff(original, updated, allowed);
  expect(output).toMatch(new RegExp(`^skip - .*\\[${key.replace(/\./g, '\\.')}\\]$`, 'm'));
  expect(code).toBe(0);
}, 120_000);
