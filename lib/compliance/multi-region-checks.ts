import { CfnResource, IPolicyValidationContext, PolicyValidationPluginReport, PolicyViolation } from 'aws-cdk-lib';
import { NagPack, NagPackProps } from 'cdk-nag';
import { IConstruct } from 'constructs';
import { GA1 } from './rules/accelerator-endpoint-group-health';
import { CW4 } from './rules/alarm-without-actions';
import { GA2 } from './rules/accelerator-two-regions';
import { GA3 } from './rules/accelerator-unknown-failover';
import { AUDIT1 } from './rules/audit-trail-per-region';
import { DSQL1 } from './rules/dsql-customer-managed-key';
import { DSQL2 } from './rules/dsql-deletion-protection';
import { DSQL3 } from './rules/dsql-witness';
import { GD1 } from './rules/game-day';
import { CW2 } from './rules/health-check-without-alarm';
import { KMS2 } from './rules/kms-foreign-key-arn';
import { KMS1 } from './rules/kms-key-exported-to-other-region';
import { KMS3 } from './rules/kms-multi-region-key';
import { LOG2 } from './rules/lambda-log-encryption';
import { LOG1 } from './rules/lambda-log-retention';
import { CW1 } from './rules/metrics-without-alarm';
import { DNS2 } from './rules/route53-failover-ttl';
import { DNS3 } from './rules/route53-health-check-speed';
import { DNS1 } from './rules/route53-routed-record-health';
import { DNS4 } from './rules/route53-routed-record-ttl';
import { inValidationPass, MultiRegionRule } from './rules/template';
import { AUR1 } from './rules/aurora-secondary-key';
import { DDB2 } from './rules/dynamodb-global-table-pitr';
import { DDB1 } from './rules/dynamodb-replica-key';
import { CW3 } from './rules/global-store-replication-alarm';

/** Every rule of the pack, in the order of the README's table. */
const RULES: MultiRegionRule[] = [KMS1, KMS2, KMS3, DSQL1, DSQL2, DSQL3, DNS1, DNS2, DNS3, GA1, GA2, LOG1, LOG2, CW1, CW2, DNS4, GA3, GD1, AUDIT1];
// The rules of the DynamoDB global table and Aurora global database (issue 11).
RULES.push(DDB1, DDB2, AUR1, CW3);
RULES.push(CW4);

/**
 * A cdk-nag pack of multi-Region rules, checked on the synthesized resources of every stack
 * (so it also covers stacks written without this library). Register it like cdk-nag's packs:
 *
 * ```ts
 * Validations.of(app).addPlugins(new MultiRegionChecks(app));
 * ```
 *
 * Findings are reported as `MultiRegion-<id>` (for example `MultiRegion-DNS1`) and acknowledged
 * with `Validations.of(construct).acknowledge({ id: 'MultiRegionChecks::MultiRegion-DNS1', reason: '...' })`.
 */
export class MultiRegionChecks extends NagPack {
  /** The plugin name in the validation report, and the namespace of acknowledgement ids. */
  public readonly name = 'MultiRegionChecks';
  /**
   * The ids of the pack's rules, as reported (`MultiRegion-<id>`). Always set; optional in the type
   * only because cdk-nag's `IPolicyValidationPlugin` declares it so (jsii forbids narrowing it).
   */
  public readonly ruleIds?: string[];

  constructor(scope?: IConstruct, props?: NagPackProps) {
    super(scope, props);
    this.packName = 'MultiRegion';
    this.ruleIds = RULES.map((r) => `${this.packName}-${r.id}`);
  }

  /** Resources the running validation has checked. */
  private resourcesChecked = 0;

  /**
   * Validates the construct tree. Unlike cdk-nag's base pack, only error-level findings fail the
   * synth; warnings are reported (in the validation report) without blocking it. Within one
   * call each resource is synthesized once for all rules.
   */
  public validateScope(scope: IConstruct): PolicyValidationPluginReport {
    this.resourcesChecked = 0;
    const report = inValidationPass(() => super.validateScope(scope));
    return { ...report, success: report.violations.every((v) => v.severity !== 'error') };
  }

  /**
   * The entry point of aws-cdk-lib's validation (what writes validation-report.json): the findings of
   * `validateScope`, plus an info-level `MultiRegion-Summary` entry and the metadata `rulesRun` and
   * `resourcesChecked`. aws-cdk-lib leaves a clean plugin without acknowledgements out of the report,
   * and a pipeline must be able to see that the pack ran.
   */
  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const report = super.validate(context);
    const count = (severity: string) => report.violations.filter((v) => v.severity === severity).length;
    const summary: PolicyViolation = {
      ruleName: `${this.packName}-Summary`,
      description: `MultiRegionChecks ran ${RULES.length} rules on ${this.resourcesChecked} resources: `
        + `${count('error')} error and ${count('warning')} warning findings open (acknowledged ones are listed as suppressed).`,
      severity: 'info',
      violatingResources: [],
    };
    return {
      ...report,
      violations: [...report.violations, summary],
      metadata: { ...report.metadata, rulesRun: String(RULES.length), resourcesChecked: String(this.resourcesChecked) },
    };
  }

  protected checkResource(node: CfnResource): void {
    this.resourcesChecked++;
    for (const rule of RULES) {
      this.applyRule({
        ruleSuffixOverride: rule.id,
        info: rule.info,
        explanation: rule.explanation,
        level: rule.level,
        rule: rule.check,
        node,
      });
    }
  }
}
