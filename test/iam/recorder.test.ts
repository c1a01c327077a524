import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { runHandler } from './proof/recorder';

// The recorder on a real handler (lambda/region-switch-dial): what its index.ts builds and sends.
test('records each SDK call with the Region its client signs for and the input it sent, and answers from the responder', async () => {
  const groups = { 'us-east-1': 'arn:aws:globalaccelerator::1:accelerator/a/listener/l/endpoint-group/e1', 'us-east-2': 'arn:aws:globalaccelerator::1:accelerator/a/listener/l/endpoint-group/e2' };
  const { calls } = await runHandler({
    handler: 'region-switch-dial',
    env: { AWS_REGION: 'us-east-2' },
    respond: (call) => (call.operation === 'DescribeEndpointGroup' ? { EndpointGroup: { TrafficDialPercentage: 0 } } : {}),
    invoke: async (m) => { await m.handler({ dialAction: 'activate', exclusive: true, endpointGroups: groups }); },
  });
  // The handler's client is in us-west-2 (Global Accelerator's API), whatever the function's Region.
  const sent = calls.map((c) => `${c.service}.${c.operation} ${c.region} ${c.input.EndpointGroupArn} ${c.input.TrafficDialPercentage ?? ''}`.trim());
  // Every group is read (concurrently, so in either order) before the one change.
  expect(sent.slice(0, 2).sort()).toEqual([
    `GlobalAccelerator.DescribeEndpointGroup us-west-2 ${groups['us-east-1']}`,
    `GlobalAccelerator.DescribeEndpointGroup us-west-2 ${groups['us-east-2']}`,
  ]);
  expect(sent.slice(2)).toEqual([`GlobalAccelerator.UpdateEndpointGroup us-west-2 ${groups['us-east-2']} 100`]);
});

test('refuses every connection outside the SDK, so a probe reports its target down and nothing leaves the machine', async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'iam-proof-recorder-'));
  const config = { region: 'us-east-1', namespace: 'X', timeoutMs: 2000, targets: [{ name: 'api', url: 'https://example.com/health', expectedStatus: 200 }] };
  let summaries: any[] = [];
  const { calls, refusedConnections } = await runHandler({
    handler: 'health-probe',
    env: { AWS_REGION: 'us-east-1', HEALTH_PROBE_CONFIG: JSON.stringify(config), LAMBDA_TASK_ROOT: dir },
    respond: () => ({}),
    invoke: async (m) => { summaries = await m.handler(); },
  });
  expect(refusedConnections.some((c) => c.includes('example.com'))).toBe(true);
  expect(summaries[0].targets?.[0]?.healthy ?? summaries[0].healthy).toBe(false);
  expect(calls.map((c) => `${c.service}.${c.operation} ${c.region} ${c.input.Namespace}`)).toEqual(['CloudWatch.PutMetricData us-east-1 X']);
});
