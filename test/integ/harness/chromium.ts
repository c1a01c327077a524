/**
 * Headless Chromium for the report page's browser test, from Debian's `chromium` package.
 *
 * puppeteer-core drives it (it downloads no browser): the test passes the path this returns as
 * `executablePath`. Lookup order: `CHROMIUM_BIN`, then `/usr/bin/chromium`, then (as root only)
 * `apt-get update` + `apt-get install -y --no-install-recommends chromium`, logged in `.integ/logs/`,
 * as ensurePostgresInstalled does for PostgreSQL.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { integPath, log, REPO_ROOT } from './paths';
import { runLogged } from './processes';

/** Where Debian's package puts the browser's launcher. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';

/** Flags for a headless run as root in a container (no user namespace sandbox there). */
export const CHROMIUM_ARGS = ['--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run', '--no-default-browser-check'];

function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/** The Chromium binary to launch; installs Debian's package when none is found and we run as root. */
export async function ensureChromium(): Promise<string> {
  const fromEnv = process.env.CHROMIUM_BIN;
  if (fromEnv) {
    if (!isExecutable(fromEnv)) throw new Error(`CHROMIUM_BIN is '${fromEnv}', which is not an executable file`);
    return fromEnv;
  }
  if (isExecutable(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  if (process.getuid?.() !== 0) {
    throw new Error(
      `Chromium not found at ${DEBIAN_CHROMIUM}; install it (Debian: apt-get install chromium) or set CHROMIUM_BIN to a Chromium or Chrome binary`,
    );
  }
  const started = Date.now();
  const aptLog = integPath('logs', 'apt-chromium.log');
  log(`Chromium not found: apt-get install chromium (log: ${path.relative(REPO_ROOT, aptLog)})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await runLogged('apt-get', ['update'], aptLog.replace(/\.log$/, '-update.log'), 'apt-get update', env);
  await runLogged('apt-get', ['install', '-y', '--no-install-recommends', 'chromium'], aptLog, 'apt-get install chromium', env);
  if (!isExecutable(DEBIAN_CHROMIUM)) throw new Error(`apt-get install chromium did not provide ${DEBIAN_CHROMIUM}; see ${aptLog}`);
  log(`Chromium installed in ${((Date.now() - started) / 1000).toFixed(0)} s: ${DEBIAN_CHROMIUM}`);
  process.env.CHROMIUM_BIN = DEBIAN_CHROMIUM; // jest workers started after the globalSetup
  return DEBIAN_CHROMIUM;
}
