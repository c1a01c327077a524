import { IConstruct } from 'constructs';

/**
 * How a data store copies writes between Regions, which bounds the data a Region failure can lose.
 */
export enum ReplicationMode {
  /** A commit is durable in more than one Region before it returns (Aurora DSQL peered clusters, DynamoDB MRSC): RPO 0. */
  SYNCHRONOUS = 'SYNCHRONOUS',
  /** Writes reach the other Regions later (DynamoDB MREC, Aurora Global Database, PostgreSQL standbys): RPO is the lag. */
  ASYNCHRONOUS = 'ASYNCHRONOUS',
}

/**
 * A multi-Region data store, as the recovery objectives see it: what a Region failure can lose.
 * Implemented by the library's data constructs (DsqlPeeredClusters, the DynamoDB global table,
 * the Aurora global database); a user can implement it for a store of their own.
 */
export interface IReplicatedDataStore extends IConstruct {
  /** Synchronous or asynchronous replication between Regions. */
  readonly replicationMode: ReplicationMode;
  /**
   * The worst-case data loss in seconds on a Region failure: 0 for synchronous replication; for
   * asynchronous replication the threshold of the lag alarm that watches it (beyond that, the
   * operator is told), never a typical lag.
   */
  readonly worstCaseRpoSeconds: number;
  /** One line saying where `worstCaseRpoSeconds` comes from, shown in the recovery-objectives report and errors. */
  readonly rpoBasis: string;
}
