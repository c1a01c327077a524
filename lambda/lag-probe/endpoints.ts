import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { DsqlSigner } from '@aws-sdk/dsql-signer';
import { ClientConfig } from 'pg';
import { parse } from 'pg-connection-string';
import { EndpointSpec } from './endpoint-spec';
import { ConnectionConfigProvider } from './probe';


/** Turns a spec into a provider that mints fresh credentials for every connection. */
export function endpointProvider(spec: EndpointSpec, secrets?: SecretsManagerClient): ConnectionConfigProvider {
  if (spec.kind === 'dsql') {
    if (!spec.host || !spec.region) throw new Error('a DSQL endpoint needs host and region.');
    const user = spec.user ?? 'admin';
    const signer = new DsqlSigner({ hostname: spec.host, region: spec.region });
    return async () => ({
      host: spec.host,
      port: 5432,
      database: 'postgres',
      user,
      password: user === 'admin' ? await signer.getDbConnectAdminAuthToken() : await signer.getDbConnectAuthToken(),
      ssl: { rejectUnauthorized: true },
    });
  }
  if (!spec.connectionString) throw new Error('a PostgreSQL endpoint needs connectionString.');
  const secretArn = spec.passwordSecretArn;
  if (!secretArn) return async () => ({ connectionString: spec.connectionString });
  if (!secrets) throw new Error('a PostgreSQL endpoint with a password secret needs a Secrets Manager client.');
  return async (): Promise<ClientConfig> => {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: secretArn }));
    const value = JSON.parse(out.SecretString ?? '{}') as { username?: string; password?: string };
    // pg lets a connectionString's user and password (empty when absent) override separate
    // fields, so the string is parsed and the secret's credentials are put after it.
    const { user: _user, password: _password, ...fromString } = parse(spec.connectionString!);
    return { ...(fromString as ClientConfig), user: value.username, password: value.password };
  };
}
