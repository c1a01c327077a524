import * as fs from 'fs';
import * as path from 'path';
import { App, Validations } from 'aws-cdk-lib';
import { MultiRegionChecks } from '../../lib';

/** One open finding of the validation report. */
export interface Finding {
  readonly plugin: string;
  readonly rule: string;
  readonly severity: string;
  readonly path: string;
}

/**
 * Synthesizes `app` with `MultiRegionChecks` added and returns the pack's open findings, read
 * from the validation-report.json that synth writes whether or not it throws.
 */
export function multiRegionFindings(app: App): Finding[] {
  Validations.of(app).addPlugins(new MultiRegionChecks(app));
  return openFindings(app, 'MultiRegionChecks');
}

/** Synthesizes `app` (its plugins already added) and returns the open findings of `plugin`. */
export function openFindings(app: App, plugin: string): Finding[] {
  // Warnings are printed to stderr; the tests read them from the JSON report instead.
  const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
  try {
    app.synth();
  } catch (e) {
    // A failing plugin throws the report; the JSON copy below is what the tests read.
    if (!fs.existsSync(path.join(app.outdir, 'validation-report.json'))) throw e;
  } finally {
    quiet.mockRestore();
  }
  const report = JSON.parse(fs.readFileSync(path.join(app.outdir, 'validation-report.json'), 'utf8'));
  return report.pluginReports
    .filter((r: any) => r.pluginName === plugin)
    .flatMap((r: any) => r.violations.flatMap((v: any) => v.violatingConstructs.map((c: any) => ({
      plugin: r.pluginName, rule: v.ruleName, severity: v.severity, path: c.constructPath,
    }))));
}
