/** globalSetup of jest project `integ-probes` (test/integ/probes/**): LocalStack and the PostgreSQL primary/standbys. */
import { ensureServers } from './servers';

export default async function globalSetup(): Promise<void> {
  await ensureServers(['localstack', 'postgres']);
}
