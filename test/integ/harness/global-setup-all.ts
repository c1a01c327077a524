/** globalSetup of jest project `integ` (test/integ/*.test.ts and other folders): every server. */
import { ensureServers } from './servers';

export default async function globalSetup(): Promise<void> {
  await ensureServers(['moto', 'localstack', 'postgres']);
}
