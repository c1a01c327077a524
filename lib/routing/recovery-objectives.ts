import { Annotations, Duration, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { IReplicatedDataStore } from '../data/replicated-data-store';
import type { ObjectiveCheck } from '../report/private/schema';
import { validationError } from '../private/errors';
import { FailoverBudgetReport } from './failover-budget-report';
import { describeRegion } from './private/failover-math';

/**
 * A recovery tier: an RTO and an RPO that go together. The three named tiers are the usual
 * targets of multi-Region systems (payment: under a minute and no data loss; e-commerce: under
 * five minutes and under a minute of data; analytics: under an hour each).
 */
export class RecoveryTier {
  /** Payment and ledgers: RTO 1 minute, RPO 0 (synchronous replication only). */
  public static readonly PAYMENT = new RecoveryTier('PAYMENT', Duration.minutes(1), Duration.seconds(0));
  /** E-commerce: RTO 5 minutes, RPO 1 minute. */
  public static readonly ECOMMERCE = new RecoveryTier('ECOMMERCE', Duration.minutes(5), Duration.minutes(1));
  /** Analytics: RTO 1 hour, RPO 1 hour. */
  public static readonly ANALYTICS = new RecoveryTier('ANALYTICS', Duration.hours(1), Duration.hours(1));

  /** A tier of your own. */
  public static custom(name: string, rto: Duration, rpo: Duration): RecoveryTier {
    return new RecoveryTier(name, rto, rpo);
  }

  private constructor(
    /** The tier's name, shown in messages. */
    public readonly name: string,
    /** Longest time traffic may stay on a failed Region. */
    public readonly rto: Duration,
    /** Most data (as seconds of writes) a Region failure may lose. */
    public readonly rpo: Duration,
  ) {}
}

/**
 * Properties of `RecoveryObjectives`: a tier, or an RTO and an RPO.
 */
export interface RecoveryObjectivesProps {
  /**
   * The tier whose RTO and RPO apply.
   * @default - give rto and rpo
   */
  readonly tier?: RecoveryTier;

  /**
   * Longest time traffic may stay on a failed Region: every routing path's worst case must not exceed it.
   * @default - the tier's RTO
   */
  readonly rto?: Duration;

  /**
   * Most data (seconds of writes) a Region failure may lose: every data store's worst-case RPO must not exceed it.
   * @default - the tier's RPO
   */
  readonly rpo?: Duration;

  /**
   * The data stores that must meet the RPO.
   * @default - none: only the RTO is checked
   */
  readonly dataStores?: IReplicatedDataStore[];
}

/**
 * Recovery objectives checked at synth: synth fails, naming the terms that break them, when a
 * routing path's worst-case failover (from the Stage's `FailoverBudgetReport`, so every
 * `DnsRouting` and `AcceleratorRouting` of the app) exceeds the RTO, when a path has UNKNOWN terms,
 * or when a data store's worst-case RPO exceeds the RPO.
 *
 * @example
 * new RecoveryObjectives(app, 'Objectives', { tier: RecoveryTier.ECOMMERCE, dataStores: [dsql] });
 */
export class RecoveryObjectives extends Construct {
  /** The objectives of the Stage that holds `scope`, if any were stated. */
  public static find(scope: IConstruct): RecoveryObjectives | undefined {
    return scope.node.root.node.findAll().find((c): c is RecoveryObjectives => c instanceof RecoveryObjectives);
  }

  /** The RTO in seconds. */
  public readonly rtoSeconds: number;
  /** The RPO in seconds. */
  public readonly rpoSeconds: number;
  /** The tier's name, or `custom`. */
  public readonly tierName: string;
  /** The data stores that must meet the RPO. */
  public readonly dataStores: IReplicatedDataStore[];

  constructor(scope: Construct, id: string, props: RecoveryObjectivesProps) {
    super(scope, id);
    const rto = props.rto ?? props.tier?.rto;
    const rpo = props.rpo ?? props.tier?.rpo;
    if (rto === undefined || rpo === undefined) {
      throw validationError('MissingObjectives', `RecoveryObjectives '${id}' has ${rto === undefined ? 'no RTO' : 'no RPO'}; give a tier (RecoveryTier.PAYMENT, ECOMMERCE or ANALYTICS) or both rto and rpo`, this);
    }
    if (Token.isUnresolved(rto.toSeconds()) || Token.isUnresolved(rpo.toSeconds())) {
      throw validationError('UnresolvedObjectives', `RecoveryObjectives '${id}' has an RTO or RPO that is a token; give concrete durations`, this);
    }
    this.rtoSeconds = rto.toSeconds();
    this.rpoSeconds = rpo.toSeconds();
    this.tierName = props.tier && props.rto === undefined && props.rpo === undefined ? props.tier.name : 'custom';
    this.dataStores = [...(props.dataStores ?? [])];
    FailoverBudgetReport.of(this)._registerObjectives(this);
    this.node.addValidation({
      validate: () => {
        const broken = this.brokenObjectives();
        if (broken.length > 0) {
          // Returned, not thrown: the other validations (the resilience report among them) still run.
          return [`Recovery objectives (${this.tierName}: RTO ${this.rtoSeconds} s, RPO ${this.rpoSeconds} s) are not met:\n- ${broken.join('\n- ')}`];
        }
        const owner = this.infoOwner();
        Annotations.of(owner).addInfo(`Recovery objectives met (${this.tierName}: RTO ${this.rtoSeconds} s, RPO ${this.rpoSeconds} s): `
          + FailoverBudgetReport.of(this).paths.map((p) => `${p.path} worst case ${p.worstCaseSeconds} s`).join(', ')
          + (this.dataStores.length > 0 ? `; data stores ${this.dataStores.map((d) => `${d.node.path} RPO ${d.worstCaseRpoSeconds} s`).join(', ')}` : ''));
        return [];
      },
    });
  }

  /** One line per objective for the report: what is checked and its margin. */
  public summary(): string[] {
    const checks = this._checks();
    const lines = [`Objectives: ${this.tierName}, RTO ${this.rtoSeconds} s, RPO ${this.rpoSeconds} s (${this.node.path}).`];
    for (const p of FailoverBudgetReport.of(this).paths) {
      const met = checks.filter((c) => c.objective === 'RTO' && c.path === p.path).every((c) => c.met);
      lines.push(`${p.path} path: worst case ${p.complete ? '' : 'at least '}${p.worstCaseSeconds} s against the RTO of ${this.rtoSeconds} s: ${met ? 'met' : 'NOT met'}`);
    }
    for (const d of this.dataStores) {
      const met = checks.find((c) => c.objective === 'RPO' && c.store === d.node.path)!.met;
      lines.push(`data store ${d.node.path} (${d.replicationMode}): worst-case RPO ${d.worstCaseRpoSeconds} s against the RPO of ${this.rpoSeconds} s: `
        + `${met ? 'met' : 'NOT met'} (${d.rpoBasis})`);
    }
    return lines;
  }

  /** A construct inside a stack to carry the synth-time info line (this construct may sit outside every stack). */
  private infoOwner(): IConstruct {
    const paths = FailoverBudgetReport.of(this).paths;
    const first = paths.length > 0 ? this.node.root.node.findAll().find((c) => c.node.path === paths[0].constructPath) : undefined;
    return first ?? this;
  }

  /**
   * What breaks the objectives, one line each with the terms that add up to it (empty when they
   * are met). Reads the failover budgets as they stand, so call it once the app is built.
   */
  public brokenObjectives(): string[] {
    return this._checks().filter((c) => !c.met).map((c) => c.reason!);
  }

  /**
   * Every check of the objectives: one per routing path and Region (RTO; never met while a term
   * is UNKNOWN) and one per data store (RPO), with the reason of each that is not met. The one
   * place that decides what is met: the synth error, the budget report and the resilience report
   * read it.
   * @internal
   */
  public _checks(): ObjectiveCheckResult[] {
    const checks: ObjectiveCheckResult[] = [];
    for (const path of FailoverBudgetReport.of(this).paths) {
      for (const r of path.regions) {
        const complete = r.unknownTerms.length === 0;
        const met = complete && r.totalSeconds <= this.rtoSeconds;
        const reason = met ? undefined : !complete
          ? `${path.path} path (${path.constructPath}), ${r.region}: the worst case cannot be checked against the RTO of ${this.rtoSeconds} s because terms are UNKNOWN: ${r.unknownTerms.join('; ')}`
          : `${path.path} path (${path.constructPath}): worst case ${r.totalSeconds} s exceeds the RTO of ${this.rtoSeconds} s: ${describeRegion(r)}`;
        checks.push({
          objective: 'RTO', subject: `${path.path} path, ${r.region}`, path: path.path, region: r.region,
          seconds: r.totalSeconds, limitSeconds: this.rtoSeconds, complete, met, ...(reason ? { reason } : {}),
        });
      }
    }
    for (const store of this.dataStores) {
      const met = store.worstCaseRpoSeconds <= this.rpoSeconds;
      checks.push({
        objective: 'RPO', subject: `data store ${store.node.path}`, store: store.node.path,
        seconds: store.worstCaseRpoSeconds, limitSeconds: this.rpoSeconds, complete: true, met,
        ...(met ? {} : { reason: `data store ${store.node.path} (${store.replicationMode}): worst-case RPO ${store.worstCaseRpoSeconds} s exceeds the RPO of ${this.rpoSeconds} s (${store.rpoBasis})` }),
      });
    }
    return checks;
  }
}

/**
 * One check of the objectives, as the resilience report's `ObjectiveCheck`, with why it is not met.
 * @internal
 */
export interface ObjectiveCheckResult extends ObjectiveCheck {
  /** Why the check is not met, with the terms that add up to it; absent when it is met. */
  readonly reason?: string;
}
