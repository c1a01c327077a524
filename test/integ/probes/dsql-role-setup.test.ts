import { CreateClusterCommand, DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';
import { mockClient } from 'aws-sdk-client-mock';
import { Client } from 'pg';
import { measureDsql } from '../../../lambda/dsql-probe/probe';
import { applyRole, assertConnectable, iamGrantStatement, iamRevokeStatement, parseRoleConfig, revokeRole, RoleConfig, SqlRunner } from '../../../lambda/dsql-role-setup/role';
import { awsClientConfig, motoEndpoint, postgresEndpoints } from '../harness/endpoints';

/**
 * DsqlDatabaseRole's handler core. The SQL runs against the harness's PostgreSQL, connected as its
 * superuser in place of DSQL's `admin`; `AWS IAM GRANT`/`REVOKE` exist in DSQL only, so their text is
 * recorded and checked instead of run. GetCluster runs against moto. Then the DSQL probe's core
 * runs as the new role (PostgreSQL trusts loopback logins, where DSQL takes an IAM token for it)
 * and writes into the role's schema only.
 */
const RUN = `${Date.now().toString(36)}${Math.round(Math.random() * 1e6).toString(36)}`;
const ROLE = `mrcdk_probe_${RUN}`;
const SCHEMA = `mrcdk_probe_${RUN}`;
const PROBE_ARN = 'arn:aws:iam::111111111111:role/shop-ProbesDsqlProbe-Role';
const OTHER_ARN = 'arn:aws:iam::111111111111:role/shop-other-probe';
let admin: Client;
let sql: SqlRunner;

beforeAll(async () => {
  admin = new Client({ connectionString: postgresEndpoints().primaryUrl });
  await admin.connect();
  sql = async (text, params) => (await admin.query(text, params)).rows;
});
afterAll(async () => {
  await admin.query(`DROP SCHEMA IF EXISTS ${SCHEMA} CASCADE`).catch(() => undefined);
  await admin.query(`DROP ROLE IF EXISTS ${ROLE}`).catch(() => undefined);
  await admin.end();
});

function config(arns: string[] = [PROBE_ARN]): RoleConfig {
  return parseRoleConfig({ RoleName: ROLE, IamRoleArns: arns, SchemaName: SCHEMA });
}

async function privileges(): Promise<{ login: boolean; usage: boolean; create: boolean }> {
  const [row] = await sql(`SELECT r.rolcanlogin AS login, has_schema_privilege($1, $2, 'USAGE') AS usage, has_schema_privilege($1, $2, 'CREATE') AS create
    FROM pg_roles r WHERE r.rolname = $1`, [ROLE, SCHEMA]);
  return row as { login: boolean; usage: boolean; create: boolean };
}

test('create: the role WITH LOGIN, its schema with USAGE and CREATE, and the AWS IAM GRANT text for each IAM role', async () => {
  const iam: string[] = [];
  await applyRole(sql, config(), undefined, { runIam: async (s) => { iam.push(s); } });
  expect(await privileges()).toEqual({ login: true, usage: true, create: true });
  expect(iam).toEqual([`AWS IAM GRANT ${ROLE} TO '${PROBE_ARN}'`]);
  expect(iamGrantStatement(ROLE, PROBE_ARN)).toBe(iam[0]);
});

test('a repeat changes nothing and maps nothing again (idempotent)', async () => {
  const iam: string[] = [];
  await applyRole(sql, config(), config(), { runIam: async (s) => { iam.push(s); } });
  expect(iam).toEqual([]);
  expect(await privileges()).toEqual({ login: true, usage: true, create: true });
});

test('the DSQL probe connects as the role and writes into its own schema, not into public', async () => {
  const url = new URL(postgresEndpoints().primaryUrl);
  url.username = ROLE;
  const endpoint = { region: 'us-east-1', connect: async () => ({ connectionString: url.toString() }) };
  const m = await measureDsql({ namespace: 'x', database: 'orders', schema: SCHEMA, connectTimeoutMs: 3000 }, { local: endpoint });
  expect(m.errors).toEqual([]);
  expect(m.commitLatencyMs).toBeGreaterThan(0);
  const [row] = await sql('SELECT tableowner FROM pg_tables WHERE schemaname = $1 AND tablename = $2', [SCHEMA, 'multi_region_consistency_probe']);
  expect(row).toEqual({ tableowner: ROLE });
  // Without a schema of its own the role may not create tables (PostgreSQL 15: no CREATE on public).
  const inPublic = await measureDsql({ namespace: 'x', database: 'orders', table: `t_${RUN}`, connectTimeoutMs: 3000 }, { local: endpoint });
  expect(inPublic.errors.join('\n')).toMatch(/table in us-east-1 failed: .*permission denied for schema public/);
});

test('an update maps the new IAM role and revokes the removed one', async () => {
  const iam: string[] = [];
  await applyRole(sql, config([OTHER_ARN]), config([PROBE_ARN]), { runIam: async (s) => { iam.push(s); } });
  expect(iam).toEqual([iamGrantStatement(ROLE, OTHER_ARN), iamRevokeStatement(ROLE, PROBE_ARN)]);
  expect(iam[1]).toBe(`AWS IAM REVOKE ${ROLE} FROM '${PROBE_ARN}'`);
});

test('delete revokes the mappings and the schema privileges; the role and its tables stay', async () => {
  const iam: string[] = [];
  await revokeRole(sql, config([OTHER_ARN]), { runIam: async (s) => { iam.push(s); } });
  expect(iam).toEqual([iamRevokeStatement(ROLE, OTHER_ARN)]);
  expect(await privileges()).toEqual({ login: true, usage: false, create: false });
});

test('bad properties are refused, naming the value', () => {
  expect(() => parseRoleConfig({ RoleName: 'admin', IamRoleArns: [PROBE_ARN] })).toThrow(/RoleName 'admin' is not valid/);
  expect(() => parseRoleConfig({ RoleName: 'x', IamRoleArns: ["arn:aws:iam::1:role/x'; DROP ROLE admin; --"] })).toThrow(/is not an IAM role ARN/);
});

describe('GetCluster before connecting', () => {
  test('moto: an ACTIVE cluster is connectable', async () => {
    const dsql = new DSQLClient(awsClientConfig(motoEndpoint(), 'us-east-1'));
    const created = await dsql.send(new CreateClusterCommand({ deletionProtectionEnabled: false }));
    await dsql.send(new GetClusterCommand({ identifier: created.identifier })); // moto: CREATING -> ACTIVE on the first read
    await expect(assertConnectable(dsql, created.identifier!)).resolves.toBeUndefined();
    dsql.destroy();
  });

  test('moto: a cluster that does not exist fails with the service\'s error', async () => {
    const dsql = new DSQLClient(awsClientConfig(motoEndpoint(), 'us-east-1'));
    await expect(assertConnectable(dsql, 'a'.repeat(26))).rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    dsql.destroy();
  });

  test('[aws-sdk-client-mock: moto has no PENDING_SETUP] a cluster waiting for its peer is refused, naming the fix', async () => {
    const mock = mockClient(DSQLClient);
    mock.on(GetClusterCommand).resolves({ arn: 'arn:aws:dsql:us-east-2:111111111111:cluster/x', status: 'PENDING_SETUP' });
    try {
      await expect(assertConnectable(new DSQLClient({ region: 'us-east-2' }), 'x'))
        .rejects.toThrow(/is PENDING_SETUP; a database role can only be created on a cluster that is ACTIVE, IDLE or INACTIVE.*create the DsqlDatabaseRole in the stack of the peering resource/);
    } finally {
      mock.restore();
    }
  });
});
