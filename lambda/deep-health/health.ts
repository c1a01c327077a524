import { DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';
import { AttributeValue, DynamoDBClient, GetItemCommand } from '@aws-sdk/client-dynamodb';
import { GetParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { Client, ClientConfig } from 'pg';
import { DSQL_SERVING_STATES, dsqlStateServes } from '../shared/dsql-states';

/**
 * The deep-health check of one Region, served to the data plane (Route 53 health checkers and
 * Elastic Load Balancing target health checks) behind a load balancer: 200 while every data store
 * the Region needs answers from this Region, 503 otherwise. The answer is cached for a few seconds
 * (Route 53 runs a dozen or more checkers per health check, each every 10 or 30 s), and every
 * evaluation ends within a deadline below Route 53's limit of 2 s for a response once connected
 * (Route 53 Developer Guide, "How Amazon Route 53 determines whether a health check is healthy").
 */

export { DSQL_SERVING_STATES } from '../shared/dsql-states';

/** A function that returns fresh connection settings (DSQL: a new IAM token each time). */
export type ConnectionConfigProvider = () => Promise<ClientConfig>;

/** What the handler checks, from its environment (set by the DeepHealthEndpoint construct). */
export interface DeepHealthConfig {
  /** The Region the handler serves. */
  readonly region: string;
  /** How long one evaluation is served to every request, in ms. @default 5000 */
  readonly cacheMs?: number;
  /** The bound on one evaluation, all checks in parallel, in ms. @default 1500 */
  readonly deadlineMs?: number;
  /** The bound on each check, in ms (a check that takes longer counts as failed). @default 1000 */
  readonly checkTimeoutMs?: number;
  /** Name of the SSM String parameter that fails the Region on purpose (`{"fail":true,...}`). */
  readonly faultSwitchParameter?: string;
  /** The Region's Aurora DSQL cluster: its state, then a connect as a non-admin role and `SELECT 1`. */
  readonly dsql?: DsqlCheckConfig;
  /** DynamoDB tables (this Region's replicas): one GetItem each on a key that need not exist. */
  readonly dynamodb?: DynamoDbCheckConfig[];
  /** An Aurora (PostgreSQL) endpoint in this Region: connect over verified TLS and `SELECT 1`. */
  readonly aurora?: AuroraCheckConfig;
}

export interface DsqlCheckConfig {
  /** Cluster identifier, for GetCluster. */
  readonly identifier: string;
  /** Cluster endpoint, `<id>.dsql.<region>.on.aws`. */
  readonly host: string;
  /** The database role the handler connects as (never `admin`). @default 'mrcdk_health' */
  readonly roleName?: string;
}

export interface DynamoDbCheckConfig {
  readonly tableName: string;
  /** The key to read, in DynamoDB JSON, for example `{"pk":{"S":"mrcdk-deep-health"}}`. */
  readonly key: Record<string, AttributeValue>;
}

export interface AuroraCheckConfig {
  readonly host: string;
  /** @default 5432 */
  readonly port?: number;
  /** @default 'postgres' */
  readonly database?: string;
  /** A Secrets Manager secret whose JSON holds `username` and `password`. */
  readonly secretArn?: string;
}

/** The clients and connection providers the checks use (tests pass emulators' clients). */
export interface DeepHealthClients {
  readonly ssm?: SSMClient;
  readonly dsql?: DSQLClient;
  readonly dsqlConnect?: ConnectionConfigProvider;
  readonly dynamodb?: DynamoDBClient;
  readonly auroraConnect?: ConnectionConfigProvider;
}

/** One named check: resolves when healthy, rejects with the reason otherwise. */
export interface DeepHealthCheck {
  readonly name: string;
  run(timeoutMs: number): Promise<void>;
}

/** The result of one check. */
export interface CheckResult {
  readonly name: string;
  readonly healthy: boolean;
  readonly ms: number;
  readonly error?: string;
}

/** The result of one evaluation. */
export interface DeepHealthResult {
  readonly healthy: boolean;
  readonly checks: CheckResult[];
  /** When the evaluation finished (epoch ms). */
  readonly at: number;
  readonly durationMs: number;
}

export const DEFAULT_CACHE_MS = 5000;
export const DEFAULT_DEADLINE_MS = 1500;
export const DEFAULT_CHECK_TIMEOUT_MS = 1000;
export const DEFAULT_DSQL_ROLE = 'mrcdk_health';

/** Connects, runs `SELECT 1` and closes, all within `timeoutMs`. */
export async function selectOne(provider: ConnectionConfigProvider, timeoutMs: number): Promise<void> {
  const cfg = await provider();
  const client = new Client({ ...cfg, connectionTimeoutMillis: timeoutMs, query_timeout: timeoutMs, statement_timeout: timeoutMs });
  // An error after the check ended (the server going away) must not crash the function.
  client.on('error', () => undefined);
  try {
    await client.connect();
    const res = await client.query('SELECT 1 AS ok');
    if (res.rows[0]?.ok !== 1) throw new Error('SELECT 1 returned no row');
  } finally {
    client.end().catch(() => undefined);
  }
}

/** The fault switch's value means "fail" only when it parses as JSON with `"fail": true`. */
export function faultSwitchFails(value: string | undefined): boolean {
  if (value === undefined) return false;
  try {
    const parsed = JSON.parse(value) as { fail?: unknown };
    return parsed !== null && typeof parsed === 'object' && parsed.fail === true;
  } catch {
    return false;
  }
}

/** The checks of `config`, in a stable order. */
export function buildChecks(config: DeepHealthConfig, clients: DeepHealthClients): DeepHealthCheck[] {
  const checks: DeepHealthCheck[] = [];
  if (config.faultSwitchParameter) {
    const name = config.faultSwitchParameter;
    const ssm = need(clients.ssm, 'an SSM client for the fault switch');
    checks.push({
      name: 'fault switch',
      run: async (timeoutMs) => {
        const out = await ssm.send(new GetParameterCommand({ Name: name }), { abortSignal: AbortSignal.timeout(timeoutMs) });
        if (faultSwitchFails(out.Parameter?.Value)) throw new Error(`fault switch ${name} is set: ${out.Parameter?.Value}`);
      },
    });
  }
  if (config.dsql) {
    const spec = config.dsql;
    const dsql = need(clients.dsql, 'a DSQL client');
    const connect = need(clients.dsqlConnect, 'a DSQL connection provider');
    checks.push({
      name: `dsql ${spec.identifier}`,
      run: async (timeoutMs) => {
        const [cluster] = await Promise.all([
          dsql.send(new GetClusterCommand({ identifier: spec.identifier }), { abortSignal: AbortSignal.timeout(timeoutMs) }),
          selectOne(connect, timeoutMs),
        ]);
        if (!dsqlStateServes(cluster.status)) {
          throw new Error(`cluster ${spec.identifier} is ${cluster.status}; serving states: ${DSQL_SERVING_STATES.join(', ')}`);
        }
      },
    });
  }
  for (const table of config.dynamodb ?? []) {
    const dynamodb = need(clients.dynamodb, 'a DynamoDB client');
    checks.push({
      name: `dynamodb ${table.tableName}`,
      // A GetItem of one small key: half a read unit, and a data-plane call (DescribeTable is control plane).
      run: async (timeoutMs) => {
        await dynamodb.send(new GetItemCommand({ TableName: table.tableName, Key: table.key }), { abortSignal: AbortSignal.timeout(timeoutMs) });
      },
    });
  }
  if (config.aurora) {
    const connect = need(clients.auroraConnect, 'an Aurora connection provider');
    checks.push({ name: `aurora ${config.aurora.host}`, run: (timeoutMs) => selectOne(connect, timeoutMs) });
  }
  return checks;
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`the deep-health configuration needs ${what}`);
  return value;
}

/** Runs one check within `timeoutMs`; never throws. */
export async function runCheck(check: DeepHealthCheck, timeoutMs: number, now: () => number = Date.now): Promise<CheckResult> {
  const started = now();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([Promise.resolve().then(() => check.run(timeoutMs)), timeout]);
    return { name: check.name, healthy: true, ms: now() - started };
  } catch (err) {
    return { name: check.name, healthy: false, ms: now() - started, error: describe(err) };
  } finally {
    clearTimeout(timer);
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) {
    const code = (err as { code?: string }).code;
    return `${err.name}${code ? ` ${code}` : ''}: ${err.message}`.slice(0, 300);
  }
  return String(err).slice(0, 300);
}

/**
 * Evaluates the checks at most once per cache period; requests within the period (and those
 * arriving while an evaluation runs) get the same result.
 */
export class DeepHealth {
  private readonly cacheMs: number;
  private readonly deadlineMs: number;
  private readonly checkTimeoutMs: number;
  private current?: DeepHealthResult;
  private running?: Promise<DeepHealthResult>;

  constructor(private readonly checks: DeepHealthCheck[], config: Pick<DeepHealthConfig, 'cacheMs' | 'deadlineMs' | 'checkTimeoutMs'>,
    private readonly now: () => number = Date.now) {
    this.cacheMs = config.cacheMs ?? DEFAULT_CACHE_MS;
    this.deadlineMs = config.deadlineMs ?? DEFAULT_DEADLINE_MS;
    this.checkTimeoutMs = Math.min(config.checkTimeoutMs ?? DEFAULT_CHECK_TIMEOUT_MS, this.deadlineMs);
  }

  /** The cached result while it is fresh, else a new evaluation. */
  public async get(): Promise<DeepHealthResult & { cached: boolean }> {
    if (this.current && this.now() - this.current.at < this.cacheMs) return { ...this.current, cached: true };
    this.running ??= this.evaluate().finally(() => { this.running = undefined; });
    return { ...(await this.running), cached: false };
  }

  private async evaluate(): Promise<DeepHealthResult> {
    const started = this.now();
    // Each check has its own timeout, no larger than the deadline, and they run in parallel, so
    // the evaluation ends within the deadline; a check that does not finish counts as failed.
    const checks = await Promise.all(this.checks.map((c) => runCheck(c, this.checkTimeoutMs, this.now)));
    const at = this.now();
    this.current = { healthy: checks.every((c) => c.healthy), checks, at, durationMs: at - started };
    return this.current;
  }
}

/** The part of an Application Load Balancer's Lambda event the handler reads. */
export interface AlbEvent {
  readonly httpMethod?: string;
  readonly path?: string;
  readonly headers?: Record<string, string | undefined>;
}

/** An Application Load Balancer Lambda response. */
export interface AlbResponse {
  readonly statusCode: number;
  readonly statusDescription: string;
  readonly headers: Record<string, string>;
  readonly body: string;
  readonly isBase64Encoded: boolean;
}

/** 200 `healthy` or 503 `unhealthy`: nothing about which check failed (that goes to the log). */
export function albResponse(healthy: boolean, method?: string): AlbResponse {
  const body = healthy ? 'healthy' : 'unhealthy';
  return {
    statusCode: healthy ? 200 : 503,
    statusDescription: healthy ? '200 OK' : '503 Service Unavailable',
    headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' },
    body: method === 'HEAD' ? '' : body,
    isBase64Encoded: false,
  };
}

/** Parses the handler's configuration (JSON in DEEP_HEALTH_CONFIG). */
export function parseDeepHealthConfig(json: string | undefined): DeepHealthConfig {
  if (!json) throw new Error('DEEP_HEALTH_CONFIG is not set');
  const config = JSON.parse(json) as DeepHealthConfig;
  if (typeof config.region !== 'string') throw new Error('DEEP_HEALTH_CONFIG has no region');
  if (config.dsql && (config.dsql.roleName ?? DEFAULT_DSQL_ROLE) === 'admin') {
    throw new Error('the deep-health check connects as a non-admin DSQL role; admin is refused');
  }
  return config;
}
