import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import { AuroraGlobalDatabase, DataClass, DataResidency, DataResidencyGuard, DynamoDbGlobalTable, GlobalTableConsistency, MultiRegionApp, Posture } from '../../lib';
import { newTestApp } from '../helpers/app';

const EU = ['eu-west-1', 'eu-central-1'];

function tableApp(activeRegions: string[]) {
  const app = newTestApp();
  new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: EU }] });
  const topology = new MultiRegionApp(app, 'Topology', { activeRegions, account: '111111111111', stackNamePrefix: 'crm' });
  const table = new DynamoDbGlobalTable(topology, 'Customers', { topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING } });
  // The table resource lives in its home Region's stack, not under the construct.
  DataResidency.tag(table.table, DataClass.PII);
  return app;
}

describe('DataResidencyGuard and global stores', () => {
  test('rejects a tagged global table with a replica outside the allowed Regions, naming it', () => {
    const app = tableApp(['eu-west-1', 'us-east-1']);
    expect(() => app.synth()).toThrow(/Customers.*\(AWS::DynamoDB::GlobalTable, multi-region:data-class=PII\) has a replica in us-east-1; PII data may live only in eu-west-1, eu-central-1/);
  });

  test('allows a tagged global table whose replicas are all in allowed Regions', () => {
    const app = tableApp(EU);
    expect(() => app.synth()).not.toThrow();
  });

  test('an Aurora global database tagged PII with its secondary outside the allowed Regions fails on the secondary cluster', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }] });
    const topology = new MultiRegionApp(app, 'Topology', {
      activeRegions: EU, posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'eu-west-1', account: '111111111111', stackNamePrefix: 'crm',
    });
    const db = new AuroraGlobalDatabase(topology, 'Db', { topology });
    for (const region of EU) DataResidency.tag(db.regionScope(region), DataClass.PII);
    expect(() => app.synth()).toThrow(/eu-central-1\/Db\/Cluster \(AWS::RDS::DBCluster, multi-region:data-class=PII\) is in eu-central-1; PII data may live only in eu-west-1/);
  });

  test('a tagged secret replicated outside the allowed Regions fails, naming the Region', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }] });
    const topology = new MultiRegionApp(app, 'Topology', {
      activeRegions: EU, posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'eu-west-1', account: '111111111111', stackNamePrefix: 'crm',
    });
    const db = new AuroraGlobalDatabase(topology, 'Db', { topology });
    DataResidency.tag(db.regionScope('eu-west-1'), DataClass.PII);
    expect(() => app.synth()).toThrow(/AWS::SecretsManager::Secret, multi-region:data-class=PII\) is replicated to eu-central-1; PII data may live only in eu-west-1/);
  });

  test('a tagged strongly consistent table whose witness is outside the allowed Regions fails, naming the witness', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-west-2'] }] });
    const topology = new MultiRegionApp(app, 'Topology', { activeRegions: ['eu-west-1', 'eu-west-2'], witnessRegion: 'eu-west-3', account: '111111111111', stackNamePrefix: 'crm' });
    const table = new DynamoDbGlobalTable(topology, 'Customers', {
      topology, partitionKey: { name: 'pk', type: dynamodb.AttributeType.STRING }, consistency: GlobalTableConsistency.STRONG,
    });
    DataResidency.tag(table.table, DataClass.PII);
    expect(() => app.synth()).toThrow(/has witness Region eu-west-3; PII data may live only in eu-west-1, eu-west-2/);
  });
});
