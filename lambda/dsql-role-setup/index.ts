import { DSQLClient } from '@aws-sdk/client-dsql';
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { Client } from 'pg';
import { applyRole, assertConnectable, parseRoleConfig, revokeRole, SqlRunner } from './role';

interface Event {
  readonly RequestType: 'Create' | 'Update' | 'Delete';
  readonly PhysicalResourceId?: string;
  readonly ResourceProperties: Record<string, unknown>;
  readonly OldResourceProperties?: Record<string, unknown>;
}

const log = (message: string, fields?: Record<string, unknown>) => console.log(JSON.stringify({ message, ...fields }));

/** The Provider framework's onEvent: connects as admin (dsql:DbConnectAdmin on this cluster only) and sets the role up. */
export async function onEvent(event: Event): Promise<{ PhysicalResourceId: string }> {
  const props = event.ResourceProperties;
  const region = String(props.Region);
  const host = String(props.Endpoint);
  const identifier = String(props.ClusterIdentifier);
  const config = event.RequestType === 'Delete' ? tryParse(props) : parseRoleConfig(props);
  const physicalId = config ? `dsql-role:${identifier}:${config.roleName}` : (event.PhysicalResourceId ?? 'dsql-role:none');
  if (!config) return { PhysicalResourceId: physicalId };
  if (event.RequestType !== 'Delete') await assertConnectable(new DSQLClient({ region }), identifier);
  const token = await new DsqlSigner({ hostname: host, region }).getDbConnectAdminAuthToken();
  const client = new Client({ host, port: 5432, user: 'admin', password: token, database: 'postgres', ssl: { rejectUnauthorized: true }, connectionTimeoutMillis: 10_000 });
  await client.connect();
  try {
    const sql: SqlRunner = async (text, params) => (await client.query(text, params)).rows;
    const runIam = async (statement: string) => { await client.query(statement); };
    if (event.RequestType === 'Delete') {
      await revokeRole(sql, config, { runIam, log });
    } else {
      const previous = event.RequestType === 'Update' && event.OldResourceProperties ? tryParse(event.OldResourceProperties) : undefined;
      await applyRole(sql, config, previous, { runIam, log });
    }
  } finally {
    await client.end().catch(() => undefined);
  }
  return { PhysicalResourceId: physicalId };
}

function tryParse(props: Record<string, unknown>) {
  try {
    return parseRoleConfig(props);
  } catch {
    return undefined;
  }
}
