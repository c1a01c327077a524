import { App, Duration, Validations } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { AcceleratorRouting, RecoveryObjectives, RecoveryTier } from '../../lib';
import { newTestApp, stackIn } from '../helpers/app';
import { multiRegionFindings } from '../helpers/nag';
import { importedRegions, newTopology } from '../routing/fixture';

// The failover rules of MultiRegionChecks (DNS4, GA3), in the shape of rules.test.ts.

type Fixture = (app: App) => string;
interface Case { readonly rule: string; readonly severity: 'error' | 'warning'; readonly compliant: Fixture; readonly nonCompliant: Fixture; readonly newApp?: () => App }

const ZONE = 'Z0EXAMPLE0000000000';

function latencyRecord(app: App, ttl: string, withCheck = true): string {
  const stack = stackIn(app, 'S', 'us-east-1');
  const check = withCheck ? new route53.CfnHealthCheck(stack, 'Check', {
    healthCheckConfig: { type: 'HTTPS', fullyQualifiedDomainName: 'use1.example.com', requestInterval: 30, failureThreshold: 3 },
  }) : undefined;
  new route53.CfnRecordSet(stack, 'Record', {
    hostedZoneId: ZONE, name: 'api.example.com', type: 'CNAME', ttl, resourceRecords: ['use1.example.com'], setIdentifier: 'use1', region: 'us-east-1',
    healthCheckId: check?.attrHealthCheckId,
  });
  return 'S/Record';
}

const CASES: Case[] = [
  {
    rule: 'MultiRegion-DNS4',
    severity: 'warning',
    // 30 s x 3 + 60 s = 150 s, within the 300 s bound used without objectives.
    compliant: (app) => latencyRecord(app, '60'),
    // A latency record cached for a day.
    nonCompliant: (app) => latencyRecord(app, '86400'),
  },
  {
    rule: 'MultiRegion-DNS4',
    severity: 'warning',
    // With a PAYMENT RTO of 60 s, 30 s x 3 + 60 s = 150 s is too slow; without the check, 60 s fits.
    compliant: (app) => {
      new RecoveryObjectives(app, 'Objectives', { rto: Duration.seconds(60), rpo: Duration.seconds(0) });
      return latencyRecord(app, '60', false);
    },
    nonCompliant: (app) => {
      new RecoveryObjectives(app, 'Objectives', { tier: RecoveryTier.PAYMENT });
      return latencyRecord(app, '60');
    },
  },
  {
    rule: 'MultiRegion-GA3',
    severity: 'warning',
    compliant: (app) => accelerated(app, Duration.seconds(20)),
    nonCompliant: (app) => accelerated(app),
  },
];

/** An accelerator in front of imported load balancers, with or without their target-health time. */
function accelerated(app: App, targetHealthDetection?: Duration): string {
  const { topology } = newTopology(undefined, {}, app);
  new AcceleratorRouting(topology.acceleratorStack, 'Accelerator', {
    topology, regions: importedRegions(topology).map((r) => ({ ...r, targetHealthDetection })),
  });
  return 'Shop/accelerator/Accelerator/Accelerator/Listener/EndpointGroup-us-east-1/Resource';
}

describe.each(CASES)('$rule', ({ rule, severity, compliant, nonCompliant }) => {
  test('reports the non-compliant resource at its construct path', () => {
    const app = newTestApp();
    const path = nonCompliant(app);
    expect(multiRegionFindings(app).filter((f) => f.rule === rule).slice(0, 1)).toEqual([{ plugin: 'MultiRegionChecks', rule, severity, path }]);
  });

  test('passes the compliant resource', () => {
    const app = newTestApp();
    compliant(app);
    expect(multiRegionFindings(app).filter((f) => f.rule === rule)).toEqual([]);
  });

  test('is silenced by an acknowledgement with a reason on the resource', () => {
    const app = newTestApp();
    const path = nonCompliant(app);
    // GA3 reports each endpoint group: acknowledge every resource like the one named.
    const pattern = new RegExp(`^${path.replace(/us-east-1/g, '[a-z0-9-]+').replace(/[/]/g, '\\/')}$`);
    for (const construct of app.node.findAll().filter((c) => pattern.test(c.node.path))) {
      Validations.of(construct).acknowledge({ id: `MultiRegionChecks::${rule}`, reason: 'fixture: accepted on purpose' });
    }
    expect(multiRegionFindings(app).filter((f) => f.rule === rule)).toEqual([]);
  });
});
