import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { Client } from 'pg';

/**
 * A PostgreSQL primary and a streaming hot standby on loopback, from Debian's packages,
 * for measuring replication lag against a known ground truth (`recovery_min_apply_delay`).
 *
 * initdb refuses to run as root, so when run as root the clusters belong to the `postgres`
 * user that Debian's package creates.
 */
export interface PostgresPair {
  readonly primaryUrl: string;
  readonly standbyUrl: string;
  readonly primaryPort: number;
  readonly standbyPort: number;
  readonly dir: string;
}

const BIN_CANDIDATES = ['/usr/lib/postgresql/17/bin', '/usr/lib/postgresql/16/bin', '/usr/lib/postgresql/15/bin'];

function pgBin(tool: string): string {
  for (const dir of BIN_CANDIDATES) {
    const p = path.join(dir, tool);
    if (fs.existsSync(p)) return p;
  }
  throw new Error(`PostgreSQL's ${tool} was not found in ${BIN_CANDIDATES.join(', ')}; install it with 'apt-get install postgresql'.`);
}

function asOwner(cmd: string, args: string[]): void {
  const isRoot = process.getuid?.() === 0;
  const [file, argv] = isRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args];
  const res = spawnSync(file, argv, { encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} failed (${res.status}): ${res.stderr || res.stdout}`);
  }
}

/** A free TCP port on loopback. */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

/** Starts a primary and a standby applying WAL `delayMs` late, under `dir` (created, emptied). */
export async function startPostgresPair(dir: string, delayMs = 0): Promise<PostgresPair> {
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  if (process.getuid?.() === 0) execFileSync('chown', ['postgres:postgres', dir]);
  const primaryDir = path.join(dir, 'primary');
  const standbyDir = path.join(dir, 'standby');
  const primaryPort = await freePort();
  const standbyPort = await freePort();

  asOwner(pgBin('initdb'), ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  fs.appendFileSync(path.join(primaryDir, 'postgresql.conf'), [
    `port = ${primaryPort}`,
    "listen_addresses = '127.0.0.1'",
    `unix_socket_directories = '${dir}'`,
    'wal_level = replica',
    'max_wal_senders = 4',
    'fsync = off',
    'synchronous_commit = on',
    '',
  ].join('\n'));
  asOwner(pgBin('pg_ctl'), ['-D', primaryDir, '-l', path.join(dir, 'primary.log'), '-w', 'start']);
  asOwner(pgBin('pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres', '-D', standbyDir, '-R', '-X', 'stream']);
  fs.appendFileSync(path.join(standbyDir, 'postgresql.conf'), [
    `port = ${standbyPort}`,
    'hot_standby = on',
    `recovery_min_apply_delay = '${delayMs}ms'`,
    // Poll the WAL receiver often, so the applied state follows the delay closely.
    "wal_receiver_status_interval = '1s'",
    '',
  ].join('\n'));
  asOwner(pgBin('pg_ctl'), ['-D', standbyDir, '-l', path.join(dir, 'standby.log'), '-w', 'start']);
  return {
    dir,
    primaryPort,
    standbyPort,
    primaryUrl: `postgres://postgres@127.0.0.1:${primaryPort}/postgres`,
    standbyUrl: `postgres://postgres@127.0.0.1:${standbyPort}/postgres`,
  };
}

/** Changes the standby's apply delay at run time (a reload-level setting). */
export async function setApplyDelay(pair: PostgresPair, delayMs: number): Promise<void> {
  const client = new Client({ connectionString: pair.standbyUrl });
  await client.connect();
  try {
    await client.query(`ALTER SYSTEM SET recovery_min_apply_delay = '${Math.round(delayMs)}ms'`);
    await client.query('SELECT pg_reload_conf()');
  } finally {
    await client.end();
  }
  // The startup process picks up the reload at its next loop; give it a moment.
  await new Promise((r) => setTimeout(r, 300));
}

/** Stops one side ('standby' or 'primary'); never throws. */
export function stopNode(pair: PostgresPair, node: 'primary' | 'standby'): void {
  try {
    asOwner(pgBin('pg_ctl'), ['-D', path.join(pair.dir, node), '-m', 'fast', '-w', 'stop']);
  } catch {
    // already stopped
  }
}

/** Stops both servers; never throws. */
export function stopPostgresPair(pair: PostgresPair): void {
  stopNode(pair, 'standby');
  stopNode(pair, 'primary');
}
