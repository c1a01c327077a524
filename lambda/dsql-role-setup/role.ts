import { DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';

/**
 * The core of the `DsqlDatabaseRole` custom resource: plain functions that take a SQL runner and
 * a DSQL client, so tests run the SQL against PostgreSQL and GetCluster against moto.
 *
 * The statements follow the Aurora DSQL User Guide, "Using database roles and IAM
 * authentication" (https://docs.aws.amazon.com/aurora-dsql/latest/userguide/using-database-and-iam-roles.html):
 * as `admin`, `CREATE ROLE <name> WITH LOGIN`, then `AWS IAM GRANT <name> TO '<IAM role ARN>'`
 * maps an IAM role to it (the IAM role then connects with `dsql:DbConnect` only), and
 * `AWS IAM REVOKE <name> FROM '<ARN>'` undoes the mapping. `AWS IAM GRANT` exists in DSQL only,
 * so PostgreSQL tests check its text and run the rest. DDL runs one statement per transaction
 * (DSQL does not mix DDL and DML, and runs each statement in autocommit here).
 */

/** What the resource asks for. */
export interface RoleConfig {
  /** The database role (a PostgreSQL identifier, not `admin`). */
  readonly roleName: string;
  /** IAM role ARNs mapped to it. */
  readonly iamRoleArns: string[];
  /** A schema the role may use and create tables in. */
  readonly schemaName?: string;
  /** Privileges on the schema. @default ['USAGE', 'CREATE'] */
  readonly schemaPrivileges?: string[];
}

/** Runs one SQL statement (with parameters) and returns its rows. */
export type SqlRunner = (sql: string, params?: unknown[]) => Promise<Array<Record<string, unknown>>>;

const IDENTIFIER = /^[a-z_][a-z0-9_]{0,62}$/;
const RESERVED = /^(admin|postgres|public|pg_.*|sys.*|aws.*)$/;
const IAM_ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[A-Za-z0-9+=,.@_/-]{1,512}$/;
const PRIVILEGES = new Set(['USAGE', 'CREATE']);

/** Reads and checks the resource properties; throws naming the bad value and what is valid. */
export function parseRoleConfig(props: Record<string, unknown>): RoleConfig {
  const roleName = String(props.RoleName ?? '');
  if (!IDENTIFIER.test(roleName) || RESERVED.test(roleName)) {
    throw new Error(`RoleName '${roleName}' is not valid: use a lower-case SQL identifier (letters, digits, _; up to 63) other than admin, postgres, public and pg_/sys/aws names.`);
  }
  const arns = Array.isArray(props.IamRoleArns) ? props.IamRoleArns.map(String) : [];
  for (const arn of arns) {
    if (!IAM_ROLE_ARN.test(arn)) throw new Error(`IamRoleArns holds '${arn}', which is not an IAM role ARN (arn:aws:iam::<account>:role/<name>).`);
  }
  const schemaName = props.SchemaName === undefined || props.SchemaName === '' ? undefined : String(props.SchemaName);
  if (schemaName !== undefined && (!IDENTIFIER.test(schemaName) || RESERVED.test(schemaName))) {
    throw new Error(`SchemaName '${schemaName}' is not valid: use a lower-case SQL identifier other than public and pg_/sys/aws names.`);
  }
  const schemaPrivileges = Array.isArray(props.SchemaPrivileges) ? props.SchemaPrivileges.map((p) => String(p).toUpperCase()) : undefined;
  for (const p of schemaPrivileges ?? []) {
    if (!PRIVILEGES.has(p)) throw new Error(`SchemaPrivileges holds '${p}'; a schema privilege is USAGE or CREATE.`);
  }
  return { roleName, iamRoleArns: [...new Set(arns)].sort(), schemaName, schemaPrivileges };
}

/** `AWS IAM GRANT` of one IAM role to the database role (DSQL-only syntax). */
export function iamGrantStatement(roleName: string, arn: string): string {
  return `AWS IAM GRANT ${roleName} TO '${arn}'`;
}

/** `AWS IAM REVOKE` of one IAM role from the database role (DSQL-only syntax). */
export function iamRevokeStatement(roleName: string, arn: string): string {
  return `AWS IAM REVOKE ${roleName} FROM '${arn}'`;
}

/** The options of one run. */
export interface ApplyOptions {
  /** Runs the DSQL-only `AWS IAM` statements; tests against PostgreSQL record them instead. */
  readonly runIam: (statement: string) => Promise<void>;
  /** Structured log line (names and ARNs only). */
  readonly log?: (message: string, fields?: Record<string, unknown>) => void;
}

/**
 * Creates (if missing) the role WITH LOGIN, the schema and its grants, and maps the IAM roles,
 * revoking the mappings of `previous` that are gone. Idempotent: a repeat changes nothing.
 */
export async function applyRole(sql: SqlRunner, config: RoleConfig, previous: RoleConfig | undefined, options: ApplyOptions): Promise<void> {
  const log = options.log ?? (() => undefined);
  const exists = await sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [config.roleName]);
  if (exists.length === 0) {
    await sql(`CREATE ROLE ${config.roleName} WITH LOGIN`);
    log('role created', { role: config.roleName });
  }
  if (config.schemaName) {
    await sql(`CREATE SCHEMA IF NOT EXISTS ${config.schemaName}`);
    const privileges = config.schemaPrivileges ?? ['USAGE', 'CREATE'];
    if (privileges.length > 0) await sql(`GRANT ${privileges.join(', ')} ON SCHEMA ${config.schemaName} TO ${config.roleName}`);
    log('schema granted', { role: config.roleName, schema: config.schemaName, privileges });
  }
  const before = previous && previous.roleName === config.roleName ? previous.iamRoleArns : [];
  // AWS IAM GRANT of a mapping that exists is not documented as a no-op: map only new ARNs.
  for (const arn of config.iamRoleArns.filter((a) => !before.includes(a))) {
    await options.runIam(iamGrantStatement(config.roleName, arn));
    log('iam role mapped', { role: config.roleName, iamRole: arn });
  }
  for (const arn of before.filter((a) => !config.iamRoleArns.includes(a))) {
    await options.runIam(iamRevokeStatement(config.roleName, arn));
    log('iam role unmapped', { role: config.roleName, iamRole: arn });
  }
  if (previous && previous.schemaName && previous.schemaName !== config.schemaName) {
    await sql(`REVOKE ALL ON SCHEMA ${previous.schemaName} FROM ${previous.roleName}`);
  }
}

/**
 * Revokes what `applyRole` granted: the IAM mappings and the schema privileges. The role and the
 * schema stay (they may own the tables a probe wrote, which a DROP would refuse or lose); without
 * a mapping no IAM principal can log in as the role.
 */
export async function revokeRole(sql: SqlRunner, config: RoleConfig, options: ApplyOptions): Promise<void> {
  const exists = await sql('SELECT 1 FROM pg_roles WHERE rolname = $1', [config.roleName]);
  if (exists.length === 0) return;
  for (const arn of config.iamRoleArns) await options.runIam(iamRevokeStatement(config.roleName, arn));
  if (config.schemaName) {
    const schema = await sql('SELECT 1 FROM pg_namespace WHERE nspname = $1', [config.schemaName]);
    if (schema.length > 0) await sql(`REVOKE ALL ON SCHEMA ${config.schemaName} FROM ${config.roleName}`);
  }
  options.log?.('role revoked', { role: config.roleName });
}

/** Statuses in which a cluster accepts connections (Aurora DSQL User Guide, "Aurora DSQL cluster lifecycle"). */
const CONNECTABLE = new Set(['ACTIVE', 'IDLE', 'INACTIVE']);

/**
 * Checks with GetCluster that the cluster can take a connection before one is opened: a
 * multi-Region cluster in PENDING_SETUP serves none until it is peered, so a role resource that
 * deploys before the peering fails here, naming the cluster and the fix.
 */
export async function assertConnectable(dsql: DSQLClient, identifier: string): Promise<void> {
  const out = await dsql.send(new GetClusterCommand({ identifier }));
  if (!CONNECTABLE.has(out.status ?? '')) {
    throw new Error(`DSQL cluster ${out.arn ?? identifier} is ${out.status}; a database role can only be created on a cluster that is ACTIVE, IDLE or INACTIVE. `
      + 'A multi-Region cluster is PENDING_SETUP until it is peered: create the DsqlDatabaseRole in the stack of the peering resource (it depends on it).');
  }
}
