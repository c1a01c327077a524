import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { ControllerResult, describeTrigger, parseControllerConfig, reconcile } from './controller';

// Created once per container, outside the handler, so warm invocations reuse connections.
const config = parseControllerConfig(process.env.ACCELERATOR_CONTROLLER_CONFIG);
const cloudwatchByRegion = new Map<string, CloudWatchClient>();
const clients = {
  // Global Accelerator's API is in us-west-2 only.
  globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }),
  cloudwatchIn(region: string): CloudWatchClient {
    let client = cloudwatchByRegion.get(region);
    if (!client) {
      client = new CloudWatchClient({ region });
      cloudwatchByRegion.set(region, client);
    }
    return client;
  },
  metrics: new CloudWatchClient({}),
};

/** Invoked by each Region's alarm state changes (forwarded to this Region's bus) and by a one-minute schedule. */
export async function handler(event: unknown): Promise<ControllerResult> {
  return reconcile(config, clients, describeTrigger(event));
}
