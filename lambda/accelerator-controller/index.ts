import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { SSMClient } from '@aws-sdk/client-ssm';
import { ControllerResult, DeepHealthTracker, describeTrigger, parseControllerConfig, pollAndReconcile, reconcile } from './controller';

// Created once per container, outside the handler, so warm invocations reuse connections (and the
// deep-health streaks carry over from one scheduled run to the next).
const config = parseControllerConfig(process.env.ACCELERATOR_CONTROLLER_CONFIG);
const cloudwatchByRegion = new Map<string, CloudWatchClient>();
// Per-call timeouts bound the "controller run" term of the failover budget.
const requestHandler = { requestTimeout: 3000, connectionTimeout: 1000 };
const clients = {
  // Global Accelerator's API is in us-west-2 only.
  globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2', requestHandler, maxAttempts: 2 }),
  cloudwatchIn(region: string): CloudWatchClient {
    let client = cloudwatchByRegion.get(region);
    if (!client) {
      client = new CloudWatchClient({ region, requestHandler, maxAttempts: 2 });
      cloudwatchByRegion.set(region, client);
    }
    return client;
  },
  metrics: new CloudWatchClient({}),
  // The routing intents live beside the controller (its own Region).
  ssm: new SSMClient({ requestHandler, maxAttempts: 2 }),
};
const tracker = config.deepHealth ? new DeepHealthTracker(config.deepHealth.failures) : undefined;

/**
 * Invoked by each Region's alarm state changes (forwarded to this Region's bus) and by a one-minute
 * schedule. With deep-health URLs, a scheduled invocation polls them for most of the minute.
 */
export async function handler(event: unknown): Promise<ControllerResult> {
  const trigger = describeTrigger(event);
  if (tracker && trigger === 'reconcile schedule') return pollAndReconcile(config, clients, tracker, trigger);
  return reconcile(config, clients, trigger, console.log, tracker?.all() ?? {});
}
