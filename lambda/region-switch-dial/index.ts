import { GlobalAcceleratorClient } from '@aws-sdk/client-global-accelerator';
import { Route53Client } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { DialPayload, switchRouting } from './dial';

// Global Accelerator's API lives in us-west-2; Route 53's is global (us-east-1).
const ssmClients = new Map<string, SSMClient>();
const clients = {
  globalAccelerator: new GlobalAcceleratorClient({ region: 'us-west-2' }),
  route53: new Route53Client({ region: 'us-east-1' }),
  ssm: (region: string) => {
    if (!ssmClients.has(region)) ssmClients.set(region, new SSMClient({ region }));
    return ssmClients.get(region)!;
  },
};

export async function handler(event: DialPayload & Record<string, unknown>): Promise<unknown> {
  const region = process.env.AWS_REGION!;
  const changes = await switchRouting(clients, region, event);
  console.log(JSON.stringify({ executionId: event.ExecutionId, step: event.StepName, region, changes }));
  return { changes };
}
