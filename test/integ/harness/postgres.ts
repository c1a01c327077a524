/**
 * PostgreSQL primary + streaming standbys on loopback, from Debian's server packages.
 *
 * The standbys are the ground truth for replication-lag tests: `recovery_min_apply_delay` makes a standby
 * receive WAL at once but apply (make visible) each commit only that long after it was committed on the
 * primary. The setting is reloadable, so setApplyDelay changes it on a running standby (ALTER SYSTEM + reload).
 *
 * PostgreSQL refuses to run as root: as root, every PostgreSQL program runs as the `postgres` system user
 * (spawn uid/gid), and the data folders are chowned to it.
 */
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { getFreePort } from './free-port';
import { INTEG_DIR, integPath, log, LOG_DIR, REPO_ROOT } from './paths';
import { runLogged, spawnTracked, TrackedProcess, waitUntilReady } from './processes';

export interface Standby {
  /** postgres://postgres@127.0.0.1:<port>/postgres, read-only (hot standby). */
  url: string;
  port: number;
  dataDir: string;
  /** Current recovery_min_apply_delay in ms. */
  applyDelayMs: number;
  /** Changes recovery_min_apply_delay on the running standby (ALTER SYSTEM + pg_reload_conf). */
  setApplyDelay(ms: number): Promise<void>;
  /** Fast shutdown; the data folder stays, start() resumes streaming from where it stopped. */
  stop(): Promise<void>;
  start(): Promise<void>;
  isRunning(): boolean;
}

export interface PostgresPair {
  /** postgres://postgres@127.0.0.1:<port>/postgres (trust auth, loopback only). */
  primaryUrl: string;
  primaryPort: number;
  standbyUrl: string;
  standbyPort: number;
  /** The standby that startPostgresPair created. */
  standby: Standby;
  /** Further standbys created with addStandby. */
  extraStandbys: Standby[];
  /** Folder holding the data folders of this pair. */
  dataRoot: string;
  binDir: string;
  stopStandby(): Promise<void>;
  startStandby(): Promise<void>;
  setApplyDelay(ms: number): Promise<void>;
  /** Another streaming standby of the same primary, e.g. one with delay 0 next to one with 2000 ms. */
  addStandby(opts?: { applyDelayMs?: number }): Promise<Standby>;
  /** Stops all servers of the pair and deletes their data. */
  stop(): Promise<void>;
}

export interface StartPostgresPairOptions {
  /** recovery_min_apply_delay of the standby in ms (default 0). */
  applyDelayMs?: number;
  /** Sub-folder of .integ/postgres/ (default: unique per process and call). */
  name?: string;
}

const PG_USER = 'postgres';
let pairCounter = 0;

/** Starts a primary and one streaming standby (pg_basebackup -R) with the given apply delay. */
export async function startPostgresPair(opts: StartPostgresPairOptions = {}): Promise<PostgresPair> {
  const binDir = await ensurePostgresInstalled();
  const owner = postgresOwner();
  const name = opts.name ?? `pair-${process.pid}-${Date.now().toString(36)}-${++pairCounter}`;
  const dataRoot = prepareDataRoot(name, owner);
  const started = Date.now();

  const primaryDir = path.join(dataRoot, 'primary');
  await runAs(owner, path.join(binDir, 'initdb'), ['-D', primaryDir, '-U', PG_USER, '-A', 'trust', '-E', 'UTF8',
    '--locale=C', '--no-sync', '--no-instructions'], path.join(LOG_DIR, `postgres-${name}-initdb.log`));
  const primaryPort = await getFreePort();
  const primary = await startServer(owner, binDir, {
    name: `postgres-${name}-primary`,
    dataDir: primaryDir,
    port: primaryPort,
    readyQuery: 'SELECT NOT pg_is_in_recovery() AS ok',
  });

  const standbys: Standby[] = [];
  let standbyCounter = 0;
  const pair: PostgresPair = {
    primaryUrl: pgUrl(primaryPort),
    primaryPort,
    standbyUrl: '',
    standbyPort: 0,
    standby: undefined as unknown as Standby,
    extraStandbys: [],
    dataRoot,
    binDir,
    stopStandby: () => pair.standby.stop(),
    startStandby: () => pair.standby.start(),
    setApplyDelay: (ms) => pair.standby.setApplyDelay(ms),
    addStandby: async (o = {}) => {
      const standby = await createStandby(owner, binDir, {
        name: `postgres-${name}-standby${++standbyCounter}`,
        dataDir: path.join(dataRoot, `standby${standbyCounter}`),
        primaryPort,
        applyDelayMs: o.applyDelayMs ?? 0,
      });
      standbys.push(standby);
      if (standbys.length > 1) pair.extraStandbys.push(standby);
      return standby;
    },
    stop: async () => {
      await Promise.all(standbys.map((s) => s.stop()));
      await primary.stop();
      fs.rmSync(dataRoot, { recursive: true, force: true });
    },
  };
  try {
    pair.standby = await pair.addStandby({ applyDelayMs: opts.applyDelayMs ?? 0 });
  } catch (error) {
    await pair.stop();
    throw error;
  }
  pair.standbyUrl = pair.standby.url;
  pair.standbyPort = pair.standby.port;
  log(`PostgreSQL pair '${name}' ready in ${Date.now() - started} ms: primary :${primaryPort}, standby :${pair.standbyPort} (apply delay ${pair.standby.applyDelayMs} ms)`);
  return pair;
}

/**
 * Sets recovery_min_apply_delay on a running standby, from any process (test files run in jest workers and
 * only know the URL). Returns once the standby reports the new value.
 */
export async function setStandbyApplyDelay(standbyUrl: string, ms: number): Promise<void> {
  const value = Math.max(0, Math.round(ms));
  const client = new Client({ connectionString: standbyUrl });
  await client.connect();
  try {
    await client.query(`ALTER SYSTEM SET recovery_min_apply_delay = '${value}ms'`);
    await client.query('SELECT pg_reload_conf()');
    // The reload is asynchronous; our backend sees the new value once it handled the SIGHUP, like the
    // startup process that applies WAL (it re-reads the delay while it waits on a commit).
    const deadline = Date.now() + 10_000;
    for (;;) {
      const r = await client.query<{ setting: string }>(
        "SELECT setting FROM pg_settings WHERE name = 'recovery_min_apply_delay'",
      );
      if (Number(r.rows[0].setting) === value) return;
      if (Date.now() > deadline) throw new Error(`recovery_min_apply_delay is ${r.rows[0].setting}, expected ${value}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  } finally {
    await client.end();
  }
}

/**
 * Deletes data folders under .integ/postgres/ whose servers no longer run (a test file that did not stop its
 * pair, or a killed run: the watchdog in processes.ts stops such servers but cannot delete their data).
 */
export function removeStalePostgresData(): void {
  const root = path.join(INTEG_DIR, 'postgres');
  if (!fs.existsSync(root)) return;
  for (const name of fs.readdirSync(root)) {
    const dir = path.join(root, name);
    const running = fs.existsSync(dir) && fs.readdirSync(dir).some((sub) => postmasterAlive(path.join(dir, sub)));
    if (!running) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function postmasterAlive(dataDir: string): boolean {
  try {
    const pid = Number(fs.readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Highest /usr/lib/postgresql/<version>/bin with initdb, postgres and pg_basebackup ($INTEG_PG_BIN_DIR first). */
export function findPostgresBinDir(): string | undefined {
  const override = process.env.INTEG_PG_BIN_DIR;
  if (override) {
    if (hasServerBinaries(override)) return override;
    log(`INTEG_PG_BIN_DIR=${override} has no PostgreSQL server binaries`);
    return undefined;
  }
  return scanDebianBinDirs();
}

function scanDebianBinDirs(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!fs.existsSync(root)) return undefined;
  const versions = fs
    .readdirSync(root)
    .filter((v) => /^\d+$/.test(v))
    .sort((a, b) => Number(b) - Number(a));
  return versions.map((v) => path.join(root, v, 'bin')).find(hasServerBinaries);
}

function hasServerBinaries(dir: string): boolean {
  return ['initdb', 'postgres', 'pg_basebackup'].every((b) => fs.existsSync(path.join(dir, b)));
}

/**
 * Returns the server bin folder, installing Debian's `postgresql` package first if there is none (CI starts
 * from a machine with only the client). Needs root; apt is told not to create and start a default cluster.
 */
export async function ensurePostgresInstalled(): Promise<string> {
  const found = findPostgresBinDir();
  if (found) return found;
  if (process.getuid?.() !== 0) {
    throw new Error('PostgreSQL server binaries not found; install them (Debian: apt-get install postgresql) or set INTEG_PG_BIN_DIR');
  }
  const started = Date.now();
  // Our servers use their own data folders: no cluster in /var/lib/postgresql, and nothing left running.
  fs.mkdirSync('/etc/postgresql-common/createcluster.d', { recursive: true });
  fs.writeFileSync(
    '/etc/postgresql-common/createcluster.d/50-multi-region-cdk-integ.conf',
    '# written by multi-region-cdk test harness: no default cluster when apt installs postgresql\ncreate_main_cluster = false\n',
  );
  const aptLog = integPath('logs', 'apt-postgresql.log');
  log(`PostgreSQL server not found: apt-get install postgresql (log: ${path.relative(REPO_ROOT, aptLog)})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged('apt-get', ['update'], aptLog.replace(/\.log$/, '-update.log'), 'apt-get update', env);
  await runLogged('apt-get', ['install', '-y', '--no-install-recommends', 'postgresql'], aptLog, 'apt-get install postgresql', env);
  const binDir = scanDebianBinDirs();
  if (!binDir) throw new Error(`apt-get install postgresql did not provide server binaries; see ${aptLog}`);
  log(`PostgreSQL installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${binDir}`);
  process.env.INTEG_PG_BIN_DIR = binDir; // later calls, and jest workers started after the globalSetup
  return binDir;
}

interface Owner {
  /** undefined when not root: run as ourselves. */
  uid?: number;
  gid?: number;
}

/** As root: the postgres system user (created if the package did not), else the current user. */
function postgresOwner(): Owner {
  if (process.getuid?.() !== 0) return {};
  let entry = spawnSync('getent', ['passwd', PG_USER], { encoding: 'utf8' });
  if (entry.status !== 0) {
    spawnSync('useradd', ['--system', '--user-group', '--home-dir', '/var/lib/postgresql', '--shell', '/bin/sh', PG_USER]);
    entry = spawnSync('getent', ['passwd', PG_USER], { encoding: 'utf8' });
  }
  const fields = entry.stdout.trim().split(':');
  if (entry.status !== 0 || fields.length < 4) throw new Error(`no ${PG_USER} system user and could not create one`);
  return { uid: Number(fields[2]), gid: Number(fields[3]) };
}

/**
 * .integ/postgres/<name>, owned by the postgres user. If that user cannot reach the checkout (e.g. it lies
 * under a 0700 home folder), a folder in the system temp dir is used instead.
 */
function prepareDataRoot(name: string, owner: Owner): string {
  const candidates = [
    path.join(INTEG_DIR, 'postgres', name),
    path.join(os.tmpdir(), `multi-region-cdk-integ-${createHash('sha1').update(REPO_ROOT).digest('hex').slice(0, 8)}`, name),
  ];
  for (const dir of candidates) {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(path.dirname(dir), { recursive: true, mode: 0o755 }); // parents must stay traversable
    fs.mkdirSync(dir, { mode: 0o700 });
    if (owner.uid === undefined) return dir;
    fs.chownSync(dir, owner.uid, owner.gid ?? -1);
    const probe = spawnSync('test', ['-w', dir, '-a', '-x', dir], { uid: owner.uid, gid: owner.gid });
    if (probe.status === 0) return dir;
    log(`the ${PG_USER} user cannot use ${dir}; trying the next location`);
    fs.rmSync(dir, { recursive: true, force: true });
  }
  throw new Error(`no data folder usable by the ${PG_USER} user`);
}

/** Runs a short PostgreSQL program (initdb, pg_basebackup) as the owner, output to a log file. */
function runAs(owner: Owner, cmd: string, args: string[], logFile: string): Promise<void> {
  return new Promise((resolve, reject) => {
    fs.mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = fs.openSync(logFile, 'w');
    const child = spawn(cmd, args, { stdio: ['ignore', fd, fd], uid: owner.uid, gid: owner.gid, cwd: '/', env: pgEnv() });
    fs.closeSync(fd);
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve();
      else reject(new Error(`${path.basename(cmd)} failed (code ${code}):\n${fs.readFileSync(logFile, 'utf8').slice(-3000)}`));
    });
  });
}

function pgEnv(): NodeJS.ProcessEnv {
  // LANG/LC_ALL=C: initdb and the server must not depend on the machine's locales.
  return { PATH: process.env.PATH, LANG: 'C', LC_ALL: 'C', PGTZ: 'UTC', HOME: '/tmp' };
}

interface ServerSpec {
  name: string;
  dataDir: string;
  port: number;
  /** A query returning one row with boolean column `ok`, polled until true. */
  readyQuery: string;
}

interface Server {
  stop(): Promise<void>;
  start(): Promise<void>;
  isRunning(): boolean;
}

async function startServer(owner: Owner, binDir: string, spec: ServerSpec): Promise<Server> {
  let proc: TrackedProcess | undefined;
  const server: Server = {
    isRunning: () => proc?.isRunning() ?? false,
    stop: async () => {
      await proc?.stop();
    },
    start: async () => {
      if (proc?.isRunning()) return;
      proc = spawnTracked(spec.name, path.join(binDir, 'postgres'), [
        '-D', spec.dataDir,
        '-p', String(spec.port),
        '-c', 'listen_addresses=127.0.0.1',
        '-c', 'unix_socket_directories=', // TCP only: socket paths under a deep checkout can exceed 107 bytes
        '-c', 'fsync=off', // throwaway data: skip disk flushes (commits stay synchronous for exact lag)
        '-c', 'full_page_writes=off',
        '-c', 'shared_buffers=32MB',
        '-c', 'max_connections=50',
        '-c', 'wal_receiver_status_interval=1s',
        '-c', 'log_line_prefix=%m [%p] ',
      ], {
        logFile: path.join(LOG_DIR, `${spec.name}.log`),
        uid: owner.uid,
        gid: owner.gid,
        cwd: '/',
        env: pgEnv(),
        stopSignal: 'SIGINT', // "fast" shutdown: SIGTERM would wait for clients to disconnect
        stopTimeoutMs: 15_000,
      });
      const url = pgUrl(spec.port);
      await waitUntilReady(
        `${spec.name} on port ${spec.port}`,
        async () => {
          const client = new Client({ connectionString: url, connectionTimeoutMillis: 2_000 });
          client.on('error', () => undefined);
          try {
            await client.connect();
            const r = await client.query<{ ok: boolean }>(spec.readyQuery);
            return r.rows[0]?.ok === true;
          } finally {
            await client.end().catch(() => undefined);
          }
        },
        { timeoutMs: 60_000, intervalMs: 100, proc },
      );
    },
  };
  await server.start();
  return server;
}

async function createStandby(
  owner: Owner,
  binDir: string,
  spec: { name: string; dataDir: string; primaryPort: number; applyDelayMs: number },
): Promise<Standby> {
  await runAs(owner, path.join(binDir, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(spec.primaryPort), '-U', PG_USER,
    '-D', spec.dataDir, '-R', '-X', 'stream', '-c', 'fast', '--no-sync'], path.join(LOG_DIR, `${spec.name}-basebackup.log`));
  // In postgresql.auto.conf (next to primary_conninfo from -R), not on the command line: ALTER SYSTEM can then
  // change it later, while a command-line value would override the file.
  fs.appendFileSync(
    path.join(spec.dataDir, 'postgresql.auto.conf'),
    `recovery_min_apply_delay = '${Math.max(0, Math.round(spec.applyDelayMs))}ms'\n`,
  );
  const port = await getFreePort();
  const server = await startServer(owner, binDir, {
    name: spec.name,
    dataDir: spec.dataDir,
    port,
    // Ready when it accepts read-only connections and its WAL receiver streams from the primary.
    readyQuery: "SELECT pg_is_in_recovery() AND EXISTS (SELECT 1 FROM pg_stat_wal_receiver WHERE status = 'streaming') AS ok",
  });
  const url = pgUrl(port);
  const standby: Standby = {
    url,
    port,
    dataDir: spec.dataDir,
    applyDelayMs: Math.max(0, Math.round(spec.applyDelayMs)),
    setApplyDelay: async (ms) => {
      await setStandbyApplyDelay(url, ms);
      standby.applyDelayMs = Math.max(0, Math.round(ms));
    },
    stop: () => server.stop(),
    start: () => server.start(),
    isRunning: () => server.isRunning(),
  };
  return standby;
}

function pgUrl(port: number): string {
  return `postgres://${PG_USER}@127.0.0.1:${port}/postgres`;
}
