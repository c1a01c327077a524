import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { unscopedValidationError, validationError } from '../private/errors';
import { collectReport } from './private/collect';
import { renderReportHtml } from './private/render-html';
import { renderTopologySvg } from './private/render-svg';

const REPORT_ID = 'ResilienceReport';

/**
 * The resilience report of a Stage, written into its cloud assembly at every synth:
 * `resilience/report.json` (the document; its schema is `schema/resilience-report.schema.json` in
 * this package), `resilience/topology.svg` and `resilience/report.html` (renderings of that
 * document: the Regions and their roles, stacks, keys, data stores, endpoints and probes, the
 * replication edges, each routing path's worst-case failover with every term, the recovery
 * objectives, data residency, acknowledged rules, and the last drill's measured times).
 *
 * `MultiRegionApp` and `MultiRegionTopology` create it; reach it with `ResilienceReport.of(scope)`.
 *
 * @example
 * // Show a drill's measured times beside this synth's budget (or: cdk synth -c multi-region-cdk:drill-report=report.json)
 * ResilienceReport.of(app).useDrillReport('drills/us-east-1/drill-1/report.json');
 */
export class ResilienceReport extends Construct {
  /** The folder of the report inside the cloud assembly. */
  public static readonly DIRECTORY = 'resilience';
  /** Context key naming a drill report file, as `useDrillReport` does. */
  public static readonly DRILL_REPORT_CONTEXT = 'multi-region-cdk:drill-report';

  /** The report of the Stage (or App) that holds `scope`, created on first use. */
  public static of(scope: IConstruct): ResilienceReport {
    // Stage.of() looks at the scopes above `scope` only, so an App or Stage given itself is its own stage.
    const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
    if (!stage) {
      throw unscopedValidationError('NoStage', `${scope.node.path} is not inside an App or Stage, so it has no cloud assembly for the resilience report.`);
    }
    return (stage.node.tryFindChild(REPORT_ID) as ResilienceReport | undefined) ?? new ResilienceReport(stage, REPORT_ID);
  }

  private drillReportFile?: string;

  private constructor(scope: Stage, id: string) {
    super(scope, id);
    // Written during validation: every construct exists by then, cross-Region references are
    // rendered, and the report is written even when another validation (a residency guard, the
    // recovery objectives) fails synth, so the page shows what failed.
    this.node.addValidation({
      validate: () => {
        this.write(scope);
        return [];
      },
    });
  }

  /**
   * Shows the measured times of a Region evacuation drill (the `report.json` a
   * `RegionEvacuationDrill` writes to its report bucket) beside this synth's failover budget.
   * A relative path is read from the directory synth runs in.
   *
   * @default - the file named by the context key `multi-region-cdk:drill-report`, else no drill section
   */
  public useDrillReport(file: string): void {
    if (file.trim() === '') {
      throw validationError('EmptyDrillReport', "useDrillReport: the file name is empty; give the path of a drill's report.json.", this);
    }
    this.drillReportFile = file;
  }

  private write(stage: Stage): void {
    const fromContext = this.node.tryGetContext(ResilienceReport.DRILL_REPORT_CONTEXT);
    const drillFile = this.drillReportFile ?? (typeof fromContext === 'string' && fromContext !== '' ? fromContext : undefined);
    const document = collectReport(this, drillFile);
    const dir = path.join(stage.outdir, ResilienceReport.DIRECTORY);
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'report.json'), JSON.stringify(document, undefined, 2) + '\n');
    fs.writeFileSync(path.join(dir, 'topology.svg'), renderTopologySvg(document));
    fs.writeFileSync(path.join(dir, 'report.html'), renderReportHtml(document));
  }
}
