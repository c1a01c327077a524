/**
 * The set of servers of one jest run, shared by the globalSetup files of the integ projects.
 *
 * Jest runs each project's globalSetup (sequentially, only for projects with selected tests) and a shared
 * globalTeardown once. Each setup asks for the servers its tests need; a server already started by another
 * project's setup is reused, so one run starts each server at most once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { IntegEndpoints } from './endpoints';
import { ensureLocalStackVenv, startLocalStack } from './localstack';
import { ensureMotoVenv, startMotoServer } from './moto-server';
import { ENDPOINTS_FILE, integPath, log } from './paths';
import { removeStalePostgresData, startPostgresPair } from './postgres';
import { killLeftoverProcesses, stopAllTracked } from './processes';

export type ServerName = 'moto' | 'localstack' | 'postgres';

/** recovery_min_apply_delay of the shared delayed standby (the lag tests' 2 s case). */
export const DELAYED_STANDBY_APPLY_DELAY_MS = 2000;

interface RunState {
  stops: Array<{ name: string; stop: () => Promise<void> }>;
  endpoints: IntegEndpoints;
  leftoversChecked: boolean;
}

// On globalThis rather than in module scope: jest loads setup and teardown files through its transformer,
// and globals are what it documents as shared between globalSetup and globalTeardown.
const STATE_KEY = '__multiRegionCdkIntegServers';
function state(): RunState {
  const g = globalThis as unknown as Record<string, RunState | undefined>;
  g[STATE_KEY] ??= { stops: [], endpoints: { startupMs: {} }, leftoversChecked: false };
  return g[STATE_KEY]!;
}

/**
 * Starts the named servers that are not running yet (in parallel), then publishes all endpoints in
 * .integ/endpoints.json and INTEG_* environment variables. On failure, stops everything and rethrows.
 */
export async function ensureServers(names: ServerName[]): Promise<IntegEndpoints> {
  const s = state();
  if (!s.leftoversChecked) {
    killLeftoverProcesses();
    removeStalePostgresData();
    s.leftoversChecked = true;
    fs.rmSync(ENDPOINTS_FILE, { force: true });
  }
  const missing = names.filter((n) => !(n in s.endpoints));
  const timed = async (name: string, start: () => Promise<void>) => {
    const started = Date.now();
    await start();
    s.endpoints.startupMs[name] = Date.now() - started;
  };
  // One pip run per venv: the moto task waits for the same promise.
  const motoVenv = ensureMotoVenv();
  motoVenv.catch(() => undefined); // reported through the tasks below
  const tasks: Array<Promise<void>> = [
    // The main venv also provides cfn-lint to every integ test, so it is ensured even without moto.
    timed('venv', async () => {
      const venv = await motoVenv;
      s.endpoints.venv = { python: venv.python, cfnLint: venv.bin('cfn-lint') };
    }),
  ];
  for (const name of missing) {
    if (name === 'moto') {
      tasks.push(timed('moto', async () => {
        const server = await startMotoServer({ venv: await motoVenv });
        s.stops.push({ name, stop: server.stop });
        s.endpoints.moto = { endpoint: server.endpoint };
      }));
    } else if (name === 'localstack') {
      tasks.push(timed('localstack', async () => {
        const server = await startLocalStack({ venv: await ensureLocalStackVenv() });
        s.stops.push({ name, stop: server.stop });
        s.endpoints.localstack = { endpoint: server.endpoint, version: server.version, services: server.services };
      }));
    } else if (name === 'postgres') {
      tasks.push(timed('postgres', async () => {
        const pair = await startPostgresPair({ name: 'shared', applyDelayMs: 0 });
        s.stops.push({ name, stop: pair.stop });
        const delayed = await pair.addStandby({ applyDelayMs: DELAYED_STANDBY_APPLY_DELAY_MS });
        s.endpoints.postgres = {
          primaryUrl: pair.primaryUrl,
          standbyUrl: pair.standbyUrl,
          delayedStandbyUrl: delayed.url,
          delayedStandbyApplyDelayMs: DELAYED_STANDBY_APPLY_DELAY_MS,
          binDir: pair.binDir,
        };
      }));
    }
  }
  const results = await Promise.allSettled(tasks);
  const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failures.length > 0) {
    await stopServers();
    throw new Error(`integration servers failed to start:\n${failures.map((f) => String(f.reason?.stack ?? f.reason)).join('\n\n')}`);
  }
  publish(s.endpoints);
  return s.endpoints;
}

/** Stops every server of this run (globalTeardown), then any tracked process still around. */
export async function stopServers(): Promise<void> {
  const s = state();
  const stops = s.stops.splice(0);
  const started = Date.now();
  await Promise.allSettled(stops.map((x) => x.stop()));
  await stopAllTracked();
  s.endpoints = { startupMs: {} };
  fs.rmSync(ENDPOINTS_FILE, { force: true });
  if (stops.length > 0) log(`stopped ${stops.map((x) => x.name).join(', ')} in ${Date.now() - started} ms`);
}

function publish(endpoints: IntegEndpoints): void {
  const file = integPath(path.basename(ENDPOINTS_FILE));
  fs.writeFileSync(file, JSON.stringify(endpoints, null, 2));
  // Jest starts its workers after the globalSetup, so they inherit these.
  const env: Record<string, string | undefined> = {
    INTEG_ENDPOINTS_FILE: file,
    INTEG_MOTO_ENDPOINT: endpoints.moto?.endpoint,
    INTEG_LOCALSTACK_ENDPOINT: endpoints.localstack?.endpoint,
    INTEG_PG_PRIMARY_URL: endpoints.postgres?.primaryUrl,
    INTEG_PG_STANDBY_URL: endpoints.postgres?.standbyUrl,
    INTEG_PG_DELAYED_STANDBY_URL: endpoints.postgres?.delayedStandbyUrl,
    // AWS SDK v3 warns on every worker that releases after January 2027 need Node >= 22 (we run Node 20).
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  const summary = Object.entries(endpoints.startupMs)
    .map(([k, v]) => `${k} ${(v / 1000).toFixed(1)} s`)
    .join(', ');
  log(`servers ready (${summary}); endpoints in ${file}`);
}
