import { CreateSecretCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { checkSecretReplication, secretReplicationMetricData } from '../../../lambda/lag-probe/secret-replication';
import { awsClientConfig, motoEndpoint } from '../harness/endpoints';

/**
 * The lag probe's check of a replicated secret (Secrets Manager DescribeSecret ReplicationStatus),
 * against moto's Secrets Manager, which replicates into other Regions and reports a replica whose
 * name is taken in its Region as Failed, as Secrets Manager does.
 */
let primary: SecretsManagerClient;
let standby: SecretsManagerClient;

beforeAll(() => {
  primary = new SecretsManagerClient(awsClientConfig(motoEndpoint(), 'eu-west-1'));
  standby = new SecretsManagerClient(awsClientConfig(motoEndpoint(), 'eu-central-1'));
});
afterAll(() => {
  primary?.destroy();
  standby?.destroy();
});

test('a replica in sync reads InSync and publishes SecretReplicaInSync = 1', async () => {
  const name = `ledger-db/master-${Date.now()}`;
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: '{"password":"x"}', AddReplicaRegions: [{ Region: 'eu-central-1' }] }));
  const states = await checkSecretReplication(primary, { secretId: name, region: 'eu-west-1', replicaRegions: ['eu-central-1'] });
  expect(states).toEqual([expect.objectContaining({ region: 'eu-central-1', inSync: true, status: 'InSync' })]);
  expect(secretReplicationMetricData(states, new Date(0), 'ledger-db')).toEqual([expect.objectContaining({
    MetricName: 'SecretReplicaInSync', Value: 1,
    Dimensions: [{ Name: 'Database', Value: 'ledger-db' }, { Name: 'ReplicaRegion', Value: 'eu-central-1' }],
  })]);
});

test('a replica that failed (its name taken in the standby Region) reads Failed, with the reason, and publishes 0', async () => {
  const name = `ledger-db/taken-${Date.now()}`;
  await standby.send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: '{"password":"x"}', AddReplicaRegions: [{ Region: 'eu-central-1' }] }));
  const states = await checkSecretReplication(primary, { secretId: name, region: 'eu-west-1', replicaRegions: ['eu-central-1'] });
  expect(states).toEqual([expect.objectContaining({ region: 'eu-central-1', inSync: false, status: 'Failed', message: expect.stringMatching(/already exists/) })]);
  expect(secretReplicationMetricData(states, new Date(0)).map((d) => d.Value)).toEqual([0]);
});

test('no replica in the Region, or a secret that cannot be read, is not in sync either (never thrown)', async () => {
  const name = `ledger-db/single-${Date.now()}`;
  await primary.send(new CreateSecretCommand({ Name: name, SecretString: '{}' }));
  expect(await checkSecretReplication(primary, { secretId: name, region: 'eu-west-1', replicaRegions: ['eu-central-1'] }))
    .toEqual([expect.objectContaining({ inSync: false, status: 'NoReplica' })]);
  expect(await checkSecretReplication(primary, { secretId: 'no-such-secret', region: 'eu-west-1', replicaRegions: ['eu-central-1'] }))
    .toEqual([expect.objectContaining({ inSync: false, status: 'DescribeSecretFailed', message: expect.stringMatching(/ResourceNotFound/) })]);
});
