import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, Stack, Stage, Token, Validations } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { IConstruct } from 'constructs';
import { AlarmTopic } from '../../alarms/alarm-topic';
import { RegionalAuditTrail } from '../../audit/regional-audit-trail';
import { DataResidencyGuard } from '../../compliance/data-residency-guard';
import { resourceDataClass } from '../../compliance/private/resource-data-class';
import { regionOf } from '../../compliance/rules/template';
import { residencyPlacements } from '../../compliance/private/resource-regions';
import { AuroraGlobalDatabase } from '../../data/aurora-global-database';
import { DsqlPeeredClusters } from '../../data/dsql-peered-clusters';
import { DynamoDbGlobalTable, GlobalTableConsistency } from '../../data/dynamodb-global-table';
import { DynamoDbReplicationProbe } from '../../data/dynamodb-replication-probe';
import { IReplicatedDataStore, ReplicationMode } from '../../data/replicated-data-store';
import { RegionEvacuationDrill } from '../../gameday/region-evacuation-drill';
import { RegionSwitchPlan } from '../../gameday/region-switch-plan';
import { RegionalKey } from '../../keys/regional-key';
import { DsqlProbe } from '../../probes/dsql-probe';
import { HealthProbe } from '../../probes/health-probe';
import { ProbesDashboard } from '../../probes/probes-dashboard';
import { ReplicationLagProbe } from '../../probes/replication-lag-probe';
import { AcceleratorRouting } from '../../routing/accelerator-routing';
import { DnsRouting } from '../../routing/dns-routing';
import { FailoverPathBudget } from '../../routing/failover-budget';
import { FailoverBudgetReport } from '../../routing/failover-budget-report';
import { MinimalRegionalEndpoint } from '../../routing/minimal-regional-endpoint';
import { RecoveryObjectives } from '../../routing/recovery-objectives';
import { RegionalEndpoint, RegionalEndpointKind } from '../../routing/regional-endpoint';
import { MultiRegionApp } from '../../topology/multi-region-app';
import { branchesOf } from './branches';
import { IMultiRegionTopology, MultiRegionTopology } from '../../topology/multi-region-topology';
import { Posture } from '../../topology/posture';
import {
  AcknowledgementEntry, DataResidencyEntry, DataStoreEntry, DataStoreMemberRole, DrillEntry, EndpointEntry, ObjectiveCheck, ObjectivesEntry,
  ProbeEntry, REPORT_SCHEMA_VERSION, RegionEntry, RegionRole, ReplicationEdge, ResilienceReportDocument, RoutingPathEntry, ServiceEntry,
} from './schema';
import { compareCodeUnits } from './render-common';

/** Where the witness note comes from: AWS documents that a witness holds the log and no data or endpoint. */
const DSQL_WITNESS_NOTE = 'witness: takes transaction log writes for quorum, holds no storage and has no endpoint '
  + '(Aurora DSQL User Guide, "Resilience in Amazon Aurora DSQL")';
const DSQL_PEER_NOTE = 'a commit returns only once it is durable in both Regions: RPO 0 '
  + '(Aurora DSQL User Guide, "Resilience in Amazon Aurora DSQL": replication is always synchronous)';

/**
 * Builds the resilience report of one Stage from its construct tree, at synth (validation) time,
 * when every construct exists and cross-Region references are rendered.
 */
export function collectReport(report: IConstruct, drillReportFile: string | undefined): ResilienceReportDocument {
  const stage = Stage.of(report)!;
  const nodes = constructsOf(stage);
  const topologies = nodes.filter((c): c is MultiRegionApp | MultiRegionTopology => c instanceof MultiRegionApp || c instanceof MultiRegionTopology);
  const topology: IMultiRegionTopology | undefined = topologies[0];
  const budgets = FailoverBudgetReport.of(report).paths;
  const dns = nodes.filter((c): c is DnsRouting => c instanceof DnsRouting);
  const accelerators = nodes.filter((c): c is AcceleratorRouting => c instanceof AcceleratorRouting);

  const residency = dataResidencyOf(nodes);
  const stores = nodes.filter(isReplicatedDataStore).map((s) => dataStoreOf(s, residency));
  const regions = regionsOf(topology, nodes, stores, dns, accelerators);
  const routing = budgets.map(routingPathOf);
  const objectives = nodes.filter((c): c is RecoveryObjectives => c instanceof RecoveryObjectives).map(objectivesOf);
  const acknowledgements = acknowledgementsOf(nodes, pluginsThatRun(stage));
  const drill = drillReportFile === undefined ? undefined : drillOf(drillReportFile, budgets);

  const rpos = stores.map((s) => s.entry.worstCaseRpoSeconds);
  return {
    schemaVersion: REPORT_SCHEMA_VERSION,
    generator: `multi-region-cdk ${libraryVersion()}`,
    app: {
      name: topology?.stackNamePrefix ?? stage.node.id,
      topologyPath: topology?.node.path ?? '',
      posture: topology?.posture ?? Posture.ACTIVE_ACTIVE,
      activeRegions: [...(topology?.activeRegions ?? [])],
      ...(topology?.primaryRegion !== undefined ? { primaryRegion: topology.primaryRegion } : {}),
      ...(topology?.witnessRegion !== undefined ? { witnessRegion: topology.witnessRegion } : {}),
    },
    regions,
    dataStores: stores.map((s) => s.entry),
    replication: stores.flatMap((s) => s.edges),
    routing,
    objectives,
    dataResidency: residency,
    acknowledgements,
    ...(drill ? { drill } : {}),
    summary: {
      ...(objectives.length > 0 ? { objectivesMet: objectives.every((o) => o.met) } : {}),
      ...(routing.length > 0 ? { worstCaseFailoverSeconds: Math.max(...routing.map((p) => p.worstCaseSeconds)) } : {}),
      ...(rpos.length > 0 ? { worstCaseRpoSeconds: Math.max(...rpos) } : {}),
      residencyViolations: residency.violations.length,
      acknowledgements: acknowledgements.length,
    },
  };
}

/** Every construct of the Stage, depth-first in creation order, without descending into nested Stages (they have reports of their own). */
function constructsOf(stage: Stage): IConstruct[] {
  const out: IConstruct[] = [];
  const visit = (c: IConstruct) => {
    out.push(c);
    for (const child of c.node.children) if (!Stage.isStage(child)) visit(child);
  };
  for (const child of stage.node.children) if (!Stage.isStage(child)) visit(child);
  return out;
}

function isReplicatedDataStore(c: IConstruct): c is IReplicatedDataStore {
  const s = c as Partial<IReplicatedDataStore>;
  return typeof s.replicationMode === 'string' && typeof s.worstCaseRpoSeconds === 'number' && typeof s.rpoBasis === 'string';
}

/** The Regions a construct puts resources in (it may span stacks, like AlarmTopics or RegionalAuditTrail). */
function resourceRegionsOf(c: IConstruct): string[] {
  const regions = new Set<string>();
  for (const child of c.node.findAll()) {
    if (!CfnResource.isCfnResource(child)) continue;
    const region = regionOf(child);
    if (region !== undefined) regions.add(region);
  }
  return [...regions];
}

interface CollectedStore {
  readonly entry: DataStoreEntry;
  readonly edges: ReplicationEdge[];
}

function dataStoreOf(store: IReplicatedDataStore, residency: DataResidencyEntry): CollectedStore {
  const id = store.node.path;
  const base = {
    id,
    replicationMode: store.replicationMode,
    worstCaseRpoSeconds: store.worstCaseRpoSeconds,
    rpoBasis: store.rpoBasis,
  };
  // The store's resources may live in the regional stacks, outside its own construct path.
  const roots = [
    store,
    ...(store instanceof DsqlPeeredClusters ? store.peerRegions.map((r) => store.cluster(r)) : []),
    ...(store instanceof DynamoDbGlobalTable ? [store.table] : []),
    ...(store instanceof AuroraGlobalDatabase ? [store.primaryRegion, ...store.secondaryRegions].map((r) => store.regionScope(r)) : []),
  ].map((c) => c.node.path);
  const dataClass = residency.resources.find((r) => roots.some((root) => r.path === root || r.path.startsWith(`${root}/`)))?.dataClass;
  const withClass = dataClass !== undefined ? { dataClass } : {};
  const peers = (regions: string[]) => regions.map((region) => ({ region, role: 'peer' as DataStoreMemberRole }));

  if (store instanceof DsqlPeeredClusters) {
    return {
      entry: { ...base, kind: 'Aurora DSQL peered clusters', members: [...peers(store.peerRegions), { region: store.witnessRegion, role: 'witness' }], ...withClass },
      edges: [
        ...orderedPairs(store.peerRegions).map(([from, to]) => ({ store: id, from, to, mode: ReplicationMode.SYNCHRONOUS, note: DSQL_PEER_NOTE })),
        ...store.peerRegions.map((from) => ({ store: id, from, to: store.witnessRegion, mode: 'QUORUM', note: DSQL_WITNESS_NOTE })),
      ],
    };
  }
  if (store instanceof DynamoDbGlobalTable) {
    const strong = store.consistency === GlobalTableConsistency.STRONG;
    const members = [...peers(store.replicaRegions), ...(store.witnessRegion ? [{ region: store.witnessRegion, role: 'witness' as DataStoreMemberRole }] : [])];
    const edges: ReplicationEdge[] = orderedPairs(store.replicaRegions).map(([from, to]) => {
      const alarms = store.latencyAlarms.find((a) => a.sourceRegion === from && a.receivingRegion === to);
      return {
        store: id, from, to,
        mode: store.replicationMode,
        ...(alarms ? {
          lagAlarms: {
            warningSeconds: store.latencyWarningThresholdMs / 1000,
            criticalSeconds: store.latencyCriticalThresholdMs / 1000,
            metric: 'AWS/DynamoDB ReplicationLatency',
          },
        } : {}),
        note: strong
          ? 'multi-Region strong consistency (MRSC): a write returns once replicated to another Region of the set'
          : 'multi-Region eventual consistency (MREC): replicated after the write returns, last writer wins',
      };
    });
    if (store.witnessRegion) {
      edges.push(...store.replicaRegions.map((from) => ({ store: id, from, to: store.witnessRegion!, mode: 'QUORUM', note: 'witness of an MRSC global table: takes part in the write quorum, serves no reads or writes' })));
    }
    return { entry: { ...base, kind: 'DynamoDB global table', members, ...withClass }, edges };
  }
  if (store instanceof AuroraGlobalDatabase) {
    return {
      entry: {
        ...base,
        kind: 'Aurora Global Database',
        members: [{ region: store.primaryRegion, role: 'writer' }, ...store.secondaryRegions.map((region) => ({ region, role: 'reader' as DataStoreMemberRole }))],
        ...withClass,
      },
      edges: store.secondaryRegions.map((to) => ({
        store: id, from: store.primaryRegion, to,
        mode: ReplicationMode.ASYNCHRONOUS,
        lagAlarms: {
          warningSeconds: store.lagWarningThresholdMs / 1000,
          criticalSeconds: store.lagCriticalThresholdMs / 1000,
          rpoSeconds: store.rpoLagThresholdMs / 1000,
          metric: 'AWS/RDS AuroraGlobalDBReplicationLag, AuroraGlobalDBRPOLag',
        },
        note: 'storage-level replication from the writer; a secondary is read-only until a switchover or failover',
      })),
    };
  }
  // A store of the app's own: the report knows its Region, not its replicas.
  const region = regionOf(store);
  return {
    entry: { ...base, kind: store.constructor.name, members: region ? [{ region, role: 'peer' }] : [], ...withClass },
    edges: [],
  };
}

function orderedPairs(regions: string[]): Array<[string, string]> {
  return regions.flatMap((from) => regions.filter((to) => to !== from).map((to): [string, string] => [from, to]));
}

function regionsOf(topology: IMultiRegionTopology | undefined, nodes: IConstruct[], stores: CollectedStore[],
  dns: DnsRouting[], accelerators: AcceleratorRouting[]): RegionEntry[] {
  const entries = new Map<string, {
    role: RegionRole; stacks: RegionEntry['stacks']; keys: RegionEntry['keys']; dataStores: RegionEntry['dataStores'];
    endpoints: EndpointEntry[]; probes: ProbeEntry[]; services: ServiceEntry[];
  }>();
  const entry = (region: string, role: RegionRole = 'support') => {
    let e = entries.get(region);
    if (!e) {
      e = { role, stacks: [], keys: [], dataStores: [], endpoints: [], probes: [], services: [] };
      entries.set(region, e);
    }
    return e;
  };
  for (const region of topology?.activeRegions ?? []) entry(region, topology?.standbyRegions.includes(region) ? 'standby' : 'active');
  if (topology?.witnessRegion) entry(topology.witnessRegion, 'witness');

  for (const c of nodes) {
    if (Stack.isStack(c)) {
      const region = regionOf(c);
      if (region !== undefined) entry(region).stacks.push({ stackName: c.stackName, path: c.node.path });
    } else if (c instanceof RegionalKey) {
      // Alias.aliasName is a reference to the resource; the name itself is on the CfnAlias.
      const alias = (c.alias.node.defaultChild as kms.CfnAlias | undefined)?.aliasName;
      entry(c.region).keys.push({ path: c.node.path, ...(alias !== undefined && !Token.isUnresolved(alias) ? { alias } : {}) });
    }
  }
  for (const s of stores) {
    for (const m of s.entry.members) {
      // A store's witness Region that the topology does not name is still a witness.
      entry(m.region, m.role === 'witness' ? 'witness' : 'support').dataStores.push({ id: s.entry.id, role: m.role });
    }
  }

  // Endpoints: what the routing paths send traffic to, then placeholder endpoints no path routes to.
  const routed = new Map<RegionalEndpoint, { region: string; paths: string[] }>();
  for (const [paths, routings] of [['dns', dns], ['accelerator', accelerators]] as const) {
    for (const routing of routings) {
      for (const r of routing.routedRegions) {
        const seen = routed.get(r.endpoint) ?? { region: r.region, paths: [] };
        if (!seen.paths.includes(paths)) seen.paths.push(paths);
        routed.set(r.endpoint, seen);
      }
    }
  }
  for (const c of nodes) {
    if (c instanceof MinimalRegionalEndpoint && !routed.has(c.endpoint)) {
      const region = regionOf(c);
      if (region !== undefined) routed.set(c.endpoint, { region, paths: [] });
    }
  }
  for (const [endpoint, { region, paths }] of routed) {
    const description = endpoint.kind === RegionalEndpointKind.LOAD_BALANCER && !endpoint.description.startsWith('load balancer')
      ? `load balancer ${endpoint.description}` : endpoint.description;
    entry(region).endpoints.push({ description, dnsName: Token.isUnresolved(endpoint.dnsName) ? 'known at deploy' : endpoint.dnsName, paths });
  }

  for (const c of nodes) {
    const probe = probeOf(c);
    if (probe) {
      for (const region of resourceRegionsOf(c)) entry(region).probes.push(probe);
      continue;
    }
    const description = serviceOf(c);
    if (description) {
      // A trail's resources live in the regional stacks, not under the construct.
      const regions = c instanceof RegionalAuditTrail ? c.regions : resourceRegionsOf(c);
      for (const region of regions) entry(region).services.push({ path: c.node.path, description });
    }
  }

  const order: RegionRole[] = ['active', 'standby', 'witness', 'support'];
  const active = topology?.activeRegions ?? [];
  return [...entries.entries()]
    .sort(([ra, a], [rb, b]) => order.indexOf(a.role) - order.indexOf(b.role)
      || (active.includes(ra) && active.includes(rb) ? active.indexOf(ra) - active.indexOf(rb) : compareCodeUnits(ra, rb)))
    .map(([region, e]) => ({ region, primary: topology?.primaryRegion === region, ...e }));
}

function probeOf(c: IConstruct): ProbeEntry | undefined {
  if (c instanceof HealthProbe) {
    return {
      path: c.node.path, kind: 'health',
      description: `deep health: ${c.targetNames.length} target${c.targetNames.length === 1 ? '' : 's'}, every minute; unhealthy after ${c.unhealthyDatapointsToAlarm} of ${c.unhealthyEvaluationPeriods} failed runs`,
    };
  }
  if (c instanceof ReplicationLagProbe) {
    return {
      path: c.node.path, kind: 'replication-lag',
      description: `replication lag ${c.writerRegion} → ${c.readerRegion}: warning ${c.warningThresholdMs / 1000} s, critical ${c.criticalThresholdMs / 1000} s`,
    };
  }
  if (c instanceof DsqlProbe) {
    return { path: c.node.path, kind: 'dsql', description: 'Aurora DSQL commit latency and read-after-write across the pair' };
  }
  if (c instanceof DynamoDbReplicationProbe) {
    return { path: c.node.path, kind: 'dynamodb-replication', description: `DynamoDB replication lag ${c.writerRegion} → ${c.readerRegion}, measured with a heartbeat item` };
  }
  return undefined;
}

function serviceOf(c: IConstruct): string | undefined {
  if (c instanceof DnsRouting) return `Route 53 ${c.routingPolicy} records for ${c.recordName}, health checks and their alarms (dns path)`;
  if (c instanceof AcceleratorRouting) return `Global Accelerator${c.controllerFunction ? ' and its traffic-dial controller' : ''} (accelerator path)`;
  if (c instanceof RegionEvacuationDrill) return 'Region evacuation drill (Step Functions) and its reports';
  if (c instanceof RegionSwitchPlan) return 'ARC Region switch plan';
  if (c instanceof RegionalAuditTrail) return 'CloudTrail trail into an Object Lock bucket of the Region';
  if (c instanceof AlarmTopic) return `SNS topic for the alarms of ${Stack.of(c).stackName}`;
  if (c instanceof ProbesDashboard) return 'CloudWatch dashboard of the probes';
  return undefined;
}

function routingPathOf(b: FailoverPathBudget): RoutingPathEntry {
  // A copy of the budget (already the report's shape: every term, basis and source), with each
  // Region's detection branches summed and given their weakest basis.
  const copy = JSON.parse(JSON.stringify(b)) as RoutingPathEntry;
  return { ...copy, regions: copy.regions.map((r) => ({ ...r, branches: branchesOf(r.terms) })) };
}



function objectivesOf(o: RecoveryObjectives): ObjectivesEntry {
  // The report's checks are the ones synth fails on, without their reasons (the page shows the terms).
  const checks: ObjectiveCheck[] = o._checks().map(({ reason, ...check }) => check);
  return { constructPath: o.node.path, tier: o.tierName, rtoSeconds: o.rtoSeconds, rpoSeconds: o.rpoSeconds, met: checks.every((c) => c.met), checks };
}

function dataResidencyOf(nodes: IConstruct[]): DataResidencyEntry {
  const guards = nodes.filter((c): c is DataResidencyGuard => c instanceof DataResidencyGuard);
  const resources = nodes.filter(CfnResource.isCfnResource).flatMap((r) => {
    const dataClass = resourceDataClass(r);
    if (dataClass === undefined) return [];
    const region = regionOf(r);
    return [{ path: r.node.path, type: r.cfnResourceType, dataClass, ...(region !== undefined ? { region } : {}), livesIn: residencyPlacements(r) }];
  });
  return {
    guards: guards.map((g) => g.node.path),
    rules: guards.flatMap((g) => g.rules.map((rule) => ({ dataClass: rule.dataClass.name, allowedRegions: [...rule.allowedRegions], guard: g.node.path }))),
    resources,
    violations: guards.flatMap((g) => g.violations().map((message) => ({ guard: g.node.path, message }))),
  };
}

/** The acknowledgement namespaces of aws-cdk-lib's own reports (construct annotations, CloudFormation validation), which need no registered plugin. */
const BUILT_IN_NAMESPACES = ['Annotation', 'CloudFormation-Validate'];

/**
 * Acknowledgement namespaces (a plugin's name, spaces as dashes, as aws-cdk-lib matches them) of the
 * validation plugins that check the Stage's stacks: its own and those of the Stages around it
 * (aws-cdk-lib runs a Stage's plugins over the stacks of its nested Stages too), plus aws-cdk-lib's
 * built-in reports. Undefined when this aws-cdk-lib does not say (then every acknowledgement counts).
 */
function pluginsThatRun(stage: Stage): Set<string> | undefined {
  const names = new Set(BUILT_IN_NAMESPACES);
  for (let s: Stage | undefined = stage; s; s = enclosingStage(s)) {
    const plugins: Array<{ name?: string }> | undefined = (s as any)._validationPlugins;
    if (!Array.isArray(plugins)) return undefined;
    for (const p of plugins) if (typeof p.name === 'string') names.add(p.name.replace(/ /g, '-'));
  }
  return names;
}

/** The Stage around `stage` (`Stage.of` skips the construct it is given, so a Stage's parent is asked directly). */
function enclosingStage(stage: Stage): Stage | undefined {
  const parent = stage.node.scope;
  return parent === undefined ? undefined : Stage.isStage(parent) ? parent : Stage.of(parent);
}

/**
 * The acknowledgements (`<plugin>::<rule>`) in the Stage, of the plugins that ran only: one of a
 * pack the app does not register acknowledges nothing in this synth.
 */
function acknowledgementsOf(nodes: IConstruct[], plugins: Set<string> | undefined): AcknowledgementEntry[] {
  const out: AcknowledgementEntry[] = [];
  for (const c of nodes) {
    for (const m of c.node.metadata) {
      if (m.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY || typeof m.data !== 'object' || m.data === null) continue;
      for (const [id, reason] of Object.entries(m.data as Record<string, unknown>)) {
        const plugin = id.includes('::') ? id.slice(0, id.indexOf('::')) : undefined;
        if (plugins && plugin !== undefined && !plugins.has(plugin)) continue;
        out.push({ id, reason: String(reason), constructPath: c.node.path });
      }
    }
  }
  return out.sort((a, b) => compareCodeUnits(a.id, b.id) || compareCodeUnits(a.constructPath, b.constructPath));
}

/**
 * The drill report a `RegionEvacuationDrill` wrote (`drills/<Region>/<execution>/report.json` in its
 * report bucket), beside this synth's budget for the drilled Region. A file that is not such a
 * report fails synth, naming the file and what is missing.
 */
function drillOf(file: string, budgets: FailoverPathBudget[]): DrillEntry {
  const resolved = path.resolve(file);
  let raw: any;
  try {
    raw = JSON.parse(fs.readFileSync(resolved, 'utf8'));
  } catch (e) {
    throw new Error(`the drill report ${resolved} cannot be read as JSON (${(e as Error).message}); give the report.json a RegionEvacuationDrill wrote to its report bucket.`);
  }
  const missing = ['executionId', 'region', 'outcome', 'finishedAt'].filter((k) => typeof raw?.[k] !== 'string');
  if (missing.length > 0 || !Array.isArray(raw.paths)) {
    throw new Error(`the drill report ${resolved} is not a RegionEvacuationDrill report: it lacks ${[...missing, ...(Array.isArray(raw?.paths) ? [] : ['paths'])].join(', ')}.`);
  }
  return {
    source: file,
    executionId: raw.executionId,
    region: raw.region,
    outcome: raw.outcome,
    finishedAt: raw.finishedAt,
    paths: (raw.paths as any[]).map((p) => {
      const budget = budgets.find((b) => b.path === p.path)?.regions.find((r) => r.region === raw.region)?.totalSeconds;
      const measured = typeof p.measuredSeconds === 'number' ? p.measuredSeconds : undefined;
      const drillBudget = typeof p.budgetSeconds === 'number' ? p.budgetSeconds : undefined;
      const limit = budget ?? drillBudget;
      return {
        path: String(p.path),
        ...(measured !== undefined ? { measuredSeconds: measured } : {}),
        ...(budget !== undefined ? { budgetSeconds: budget } : {}),
        ...(drillBudget !== undefined ? { drillBudgetSeconds: drillBudget } : {}),
        withinBudget: measured !== undefined && (limit === undefined || measured <= limit),
      };
    }),
  };
}

/** This library's version, from its package.json (two levels up from the sources, three from jsii's build/). */
function libraryVersion(): string {
  for (const dir of [path.join(__dirname, '..', '..', '..'), path.join(__dirname, '..', '..', '..', '..')]) {
    try {
      const pkg = JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8'));
      if (pkg.name === 'multi-region-cdk') return pkg.version;
    } catch {
      // not this folder
    }
  }
  return 'unknown';
}
