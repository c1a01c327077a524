import { Annotations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { validationError } from '../private/errors';

/**
 * The Region sets in which Aurora DSQL supports multi-Region clusters: the two peered clusters
 * and the witness must be three different Regions of one set.
 *
 * Source: Amazon Aurora DSQL User Guide, "What is Amazon Aurora DSQL?", section "Region
 * availability" (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability):
 * multi-Region clusters in US East (N. Virginia, Ohio) and US West (Oregon); Asia Pacific
 * (Osaka, Tokyo, Seoul); and Europe (Ireland, London, Paris, Frankfurt). Frankfurt joined the
 * European set after the first version of this table; the AWS Config rule page
 * "dsql-cluster-multi-Region-replication-enabled" lists DSQL in Frankfurt as well.
 *
 * AWS adds Regions over time: a set this table does not list yet is accepted, with a warning
 * naming the page, with the prop `allowUnlistedRegionSet` (on `DsqlPeeredClusters`,
 * `DsqlPeering`, `DsqlCluster`, `MultiRegionApp`, `MultiRegionTopology`) or the context key
 * `multi-region-cdk:dsql-allow-unlisted-region-set` (`cdk synth -c multi-region-cdk:dsql-allow-unlisted-region-set=true`).
 *
 * To update: add or change a row; every check and error message reads this table.
 */
export const DSQL_MULTI_REGION_SETS: ReadonlyArray<{ readonly name: string; readonly regions: readonly string[] }> = [
  { name: 'United States', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { name: 'Asia Pacific', regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'] },
  { name: 'Europe', regions: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'] },
];

/** Where `DSQL_MULTI_REGION_SETS` comes from; quoted in validation errors and warnings. */
export const DSQL_MULTI_REGION_SETS_SOURCE = 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability';

/** Context key that accepts a DSQL Region set the table does not list (with a warning). */
export const DSQL_UNLISTED_REGION_SET_CONTEXT = 'multi-region-cdk:dsql-allow-unlisted-region-set';

/**
 * Whether an unlisted Region set is accepted at `scope`: the prop when given, else the context
 * key (on `scope` or, for constructs placed elsewhere, on the topology they use).
 * @internal
 */
export function allowsUnlistedRegionSet(prop: boolean | undefined, ...scopes: Array<IConstruct | undefined>): boolean {
  if (prop !== undefined) return prop;
  for (const scope of scopes) {
    const value = scope?.node.tryGetContext(DSQL_UNLISTED_REGION_SET_CONTEXT);
    if (value === true || value === 'true') return true;
  }
  return false;
}

/**
 * Checks that `regions` (peers, witness; any that are known) lie in one listed DSQL Region set.
 * When they do not: throws naming the Regions and the listed sets, or, when `allowUnlisted`,
 * adds a warning naming the page and accepts them. Returns the listed set, if any.
 * @internal
 */
export function checkDsqlRegionSet(scope: IConstruct, what: string, regions: readonly string[], allowUnlisted: boolean): { readonly name: string; readonly regions: readonly string[] } | undefined {
  const set = DSQL_MULTI_REGION_SETS.find((s) => regions.every((r) => s.regions.includes(r)));
  if (set) return set;
  const sets = DSQL_MULTI_REGION_SETS.map((s) => `${s.name}: ${s.regions.join(', ')}`).join('; ');
  if (allowUnlisted) {
    Annotations.of(scope).addWarningV2('multi-region-cdk:dsql-unlisted-region-set',
      `${what}: ${regions.join(', ')} are not one Aurora DSQL multi-Region set of this library's table (${sets}); accepted because `
      + `allowUnlistedRegionSet (or the context key ${DSQL_UNLISTED_REGION_SET_CONTEXT}) is set. Check the set against ${DSQL_MULTI_REGION_SETS_SOURCE}: `
      + 'CreateCluster refuses a witness or peer outside a supported set.');
    return undefined;
  }
  throw validationError('UnsupportedRegionSet', `${what}: Aurora DSQL cannot place a multi-Region cluster in ${regions.join(', ')}: both peers and the witness `
    + `must come from one supported Region set (${sets}). Source: ${DSQL_MULTI_REGION_SETS_SOURCE}. If AWS lists the set now, set `
    + `allowUnlistedRegionSet: true (or the context key ${DSQL_UNLISTED_REGION_SET_CONTEXT}=true) to accept it with a warning.`, scope);
}
