/** globalSetup of jest project `integ-dsql` (test/integ/dsql/**): moto only, which starts in about 2 s. */
import { ensureServers } from './servers';

export default async function globalSetup(): Promise<void> {
  await ensureServers(['moto']);
}
