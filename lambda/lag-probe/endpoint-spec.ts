// Shared by the handler and the ReplicationLagProbe construct, so it imports nothing.

/** How the Lambda reaches one endpoint; set by the ReplicationLagProbe construct. */
export interface EndpointSpec {
  /** 'dsql' (IAM token over TLS) or 'postgres' (connection string). */
  readonly kind: 'dsql' | 'postgres';
  /** DSQL: the cluster endpoint host name. */
  readonly host?: string;
  /** DSQL: the cluster's Region, which signs the token. */
  readonly region?: string;
  /** DSQL: the database role; 'admin' uses an admin token. */
  readonly user?: string;
  /** PostgreSQL: the connection string (without password when a secret is given). */
  readonly connectionString?: string;
  /** PostgreSQL: a Secrets Manager secret whose JSON holds `password` (and optionally `username`). */
  readonly passwordSecretArn?: string;
}
