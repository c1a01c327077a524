import { CreateClusterCommand, DeleteClusterCommand, DSQLClient, GetClusterCommand, UpdateClusterCommand } from '@aws-sdk/client-dsql';
import * as http from 'http';
import { AddressInfo } from 'net';
import * as peering from '../../../lambda/dsql-peering/peering';
import { awsClientConfig, motoEndpoint } from '../harness/endpoints';

/**
 * The DSQL peering handler's core against moto's DSQL emulation (moto server on loopback).
 *
 * What moto's DSQL (5.2.x) does and does not do, and so what these tests can show:
 * - clusters move CREATING -> ACTIVE (driven here through moto's state manager) and
 *   DELETING -> DELETED, then GetCluster answers ResourceNotFoundException;
 * - UpdateCluster stores multiRegionProperties as given, in the one cluster called: it neither
 *   peers the other cluster, nor goes through UPDATING, PENDING_SETUP or FAILED, nor checks
 *   the witness, nor lists the cluster's own ARN in `clusters`;
 * - it has no PENDING_SETUP (nor IDLE or INACTIVE): a new cluster reads CREATING, then ACTIVE, so the
 *   tests keep clusters CREATING (moto's manual state progression) where AWS shows PENDING_SETUP;
 * - only us-east-1 and us-east-2 have a DSQL backend.
 * The paths moto cannot show are tested with aws-sdk-client-mock in test/data/dsql-peering-handler.test.ts.
 * The moto server is the harness's (project integ-dsql), reached through test/integ/harness/endpoints.ts.
 */

const REGION_A = 'us-east-1';
const REGION_B = 'us-east-2';
const WITNESS = 'us-west-2';
const endpoint = motoEndpoint();

function client(region: string, url: string = endpoint): DSQLClient {
  return new DSQLClient({ ...awsClientConfig(url, region), maxAttempts: 1 });
}

/** A factory of real clients that records the name of every command sent. */
function recordingFactory(url: string = endpoint): { factory: peering.ClientFactory; sent: string[] } {
  const sent: string[] = [];
  const clients = new Map<string, DSQLClient>();
  const factory = (region: string) => {
    if (!clients.has(region)) {
      const c = client(region, url);
      c.middlewareStack.add((next, context) => async (args) => {
        sent.push(`${context.commandName}@${region}`);
        return next(args);
      }, { step: 'initialize', name: 'recordCommands' });
      clients.set(region, c);
    }
    return clients.get(region)!;
  };
  return { factory, sent };
}

function runtime(factory: peering.ClientFactory, overrides: Partial<peering.Runtime> = {}): peering.Runtime & { logs: string[] } {
  const logs: string[] = [];
  return {
    clientFor: factory,
    sleep: async () => undefined,
    now: () => Date.now(),
    retry: { maxAttempts: 4, baseDelayMs: 10, maxDelayMs: 50 },
    log: (message, fields) => logs.push(`${message} ${JSON.stringify(fields ?? {})}`),
    logs,
    ...overrides,
  };
}

async function motoApi(action: string, body: unknown = {}): Promise<void> {
  const res = await fetch(`${endpoint}/moto-api/${action}`, { method: 'POST', body: JSON.stringify(body) });
  if (!res.ok) throw new Error(`moto-api ${action}: HTTP ${res.status}`);
}

/** Clusters stay CREATING for `reads` GetCluster calls (moto's manual state progression). */
async function clustersStayCreatingFor(reads: number): Promise<void> {
  await motoApi('state-manager/set-transition', { model_name: 'dsql::cluster', transition: { progression: 'manual', times: reads } });
}

async function createCluster(region: string, peers?: string[]): Promise<string> {
  const out = await client(region).send(new CreateClusterCommand({
    deletionProtectionEnabled: false,
    multiRegionProperties: { witnessRegion: WITNESS, ...(peers ? { clusters: peers } : {}) },
  }));
  // moto moves a cluster on when its status is read: with the default (immediate) progression
  // this read makes it ACTIVE; under `clustersStayCreatingFor` it counts as one read.
  await client(region).send(new GetClusterCommand({ identifier: out.identifier }));
  return out.arn!;
}

/**
 * The pair as DsqlPeeredClusters' templates create it: B with the witness alone, then A with the
 * witness and B's ARN (documented "peer during creation"). Both read CREATING for
 * `creatingReads` status reads (moto's stand-in for PENDING_SETUP, which it lacks), then ACTIVE.
 */
async function createPair(creatingReads = 3): Promise<[string, string]> {
  await clustersStayCreatingFor(creatingReads);
  const b = await createCluster(REGION_B);
  const a = await createCluster(REGION_A, [b]);
  return [a, b];
}

/** Polls isComplete as the provider framework does, up to `max` times. */
async function pollComplete(e: peering.IsCompleteEvent, rt: peering.Runtime, max = 10): Promise<peering.IsCompleteResult> {
  let result = await peering.isComplete(e, rt);
  for (let i = 1; i < max && !result.IsComplete; i++) result = await peering.isComplete(e, rt);
  return result;
}

async function peersOf(arn: string): Promise<string[] | undefined> {
  const ref = peering.parseClusterArn(arn);
  const out = await client(ref.region).send(new GetClusterCommand({ identifier: ref.identifier }));
  return out.multiRegionProperties?.clusters;
}

function event(requestType: 'Create' | 'Update' | 'Delete', arns: string[], extra: Partial<peering.IsCompleteEvent> = {}): peering.IsCompleteEvent {
  return {
    RequestType: requestType,
    ResourceProperties: { ClusterArns: arns, WitnessRegion: WITNESS, TimeoutSeconds: '600' },
    ...extra,
  };
}

function deleteEvent(arns: string[], physicalId: string): peering.IsCompleteEvent {
  return {
    RequestType: 'Delete',
    PhysicalResourceId: physicalId,
    ResourceProperties: { ClusterArns: arns, WitnessRegion: WITNESS, TimeoutSeconds: '600', DeleteClusters: 'true' },
  };
}

// No moto reset: each test makes its own clusters, and the moto server may be shared with other
// test files. The one global setting used here, the cluster state progression, is put back after each test.
afterEach(async () => {
  await motoApi('state-manager/unset-transition', { model_name: 'dsql::cluster' });
});

describe('DSQL peering handler against moto', () => {
  test('create updates only the second cluster (the first was created with its peer\'s ARN), in its own Region; isComplete waits for clusters still CREATING', async () => {
    const [a, b] = await createPair(6);
    const { factory, sent } = recordingFactory();
    const rt = runtime(factory);

    const result = await peering.onEvent(event('Create', [a, b]), rt);
    expect(result.PhysicalResourceId).toBe(`dsql-peering:${[a, b].sort().join(',')}`);
    expect(sent).toEqual([`GetClusterCommand@${REGION_A}`, `GetClusterCommand@${REGION_B}`, `UpdateClusterCommand@${REGION_B}`]);
    expect(await peersOf(a)).toEqual([b]);
    expect(await peersOf(b)).toEqual([a]);

    const first = await peering.isComplete(event('Create', [a, b], result), rt);
    expect(first).toEqual({ IsComplete: false });
    expect(rt.logs.join('\n')).toContain(`${b} is CREATING`);
    expect(await pollComplete(event('Create', [a, b], result), rt)).toEqual({ IsComplete: true, Data: { WitnessRegion: WITNESS } });
  });

  test('an update with the same input sends no UpdateCluster and keeps the physical id', async () => {
    const [a, b] = await createPair();
    const created = await peering.onEvent(event('Create', [a, b]), runtime(recordingFactory().factory));

    const { factory, sent } = recordingFactory();
    const updated = await peering.onEvent(event('Update', [a, b], {
      PhysicalResourceId: created.PhysicalResourceId,
      OldResourceProperties: event('Create', [a, b]).ResourceProperties,
    }), runtime(factory));
    expect(updated.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(sent.filter((c) => c.startsWith('UpdateCluster'))).toEqual([]);
    expect(await pollComplete(event('Update', [a, b], updated), runtime(factory))).toMatchObject({ IsComplete: true });
  });

  test('a cluster already peered with another is not re-peered (AWS documents no re-peering): the update fails and the pair stays as it was', async () => {
    const [a, b] = await createPair();
    const c = await createCluster(REGION_B);
    const rt = runtime(recordingFactory().factory);
    const created = await peering.onEvent(event('Create', [a, b]), rt);

    await expect(peering.onEvent(event('Update', [a, c], { PhysicalResourceId: created.PhysicalResourceId }), rt))
      .rejects.toThrow(`DSQL cluster ${a} is already peered with ${b}; it cannot be peered with ${c}.`);
    expect(await peersOf(a)).toEqual([b]);
    expect(await peersOf(b)).toEqual([a]);
    expect(await peersOf(c)).toBeUndefined();
  });

  test('an update finds an ACTIVE cluster that lost its peer: refused with the reason (re-peering is undocumented), no UpdateCluster sent', async () => {
    const [a, b] = await createPair();
    const rt0 = runtime(recordingFactory().factory);
    const created = await peering.onEvent(event('Create', [a, b]), rt0);
    expect(await pollComplete(event('Create', [a, b], created), rt0)).toMatchObject({ IsComplete: true });
    // What a later change outside the library might do: B, now ACTIVE, no longer lists A.
    await client(REGION_B).send(new UpdateClusterCommand({
      identifier: peering.parseClusterArn(b).identifier, multiRegionProperties: { witnessRegion: WITNESS, clusters: [] },
    }));
    const { factory, sent } = recordingFactory();
    await expect(peering.onEvent(event('Update', [a, b], { PhysicalResourceId: created.PhysicalResourceId }), runtime(factory)))
      .rejects.toThrow(`DSQL cluster ${b} is ACTIVE and does not list its peer ${a}. AWS documents peering a cluster once`);
    expect(sent.filter((c) => c.startsWith('UpdateCluster'))).toEqual([]);
    expect(await peersOf(a)).toEqual([b]);
  });

  test('delete of retained clusters (DeleteClusters false) sends no call: both stay peered, one database', async () => {
    const [a, b] = await createPair();
    const created = await peering.onEvent(event('Create', [a, b]), runtime(recordingFactory().factory));

    const { factory, sent } = recordingFactory();
    const rt = runtime(factory);
    const deleted = await peering.onEvent(event('Delete', [a, b], { PhysicalResourceId: created.PhysicalResourceId }), rt);
    expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(await peering.isComplete(event('Delete', [a, b], deleted), rt)).toEqual({ IsComplete: true });
    expect(sent).toEqual([]);
    expect(await peersOf(a)).toEqual([b]);
    expect(await peersOf(b)).toEqual([a]);
  });

  test('delete with DeleteClusters deletes each peered cluster, as AWS documents, and completes once both are gone', async () => {
    const [a, b] = await createPair();
    const created = await peering.onEvent(event('Create', [a, b]), runtime(recordingFactory().factory));

    const { factory, sent } = recordingFactory();
    const rt = runtime(factory);
    const del = deleteEvent([a, b], created.PhysicalResourceId);
    const deleted = await peering.onEvent(del, rt);
    expect(sent.filter((c) => c.startsWith('DeleteCluster'))).toEqual([`DeleteClusterCommand@${REGION_A}`, `DeleteClusterCommand@${REGION_B}`]);
    // moto moves DELETING -> DELETED -> gone as the status is read.
    let done = await peering.isComplete({ ...del, Data: deleted.Data }, rt);
    for (let i = 0; i < 5 && !done.IsComplete; i++) done = await peering.isComplete({ ...del, Data: deleted.Data }, rt);
    expect(done).toEqual({ IsComplete: true });
    for (const arn of [a, b]) {
      const ref = peering.parseClusterArn(arn);
      await expect(client(ref.region).send(new GetClusterCommand({ identifier: ref.identifier })))
        .rejects.toMatchObject({ name: 'ResourceNotFoundException' });
    }
  });

  test('delete with DeleteClusters and one cluster already deleted deletes the other, its peer', async () => {
    const [a, b] = await createPair();
    const rt = runtime(recordingFactory().factory);
    const created = await peering.onEvent(event('Create', [a, b]), rt);
    // Back to moto's immediate progression, so the deletion below is over at the next read.
    await motoApi('state-manager/unset-transition', { model_name: 'dsql::cluster' });
    const refB = peering.parseClusterArn(b);
    await client(REGION_B).send(new DeleteClusterCommand({ identifier: refB.identifier }));
    await expect(client(REGION_B).send(new GetClusterCommand({ identifier: refB.identifier })))
      .rejects.toMatchObject({ name: 'ResourceNotFoundException' });

    const deleted = await peering.onEvent(deleteEvent([a, b], created.PhysicalResourceId), rt);
    expect(deleted.PhysicalResourceId).toBe(created.PhysicalResourceId);
    expect(rt.logs.join('\n')).toContain('NOT_FOUND');
    expect(rt.logs.join('\n')).toContain(`deletion requested {"cluster":"${a}"`);
  });

  test('delete with DeleteClusters of a pair that was never peered (a rolled-back create) deletes nothing', async () => {
    const a = await createCluster(REGION_A);
    const b = await createCluster(REGION_B);
    const { factory, sent } = recordingFactory();
    await peering.onEvent(deleteEvent([a, b], 'never-peered'), runtime(factory));
    expect(sent.filter((c) => c.startsWith('DeleteCluster'))).toEqual([]);
  });

  test('a throttled call succeeds on retry (through a proxy that answers ThrottlingException once)', async () => {
    const [a, b] = await createPair(3);
    const upstream = new URL(endpoint);
    let throttled = 0;
    const proxy = http.createServer((req, res) => {
      if (throttled === 0 && req.method === 'POST' && req.url?.startsWith('/cluster/')) {
        throttled++;
        req.resume();
        res.writeHead(429, { 'content-type': 'application/json', 'x-amzn-errortype': 'ThrottlingException' });
        res.end(JSON.stringify({ message: 'Rate exceeded' }));
        return;
      }
      const forward = http.request({
        host: upstream.hostname, port: upstream.port, method: req.method, path: req.url, headers: req.headers,
      }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      });
      req.pipe(forward);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const proxyUrl = `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`;
      const { factory, sent } = recordingFactory(proxyUrl);
      const delays: number[] = [];
      const rt = runtime(factory, { sleep: async (ms) => { delays.push(ms); } });

      await peering.onEvent(event('Create', [a, b]), rt);
      expect(throttled).toBe(1);
      expect(sent.filter((c) => c.startsWith('UpdateCluster'))).toHaveLength(2); // one throttled, then the one that went through
      expect(delays).toHaveLength(1);
      expect(rt.logs.join('\n')).toContain('"error":"ThrottlingException"');
      expect(await peersOf(a)).toEqual([b]);
      expect(await peersOf(b)).toEqual([a]);
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });

  test('a peer that never leaves CREATING fails the deployment at the deadline, naming cluster and status', async () => {
    const [a, b] = await createPair(1000);
    let clock = Date.now();
    const rt = runtime(recordingFactory().factory, { now: () => clock });
    const created = await peering.onEvent(event('Create', [a, b]), rt);
    expect(await peering.isComplete(event('Create', [a, b], created), rt)).toEqual({ IsComplete: false });

    clock += 601_000;
    await expect(peering.isComplete(event('Create', [a, b], created), rt))
      .rejects.toThrow(`Timed out after 600 s waiting for DSQL peering (witness ${WITNESS}): ${a} is CREATING, ${b} is CREATING.`);
  });

  test('a cluster that does not exist fails the create, naming it', async () => {
    const a = await createCluster(REGION_A);
    const missing = a.replace(REGION_A, REGION_B).replace(/cluster\/.*/, `cluster/${'a'.repeat(26)}`);
    await expect(peering.onEvent(event('Create', [a, missing]), runtime(recordingFactory().factory)))
      .rejects.toThrow(`DSQL cluster ${missing} does not exist`);
  });
});
