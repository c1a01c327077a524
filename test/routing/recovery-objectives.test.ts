import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { Construct } from 'constructs';
import { AcceleratorRouting, DnsRouting, IReplicatedDataStore, RecoveryObjectives, RecoveryTier, ReplicationMode } from '../../lib';
import { constructRegions, importedRegions, newTopology, zoneIn } from './fixture';

/** An asynchronous store whose lag alarm fires at 120 s. */
class LaggingStore extends Construct implements IReplicatedDataStore {
  public readonly replicationMode = ReplicationMode.ASYNCHRONOUS;
  public readonly worstCaseRpoSeconds = 120;
  public readonly rpoBasis = 'lag alarm threshold 120 s';
}

/** A synchronous store (as DsqlPeeredClusters declares itself; the default-app test checks DSQL). */
class SyncStore extends Construct implements IReplicatedDataStore {
  public readonly replicationMode = ReplicationMode.SYNCHRONOUS;
  public readonly worstCaseRpoSeconds = 0;
  public readonly rpoBasis = 'synchronous';
}

/** Routing whose alarms fire within 30 s + 2 x 60 s (2 of 2: Route 53 refuses M-out-of-N alarms). */
function app(opts: { imported?: boolean } = {}) {
  const fixture = newTopology();
  const { topology } = fixture;
  const regions = (opts.imported ? importedRegions(topology) : constructRegions(topology)).map((r) => ({
    ...r,
    healthAlarm: new cloudwatch.Alarm(topology.regionalStack(r.region), 'Unhealthy', {
      metric: new cloudwatch.Metric({ namespace: 'T', metricName: 'RegionHealthy', period: Duration.minutes(1) }),
      threshold: 1, evaluationPeriods: 2, datapointsToAlarm: 2, comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
    }),
    healthAlarmTiming: { metricInterval: Duration.seconds(30), period: Duration.minutes(1), datapointsToAlarm: 2 },
  }));
  new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions, alarmHealthCheckDelay: Duration.seconds(20) });
  new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', { topology, regions });
  return fixture;
}

describe('RecoveryObjectives', () => {
  test('ECOMMERCE (RTO 5 min, RPO 1 min) is met by DNS at 290 s, the accelerator at 255 s and a synchronous store', () => {
    const { app: cdkApp, topology } = app();
    const objectives = new RecoveryObjectives(topology, 'Objectives', { tier: RecoveryTier.ECOMMERCE, dataStores: [new SyncStore(topology, 'Sync')] });
    expect(() => cdkApp.synth()).not.toThrow();
    expect(objectives.brokenObjectives()).toEqual([]);
    expect([objectives.tierName, objectives.rtoSeconds, objectives.rpoSeconds]).toEqual(['ECOMMERCE', 300, 60]);
  });

  test('PAYMENT (RTO 1 min) fails synth, naming each path, Region and term', () => {
    const { app: cdkApp, topology } = app();
    new RecoveryObjectives(topology, 'Objectives', { tier: RecoveryTier.PAYMENT });
    let message = '';
    try {
      cdkApp.synth();
    } catch (err) {
      message = String((err as Error).message);
    }
    expect(message).toMatch(/Recovery objectives \(PAYMENT: RTO 60 s, RPO 0 s\) are not met/);
    expect(message).toMatch(/dns path \(Shop\/global\/Dns\): worst case 290 s exceeds the RTO of 60 s: us-east-1 290 s = max\(endpoint check .*alarm: datapoints to alarm x period 120 s.*resolver cache: TTL of the load balancer alias answer 60 s/);
    expect(message).toMatch(/accelerator path \(Shop\/accelerator\/Accelerator\): worst case 255 s exceeds the RTO of 60 s: .*controller run \(its Lambda timeout\) 15 s/);
  });

  test('an asynchronous store whose lag alarm allows 120 s breaks an RPO of 60 s', () => {
    const { topology } = app();
    const store = new LaggingStore(topology, 'Store');
    const objectives = new RecoveryObjectives(topology, 'Objectives', { rto: Duration.minutes(10), rpo: Duration.minutes(1), dataStores: [store] });
    expect(objectives.brokenObjectives()).toEqual([
      'data store Shop/Store (ASYNCHRONOUS): worst-case RPO 120 s exceeds the RPO of 60 s (lag alarm threshold 120 s)',
    ]);
  });

  test('UNKNOWN terms cannot meet any RTO', () => {
    const { topology } = app({ imported: true });
    const objectives = new RecoveryObjectives(topology, 'Objectives', { tier: RecoveryTier.ANALYTICS });
    const broken = objectives.brokenObjectives();
    expect(broken).toHaveLength(2);
    expect(broken[0]).toMatch(/^accelerator path .*us-east-1: the worst case cannot be checked .* UNKNOWN: target health: ELB target health/);
  });

  test('needs a tier or both an RTO and an RPO', () => {
    const { topology } = newTopology();
    expect(() => new RecoveryObjectives(topology, 'Objectives', { rto: Duration.minutes(1) })).toThrow(/has no RPO; give a tier/);
  });
});
