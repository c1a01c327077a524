import { App, CustomResource, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as dsql from 'aws-cdk-lib/aws-dsql';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { DataClass, DataResidency, DataResidencyGuard } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

const EU = ['eu-west-1', 'eu-central-1'];

function guardPii(app: App): DataResidencyGuard {
  return new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: EU }] });
}

function piiBucket(stack: Stack): s3.CfnBucket {
  const bucket = new s3.CfnBucket(stack, 'Customers');
  DataResidency.tag(bucket, DataClass.PII);
  return bucket;
}

describe('DataResidency.tag', () => {
  test('tags the resources under a construct with multi-region:data-class', () => {
    const app = newTestApp();
    const bucket = piiBucket(stackIn(app, 'Ireland', 'eu-west-1'));
    Template.fromStack(Stack.of(bucket)).hasResourceProperties('AWS::S3::Bucket', {
      Tags: [{ Key: 'multi-region:data-class', Value: 'PII' }],
    });
    expect(DataResidency.dataClassOf(bucket)).toBe('PII');
  });
});

describe('DataResidencyGuard', () => {
  test('allows tagged resources in an allowed Region', () => {
    const app = newTestApp();
    guardPii(app);
    piiBucket(stackIn(app, 'Ireland', 'eu-west-1'));
    piiBucket(stackIn(app, 'Frankfurt', 'eu-central-1'));
    expect(() => app.synth()).not.toThrow();
  });

  test('ignores untagged resources in any Region', () => {
    const app = newTestApp();
    guardPii(app);
    new s3.CfnBucket(stackIn(app, 'Virginia', 'us-east-1'), 'Assets');
    expect(() => app.synth()).not.toThrow();
  });

  test('rejects a tagged resource in a stack of another Region, naming it, its Region and the allowed Regions', () => {
    const app = newTestApp();
    guardPii(app);
    piiBucket(stackIn(app, 'Virginia', 'us-east-1'));
    expect(() => app.synth()).toThrow(
      'Virginia/Customers (AWS::S3::Bucket, multi-region:data-class=PII) is in us-east-1; PII data may live only in eu-west-1, eu-central-1.');
  });

  test('rejects a tagged resource in an environment-agnostic stack', () => {
    const app = newTestApp();
    guardPii(app);
    piiBucket(stackIn(app, 'Anywhere', undefined));
    expect(() => app.synth()).toThrow(/Anywhere\/Customers .* is in an environment-agnostic stack/);
  });

  test('rejects a data class no rule covers', () => {
    const app = newTestApp();
    guardPii(app);
    DataResidency.tag(new s3.CfnBucket(stackIn(app, 'Ireland', 'eu-west-1'), 'Payments'), DataClass.FINANCIAL);
    expect(() => app.synth()).toThrow(/Ireland\/Payments .*no rule of this guard covers data class 'FINANCIAL'/);
  });

  test('rejects a tagged DSQL cluster whose witness Region is outside the allowed Regions', () => {
    const app = newTestApp();
    guardPii(app);
    const cluster = new dsql.CfnCluster(stackIn(app, 'Ireland', 'eu-west-1'), 'Orders', {
      deletionProtectionEnabled: true, multiRegionProperties: { witnessRegion: 'us-west-2' },
    });
    DataResidency.tag(cluster, DataClass.PII);
    expect(() => app.synth()).toThrow(/Ireland\/Orders \(AWS::DSQL::Cluster, multi-region:data-class=PII\) has witness Region us-west-2/);
  });

  test('allows a tagged DSQL cluster peered and witnessed inside the allowed Regions', () => {
    const app = newTestApp();
    new DataResidencyGuard(app, 'Residency', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-central-1', 'eu-west-2'] }] });
    const cluster = new dsql.CfnCluster(stackIn(app, 'Ireland', 'eu-west-1'), 'Orders', {
      deletionProtectionEnabled: true,
      multiRegionProperties: { witnessRegion: 'eu-west-2', clusters: ['arn:aws:dsql:eu-central-1:111111111111:cluster/abcdefghijklmnopqrstuvwxyz'] },
    });
    DataResidency.tag(cluster, DataClass.PII);
    expect(() => app.synth()).not.toThrow();
  });

  test('rejects a tagged DSQL cluster peered with a cluster outside the allowed Regions', () => {
    const app = newTestApp();
    guardPii(app);
    const cluster = new dsql.CfnCluster(stackIn(app, 'Ireland', 'eu-west-1'), 'Orders', {
      deletionProtectionEnabled: true,
      multiRegionProperties: { witnessRegion: 'eu-central-1', clusters: ['arn:aws:dsql:us-east-1:111111111111:cluster/abcdefghijklmnopqrstuvwxyz'] },
    });
    DataResidency.tag(cluster, DataClass.PII);
    expect(() => app.synth()).toThrow(/Ireland\/Orders .* peers with a cluster in us-east-1/);
  });

  test('rejects a peering custom resource that takes a tagged cluster to another Region', () => {
    const app = newTestApp();
    guardPii(app);
    const stack = stackIn(app, 'Ireland', 'eu-west-1');
    const cluster = new dsql.CfnCluster(stack, 'Orders', { deletionProtectionEnabled: true });
    DataResidency.tag(cluster, DataClass.PII);
    new CustomResource(stack, 'Peering', {
      resourceType: 'Custom::DsqlPeering',
      serviceToken: 'arn:aws:lambda:eu-west-1:111111111111:function:peering',
      properties: { ClusterArn: cluster.attrResourceArn, PeerRegion: 'us-east-1', WitnessRegion: 'eu-central-1' },
    });
    expect(() => app.synth()).toThrow(/Ireland\/Peering\/Default \(Custom::DsqlPeering\) takes Ireland\/Orders .* and names us-east-1/);
  });

  test('rejects a cross-Region reference that exports a tagged value to another Region', () => {
    const app = newTestApp();
    guardPii(app);
    const bucket = piiBucket(stackIn(app, 'Ireland', 'eu-west-1'));
    new ssm.StringParameter(stackIn(app, 'Virginia', 'us-east-1'), 'BucketName', { stringValue: bucket.ref });
    expect(() => app.synth()).toThrow(/Ireland\/Customers \(multi-region:data-class=PII\) is exported to us-east-1 by a cross-Region reference/);
  });

  test('allows a cross-Region reference between allowed Regions', () => {
    const app = newTestApp();
    guardPii(app);
    const bucket = piiBucket(stackIn(app, 'Ireland', 'eu-west-1'));
    new ssm.StringParameter(stackIn(app, 'Frankfurt', 'eu-central-1'), 'BucketName', { stringValue: bucket.ref });
    expect(() => app.synth()).not.toThrow();
  });

  test.each([
    [{ rules: [] }, /has no rules/],
    [{ rules: [{ dataClass: DataClass.PII, allowedRegions: [] }] }, /allowedRegions is empty/],
    [{ rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-9'] }] }, /allowedRegions\[0\] 'eu-west-9' is not a known AWS Region code/],
    [{ rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1', 'eu-west-1'] }] }, /lists 'eu-west-1' twice/],
    [{ rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-1'] }, { dataClass: DataClass.PII, allowedRegions: ['eu-central-1'] }] }, /has a rule already/],
  ])('rejects invalid props %#', (props, error) => {
    expect(() => new DataResidencyGuard(newTestApp(), 'Residency', props)).toThrow(error);
  });

  test('DataClass.of rejects a name that cannot be a tag value', () => {
    expect(() => DataClass.of('no spaces!')).toThrow(/DataClass name 'no spaces!' is not valid/);
    expect(DataClass.of('CUSTOMER_CONTENT').name).toBe('CUSTOMER_CONTENT');
  });
});
