import * as net from 'net';
import { CreateClusterCommand, DeleteClusterCommand, DSQLClient, GetClusterCommand } from '@aws-sdk/client-dsql';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { mockClient } from 'aws-sdk-client-mock';
import { checkDsqlCluster } from '../../../lambda/health-probe/probe';
import {
  AlbResponse, buildChecks, ConnectionConfigProvider, DeepHealth, DeepHealthConfig, DSQL_SERVING_STATES, faultSwitchFails,
} from '../../../lambda/deep-health/health';
import { awsClientConfig, motoEndpoint } from '../harness/endpoints';
import { getFreePort } from '../harness/free-port';
import { PostgresPair, startPostgresPair } from '../harness/postgres';

/**
 * The deep-health handler's core against real servers: a PostgreSQL server of its own (started here,
 * so stopping it disturbs no other test) for the Aurora and DSQL connects (DSQL's PostgreSQL protocol;
 * no emulator serves DSQL's data plane or its IAM tokens), moto for DSQL GetCluster, DynamoDB and SSM
 * (the harness's LocalStack runs CloudWatch, Route 53, STS, IAM and Logs only; its DynamoDB would
 * need DynamoDB Local downloaded). DSQL states moto cannot produce (IDLE, INACTIVE, UPDATING) use
 * aws-sdk-client-mock. Time is an injected clock, so "within the cache time" needs no timed assertion.
 */
const REGION = 'us-east-1';
let pg: PostgresPair;
let ssm: SSMClient;
let dynamodb: DynamoDBClient;
let dsql: DSQLClient;
let clusterId: string;
const TABLE = `deep-health-${Date.now()}`;
const SWITCH = `/mrcdk/deep-health/${Date.now()}/fault-switch`;

const database = (): ConnectionConfigProvider => async () => ({ connectionString: pg.standbyUrl });

function config(extra: Partial<DeepHealthConfig> = {}): DeepHealthConfig {
  return {
    region: REGION,
    cacheMs: 5000,
    faultSwitchParameter: SWITCH,
    dsql: { identifier: clusterId, host: 'unused.dsql.us-east-1.on.aws' },
    dynamodb: [{ tableName: TABLE, key: { pk: { S: 'mrcdk-deep-health' } } }],
    aurora: { host: '127.0.0.1' },
    ...extra,
  };
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let t = start;
  return { now: () => t, advance: (ms: number) => { t += ms; } };
}

beforeAll(async () => {
  pg = await startPostgresPair({ name: `deep-health-${process.pid}` });
  const moto = motoEndpoint();
  ssm = new SSMClient(awsClientConfig(moto, REGION));
  dynamodb = new DynamoDBClient(awsClientConfig(moto, REGION));
  dsql = new DSQLClient(awsClientConfig(moto, REGION));
  await ssm.send(new PutParameterCommand({ Name: SWITCH, Type: 'String', Value: '{"fail":false}' }));
  await dynamodb.send(new CreateTableCommand({
    TableName: TABLE, BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }], KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
  }));
  clusterId = (await dsql.send(new CreateClusterCommand({ deletionProtectionEnabled: false }))).identifier!;
}, 120_000);

afterAll(async () => {
  await pg?.stop();
  ssm?.destroy();
  dynamodb?.destroy();
  dsql?.destroy();
});

function clients() {
  return { ssm, dynamodb, dsql, dsqlConnect: database(), auroraConnect: database() };
}

test('[PostgreSQL, moto DSQL/DynamoDB/SSM] every check passes: healthy, one evaluation per cache period', async () => {
  const c = clock();
  const health = new DeepHealth(buildChecks(config(), clients()), config(), c.now);
  const first = await health.get();
  expect(first.checks.map((x) => [x.name, x.healthy, x.error])).toEqual([
    ['fault switch', true, undefined],
    [`dsql ${clusterId}`, true, undefined],
    [`dynamodb ${TABLE}`, true, undefined],
    ['aurora 127.0.0.1', true, undefined],
  ]);
  expect(first).toMatchObject({ healthy: true, cached: false });
  c.advance(4999);
  expect(await health.get()).toMatchObject({ healthy: true, cached: true, at: first.at });
  c.advance(1);
  expect(await health.get()).toMatchObject({ healthy: true, cached: false });
});

test('[PostgreSQL] a stopped database turns the Region unhealthy at the next evaluation, at most one cache period later; and back', async () => {
  const c = clock();
  const cfg = config({ cacheMs: 3000 });
  const health = new DeepHealth(buildChecks(cfg, clients()), cfg, c.now);
  expect((await health.get()).healthy).toBe(true);
  await pg.standby.stop();
  try {
    c.advance(2999);
    // Still inside the cache period: the last answer stands (this is the cache term of the budget).
    expect(await health.get()).toMatchObject({ healthy: true, cached: true });
    c.advance(1);
    const down = await health.get();
    expect(down).toMatchObject({ healthy: false, cached: false });
    expect(down.checks.filter((x) => !x.healthy).map((x) => x.name)).toEqual([`dsql ${clusterId}`, 'aurora 127.0.0.1']);
    expect(down.checks.find((x) => x.name === 'aurora 127.0.0.1')!.error).toMatch(/ECONNREFUSED|connect|terminat/i);
  } finally {
    await pg.standby.start();
  }
  c.advance(3000);
  expect((await health.get()).healthy).toBe(true);
});

test('[moto SSM] the fault switch fails the Region while it says {"fail":true}, and only then', async () => {
  const c = clock();
  const cfg = config({ dsql: undefined, aurora: undefined, cacheMs: 1000 });
  const health = new DeepHealth(buildChecks(cfg, clients()), cfg, c.now);
  expect((await health.get()).healthy).toBe(true);
  await ssm.send(new PutParameterCommand({ Name: SWITCH, Type: 'String', Overwrite: true, Value: JSON.stringify({ fail: true, by: 'drill:test', at: new Date().toISOString() }) }));
  try {
    c.advance(1000);
    const failed = await health.get();
    expect(failed.healthy).toBe(false);
    expect(failed.checks[0]).toMatchObject({ name: 'fault switch', healthy: false, error: expect.stringContaining('drill:test') });
  } finally {
    await ssm.send(new PutParameterCommand({ Name: SWITCH, Type: 'String', Overwrite: true, Value: '{"fail":false}' }));
  }
  c.advance(1000);
  expect((await health.get()).healthy).toBe(true);
  // Anything but JSON with "fail": true leaves the Region healthy.
  expect([undefined, '', 'true', '{"fail":"true"}', '{"fail":false}', 'null'].map(faultSwitchFails)).toEqual([false, false, false, false, false, false]);
  expect(faultSwitchFails('{"fail":true,"by":"x"}')).toBe(true);
});

test('[moto DynamoDB] a table that is not there (or not reachable) is unhealthy', async () => {
  const cfg = config({ dsql: undefined, aurora: undefined, faultSwitchParameter: undefined, dynamodb: [{ tableName: `${TABLE}-missing`, key: { pk: { S: 'x' } } }] });
  const result = await new DeepHealth(buildChecks(cfg, clients()), cfg).get();
  expect(result.healthy).toBe(false);
  expect(result.checks[0].error).toMatch(/ResourceNotFound/);
});

test('a check that does not answer counts as failed within its timeout, and the evaluation ends within the deadline', async () => {
  // A server that accepts connections and never answers: the Aurora connect hangs.
  const port = await getFreePort();
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => { sockets.push(s); }).listen(port, '127.0.0.1');
  try {
    const cfg = config({ dsql: undefined, faultSwitchParameter: undefined, dynamodb: undefined, checkTimeoutMs: 300, deadlineMs: 1500 });
    const hanging = { ...clients(), auroraConnect: async () => ({ host: '127.0.0.1', port, user: 'x', database: 'x' }) };
    const result = await new DeepHealth(buildChecks(cfg, hanging), cfg).get();
    expect(result.healthy).toBe(false);
    expect(result.checks[0]).toMatchObject({ healthy: false, error: expect.stringMatching(/within 300 ms|timeout/i) });
  } finally {
    sockets.forEach((s) => s.destroy());
    server.close();
  }
});

test('[moto DSQL] a deleted cluster is unhealthy; [SDK mock] IDLE, INACTIVE and UPDATING are serving states, CREATING and PENDING_SETUP are not', async () => {
  const id = (await dsql.send(new CreateClusterCommand({ deletionProtectionEnabled: false }))).identifier!;
  await dsql.send(new DeleteClusterCommand({ identifier: id }));
  const cfg = config({ dsql: { identifier: id, host: 'unused' }, aurora: undefined, faultSwitchParameter: undefined, dynamodb: undefined });
  const gone = await new DeepHealth(buildChecks(cfg, clients()), cfg).get();
  expect(gone.healthy).toBe(false);

  // moto's clusters only go CREATING -> ACTIVE; the other documented states come from a mock.
  const mocked = new DSQLClient({ region: REGION, credentials: { accessKeyId: 'x', secretAccessKey: 'x' } });
  const mock = mockClient(mocked);
  try {
    const verdicts: Record<string, [boolean, boolean]> = {};
    for (const status of ['ACTIVE', 'IDLE', 'INACTIVE', 'UPDATING', 'CREATING', 'PENDING_SETUP', 'DELETING', 'FAILED'] as const) {
      mock.on(GetClusterCommand).resolves({ identifier: 'c', status });
      const mcfg = config({ dsql: { identifier: 'c', host: 'unused' }, aurora: undefined, faultSwitchParameter: undefined, dynamodb: undefined });
      const deep = await new DeepHealth(buildChecks(mcfg, { ...clients(), dsql: mocked }), mcfg).get();
      // The health probe (R3) agrees with the deep-health check on every state.
      verdicts[status] = [deep.healthy, (await checkDsqlCluster(mocked, 'c')).healthy];
    }
    expect(verdicts).toEqual({
      ACTIVE: [true, true], IDLE: [true, true], INACTIVE: [true, true], UPDATING: [true, true],
      CREATING: [false, false], PENDING_SETUP: [false, false], DELETING: [false, false], FAILED: [false, false],
    });
    expect(DSQL_SERVING_STATES).toEqual(['ACTIVE', 'IDLE', 'INACTIVE', 'UPDATING']);
  } finally {
    mock.restore();
  }
});

test('[moto] the Lambda shell answers an ALB event with 200 "healthy" or 503 "unhealthy" and nothing else', async () => {
  const env = { ...process.env };
  Object.assign(process.env, {
    AWS_ENDPOINT_URL: motoEndpoint(), AWS_REGION: REGION, AWS_ACCESS_KEY_ID: 'test', AWS_SECRET_ACCESS_KEY: 'test',
    DEEP_HEALTH_CONFIG: JSON.stringify({ region: REGION, cacheMs: 0, faultSwitchParameter: SWITCH, dynamodb: [{ tableName: TABLE, key: { pk: { S: 'k' } } }] }),
  });
  const logs = jest.spyOn(console, 'log').mockImplementation(() => undefined);
  try {
    let handler!: (e: unknown) => Promise<AlbResponse>;
    jest.isolateModules(() => { handler = require('../../../lambda/deep-health/index').handler; });
    const event = { httpMethod: 'GET', path: '/deep-health', headers: { 'user-agent': 'ELB-HealthChecker/2.0' } };
    expect(await handler(event)).toEqual({
      statusCode: 200, statusDescription: '200 OK', headers: { 'content-type': 'text/plain', 'cache-control': 'no-store' }, body: 'healthy', isBase64Encoded: false,
    });
    await ssm.send(new PutParameterCommand({ Name: SWITCH, Type: 'String', Overwrite: true, Value: '{"fail":true,"by":"test"}' }));
    const down = await handler(event);
    expect(down).toMatchObject({ statusCode: 503, body: 'unhealthy' });
    expect(JSON.stringify(down)).not.toContain('fault switch');
    // The reason is in the log.
    expect(logs.mock.calls.map((c) => String(c[0])).join('\n')).toContain('fault switch');
  } finally {
    await ssm.send(new PutParameterCommand({ Name: SWITCH, Type: 'String', Overwrite: true, Value: '{"fail":false}' }));
    logs.mockRestore();
    process.env = env;
  }
});
