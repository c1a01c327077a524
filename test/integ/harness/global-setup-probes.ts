/**
 * globalSetup of jest project `integ-probes` (test/integ/probes/**): LocalStack, the PostgreSQL
 * primary/standbys, and moto for the health probe's Aurora DSQL GetCluster check.
 */
import { ensureServers } from './servers';

export default async function globalSetup(): Promise<void> {
  await ensureServers(['localstack', 'postgres', 'moto']);
}
