import { DSQLClient } from '@aws-sdk/client-dsql';
import * as peering from './peering';

// One client per Region, reused across invocations of a warm container. The SDK's own retries
// are off (maxAttempts 1) so that `withRetry` is the single, logged retry layer.
const clients = new Map<string, DSQLClient>();

const runtime: peering.Runtime = {
  clientFor: (region) => {
    let client = clients.get(region);
    if (!client) {
      client = new DSQLClient({ region, maxAttempts: 1 });
      clients.set(region, client);
    }
    return client;
  },
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  now: () => Date.now(),
  retry: { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 20_000 },
  // Only what the core passes: ARNs, statuses, error names. The event itself (with its
  // pre-signed response URL) is never logged.
  log: (message, fields) => console.log(JSON.stringify({ message, ...fields })),
};

export async function onEvent(event: peering.PeeringEvent): Promise<peering.OnEventResult> {
  return peering.onEvent(event, runtime);
}

export async function isComplete(event: peering.IsCompleteEvent): Promise<peering.IsCompleteResult> {
  return peering.isComplete(event, runtime);
}
