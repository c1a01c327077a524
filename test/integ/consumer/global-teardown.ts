/** globalTeardown of the integ-consumer project: removes the scratch folder under os.tmpdir(). */
import * as fs from 'node:fs';
import { log } from '../harness/paths';
import { readState, STATE_FILE } from './consumer-env';

export default async function globalTeardown(): Promise<void> {
  if (!fs.existsSync(STATE_FILE)) return;
  const { workDir } = readState();
  if (process.env.KEEP_CONSUMER_APP === '1') {
    log(`consumer: kept ${workDir} (KEEP_CONSUMER_APP=1)`);
    return;
  }
  await fs.promises.rm(workDir, { recursive: true, force: true });
}
