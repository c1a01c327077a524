import * as http from 'node:http';
import * as https from 'node:https';
import { CloudWatchClient, MetricDatum, StandardUnit } from '@aws-sdk/client-cloudwatch';
import { DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';
import { describeError, publishMetrics, PublishResult } from '../shared/metrics';
import { dsqlStateServes } from '../shared/dsql-states';

/** One HTTP(S) endpoint to probe. */
export interface HealthTarget {
  /** Name used as the metric's Target dimension. */
  readonly name: string;
  /** The URL to GET. */
  readonly url: string;
  /** The status that counts as healthy. @default 200 */
  readonly expectedStatus?: number;
  /** A string the body must contain to count as healthy. @default - body not checked */
  readonly bodyContains?: string;
}

/** Configuration of one health-probe run (the Lambda reads it from its environment). */
export interface HealthProbeConfig {
  /** The Region being probed: the Region dimension of every metric. */
  readonly region: string;
  /** CloudWatch namespace of the metrics. */
  readonly namespace: string;
  /** Per-target timeout in ms, covering connect, TLS, headers and body. */
  readonly timeoutMs: number;
  /** The endpoints to probe. */
  readonly targets: HealthTarget[];
  /** Identifier of the Region's Aurora DSQL cluster, whose status counts towards health. */
  readonly dsqlClusterIdentifier?: string;
}

/** The clients a run uses; tests pass clients pointed at emulators. */
export interface HealthProbeClients {
  readonly cloudwatch: CloudWatchClient;
  readonly dsql?: DSQLClient;
}

/** Kinds of failure of one target. */
export type FailureKind = 'timeout' | 'dns' | 'tls' | 'connection' | 'status' | 'body' | 'other';

/** The outcome of one target. */
export interface TargetResult {
  readonly name: string;
  readonly url: string;
  readonly healthy: boolean;
  /** HTTP status, when a response arrived. */
  readonly status?: number;
  /** Time to the full response (or to the failure), in ms. */
  readonly latencyMs: number;
  readonly failure?: FailureKind;
  readonly error?: string;
}

/** The outcome of the DSQL cluster check. */
export interface DsqlResult {
  readonly identifier: string;
  readonly healthy: boolean;
  readonly status?: string;
  readonly error?: string;
}

/** Summary returned by every run, whatever failed. */
export interface HealthProbeSummary {
  readonly region: string;
  /** True when every target answered as expected and the DSQL cluster (if any) is in a serving state. */
  readonly regionHealthy: boolean;
  readonly targets: TargetResult[];
  readonly dsql?: DsqlResult;
  readonly metrics: PublishResult;
  readonly durationMs: number;
}

/** Bytes of a body searched for `bodyContains`; a health answer longer than this is not read further. */
export const MAX_BODY_BYTES = 256 * 1024;

/**
 * GETs one target with a hard timeout; never throws.
 *
 * Uses node:http(s), not fetch: issuing a request costs several times less CPU (measured with
 * 500 targets by `npm run bench:probes`), which matters in a 256 MB function whose CPU share is
 * proportional to its memory. Each check opens its own connection (no keep-alive: a reused
 * socket the server has closed would read as a failed target), follows no redirect, discards a
 * body it need not check, and reads at most MAX_BODY_BYTES of one it must.
 */
export function checkTarget(target: HealthTarget, timeoutMs: number): Promise<TargetResult> {
  const expected = target.expectedStatus ?? 200;
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  const fail = (failure: FailureKind, error: string, status?: number): TargetResult =>
    ({ name: target.name, url: target.url, healthy: false, status, latencyMs: elapsed(), failure, error });
  return new Promise<TargetResult>((resolve) => {
    let settled = false;
    let timedOut = false;
    let timer: NodeJS.Timeout | undefined;
    const done = (result: TargetResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    let url: URL;
    try {
      url = new URL(target.url);
    } catch (err) {
      done(fail('other', describeError(err)));
      return;
    }
    const client = url.protocol === 'https:' ? https : http;
    let req: http.ClientRequest;
    try {
      req = client.request(url, { method: 'GET', agent: false, headers: { 'user-agent': 'multi-region-cdk-health-probe', 'connection': 'close' } }, (res) => {
        const status = res.statusCode ?? 0;
        const chunks: Buffer[] = [];
        let bytes = 0;
        res.on('data', (chunk: Buffer) => {
          if (target.bodyContains === undefined || bytes >= MAX_BODY_BYTES) return;
          chunks.push(chunk);
          bytes += chunk.length;
        });
        res.on('error', (err) => done(timedOut ? fail('timeout', `no complete response within ${timeoutMs} ms`, status) : fail(classify(err), describeError(err), status)));
        res.on('end', () => {
          const base = { name: target.name, url: target.url, status, latencyMs: elapsed() };
          if (status !== expected) {
            done({ ...base, healthy: false, failure: 'status', error: `status ${status}, expected ${expected}` });
          } else if (target.bodyContains !== undefined && !Buffer.concat(chunks).subarray(0, MAX_BODY_BYTES).toString('utf8').includes(target.bodyContains)) {
            done({ ...base, healthy: false, failure: 'body', error: `body does not contain '${target.bodyContains}'` });
          } else {
            done({ ...base, healthy: true });
          }
        });
      });
    } catch (err) {
      done(fail(classify(err), describeError(err)));
      return;
    }
    req.on('error', (err) => done(timedOut ? fail('timeout', `no complete response within ${timeoutMs} ms`) : fail(classify(err), describeError(err))));
    // One timer covers connect, TLS, headers and body.
    timer = setTimeout(() => {
      timedOut = true;
      done(fail('timeout', `no complete response within ${timeoutMs} ms`));
      req.destroy();
    }, timeoutMs);
    req.end();
  });
}

/** Reads the DSQL cluster's status; ACTIVE, IDLE, INACTIVE and UPDATING are healthy (see DSQL_SERVING_STATES). Never throws. */
export async function checkDsqlCluster(dsql: DSQLClient, identifier: string): Promise<DsqlResult> {
  try {
    const out = await dsql.send(new GetClusterCommand({ identifier }));
    return { identifier, status: out.status, healthy: dsqlStateServes(out.status) };
  } catch (err) {
    return { identifier, healthy: false, error: describeError(err) };
  }
}

/** Metric names the probe publishes (the constructs build alarms and dashboards on them). */
export const HEALTH_METRICS = {
  healthy: 'Healthy',
  latency: 'Latency',
  regionHealthy: 'RegionHealthy',
  dsqlClusterActive: 'DsqlClusterActive',
} as const;

/** The CloudWatch data of one run. */
export function healthMetricData(summary: Omit<HealthProbeSummary, 'metrics' | 'durationMs'>, timestamp: Date): MetricDatum[] {
  const dims = (target: string) => [{ Name: 'Region', Value: summary.region }, { Name: 'Target', Value: target }];
  const data: MetricDatum[] = [];
  for (const t of summary.targets) {
    data.push({ MetricName: HEALTH_METRICS.healthy, Dimensions: dims(t.name), Value: t.healthy ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp });
    data.push({ MetricName: HEALTH_METRICS.latency, Dimensions: dims(t.name), Value: t.latencyMs, Unit: StandardUnit.Milliseconds, Timestamp: timestamp });
  }
  if (summary.dsql) {
    data.push({ MetricName: HEALTH_METRICS.dsqlClusterActive, Dimensions: dims(summary.dsql.identifier), Value: summary.dsql.healthy ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp });
  }
  data.push({ MetricName: HEALTH_METRICS.regionHealthy, Dimensions: [{ Name: 'Region', Value: summary.region }], Value: summary.regionHealthy ? 1 : 0, Unit: StandardUnit.Count, Timestamp: timestamp });
  return data;
}

/**
 * One probe run: every target and the DSQL cluster in parallel, then the metrics in as few
 * PutMetricData calls as allowed. Always resolves with a summary.
 *
 * It never calls Route 53's GetHealthCheckStatus: that API cannot read a calculated health check
 * and is meant for development, not production query rates (Route 53 API Reference,
 * GetHealthCheckStatus). The checkers' view is the AWS/Route53 metrics in us-east-1, which
 * ProbesDashboard shows and DnsRouting alarms on.
 */
export async function runHealthProbe(config: HealthProbeConfig, clients: HealthProbeClients, options: { publishAttempts?: number; log?: (m: string) => void } = {}): Promise<HealthProbeSummary> {
  const started = performance.now();
  const timestamp = new Date();
  const [targets, dsql] = await Promise.all([
    Promise.all(config.targets.map((t) => checkTarget(t, config.timeoutMs))),
    config.dsqlClusterIdentifier && clients.dsql ? checkDsqlCluster(clients.dsql, config.dsqlClusterIdentifier) : Promise.resolve(undefined),
  ]);
  const regionHealthy = targets.every((t) => t.healthy) && (dsql?.healthy ?? true);
  const partial = { region: config.region, regionHealthy, targets, dsql };
  const metrics = await publishMetrics(clients.cloudwatch, config.namespace, healthMetricData(partial, timestamp), { attempts: options.publishAttempts, log: options.log });
  return { ...partial, metrics, durationMs: Math.round(performance.now() - started) };
}

/** Parses and checks the configuration, with errors that say what is wrong. */
export function parseHealthProbeConfig(json: string | undefined): HealthProbeConfig {
  if (!json) throw new Error('HEALTH_PROBE_CONFIG is not set; the HealthProbe construct sets it.');
  const config = JSON.parse(json) as HealthProbeConfig;
  if (!config.region || !config.namespace || !Array.isArray(config.targets)) {
    throw new Error('HEALTH_PROBE_CONFIG needs region, namespace and targets.');
  }
  if (!(config.timeoutMs > 0)) throw new Error(`HEALTH_PROBE_CONFIG timeoutMs ${config.timeoutMs} must be a positive number of ms.`);
  return config;
}

function classify(err: unknown): FailureKind {
  const code = errorCode(err);
  if (!code) return 'other';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN' || code === 'EAI_NODATA' || code === 'EAI_NONAME') return 'dns';
  if (/CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ERR_SSL/.test(code)) return 'tls';
  if (code.startsWith('E') || code.startsWith('UND_ERR')) return 'connection';
  return 'other';
}

/** fetch wraps the socket error in `cause`; dig it out. */
function errorCode(err: unknown): string | undefined {
  let e: unknown = err;
  for (let depth = 0; depth < 4 && e; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}
