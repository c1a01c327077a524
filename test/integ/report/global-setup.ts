/**
 * globalSetup of the integ-report project: makes sure a Chromium is there before any test runs, so a
 * first-time `apt-get install chromium` (as root) is not inside a test's timeout. The path goes to the
 * test workers through CHROMIUM_BIN (jest starts them after this setup).
 */
import { ensureChromium } from '../harness/chromium';
import { log } from '../harness/paths';

export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const bin = await ensureChromium();
  process.env.CHROMIUM_BIN = bin;
  log(`report: Chromium at ${bin} (${Date.now() - started} ms)`);
}
