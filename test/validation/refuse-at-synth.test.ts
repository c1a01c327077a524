import { App, Stack } from 'aws-cdk-lib';
import { DataClass, DataResidencyGuard, DsqlCluster, DsqlPeeredClusters, MultiRegionApp, MultiRegionTopology, RegionalKey } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';
import { validationErrorOf } from '../helpers/errors';

// What AWS would refuse at deploy (or what would mislead an operator) is refused at synth with
// aws-cdk-lib's ValidationError: the construct path, the bad value and what is valid.

const US = { activeRegions: ['us-east-1', 'us-east-2'], witnessRegion: 'us-west-2', account: '111111111111' };

describe('stack names', () => {
  test('a stackNamePrefix whose longest stack name passes 128 characters is refused, naming the name and the longest valid prefix', () => {
    const prefix = 'p'.repeat(117); // p...-accelerator = 129 characters
    const error = validationErrorOf(() => new MultiRegionApp(newTestApp(), 'App', { ...US, stackNamePrefix: prefix }));
    expect(error.code).toBe('StackNameTooLong');
    expect(error.constructPath).toBe('App');
    expect(error.message).toContain(`the stack name '${prefix}-accelerator' has 129 characters and CloudFormation accepts at most 128; use a prefix of at most 116 characters`);
    expect(() => new MultiRegionApp(newTestApp(), 'App', { ...US, stackNamePrefix: 'p'.repeat(116) })).not.toThrow();
  });

  test('a stackNamePrefix with characters CloudFormation refuses is a ValidationError', () => {
    const error = validationErrorOf(() => new MultiRegionApp(newTestApp(), 'App', { ...US, stackNamePrefix: 'my_app' }));
    expect(error.code).toBe('InvalidStackNamePrefix');
    expect(error.message).toMatch(/stackNamePrefix 'my_app' is not valid/);
  });
});

describe('Region-bound constructs in Region-agnostic stacks', () => {
  test('a RegionalKey in an environment-agnostic stack', () => {
    const app = new App();
    const error = validationErrorOf(() => new RegionalKey(new Stack(app, 'Anywhere'), 'Key'));
    expect(error.code).toBe('RegionBoundInAgnosticStack');
    expect(error.message).toMatch(/RegionalKey 'Key' belongs to one Region, but stack Anywhere has no concrete Region/);
  });

  test('a DsqlCluster in an environment-agnostic stack', () => {
    const app = new App();
    const key = new RegionalKey(stackIn(app, 'East', 'us-east-1'), 'Key');
    const error = validationErrorOf(() => new DsqlCluster(new Stack(app, 'Anywhere'), 'Cluster', { encryptionKey: key }));
    expect(error.code).toBe('RegionBoundInAgnosticStack');
    expect(error.constructPath).toBe('Anywhere');
  });
});

describe('converted errors carry the construct path', () => {
  test.each([
    ['MultiRegionApp: one active Region', () => new MultiRegionApp(newTestApp(), 'App', { activeRegions: ['us-east-1'] }), 'TooFewActiveRegions', 'App'],
    ['MultiRegionApp: an unknown Region', () => new MultiRegionApp(newTestApp(), 'App', { activeRegions: ['us-east-1', 'us-east-9'] }), 'UnknownRegion', 'App'],
    ['MultiRegionTopology: a stack without a Region', () => {
      const app = newTestApp();
      return new MultiRegionTopology(app, 'Topology', { regionalStacks: [stackIn(app, 'E', 'us-east-1'), new Stack(app, 'Agnostic')] });
    }, 'StackWithoutRegion', 'Topology'],
    ['DsqlPeeredClusters: a witness outside the Region set', () => {
      const app = newTestApp();
      const topology = new MultiRegionApp(app, 'App', { ...US, witnessRegion: 'eu-west-1' });
      return new DsqlPeeredClusters(topology, 'Db', { topology });
    }, 'UnsupportedWitness', 'App/Db'],
    ['DataResidencyGuard: no rules', () => new DataResidencyGuard(newTestApp(), 'Guard', { rules: [] }), 'NoResidencyRules', 'Guard'],
    ['DataResidencyGuard: an unknown Region', () => new DataResidencyGuard(newTestApp(), 'Guard', { rules: [{ dataClass: DataClass.PII, allowedRegions: ['eu-west-9'] }] }), 'UnknownRegion', 'Guard'],
  ])('%s', (_name, build, code, path) => {
    const error = validationErrorOf(build);
    expect(error.code).toBe(code);
    expect(error.constructPath).toBe(path);
  });
});
