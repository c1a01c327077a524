import { Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { MultiRegionApp, MultiRegionAppProps, Posture } from '../../lib';
import { newTestApp } from '../helpers/app';

const base: MultiRegionAppProps = {
  activeRegions: ['us-east-1', 'us-east-2'],
  witnessRegion: 'us-west-2',
  account: '111111111111',
  stackNamePrefix: 'shop',
};

function build(props: Partial<MultiRegionAppProps> = {}): MultiRegionApp {
  return new MultiRegionApp(newTestApp(), 'Shop', { ...base, ...props });
}

describe('MultiRegionApp stacks', () => {
  test('one stack per active Region plus the global stacks, in the mandated Regions, with deterministic names', () => {
    const topology = build({ activeRegions: ['eu-west-1', 'eu-central-1', 'us-east-1'], witnessRegion: undefined });
    expect(topology.regionalStacks.map((s) => [s.stackName, s.region, s.account])).toEqual([
      ['shop-eu-west-1', 'eu-west-1', '111111111111'],
      ['shop-eu-central-1', 'eu-central-1', '111111111111'],
      ['shop-us-east-1', 'us-east-1', '111111111111'],
    ]);
    expect([topology.globalStack.stackName, topology.globalStack.region]).toEqual(['shop-global', 'us-east-1']);
    expect([topology.acceleratorStack.stackName, topology.acceleratorStack.region]).toEqual(['shop-accelerator', 'us-west-2']);
    expect(topology.allStacks).toHaveLength(5);
  });

  test('the global stacks exist only once used', () => {
    const topology = build();
    expect(topology.allStacks.map((s) => s.stackName)).toEqual(['shop-us-east-1', 'shop-us-east-2']);
    expect(topology.globalStack).toBe(topology.globalStack);
    expect(topology.allStacks.map((s) => s.stackName)).toEqual(['shop-us-east-1', 'shop-us-east-2', 'shop-global']);
  });

  test('the witness Region gets no stack', () => {
    const topology = build({ witnessRegion: 'eu-west-1' });
    topology.globalStack;
    topology.acceleratorStack;
    expect(topology.witnessRegion).toBe('eu-west-1');
    expect(topology.allStacks.map((s) => s.region)).toEqual(['us-east-1', 'us-east-2', 'us-east-1', 'us-west-2']);
  });

  test('the stack name prefix defaults to the construct id', () => {
    const topology = new MultiRegionApp(newTestApp(), 'Payments', { activeRegions: ['us-east-1', 'us-west-2'] });
    expect(topology.regionalStack('us-west-2').stackName).toBe('Payments-us-west-2');
  });

  test('without an account the stacks are environment-agnostic in account but fixed in Region', () => {
    const topology = build({ account: undefined });
    const stack = topology.regionalStack('us-east-2');
    expect(stack.region).toBe('us-east-2');
    expect(stack.environment).toBe('aws://unknown-account/us-east-2');
  });

  test('active-passive exposes the primary and the standbys, and tags each stack with its role', () => {
    const topology = build({ activeRegions: ['us-east-1', 'us-east-2', 'us-west-1'], posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'us-east-2' });
    expect(topology.primaryRegion).toBe('us-east-2');
    expect(topology.standbyRegions).toEqual(['us-east-1', 'us-west-1']);
    const roleOfKey = (region: string) => Template.fromStack(topology.regionalStack(region)).hasResourceProperties('AWS::KMS::Key', {
      Tags: Match.arrayWith([{ Key: 'multi-region:region-role', Value: region === 'us-east-2' ? 'primary' : 'standby' }]),
    });
    topology.activeRegions.forEach(roleOfKey);
  });

  test('regionalStack and regionalKey name the active Regions when asked for another', () => {
    const topology = build();
    expect(() => topology.regionalStack('us-west-2')).toThrow(/'us-west-2' is not an active Region.*us-east-1, us-east-2/);
    expect(() => topology.regionalKey('eu-west-1')).toThrow(/'eu-west-1' is not an active Region/);
  });

  test('each regional stack holds its own key, aliased by prefix and Region', () => {
    const topology = build();
    for (const region of topology.activeRegions) {
      const template = Template.fromStack(topology.regionalStack(region));
      template.resourceCountIs('AWS::KMS::Key', 1);
      template.hasResourceProperties('AWS::KMS::Alias', { AliasName: `alias/shop/${region}` });
      expect(Stack.of(topology.regionalKey(region)).region).toBe(region);
    }
  });

  test('cross-Region references are wired: a global stack reading a regional value gets a writer and a reader', () => {
    const topology = build();
    const param = new ssm.StringParameter(topology.regionalStack('us-east-2'), 'Endpoint', { stringValue: 'lb.example' });
    new ssm.StringParameter(topology.acceleratorStack, 'Copy', { stringValue: param.parameterName });
    const producerStack = topology.regionalStack('us-east-2');
    const paramId = producerStack.getLogicalId(param.node.defaultChild as ssm.CfnParameter);
    const writers = Template.fromStack(producerStack).findResources('Custom::CrossRegionExportWriter');
    const writer = Object.values(writers)[0].Properties.WriterProps;
    expect(writer.region).toBe('us-west-2');
    expect(Object.values(writer.exports)).toEqual([{ Ref: paramId }]);
    Template.fromStack(topology.acceleratorStack).hasResourceProperties('AWS::SSM::Parameter', {
      Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('ExportsReader'), Object.keys(writer.exports)[0]] },
    });
    Template.fromStack(topology.acceleratorStack).resourceCountIs('Custom::CrossRegionExportReader', 1);
  });
});

describe('MultiRegionApp validation', () => {
  test('rejects an unknown Region code and lists the candidates', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'us-east-7'] }))
      .toThrow(/activeRegions\[1\] 'us-east-7' is not a known AWS Region code; Regions with that prefix: .*us-east-1, us-east-2/);
  });

  test('rejects an unknown witness Region', () => {
    expect(() => build({ witnessRegion: 'mars-north-1' })).toThrow(/witnessRegion 'mars-north-1' is not a known AWS Region code/);
  });

  test('rejects a Region listed twice', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'us-east-2', 'us-east-1'] }))
      .toThrow(/activeRegions lists 'us-east-1' twice \(us-east-1, us-east-2, us-east-1\)/);
  });

  test('rejects fewer than two active Regions', () => {
    expect(() => build({ activeRegions: ['us-east-1'] })).toThrow(/activeRegions has 1 Region\(s\) \(us-east-1\); a multi-Region app needs at least two/);
  });

  test('rejects a witness equal to an active Region', () => {
    expect(() => build({ witnessRegion: 'us-east-2' })).toThrow(/witnessRegion 'us-east-2' is also an active Region; the witness must be a third Region/);
  });

  test('rejects a primary that is not an active Region', () => {
    expect(() => build({ posture: Posture.ACTIVE_PASSIVE, primaryRegion: 'eu-west-1' }))
      .toThrow(/primaryRegion 'eu-west-1' is not an active Region; choose one of us-east-1, us-east-2/);
  });

  test('rejects a primary given for active-active', () => {
    expect(() => build({ primaryRegion: 'us-east-1' })).toThrow(/primaryRegion 'us-east-1' was given for an active-active app/);
  });

  test('rejects active-passive without a primary', () => {
    expect(() => build({ posture: Posture.ACTIVE_PASSIVE })).toThrow(/active-passive app needs primaryRegion, one of the active Regions: us-east-1, us-east-2/);
  });

  test('rejects Regions of different partitions', () => {
    expect(() => build({ activeRegions: ['us-east-1', 'cn-north-1'], witnessRegion: undefined })).toThrow(/span partitions aws, aws-cn/);
  });

  test('rejects a malformed account and stack name prefix', () => {
    expect(() => build({ account: '1234' })).toThrow(/account '1234' is not an AWS account id/);
    expect(() => build({ stackNamePrefix: 'my_app' })).toThrow(/stackNamePrefix 'my_app' is not valid/);
  });
});
