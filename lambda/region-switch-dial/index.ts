import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { DialPayload, switchDials } from './dial';

/** Global Accelerator's API lives in us-west-2. */
const ga = new GlobalAcceleratorClient({ region: 'us-west-2' });

export async function handler(event: DialPayload & Record<string, unknown>): Promise<unknown> {
  const region = process.env.AWS_REGION!;
  const changes = await switchDials(ga, region, event);
  console.log(JSON.stringify({ executionId: event.ExecutionId, step: event.StepName, region, changes }));
  return { changes };
}
