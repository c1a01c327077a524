/**
 * Process tracking for the test servers.
 *
 * Every server runs in a process group of its own (spawn `detached`), so that stopping it also stops whatever
 * it forked (PostgreSQL backends, LocalStack helpers) and so that a Ctrl-C in the terminal is not delivered to
 * it directly. Because of that, nothing would stop the servers if the test runner died: this module therefore
 * - stops every tracked group at normal teardown (stopAllTracked),
 * - stops them synchronously on process exit and on SIGINT/SIGTERM/SIGHUP (Node emits no 'exit' on signals),
 * - starts a tiny watchdog per server that stops the group once the process that started it is gone. This
 *   covers what the hooks cannot: jest workers (test files get a sandboxed `process` whose 'exit' and signal
 *   listeners never fire) and runners killed with SIGKILL,
 * - records them in .integ/processes/, so that the next run kills groups that survived all of that
 *   (killLeftoverProcesses).
 */
import { spawn, SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { INTEG_DIR, log } from './paths';

export interface ExitInfo {
  code: number | null;
  signal: NodeJS.Signals | null;
  error?: Error;
}

export interface TrackedProcess {
  readonly name: string;
  /** pid of the leader, also the process group id. */
  readonly pid: number;
  /** stdout and stderr of the group go here. */
  readonly logFile: string;
  /** Resolves when the leader exits (never rejects). */
  readonly exited: Promise<ExitInfo>;
  isRunning(): boolean;
  /** Polite signal, then SIGKILL of the whole group after stopTimeoutMs. Idempotent. */
  stop(): Promise<void>;
}

export interface SpawnTrackedOptions {
  /** Log file for stdout+stderr (truncated). */
  logFile: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Run as this user (PostgreSQL refuses to run as root). */
  uid?: number;
  gid?: number;
  /** Signal for a clean stop: SIGTERM by default; PostgreSQL wants SIGINT ("fast" shutdown). */
  stopSignal?: NodeJS.Signals;
  /** How long a clean stop may take before the group is SIGKILLed. */
  stopTimeoutMs?: number;
}

interface Entry {
  proc: TrackedProcess;
  stopSignal: NodeJS.Signals;
  stopTimeoutMs: number;
  command: string;
}

const tracked = new Map<number, Entry>();
const PROCESS_DIR = path.join(INTEG_DIR, 'processes');
// Jest gives every test file its own copy of this module, so the record file is per copy, not per pid.
const RECORD_FILE = path.join(PROCESS_DIR, `${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}.json`);

// Runs detached with `node -e`: polls the owner pid; when the owner is gone, stops the group like stop()
// would (polite signal, SIGKILL after the timeout). Exits as soon as the group is gone.
const WATCHDOG = `
const [owner, pgid, signal, timeoutMs] = process.argv.slice(1);
const alive = (pid) => { try { process.kill(pid, 0); return true; } catch (e) { return e.code === 'EPERM'; } };
const poll = setInterval(() => {
  if (!alive(-pgid)) process.exit(0);
  if (alive(Number(owner))) return;
  clearInterval(poll);
  try { process.kill(-pgid, signal); } catch {}
  const deadline = Date.now() + Number(timeoutMs);
  setInterval(() => {
    if (!alive(-pgid)) process.exit(0);
    if (Date.now() > deadline) { try { process.kill(-pgid, 'SIGKILL'); } catch {} process.exit(0); }
  }, 100);
}, 250);`;

/** Starts `command` in a new process group, logging to opts.logFile, and tracks it until it exits. */
export function spawnTracked(name: string, command: string, args: string[], opts: SpawnTrackedOptions): TrackedProcess {
  installExitHooks();
  fs.mkdirSync(path.dirname(opts.logFile), { recursive: true });
  const fd = fs.openSync(opts.logFile, 'w');
  if (opts.uid !== undefined) fs.fchownSync(fd, opts.uid, opts.gid ?? -1);
  const spawnOptions: SpawnOptions = {
    cwd: opts.cwd,
    env: opts.env ?? process.env,
    detached: true, // setsid(): own process group, killable as a whole with kill(-pid)
    stdio: ['ignore', fd, fd],
    uid: opts.uid,
    gid: opts.gid,
  };
  const child = spawn(command, args, spawnOptions);
  fs.closeSync(fd);
  // The servers must not keep the jest process alive: teardown or the exit hook stops them.
  child.unref();

  let running = child.pid !== undefined;
  const exited = new Promise<ExitInfo>((resolve) => {
    child.once('error', (error) => {
      running = false;
      resolve({ code: null, signal: null, error });
    });
    child.once('exit', (code, signal) => {
      running = false;
      resolve({ code, signal });
    });
  });
  const pid = child.pid ?? -1;
  const stopSignal = opts.stopSignal ?? 'SIGTERM';
  const stopTimeoutMs = opts.stopTimeoutMs ?? 10_000;

  let stopping: Promise<void> | undefined;
  const proc: TrackedProcess = {
    name,
    pid,
    logFile: opts.logFile,
    exited,
    isRunning: () => running,
    stop: () => {
      stopping ??= stopGroup(proc, stopSignal, stopTimeoutMs).finally(() => {
        tracked.delete(pid);
        persistTracked();
      });
      return stopping;
    },
  };
  if (pid > 0) {
    startWatchdog(pid, stopSignal, stopTimeoutMs);
    tracked.set(pid, { proc, stopSignal, stopTimeoutMs, command });
    persistTracked();
    void exited.then(() => {
      // Sweep the group: helpers of a leader that died on its own would otherwise linger.
      killGroup(pid, 'SIGKILL');
      tracked.delete(pid);
      persistTracked();
    });
  }
  return proc;
}

function startWatchdog(pgid: number, stopSignal: NodeJS.Signals, stopTimeoutMs: number): void {
  const watchdog = spawn(process.execPath, ['-e', WATCHDOG, String(process.pid), String(pgid), stopSignal, String(stopTimeoutMs)], {
    detached: true, // not in the terminal's process group: a Ctrl-C must not kill it before it did its job
    stdio: 'ignore',
  });
  watchdog.on('error', () => undefined);
  watchdog.unref();
}

async function stopGroup(proc: TrackedProcess, signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
  if (proc.pid <= 0) return;
  if (proc.isRunning()) {
    killGroup(proc.pid, signal);
    const clean = await finishesWithin(proc.exited, timeoutMs);
    if (!clean) {
      log(`${proc.name} (pid ${proc.pid}) did not stop within ${timeoutMs} ms after ${signal}; sending SIGKILL`);
    }
  }
  killGroup(proc.pid, 'SIGKILL');
  await finishesWithin(proc.exited, 5_000);
  // Wait until the whole group is gone (backends may outlive the postmaster for a moment).
  const deadline = Date.now() + 5_000;
  while (groupAlive(proc.pid) && Date.now() < deadline) await sleep(50);
}

/** Stops every process this process started and still tracks (jest globalTeardown). */
export async function stopAllTracked(): Promise<void> {
  await Promise.all([...tracked.values()].map((e) => e.proc.stop()));
}

/** Synchronous last resort for 'exit' and signals: polite signal, wait up to 3 s, then SIGKILL. */
export function stopAllTrackedSync(): void {
  const entries = [...tracked.values()];
  if (entries.length === 0) return;
  for (const e of entries) killGroup(e.proc.pid, e.stopSignal);
  const deadline = Date.now() + 3_000;
  // Blocked here, Node cannot reap our exited children: count zombies as gone.
  while (entries.some((e) => groupHasLiveMembers(e.proc.pid)) && Date.now() < deadline) sleepSync(50);
  for (const e of entries) killGroup(e.proc.pid, 'SIGKILL');
  tracked.clear();
  persistTracked();
}

let hooksInstalled = false;
function installExitHooks(): void {
  if (hooksInstalled) return;
  hooksInstalled = true;
  process.on('exit', stopAllTrackedSync);
  const signals: Array<[NodeJS.Signals, number]> = [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ];
  for (const [signal, exitCode] of signals) {
    process.on(signal, () => {
      log(`received ${signal}: stopping test servers`);
      stopAllTrackedSync();
      process.exit(exitCode);
    });
  }
}

/** Record of our groups, so that a later run can clean up after a runner that was killed with SIGKILL. */
function persistTracked(): void {
  const file = RECORD_FILE;
  try {
    if (tracked.size === 0) {
      fs.rmSync(file, { force: true });
      return;
    }
    const records = [...tracked.values()].map((e) => ({ name: e.proc.name, pid: e.proc.pid, command: e.command }));
    fs.mkdirSync(PROCESS_DIR, { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ ownerPid: process.pid, processes: records }, null, 2));
  } catch {
    // best effort: the record only helps the next run
  }
}

/**
 * Kills process groups recorded by earlier runs whose owner (the jest process that started them) no longer
 * exists. A group is only killed if its leader still runs the recorded command, so a reused pid is left alone.
 */
export function killLeftoverProcesses(): void {
  if (!fs.existsSync(PROCESS_DIR)) return;
  for (const name of fs.readdirSync(PROCESS_DIR)) {
    const file = path.join(PROCESS_DIR, name);
    if (file === RECORD_FILE) continue;
    try {
      const record = JSON.parse(fs.readFileSync(file, 'utf8')) as {
        ownerPid: number;
        processes: Array<{ name: string; pid: number; command: string }>;
      };
      if (record.ownerPid !== process.pid && processAlive(record.ownerPid)) continue;
      for (const p of record.processes) {
        const cmdline = readCmdline(p.pid);
        if (cmdline !== undefined && cmdline.includes(path.basename(p.command))) {
          log(`killing ${p.name} (pid ${p.pid}) left over by an earlier run (owner pid ${record.ownerPid})`);
          killGroup(p.pid, 'SIGKILL');
        }
      }
      fs.rmSync(file, { force: true });
    } catch {
      fs.rmSync(file, { force: true });
    }
  }
}

/** Runs a long command with output to a log file and a heartbeat every 30 s, so CI never looks hung. */
export function runLogged(
  command: string,
  args: string[],
  logFile: string,
  label: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const fd = fs.openSync(logFile, 'w');
    const child = spawn(command, args, { stdio: ['ignore', fd, fd], env });
    fs.closeSync(fd);
    const started = Date.now();
    const heartbeat = setInterval(() => {
      log(`${label}: still running (${((Date.now() - started) / 1000).toFixed(0)} s)`);
    }, 30_000);
    const done = (error?: Error) => {
      clearInterval(heartbeat);
      if (error) reject(error);
      else resolve();
    };
    child.once('error', (error) => done(error));
    child.once('exit', (code, signal) => {
      if (code === 0) return done();
      const tail = fs.readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      done(new Error(`${label}: ${path.basename(command)} ${args.join(' ')} failed (code ${code}, signal ${signal}):\n${tail}`));
    });
  });
}

/** Reads the last `lines` lines of a log file, for error messages. */
export function tailFile(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Thrown by a readiness check when waiting longer cannot help (e.g. a service reported an error). */
export class FatalStartError extends Error {}

/**
 * Polls `check` until it returns true. Fails early, with the tail of the server log, if `proc` exits first,
 * and after `timeoutMs` otherwise.
 */
export async function waitUntilReady(
  what: string,
  check: () => Promise<boolean>,
  opts: { timeoutMs: number; intervalMs?: number; proc?: TrackedProcess },
): Promise<void> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    if (opts.proc && !opts.proc.isRunning()) {
      const info = await opts.proc.exited;
      throw new Error(
        `${what}: process exited before it was ready (code ${info.code}, signal ${info.signal}${
          info.error ? `, ${info.error.message}` : ''
        }). Log ${opts.proc.logFile}:\n${tailFile(opts.proc.logFile)}`,
      );
    }
    try {
      if (await check()) return;
    } catch (error) {
      if (error instanceof FatalStartError) {
        throw new Error(`${what}: ${error.message}` + (opts.proc ? `. Log ${opts.proc.logFile}:\n${tailFile(opts.proc.logFile)}` : ''));
      }
      lastError = error;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `${what}: not ready after ${opts.timeoutMs} ms (last error: ${String(lastError)})` +
          (opts.proc ? `. Log ${opts.proc.logFile}:\n${tailFile(opts.proc.logFile)}` : ''),
      );
    }
    await sleep(opts.intervalMs ?? 200);
  }
}

function killGroup(pgid: number, signal: NodeJS.Signals): void {
  if (pgid <= 0) return;
  try {
    process.kill(-pgid, signal);
  } catch {
    // ESRCH: the group is already gone
  }
}

function groupAlive(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Whether any process of the group is alive and not a zombie (reads /proc; Linux only, like the harness). */
function groupHasLiveMembers(pgid: number): boolean {
  let entries: string[];
  try {
    entries = fs.readdirSync('/proc');
  } catch {
    return groupAlive(pgid);
  }
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      // pid (comm) state ppid pgrp ...: comm may contain spaces, so parse after the last ')'.
      const [state, , pgrp] = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(pgrp) === pgid && state !== 'Z') return true;
    } catch {
      // the process just exited
    }
  }
  return false;
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function readCmdline(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return undefined;
  }
}

/** True if `promise` settles within `ms`. Clears its timer, so that no pending timer keeps jest from exiting. */
async function finishesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}
