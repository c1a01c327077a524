import { DSQLClient } from '@aws-sdk/client-dsql';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { AlbEvent, AlbResponse, albResponse, buildChecks, ConnectionConfigProvider, DEFAULT_DSQL_ROLE, DeepHealth, parseDeepHealthConfig } from './health';

// Built once per container: warm invocations reuse the clients and the cached result.
const config = parseDeepHealthConfig(process.env.DEEP_HEALTH_CONFIG);
// Short SDK retries: a check has about a second, and a slow answer is a failed check.
const sdk = { maxAttempts: 2 };

function dsqlConnect(): ConnectionConfigProvider | undefined {
  if (!config.dsql) return undefined;
  const { host } = config.dsql;
  const signer = new DsqlSigner({ hostname: host, region: config.region });
  // DSQL requires TLS; its certificate chains to a public root that Node.js trusts.
  return async () => ({ host, port: 5432, database: 'postgres', user: config.dsql!.roleName ?? DEFAULT_DSQL_ROLE, password: await signer.getDbConnectAuthToken(), ssl: { rejectUnauthorized: true } });
}

function auroraConnect(): ConnectionConfigProvider | undefined {
  const aurora = config.aurora;
  if (!aurora) return undefined;
  const secrets = new SecretsManagerClient(sdk);
  let credentials: { username?: string; password?: string } | undefined;
  return async () => {
    if (!aurora.secretArn) throw new Error('the Aurora check needs a secret');
    credentials ??= JSON.parse((await secrets.send(new GetSecretValueCommand({ SecretId: aurora.secretArn }))).SecretString ?? '{}');
    // Verified TLS: the Amazon RDS certificate authorities come from NODE_EXTRA_CA_CERTS, which the
    // construct sets to /var/runtime/ca-cert.pem (Node.js 20+ runtimes do not load it by default).
    return { host: aurora.host, port: aurora.port ?? 5432, database: aurora.database ?? 'postgres', user: credentials!.username, password: credentials!.password, ssl: { rejectUnauthorized: true } };
  };
}

const health = new DeepHealth(buildChecks(config, {
  ssm: config.faultSwitchParameter ? new SSMClient(sdk) : undefined,
  dsql: config.dsql ? new DSQLClient(sdk) : undefined,
  dsqlConnect: dsqlConnect(),
  dynamodb: config.dynamodb?.length ? new DynamoDBClient(sdk) : undefined,
  auroraConnect: auroraConnect(),
}), config);

/** The Application Load Balancer's Lambda target: every request (and its health checks) gets 200 or 503. */
export async function handler(event: AlbEvent): Promise<AlbResponse> {
  const result = await health.get();
  // Which check failed goes to the log only; the response says healthy or unhealthy.
  if (!result.cached) console.log(JSON.stringify({ deepHealth: true, region: config.region, healthy: result.healthy, durationMs: result.durationMs, checks: result.checks }));
  return albResponse(result.healthy, event?.httpMethod);
}
