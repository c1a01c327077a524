import * as fs from 'fs';
import * as path from 'path';
import { Stage } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { FailoverPathBudget } from './failover-budget';
import { renderBudgetMarkdown } from './private/failover-math';
import type { RecoveryObjectives } from './recovery-objectives';

/** File names of the report, inside the cloud assembly. */
export const FAILOVER_BUDGET_JSON = 'failover-budget.json';
export const FAILOVER_BUDGET_MARKDOWN = 'failover-budget.md';

const REPORT_ID = 'FailoverBudgetReport';

/**
 * Collects the failover budgets of every routing path of a Stage and writes them into its
 * cloud assembly at synth, as `failover-budget.json` and `failover-budget.md`.
 *
 * One report exists per Stage; routing constructs find it with `FailoverBudgetReport.of(this)`.
 */
export class FailoverBudgetReport extends Construct {
  /** The report of the Stage that holds `scope`, created on first use. */
  public static of(scope: IConstruct): FailoverBudgetReport {
    const stage = Stage.of(scope);
    if (!stage) {
      throw new Error(`${scope.node.path} is not inside an App or Stage, so it has no cloud assembly for the failover budget.`);
    }
    return (stage.node.tryFindChild(REPORT_ID) as FailoverBudgetReport | undefined) ?? new FailoverBudgetReport(stage, REPORT_ID);
  }

  private readonly budgets: FailoverPathBudget[] = [];
  private readonly objectives: RecoveryObjectives[] = [];

  private constructor(scope: Stage, id: string) {
    super(scope, id);
    // Validation runs once per synth, after every construct exists and with the assembly
    // folder already created, so the files always hold the complete set of paths.
    this.node.addValidation({
      validate: () => {
        this.write(scope.outdir);
        return [];
      },
    });
  }

  /** Registers the budget of one path. */
  public addPath(budget: FailoverPathBudget): void {
    this.budgets.push(budget);
  }

  /** @internal Registers stated recovery objectives, reported beside the budgets. */
  public _registerObjectives(objectives: RecoveryObjectives): void {
    this.objectives.push(objectives);
  }

  /** Every budget registered so far. */
  public get paths(): FailoverPathBudget[] {
    return [...this.budgets];
  }

  private write(outdir: string): void {
    const objectives = this.objectives.map((o) => ({
      constructPath: o.node.path, tier: o.tierName, rtoSeconds: o.rtoSeconds, rpoSeconds: o.rpoSeconds, summary: o.summary(),
    }));
    const json = { description: 'Worst-case seconds to move traffic off a failed Region, per routing path.', paths: this.budgets, objectives };
    fs.writeFileSync(path.join(outdir, FAILOVER_BUDGET_JSON), JSON.stringify(json, undefined, 2) + '\n');
    const objectivesMarkdown = objectives.length === 0 ? ''
      : ['', '## Recovery objectives', '', ...objectives.flatMap((o) => o.summary.map((line) => `- ${line}`))].join('\n') + '\n';
    fs.writeFileSync(path.join(outdir, FAILOVER_BUDGET_MARKDOWN), renderBudgetMarkdown(this.budgets) + objectivesMarkdown);
  }
}
