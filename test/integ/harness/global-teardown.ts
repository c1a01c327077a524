/**
 * globalTeardown shared by all integ projects (jest runs a given teardown file once per run). Jest calls it
 * after the tests, also when tests failed; a failing globalSetup cleans up itself (servers.ts).
 */
import { stopServers } from './servers';

export default async function globalTeardown(): Promise<void> {
  await stopServers();
}
