import { Match, Template } from 'aws-cdk-lib/assertions';
import { LagProbeDatabase, PostgresLagProbeDatabaseOptions, ReplicationLagProbe } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';

const BASE: PostgresLagProbeDatabaseOptions = {
  writerRegion: 'us-east-1', writerConnectionString: 'postgres://probe@writer.example.com:5432/app',
  readerRegion: 'us-east-2', readerConnectionString: 'postgres://probe@reader.example.com:5432/app',
};

function probeOf(options: Partial<PostgresLagProbeDatabaseOptions> = {}, app = newTestApp()) {
  const stack = stackIn(app, 'Probe', 'us-east-1');
  const probe = new ReplicationLagProbe(stack, 'Lag', { database: LagProbeDatabase.postgres({ ...BASE, ...options }) });
  return { probe, template: Template.fromStack(stack) };
}

test('metrics and alarms carry the database\'s identity, so two databases on one Region pair keep apart', () => {
  const app = newTestApp();
  const stack = stackIn(app, 'Probe', 'us-east-1');
  const a = new ReplicationLagProbe(stack, 'A', { database: LagProbeDatabase.postgres({ ...BASE, name: 'orders' }) });
  const b = new ReplicationLagProbe(stack, 'B', { database: LagProbeDatabase.postgres(BASE) });
  expect(a.metricLag().dimensions).toEqual({ Database: 'orders', WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' });
  // By default the writer's host names the database.
  expect(b.metricLag().dimensions).toEqual({ Database: 'writer.example.com', WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' });
  const fns = Template.fromStack(stack).findResources('AWS::Lambda::Function', { Properties: { Description: Match.stringLikeRegexp('Replication-lag') } });
  const configs = Object.values(fns).map((fn) => JSON.parse(fn.Properties.Environment.Variables.LAG_PROBE_CONFIG));
  const config = configs.find((c) => c.database === 'orders');
  expect(config).toBeDefined();
  expect(configs.map((c) => c.database).sort()).toEqual(['orders', 'writer.example.com']);
});

test('trusts the Amazon RDS CAs (NODE_EXTRA_CA_CERTS, as Lambda\'s Node.js 20+ runtimes need) and keeps sslmode in the connection string', () => {
  const { template } = probeOf({ writerConnectionString: 'postgres://probe@writer.example.com:5432/app?sslmode=require' });
  template.hasResourceProperties('AWS::Lambda::Function', {
    Runtime: 'nodejs24.x',
    Environment: { Variables: Match.objectLike({ NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem', LAG_PROBE_CONFIG: Match.stringLikeRegexp('sslmode=require') }) },
  });
});

test('a writer that refuses the heartbeat as read-only has an alarm of its own', () => {
  const { probe, template } = probeOf({ name: 'ledger' });
  expect(probe.metricWriterReadOnly().dimensions).toEqual({ Database: 'ledger', WriterRegion: 'us-east-1', ReaderRegion: 'us-east-2' });
  template.hasResourceProperties('AWS::CloudWatch::Alarm', {
    MetricName: 'WriterReadOnly', Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
  });
});

describe('refuses probe wiring that cannot work, naming the value and what is valid', () => {
  test.each<[string, Partial<PostgresLagProbeDatabaseOptions>, RegExp]>([
    ['a password in the writer\'s connection string', { writerConnectionString: 'postgres://probe:s3cret@writer.example.com:5432/app' },
      /writerConnectionString holds a password \(postgres:\/\/probe:\*\*\*\*@writer.example.com:5432\/app\).*give the password in passwordSecret/],
    ['a password as a query parameter', { readerConnectionString: 'postgres://probe@reader.example.com:5432/app?password=s3cret' },
      /readerConnectionString holds a password \(.*password=\*\*\*\*\)/],
    ['a name CloudWatch refuses as a dimension value', { name: '' }, /name '' is not valid; give 1 to 255 printable ASCII characters/],
  ])('%s', (_what, options, error) => {
    expect(() => LagProbeDatabase.postgres({ ...BASE, ...options })).toThrow(error);
  });

  test('the password never reaches the message', () => {
    expect(() => LagProbeDatabase.postgres({ ...BASE, writerConnectionString: 'postgres://probe:s3cret@writer.example.com:5432/app' })).toThrow(expect.objectContaining({
      message: expect.not.stringContaining('s3cret'),
    }));
  });
});
