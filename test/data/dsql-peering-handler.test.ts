import { DeleteClusterCommand, DSQLClient, GetClusterCommand, UpdateClusterCommand } from '@aws-sdk/client-dsql';
import { mockClient } from 'aws-sdk-client-mock';
import * as peering from '../../lambda/dsql-peering/peering';

/**
 * The handler paths moto's DSQL emulation cannot show (see test/integ/dsql-peering.test.ts for
 * the ones it can). Each test that uses aws-sdk-client-mock says so, and what moto lacks, in its name.
 */

const A = `arn:aws:dsql:us-east-1:111111111111:cluster/${'a'.repeat(26)}`;
const B = `arn:aws:dsql:us-east-2:111111111111:cluster/${'b'.repeat(26)}`;
const WITNESS = 'us-west-2';
const props = { ClusterArns: [A, B], WitnessRegion: WITNESS, TimeoutSeconds: '600' };

const dsqlMock = mockClient(DSQLClient);

function runtime(overrides: Partial<peering.Runtime> = {}): peering.Runtime & { logs: string[]; delays: number[] } {
  const logs: string[] = [];
  const delays: number[] = [];
  return {
    clientFor: (region) => new DSQLClient({ region, credentials: { accessKeyId: 'x', secretAccessKey: 'y' } }),
    sleep: async (ms) => { delays.push(ms); },
    now: () => 0,
    retry: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 1000 },
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    logs,
    delays,
    ...overrides,
  };
}

/** What the real service answers: the cluster's own ARN is part of `clusters`. */
function cluster(arn: string, status: string, peers: string[] = []) {
  return { arn, identifier: arn.split('/')[1], status: status as any, multiRegionProperties: { witnessRegion: WITNESS, clusters: [arn, ...peers] } };
}

function error(name: string) {
  return Object.assign(new Error(`${name} from the service`), { name, $metadata: {} });
}

beforeEach(() => dsqlMock.reset());

describe('DSQL peering handler (aws-sdk-client-mock where moto falls short)', () => {
  test('[aws-sdk-client-mock: moto has no FAILED status] isComplete fails the deploy naming the FAILED cluster', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'FAILED', [A]));
    await expect(peering.isComplete({ RequestType: 'Create', ResourceProperties: props }, runtime()))
      .rejects.toThrow(`DSQL peering of ${A} and ${B} (witness ${WITNESS}) failed: cluster ${B} is FAILED.`);
  });

  test('[aws-sdk-client-mock: moto skips UPDATING and omits the own ARN] isComplete waits on UPDATING, then completes', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) })
      .resolvesOnce(cluster(B, 'UPDATING', [A]))
      .resolves(cluster(B, 'ACTIVE', [A]));
    const rt = runtime();
    expect(await peering.isComplete({ RequestType: 'Create', ResourceProperties: props }, rt)).toEqual({ IsComplete: false });
    expect(rt.logs.join('\n')).toContain(`${B} is UPDATING`);
    expect(await peering.isComplete({ RequestType: 'Create', ResourceProperties: props }, rt))
      .toEqual({ IsComplete: true, Data: { WitnessRegion: WITNESS } });
  });

  test('[aws-sdk-client-mock: moto omits the own ARN from clusters] clusters that list themselves and their peer count as peered, so a repeat sends no UpdateCluster', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'ACTIVE', [A]));
    expect(await peering.ensurePeered(peering.parseConfig(props), runtime())).toEqual([]);
    expect(dsqlMock.commandCalls(UpdateClusterCommand)).toHaveLength(0);
  });

  test.each(['IDLE', 'INACTIVE'])('[aws-sdk-client-mock: moto has no %s] a peered pair in that documented lifecycle state is ready: isComplete completes at once', async (status) => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, status, [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, status, [A]));
    expect(await peering.isComplete({ RequestType: 'Update', ResourceProperties: props, Data: { Deadline: new Date(1000).toISOString() } }, runtime()))
      .toEqual({ IsComplete: true, Data: { WitnessRegion: WITNESS } });
  });

  test('[aws-sdk-client-mock: moto has no PENDING_SETUP] the documented create: the first cluster was created with its peer\'s ARN, so only the second (PENDING_SETUP) gets UpdateCluster', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'PENDING_SETUP', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'PENDING_SETUP'));
    dsqlMock.on(UpdateClusterCommand).resolves({});
    expect(await peering.ensurePeered(peering.parseConfig(props), runtime())).toEqual([B]);
    expect(dsqlMock.commandCalls(UpdateClusterCommand).map((c) => c.args[0].input)).toEqual([
      { identifier: 'b'.repeat(26), multiRegionProperties: { witnessRegion: WITNESS, clusters: [A] } },
    ]);
  });

  test.each(['ACTIVE', 'IDLE', 'INACTIVE', 'UPDATING'])('[aws-sdk-client-mock: moto has no PENDING_SETUP] a %s cluster that lost its peer is not re-peered (undocumented): refused with the reason, nothing changed', async (status) => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, status));
    await expect(peering.ensurePeered(peering.parseConfig(props), runtime()))
      .rejects.toThrow(`DSQL cluster ${B} is ${status} and does not list its peer ${A}. AWS documents peering a cluster once, while it waits in PENDING_SETUP`);
    expect(dsqlMock.commandCalls(UpdateClusterCommand)).toHaveLength(0);
  });

  test('[aws-sdk-client-mock] a cluster with another witness is refused: AWS documents no change of witness', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'PENDING_SETUP', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves({ ...cluster(B, 'PENDING_SETUP'), multiRegionProperties: { witnessRegion: 'eu-west-1', clusters: [B] } });
    await expect(peering.ensurePeered(peering.parseConfig(props), runtime())).rejects.toThrow(`DSQL cluster ${B} has witness Region eu-west-1, not ${WITNESS}`);
    expect(dsqlMock.commandCalls(UpdateClusterCommand)).toHaveLength(0);
  });

  test('[aws-sdk-client-mock: moto never answers ConflictException to UpdateCluster] a conflict is retried with backoff', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'PENDING_SETUP'));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'CREATING'));
    dsqlMock.on(UpdateClusterCommand, { identifier: 'b'.repeat(26) })
      .rejectsOnce(error('ConflictException'))
      .resolves({});
    dsqlMock.on(UpdateClusterCommand, { identifier: 'a'.repeat(26) }).resolves({});
    const rt = runtime();
    expect(await peering.ensurePeered(peering.parseConfig(props), rt)).toEqual([A, B]);
    expect(dsqlMock.commandCalls(UpdateClusterCommand).map((c) => c.args[0].input)).toEqual([
      { identifier: 'a'.repeat(26), multiRegionProperties: { witnessRegion: WITNESS, clusters: [B] } },
      { identifier: 'b'.repeat(26), multiRegionProperties: { witnessRegion: WITNESS, clusters: [A] } },
      { identifier: 'b'.repeat(26), multiRegionProperties: { witnessRegion: WITNESS, clusters: [A] } },
    ]);
    expect(rt.delays).toHaveLength(1);
    expect(rt.delays[0]).toBeGreaterThanOrEqual(50);
    expect(rt.delays[0]).toBeLessThanOrEqual(100);
  });

  test('[aws-sdk-client-mock: moto never throttles] retries stop after maxAttempts and the error surfaces', async () => {
    dsqlMock.on(GetClusterCommand).rejects(error('ThrottlingException'));
    const rt = runtime();
    await expect(peering.ensurePeered(peering.parseConfig(props), rt)).rejects.toThrow('ThrottlingException from the service');
    // Two retries per cluster, the delays doubling.
    expect(rt.delays).toHaveLength(4);
  });

  test('a non-retryable error is not retried', async () => {
    dsqlMock.on(GetClusterCommand).rejects(error('AccessDeniedException'));
    const rt = runtime();
    await expect(peering.ensurePeered(peering.parseConfig(props), rt)).rejects.toThrow('AccessDeniedException from the service');
    expect(rt.delays).toEqual([]);
  });

  test('[aws-sdk-client-mock: moto has no PENDING_DELETE] a delete of both clusters waits while the first is PENDING_DELETE, until both are gone', async () => {
    const del = { ...props, DeleteClusters: 'true' };
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) })
      .resolvesOnce(cluster(A, 'PENDING_DELETE', [B]))
      .rejects(error('ResourceNotFoundException'));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) })
      .resolvesOnce(cluster(B, 'DELETING', [A]))
      .rejects(error('ResourceNotFoundException'));
    const rt = runtime();
    expect(await peering.isComplete({ RequestType: 'Delete', ResourceProperties: del }, rt)).toEqual({ IsComplete: false });
    expect(await peering.isComplete({ RequestType: 'Delete', ResourceProperties: del }, rt)).toEqual({ IsComplete: true });
  });

  test('[aws-sdk-client-mock: moto has no PENDING_DELETE] a cluster left PENDING_DELETE (its peer not deleted) fails the delete at the deadline, naming it', async () => {
    const del = { ...props, DeleteClusters: 'true' };
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'PENDING_DELETE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'ACTIVE', [A]));
    const rt = runtime({ now: () => 1_000_000 });
    await expect(peering.isComplete({ RequestType: 'Delete', ResourceProperties: del, Data: { Deadline: new Date(0).toISOString() } }, rt))
      .rejects.toThrow(`Timed out after 600 s waiting for the deletion of both DSQL clusters (witness ${WITNESS}): ${A} is PENDING_DELETE, ${B} is ACTIVE.`);
  });

  test('[aws-sdk-client-mock: moto has no PENDING_DELETE] a delete after the first cluster went PENDING_DELETE deletes only its peer', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'PENDING_DELETE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'ACTIVE', [A]));
    dsqlMock.on(DeleteClusterCommand).resolves({});
    const deleted = await peering.deletePair(peering.parseConfig({ ...props, DeleteClusters: 'true' }), runtime());
    expect(deleted).toEqual([B]);
    expect(dsqlMock.commandCalls(DeleteClusterCommand).map((c) => c.args[0].input.identifier)).toEqual(['b'.repeat(26)]);
  });

  test('a delete that keeps the clusters (DeleteClusters not true) sends no call and completes at once', async () => {
    const rt = runtime();
    expect(await peering.onEvent({ RequestType: 'Delete', PhysicalResourceId: 'p', ResourceProperties: props }, rt)).toMatchObject({ PhysicalResourceId: 'p' });
    expect(await peering.isComplete({ RequestType: 'Delete', ResourceProperties: props }, rt)).toEqual({ IsComplete: true });
    expect(dsqlMock.calls()).toHaveLength(0);
    expect(rt.logs.join('\n')).toContain('clusters retained and left peered');
  });

  test('[aws-sdk-client-mock: moto does not list the own ARN] a cluster peered with a third cluster is not re-peered: the create fails naming both', async () => {
    const C = `arn:aws:dsql:us-east-2:111111111111:cluster/${'c'.repeat(26)}`;
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [C]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'PENDING_SETUP'));
    await expect(peering.ensurePeered(peering.parseConfig(props), runtime()))
      .rejects.toThrow(`DSQL cluster ${A} is already peered with ${C}; it cannot be peered with ${B}. AWS documents no re-peering`);
    expect(dsqlMock.commandCalls(UpdateClusterCommand)).toHaveLength(0);
  });

  test('a delete of a resource whose create never got valid properties succeeds without calls', async () => {
    const bad = { ClusterArns: [A], WitnessRegion: WITNESS, TimeoutSeconds: '600' };
    const rt = runtime();
    expect(await peering.onEvent({ RequestType: 'Delete', PhysicalResourceId: 'request-id', ResourceProperties: bad }, rt))
      .toMatchObject({ PhysicalResourceId: 'request-id' });
    expect(await peering.isComplete({ RequestType: 'Delete', ResourceProperties: bad }, rt)).toEqual({ IsComplete: true });
    expect(dsqlMock.calls()).toHaveLength(0);
  });

  test.each([
    [{ ...props, ClusterArns: [A, B, A] }, 'ClusterArns must hold exactly two cluster ARNs, got 3'],
    [{ ...props, ClusterArns: [A, 'arn:aws:s3:::bucket'] }, "'arn:aws:s3:::bucket' is not an Aurora DSQL cluster ARN"],
    [{ ...props, ClusterArns: [A, A.replace('a'.repeat(26), 'c'.repeat(26))] }, 'Peered clusters must be in two different Regions'],
    [{ ...props, WitnessRegion: 'us-east-2' }, "WitnessRegion 'us-east-2' must be a third Region, neither us-east-1 nor us-east-2."],
    [{ ...props, TimeoutSeconds: 'soon' }, "TimeoutSeconds 'soon' must be a positive number."],
  ])('create rejects bad properties %#', async (bad, message) => {
    await expect(peering.onEvent({ RequestType: 'Create', ResourceProperties: bad }, runtime())).rejects.toThrow(message);
    expect(dsqlMock.calls()).toHaveLength(0);
  });

  test('[aws-sdk-client-mock] the Lambda shell never logs the event, its pre-signed response URL included', async () => {
    dsqlMock.on(GetClusterCommand, { identifier: 'a'.repeat(26) }).resolves(cluster(A, 'ACTIVE', [B]));
    dsqlMock.on(GetClusterCommand, { identifier: 'b'.repeat(26) }).resolves(cluster(B, 'ACTIVE', [A]));
    const lines: string[] = [];
    const spy = jest.spyOn(console, 'log').mockImplementation((...args) => { lines.push(args.join(' ')); });
    try {
      const shell = await import('../../lambda/dsql-peering/index');
      await shell.onEvent({
        RequestType: 'Create',
        ResourceProperties: props,
        ResponseURL: 'https://cloudformation-custom-resource-response.s3.amazonaws.com/x?X-Amz-Signature=SECRET-SIGNATURE',
      } as peering.PeeringEvent);
    } finally {
      spy.mockRestore();
    }
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.join('\n')).not.toContain('SECRET-SIGNATURE');
    expect(lines.join('\n')).toContain(A);
  });
});
