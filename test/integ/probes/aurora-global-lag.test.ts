import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { endpointProvider } from '../../../lambda/lag-probe/endpoints';
import { measureLag } from '../../../lambda/lag-probe/probe';
import { awsClientConfig, motoEndpoint, postgresEndpoints, PostgresEndpoints } from '../harness/endpoints';

/**
 * The Aurora global database path of the lag probe, as `AuroraGlobalDatabase.lagProbeDatabase()`
 * configures it: PostgreSQL endpoints whose credentials come from the master secret (Secrets
 * Manager, here moto's), writing on the primary and observing on a streaming standby whose
 * `recovery_min_apply_delay` (2 s) is the ground truth. An Aurora secondary cannot run here;
 * the harness's delayed standby stands in for it. The connection strings differ from the
 * construct's only in `sslmode` (the harness's PostgreSQL has no TLS).
 */
let pg: PostgresEndpoints;
let secrets: SecretsManagerClient;
let secretArn: string;

/** The construct's connection-string shape, `postgres://<user>@<host>:<port>/<db>?sslmode=...`, for a harness URL. */
function auroraStyle(url: string): string {
  const u = new URL(url);
  return `postgres://postgres@${u.hostname}:${u.port}/${u.pathname.slice(1) || 'postgres'}?sslmode=disable`;
}

beforeAll(async () => {
  pg = postgresEndpoints();
  secrets = new SecretsManagerClient(awsClientConfig(motoEndpoint(), 'eu-west-1'));
  const out = await secrets.send(new CreateSecretCommand({
    Name: `ledger-db/master-${Date.now()}`,
    // The harness trusts local connections, so the password is not checked; the username is used.
    SecretString: JSON.stringify({ username: 'postgres', password: 'not-checked' }),
  }));
  secretArn = out.ARN!;
});

afterAll(() => secrets?.destroy());

test('measures the 2 s apply delay of the standby through secret-based endpoints (within ±10 % or ±200 ms)', async () => {
  expect(pg.delayedStandbyApplyDelayMs).toBe(2000);
  const writer = endpointProvider({ kind: 'postgres', connectionString: auroraStyle(pg.primaryUrl), passwordSecretArn: secretArn }, secrets);
  const reader = endpointProvider({ kind: 'postgres', connectionString: auroraStyle(pg.delayedStandbyUrl), passwordSecretArn: secretArn }, secrets);
  const m = await measureLag({
    namespace: 'ProbesInteg/aurora', writerRegion: 'eu-west-1', readerRegion: 'eu-central-1', visibilityTimeoutMs: 8000, table: 'aurora_global_heartbeat',
  }, { writer, reader });
  expect(m).toMatchObject({ writerReachable: true, readerReachable: true, visible: true });
  expect(Math.abs(m.lagMs! - pg.delayedStandbyApplyDelayMs)).toBeLessThanOrEqual(Math.max(200, pg.delayedStandbyApplyDelayMs * 0.1));
});

// The secret's user wins over the connection string's (pg would let the string's override it).
test('the secret supplies the user: a reader whose secret names an unknown role is unreachable, not thrown', async () => {
  const bad = await secrets.send(new CreateSecretCommand({ Name: `ledger-db/bad-${Date.now()}`, SecretString: JSON.stringify({ username: 'no_such_role', password: 'x' }) }));
  const writer = endpointProvider({ kind: 'postgres', connectionString: auroraStyle(pg.primaryUrl), passwordSecretArn: secretArn }, secrets);
  const reader = endpointProvider({ kind: 'postgres', connectionString: auroraStyle(pg.standbyUrl), passwordSecretArn: bad.ARN }, secrets);
  const m = await measureLag({ namespace: 'ProbesInteg/aurora', writerRegion: 'eu-west-1', readerRegion: 'eu-central-1', visibilityTimeoutMs: 3000 }, { writer, reader });
  expect(m).toMatchObject({ writerReachable: true, readerReachable: false, visible: false });
  expect(m.error).toMatch(/no_such_role/);
});
