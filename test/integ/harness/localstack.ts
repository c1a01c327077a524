/**
 * LocalStack's open-source runtime in host mode (no Docker): CloudWatch, Route 53, STS, IAM and Logs.
 *
 * localstack-core 2026.3.0 installs no `localstack` console script (the CLI is the separate `localstack` package,
 * not installed here). Host mode is what `localstack start --host` ran: `python -m localstack.runtime.main`.
 * It gets a venv of its own (<repo>/.venv/localstack) because its moto fork (moto-ext) installs the same Python
 * package as moto[server] and would overwrite it. 2026.3.x needs Python >= 3.12 (its metadata claims 3.10); without
 * one we fall back to localstack-core 4.13.1 on the default python3 (see python/localstack-py311.txt).
 *
 * Caveats found against 2026.3.0 with @aws-sdk/client-cloudwatch and client-route-53 (AWS JSON 1.0 protocol):
 * - CloudWatch PutMetricData accepts almost anything real AWS rejects: namespace 'AWS/Foo', '' or 300 chars,
 *   NaN and +-Infinity values, unknown units, 31 dimensions, 1001 data points. It only rejects Value together
 *   with Values (InvalidParameterCombination) and Values/Counts of different lengths (InvalidParameterValue).
 *   After a NaN is stored, GetMetricData for that metric fails with HTTP 500 InternalError (Maximum/Average),
 *   and after an Infinity the response is not valid JSON (the SDK throws a deserialization error).
 * - Route 53 GetHealthCheckStatus is a fixed answer: always "Success: HTTP Status Code: 200" from 127.0.13.37,
 *   whatever the target; health checks are never actually performed. CreateHealthCheck returns IPAddress "None".
 * - CloudWatch alarms are evaluated: a 10 s period alarm went INSUFFICIENT_DATA -> ALARM after about 10 s.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { getFreePort } from './free-port';
import { INTEG_DIR, log, LOG_DIR, VENV_DIR } from './paths';
import { FatalStartError, spawnTracked, waitUntilReady } from './processes';
import { ensureVenv, findPython, pythonVersion, readRequirementsFile, Venv } from './python-venv';

export interface LocalStackServer {
  /** http://127.0.0.1:<port>: pass as `endpoint` to AWS SDK clients. */
  endpoint: string;
  port: number;
  /** localstack-core version that is running, e.g. '2026.3.0'. */
  version: string;
  services: string[];
  stop(): Promise<void>;
}

export const DEFAULT_LOCALSTACK_SERVICES = ['cloudwatch', 'route53', 'sts', 'iam', 'logs', 'ssm'];
export const LOCALSTACK_VENV_DIR = path.join(VENV_DIR, 'localstack');
const PYTHON_DIR = path.join(__dirname, 'python');

/**
 * The LocalStack venv: localstack-core 2026.3.0 with a Python >= 3.12 (python3.1x on PATH or a pyenv version),
 * else 4.13.1 with python3. $INTEG_LOCALSTACK_PYTHON, if set, is the interpreter to use, and its version
 * decides between the two.
 */
export function ensureLocalStackVenv(): Promise<Venv> {
  const python = process.env.INTEG_LOCALSTACK_PYTHON || findPython([3, 12]) || 'python3';
  const version = pythonVersion(python);
  const modern = version !== undefined && (version[0] > 3 || version[1] >= 12);
  const base = modern ? 'localstack' : 'localstack-py311';
  if (!modern) log(`${python} is Python ${version?.join('.') ?? '?'}: using localstack-core 4.13.1 (2026.3.x needs Python >= 3.12)`);
  return ensureVenv(readRequirementsFile(path.join(PYTHON_DIR, `${base}.txt`)), {
    dir: LOCALSTACK_VENV_DIR,
    python,
    constraintsFile: path.join(PYTHON_DIR, `${base}.lock.txt`),
    label: '.venv/localstack',
  });
}

/**
 * Starts LocalStack on 127.0.0.1:<free port> with its state under .integ/localstack/ (wiped first) and waits
 * until /_localstack/health reports every requested service as available or running.
 */
export async function startLocalStack(
  opts: { services?: string[]; port?: number; venv?: Venv; timeoutMs?: number } = {},
): Promise<LocalStackServer> {
  const venv = opts.venv ?? (await ensureLocalStackVenv());
  const services = opts.services ?? DEFAULT_LOCALSTACK_SERVICES;
  const port = opts.port ?? (await getFreePort());
  const endpoint = `http://127.0.0.1:${port}`;

  const stateDir = path.join(INTEG_DIR, 'localstack');
  fs.rmSync(stateDir, { recursive: true, force: true });
  for (const sub of ['filesystem', 'config', 'volume']) fs.mkdirSync(path.join(stateDir, sub), { recursive: true });

  const started = Date.now();
  const proc = spawnTracked('localstack', venv.python, ['-m', 'localstack.runtime.main'], {
    logFile: path.join(LOG_DIR, 'localstack.log'),
    cwd: stateDir,
    env: {
      ...process.env,
      GATEWAY_LISTEN: `127.0.0.1:${port}`, // loopback only
      SERVICES: services.join(','),
      EAGER_SERVICE_LOADING: '1', // start the services now, not on the first request of a test
      DNS_ADDRESS: '0', // no DNS server (it would bind port 53 on all interfaces)
      DISABLE_EVENTS: '1', // no analytics calls to the internet
      SKIP_SSL_CERT_DOWNLOAD: '1', // self-signed certificate instead of a download
      FILESYSTEM_ROOT: path.join(stateDir, 'filesystem'), // host-mode replacement for /var/lib/localstack
      // LocalStack thinks it runs in a container on these machines and would then keep its state in the
      // shared /tmp/localstack, which another run's LocalStack deletes on stop ("unable to open database file").
      OVERRIDE_IN_DOCKER: '0',
      CONFIG_DIR: path.join(stateDir, 'config'), // instead of ~/.localstack
      LOCALSTACK_VOLUME_DIR: path.join(stateDir, 'volume'),
      PERSISTENCE: '0',
    },
    stopTimeoutMs: 20_000, // its shutdown hooks take a few seconds
  });

  let version = 'unknown';
  await waitUntilReady(
    `LocalStack on ${endpoint}`,
    async () => {
      const res = await fetch(`${endpoint}/_localstack/health`, { signal: AbortSignal.timeout(2_000) });
      if (!res.ok) return false;
      const health = (await res.json()) as { services?: Record<string, string>; version?: string };
      version = health.version ?? version;
      const failed = services.filter((s) => health.services?.[s] === 'error');
      if (failed.length > 0) throw new FatalStartError(`LocalStack could not load ${failed.join(', ')}`);
      return services.every((s) => ['available', 'running'].includes(health.services?.[s] ?? ''));
    },
    { timeoutMs: opts.timeoutMs ?? 180_000, intervalMs: 250, proc },
  );
  log(`LocalStack ${version} ready on ${endpoint} in ${Date.now() - started} ms (${services.join(',')})`);
  return { endpoint, port, version, services, stop: () => proc.stop() };
}
