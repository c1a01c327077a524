/**
 * The Region sets in which Aurora DSQL supports multi-Region clusters: the two peered clusters
 * and the witness must be three different Regions of one set.
 *
 * Source: Amazon Aurora DSQL User Guide, "Region availability"
 * (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability),
 * and the Aurora DSQL FAQ (https://aws.amazon.com/rds/aurora/dsql/faqs/), which lists
 * multi-Region availability in US East (N. Virginia, Ohio), US West (Oregon), Asia Pacific
 * (Osaka, Tokyo, Seoul) and Europe (Ireland, London, Paris).
 *
 * To update: add or change a row; every check and error message reads this table.
 */
export const DSQL_MULTI_REGION_SETS: ReadonlyArray<{ readonly name: string; readonly regions: readonly string[] }> = [
  { name: 'United States', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { name: 'Asia Pacific', regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'] },
  { name: 'Europe', regions: ['eu-west-1', 'eu-west-2', 'eu-west-3'] },
];

/** Where `DSQL_MULTI_REGION_SETS` comes from; quoted in validation errors. */
export const DSQL_MULTI_REGION_SETS_SOURCE = 'https://docs.aws.amazon.com/aurora-dsql/latest/userguide/what-is-aurora-dsql.html#region-availability';
