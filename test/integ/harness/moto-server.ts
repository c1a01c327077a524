/**
 * moto in server mode, for Aurora DSQL (@aws-sdk/client-dsql): LocalStack's open-source runtime has no DSQL.
 *
 * What moto 5.2.5 implements for DSQL (checked with @aws-sdk/client-dsql against this server):
 * Create/Get/Update/Delete/ListClusters, GetVpcEndpointServiceName, Tag/Untag/ListTagsForResource,
 * Put/Get/DeleteClusterPolicy, Create/Get/List/DeleteStream. CreateCluster answers status CREATING and the first
 * GetCluster ACTIVE; DeleteCluster answers DELETING and the next GetCluster throws ResourceNotFoundException.
 * multiRegionProperties ({ witnessRegion, clusters }) is stored and returned as given: no PENDING_SETUP, no
 * peering between clusters, no validation. setMotoStateTransition can keep clusters in CREATING/DELETING longer.
 * Without MOTO_ALLOW_NONEXISTENT_REGION=true (set below) moto's DSQL only answers in us-east-1 and us-east-2.
 */
import * as path from 'node:path';
import { getFreePort } from './free-port';
import { log, LOG_DIR } from './paths';
import { spawnTracked, waitUntilReady } from './processes';
import { ensureVenv, readRequirementsFile, Venv } from './python-venv';

export interface MotoServer {
  /** http://127.0.0.1:<port>: pass as `endpoint` to any AWS SDK client (any region works). */
  endpoint: string;
  port: number;
  stop(): Promise<void>;
}

export const MOTO_REQUIREMENTS = path.join(__dirname, 'python', 'moto.txt');
export const MOTO_CONSTRAINTS = path.join(__dirname, 'python', 'moto.lock.txt');

/** The main venv (<repo>/.venv) with moto[server] and cfn-lint. */
export function ensureMotoVenv(): Promise<Venv> {
  return ensureVenv(readRequirementsFile(MOTO_REQUIREMENTS), { constraintsFile: MOTO_CONSTRAINTS, label: '.venv' });
}

/** Starts moto_server on 127.0.0.1 and waits until it answers HTTP. */
export async function startMotoServer(opts: { venv?: Venv; port?: number; timeoutMs?: number } = {}): Promise<MotoServer> {
  const venv = opts.venv ?? (await ensureMotoVenv());
  const port = opts.port ?? (await getFreePort());
  const endpoint = `http://127.0.0.1:${port}`;
  const started = Date.now();
  const proc = spawnTracked('moto_server', venv.bin('moto_server'), ['-H', '127.0.0.1', '-p', String(port)], {
    logFile: path.join(LOG_DIR, 'moto.log'),
    env: {
      ...process.env,
      // DSQL (and other services that are not in botocore's region list) answer in every region.
      MOTO_ALLOW_NONEXISTENT_REGION: 'true',
    },
    stopTimeoutMs: 10_000,
  });
  await waitUntilReady(`moto_server on ${endpoint}`, async () => (await fetchStatus(`${endpoint}/moto-api/`)) === 200, {
    timeoutMs: opts.timeoutMs ?? 60_000,
    intervalMs: 100,
    proc,
  });
  log(`moto_server ready on ${endpoint} in ${Date.now() - started} ms`);
  return { endpoint, port, stop: () => proc.stop() };
}

/** Forgets every resource in every moto service (POST /moto-api/reset): isolates test files from each other. */
export async function resetMotoState(endpoint: string): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/reset`, { method: 'POST' });
  if (!res.ok) throw new Error(`moto reset failed: HTTP ${res.status}`);
}

/**
 * Changes how fast a moto model advances its status, e.g. keep DSQL clusters in CREATING for 3 GetCluster calls:
 * setMotoStateTransition(endpoint, 'dsql::cluster', { progression: 'manual', times: 3 }), or for 2 seconds:
 * { progression: 'time', seconds: 2 }. Default for DSQL: CREATING on create, ACTIVE from the first GetCluster.
 */
export async function setMotoStateTransition(
  endpoint: string,
  modelName: string,
  transition: { progression: 'immediate' } | { progression: 'manual'; times: number } | { progression: 'time'; seconds: number },
): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: modelName, transition }),
  });
  if (!res.ok) throw new Error(`moto set-transition failed: HTTP ${res.status}`);
}

async function fetchStatus(url: string): Promise<number> {
  const res = await fetch(url, { signal: AbortSignal.timeout(2_000) });
  await res.arrayBuffer();
  return res.status;
}
