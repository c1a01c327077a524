import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { LagProbeDatabase, MultiRegionApp, MultiRegionProbes } from '../lib';
import { CONTEXT, requireContext } from './context';

/**
 * The default example: us-east-1 and us-east-2 active, us-west-2 as witness, with the
 * placeholder account and domain from cdk.json, checked by cdk-nag's AwsSolutions pack.
 */
export function buildDefaultApp(app: App): MultiRegionApp {
  const topology = new MultiRegionApp(app, 'MultiRegion', {
    activeRegions: ['us-east-1', 'us-east-2'],
    witnessRegion: 'us-west-2',
    account: requireContext(app, CONTEXT.account),
    stackNamePrefix: 'multi-region',
  });
  addProbes(app, topology);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return topology;
}

// ---- Probes (lib/probes) ------------------------------------------------------------------
/**
 * PLACEHOLDER DSQL endpoints until the data part is wired in: context
 * `multi-region-cdk:probes:dsql` may override them with
 * `{ "<region>": { "endpoint": "...", "clusterArn": "..." } }`.
 */
function placeholderDsqlCluster(app: App, account: string, region: string): { endpoint: string; clusterArn: string } {
  const fromContext = app.node.tryGetContext('multi-region-cdk:probes:dsql')?.[region];
  return fromContext ?? {
    endpoint: `placeholder0000000000000000.dsql.${region}.on.aws`,
    clusterArn: `arn:aws:dsql:${region}:${account}:cluster/placeholder0000000000000000`,
  };
}

/** A health probe per active Region (https://<region>.<domain>/health) and lag probes both ways. */
function addProbes(app: App, topology: MultiRegionApp): MultiRegionProbes {
  const domain = requireContext(app, CONTEXT.domainName);
  const account = requireContext(app, CONTEXT.account);
  const [a, b] = topology.activeRegions;
  const dsql = (writer: string, reader: string) => {
    const w = placeholderDsqlCluster(app, account, writer);
    const r = placeholderDsqlCluster(app, account, reader);
    return LagProbeDatabase.dsql({
      writerRegion: writer, writerEndpoint: w.endpoint, writerClusterArn: w.clusterArn,
      readerRegion: reader, readerEndpoint: r.endpoint, readerClusterArn: r.clusterArn,
    });
  };
  return new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region) => ({
      region,
      targets: [{ name: 'api', url: `https://${region}.${domain}/health` }],
    })),
    lagDatabases: [dsql(a, b), dsql(b, a)],
  });
}
