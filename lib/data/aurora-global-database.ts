import { Duration, RemovalPolicy, Stack, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { registerAlarm } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { regionalKeyAliasArn } from '../private/key-alias-arn';
import { LagProbeDatabase } from '../probes/lag-probe-database';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { Posture } from '../topology/posture';
import { partitionOfStack } from '../topology/regions';
import { IReplicatedDataStore, ReplicationMode } from './replicated-data-store';

/**
 * Properties of an `AuroraGlobalDatabase`.
 */
export interface AuroraGlobalDatabaseProps {
  /** The app's Regions, stacks and keys; must be active-passive. The writer goes into the primary Region. */
  readonly topology: IMultiRegionTopology;

  /**
   * The VPC of each Region's cluster, by Region code. Regions without one get a minimal VPC of
   * their own: two isolated subnets (no NAT, no internet gateway) and flow logs.
   * @default - a minimal isolated VPC per Region
   */
  readonly vpcs?: { [region: string]: ec2.IVpc };

  /**
   * Aurora PostgreSQL engine version, the same in every Region.
   * @default rds.AuroraPostgresEngineVersion.VER_17_7
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;

  /**
   * Instance class of every instance (Aurora global databases need memory-optimized or
   * burstable classes that support them; see the Aurora User Guide).
   * @default db.r6g.large
   */
  readonly instanceType?: ec2.InstanceType;

  /**
   * Readers in the primary cluster, besides the writer.
   * @default 1
   */
  readonly primaryReaders?: number;

  /**
   * Instances of each secondary cluster; 0 makes a headless secondary (storage only: cheapest,
   * but a failover to it must first add an instance).
   * @default 1
   */
  readonly secondaryInstances?: number;

  /**
   * Identifier of the global cluster; each Regional cluster is `<identifier>-<region>`.
   * @default `<topology.stackNamePrefix>-<id>` in lower case
   */
  readonly globalClusterIdentifier?: string;

  /**
   * Name of the database created in the primary cluster.
   * @default 'app'
   */
  readonly defaultDatabaseName?: string;

  /**
   * Master user name (its password is generated into Secrets Manager and replicated to every
   * standby Region under that Region's key).
   * @default 'dbadmin' (not the engine's default 'postgres': AWS Control Tower's
   * rds_cluster_default_admin_check refuses default admin names)
   */
  readonly masterUsername?: string;

  /**
   * Whether the service refuses to delete the clusters and the global cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;

  /**
   * What happens to the clusters when they leave their stacks.
   * @default RemovalPolicy.SNAPSHOT
   */
  readonly removalPolicy?: RemovalPolicy;

  /**
   * Days of automated backups in every Region.
   * @default 7
   */
  readonly backupRetention?: Duration;

  /**
   * `AuroraGlobalDBReplicationLag` above which the warning alarm of a secondary fires.
   * @default Duration.seconds(1)
   */
  readonly lagWarningThreshold?: Duration;

  /**
   * `AuroraGlobalDBReplicationLag` above which the critical alarm of a secondary fires.
   * @default Duration.seconds(5)
   */
  readonly lagCriticalThreshold?: Duration;

  /**
   * `AuroraGlobalDBRPOLag` above which the RPO alarm of a secondary fires; this is the
   * database's `worstCaseRpoSeconds`.
   * @default Duration.seconds(5)
   */
  readonly rpoLagThreshold?: Duration;
}

/** The clusters of one Region. */
interface RegionalCluster {
  readonly region: string;
  readonly clusterIdentifier: string;
  readonly endpoint: string;
  readonly readerEndpoint: string;
  readonly port: string;
  readonly resourceId: string;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly vpc: ec2.IVpc;
  readonly secret: secretsmanager.ISecret;
}

/**
 * An Aurora PostgreSQL global database for an active-passive topology: the writer cluster in
 * the primary Region's stack, a secondary cluster (read-only, optionally headless) in each
 * standby Region's stack, each encrypted with its own Region's `RegionalKey`, with IAM
 * database authentication on, the master credentials in Secrets Manager (replicated to every
 * standby Region under that Region's key), and `AuroraGlobalDBReplicationLag` and
 * `AuroraGlobalDBRPOLag` alarms in each standby Region (where Aurora publishes them, with
 * dimensions `DBClusterIdentifier` and `SourceRegion`, in milliseconds).
 *
 * Replication is asynchronous: a Region failure can lose the writes of the last
 * `AuroraGlobalDBRPOLag`, so `worstCaseRpoSeconds` is the RPO alarm's threshold.
 *
 * **Operating it** (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global
 * Database", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html):
 *
 * - planned switchover, no data loss (both Regions healthy):
 *   `aws rds switchover-global-cluster --global-cluster-identifier <id> --target-db-cluster-identifier <secondary cluster ARN>`
 * - unplanned failover, the primary Region down (loses the writes not yet replicated, up to the RPO lag):
 *   `aws rds failover-global-cluster --global-cluster-identifier <id> --target-db-cluster-identifier <secondary cluster ARN> --allow-data-loss`
 *
 * (AWS CLI reference: https://docs.aws.amazon.com/cli/latest/reference/rds/switchover-global-cluster.html and
 * https://docs.aws.amazon.com/cli/latest/reference/rds/failover-global-cluster.html.)
 * `switchoverCommand(region)` and `failoverCommand(region)` print them for a given target.
 */
export class AuroraGlobalDatabase extends Construct implements IReplicatedDataStore {
  /** The global cluster (in the primary Region's stack). */
  public readonly globalCluster: rds.CfnGlobalCluster;
  /** The identifier of the global cluster. */
  public readonly globalClusterIdentifier: string;
  /** The writer cluster. */
  public readonly primaryCluster: rds.DatabaseCluster;
  /** The Region of the writer. */
  public readonly primaryRegion: string;
  /** The Regions of the secondary clusters. */
  public readonly secondaryRegions: string[];
  /** Aurora Global Database replicates asynchronously. */
  public readonly replicationMode = ReplicationMode.ASYNCHRONOUS;
  /** The threshold of the `AuroraGlobalDBRPOLag` alarm. */
  public readonly worstCaseRpoSeconds: number;
  /** Where `worstCaseRpoSeconds` comes from. */
  public readonly rpoBasis: string;
  /** Warning threshold of the replication-lag alarms, in ms. */
  public readonly lagWarningThresholdMs: number;
  /** Critical threshold of the replication-lag alarms, in ms. */
  public readonly lagCriticalThresholdMs: number;
  /** Threshold of the RPO-lag alarms, in ms. */
  public readonly rpoLagThresholdMs: number;
  /** The alarms of every secondary: replication lag (warning, critical) and RPO lag. */
  public readonly alarms: cloudwatch.Alarm[] = [];

  private readonly topology: IMultiRegionTopology;
  private readonly clusters = new Map<string, RegionalCluster>();
  private readonly scopes = new Map<string, Construct>();
  private readonly databaseName: string;
  private readonly username: string;

  constructor(scope: Construct, id: string, props: AuroraGlobalDatabaseProps) {
    super(scope, id);
    const topology = props.topology;
    this.topology = topology;
    if (topology.posture !== Posture.ACTIVE_PASSIVE || topology.primaryRegion === undefined) {
      throw validationError('AuroraGlobalNeedsActivePassive', `an Aurora global database has one writer Region, but ${topology.node.path} is ${topology.posture} `
        + `(${topology.activeRegions.join(', ')}); use posture Posture.ACTIVE_PASSIVE with a primaryRegion, or a multi-writer store (DynamoDbGlobalTable, DsqlPeeredClusters) for active-active.`, this);
    }
    this.primaryRegion = topology.primaryRegion;
    this.secondaryRegions = topology.activeRegions.filter((r) => r !== this.primaryRegion);
    if (this.secondaryRegions.length > 10) {
      throw validationError('TooManySecondaries', `an Aurora global database has at most 10 secondary Regions, got ${this.secondaryRegions.length} (${this.secondaryRegions.join(', ')}).`, this);
    }
    for (const region of Object.keys(props.vpcs ?? {})) {
      if (!topology.activeRegions.includes(region)) {
        throw validationError('VpcRegionNotActive', `vpcs has a VPC for '${region}', which is not an active Region of ${topology.node.path}; active Regions: ${topology.activeRegions.join(', ')}.`, this);
      }
    }
    this.globalClusterIdentifier = props.globalClusterIdentifier ?? `${topology.stackNamePrefix}-${id}`.toLowerCase();
    if (!Token.isUnresolved(this.globalClusterIdentifier) && !/^[a-z][a-z0-9]*(-[a-z0-9]+)*$/.test(this.globalClusterIdentifier)) {
      throw validationError('InvalidGlobalClusterIdentifier', `globalClusterIdentifier '${this.globalClusterIdentifier}' is not valid; use a letter, then letters, digits and single hyphens, not ending in a hyphen.`, this);
    }
    const primaryReaders = props.primaryReaders ?? 1;
    const secondaryInstances = props.secondaryInstances ?? 1;
    for (const [what, n] of [['primaryReaders', primaryReaders], ['secondaryInstances', secondaryInstances]] as const) {
      if (!Number.isInteger(n) || n < 0 || n > 15) {
        throw validationError('InvalidInstanceCount', `${what} ${n} is not valid; use a whole number from 0 to 15.`, this);
      }
    }
    this.lagWarningThresholdMs = (props.lagWarningThreshold ?? Duration.seconds(1)).toMilliseconds();
    this.lagCriticalThresholdMs = (props.lagCriticalThreshold ?? Duration.seconds(5)).toMilliseconds();
    this.rpoLagThresholdMs = (props.rpoLagThreshold ?? Duration.seconds(5)).toMilliseconds();
    if (this.lagWarningThresholdMs <= 0 || this.lagCriticalThresholdMs <= this.lagWarningThresholdMs || this.rpoLagThresholdMs <= 0) {
      throw validationError('InvalidLagThresholds', `thresholds warning ${this.lagWarningThresholdMs} ms, critical ${this.lagCriticalThresholdMs} ms and RPO ${this.rpoLagThresholdMs} ms are not valid; `
        + 'use 0 < warning < critical and a positive RPO threshold.', this);
    }
    this.worstCaseRpoSeconds = this.rpoLagThresholdMs / 1000;
    this.rpoBasis = `Aurora global database ${this.globalClusterIdentifier} replicates asynchronously; the AuroraGlobalDBRPOLag alarm of each secondary fires above ${this.worstCaseRpoSeconds} s.`;
    this.databaseName = props.defaultDatabaseName ?? 'app';
    this.username = props.masterUsername ?? 'dbadmin';

    const version = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_7;
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version });
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const backupDays = (props.backupRetention ?? Duration.days(7)).toDays();
    for (const region of topology.activeRegions) {
      const key = topology.regionalKey(region);
      if (key instanceof RegionalKey) {
        key.allowService(KeyService.RDS);
        key.allowService(KeyService.SECRETS_MANAGER);
      }
    }

    // The primary: an L2 cluster with the generated credentials, replicated to each standby Region.
    const primaryStack = topology.regionalStack(this.primaryRegion);
    const primaryScope = new Construct(primaryStack, id);
    this.scopes.set(this.primaryRegion, primaryScope);
    const primaryKey = topology.regionalKey(this.primaryRegion);
    const primaryVpc = props.vpcs?.[this.primaryRegion] ?? minimalVpc(primaryScope, primaryKey);
    const secretName = `${this.globalClusterIdentifier}/master`;
    const primaryId = `${this.globalClusterIdentifier}-${this.primaryRegion}`;
    this.primaryCluster = new rds.DatabaseCluster(primaryScope, 'Cluster', {
      clusterIdentifier: primaryId,
      // Enhanced Monitoring every minute (OS metrics of each instance; AWS Control Tower
      // rds_instance_enhanced_monitoring_enabled_check).
      monitoringInterval: Duration.seconds(60),
      monitoringRole: enhancedMonitoringRole(primaryScope),
      engine,
      vpc: primaryVpc,
      vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED },
      writer: rds.ClusterInstance.provisioned('Writer', { instanceType, publiclyAccessible: false }),
      readers: Array.from({ length: primaryReaders }, (_, i) => rds.ClusterInstance.provisioned(`Reader${i + 1}`, { instanceType, publiclyAccessible: false })),
      storageEncrypted: true,
      storageEncryptionKey: primaryKey,
      credentials: rds.Credentials.fromGeneratedSecret(this.username, {
        secretName,
        encryptionKey: primaryKey,
        replicaRegions: this.secondaryRegions.map((region) => ({
          region,
          // Named by alias ARN: no key ARN crosses Regions (Secrets Manager accepts an alias ARN).
          encryptionKey: kms.Key.fromKeyArn(primaryScope, `SecretKey${region}`, regionalKeyAliasArn(topology.regionalKey(region), topology.regionalStack(region))),
        })),
      }),
      defaultDatabaseName: this.databaseName,
      iamAuthentication: true,
      deletionProtection,
      removalPolicy,
      backup: { retention: Duration.days(backupDays) },
      cloudwatchLogsExports: ['postgresql'],
      copyTagsToSnapshot: true,
    });
    const primaryPort = Token.asString(this.primaryCluster.clusterEndpoint.port);
    this.clusters.set(this.primaryRegion, {
      region: this.primaryRegion,
      clusterIdentifier: this.primaryCluster.clusterIdentifier,
      endpoint: this.primaryCluster.clusterEndpoint.hostname,
      readerEndpoint: this.primaryCluster.clusterReadEndpoint.hostname,
      port: primaryPort,
      resourceId: this.primaryCluster.clusterResourceIdentifier,
      securityGroup: this.primaryCluster.connections.securityGroups[0],
      vpc: primaryVpc,
      secret: this.primaryCluster.secret!,
    });
    acknowledge(this.primaryCluster, 'AwsSolutions::AwsSolutions-SMG4', 'The master secret of a global database is replicated to every standby Region; '
      + 'rotation needs a rotation function reaching the writer in its VPC, which the operator adds (rds.DatabaseCluster.addRotationSingleUser) once the network path exists.');
    acknowledge(this.primaryCluster, 'AwsSolutions::AwsSolutions-RDS11', 'Port 5432 is kept for PostgreSQL clients and the lag probe; access is limited by the security group (no ingress by default) and IAM authentication.');

    // The global cluster, made from the primary (SourceDBClusterIdentifier).
    this.globalCluster = new rds.CfnGlobalCluster(primaryScope, 'Global', {
      globalClusterIdentifier: this.globalClusterIdentifier,
      sourceDbClusterIdentifier: this.primaryCluster.clusterIdentifier,
      deletionProtection,
    });
    this.globalCluster.applyRemovalPolicy(removalPolicy === RemovalPolicy.DESTROY ? RemovalPolicy.DESTROY : RemovalPolicy.RETAIN);

    // The secondaries: L1 clusters joined to the global cluster (no credentials of their own).
    for (const region of this.secondaryRegions) {
      const stack = topology.regionalStack(region);
      // The global cluster is named, not referenced: order the deployment by hand.
      stack.addStackDependency(primaryStack, `the secondary cluster in ${region} joins global cluster ${this.globalClusterIdentifier}`);
      const scope = new Construct(stack, id);
      this.scopes.set(region, scope);
      const key = topology.regionalKey(region);
      const vpc = props.vpcs?.[region] ?? minimalVpc(scope, key);
      const securityGroup = new ec2.SecurityGroup(scope, 'SecurityGroup', {
        vpc, description: `Aurora global database ${this.globalClusterIdentifier}, secondary cluster in ${region}`, allowAllOutbound: false,
      });
      const subnetGroup = new rds.CfnDBSubnetGroup(scope, 'Subnets', {
        dbSubnetGroupDescription: `Aurora global database ${this.globalClusterIdentifier} in ${region}`,
        subnetIds: vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
      });
      const clusterId = `${this.globalClusterIdentifier}-${region}`;
      const cluster = new rds.CfnDBCluster(scope, 'Cluster', {
        dbClusterIdentifier: clusterId,
        engine: 'aurora-postgresql',
        engineVersion: version.auroraPostgresFullVersion,
        globalClusterIdentifier: this.globalClusterIdentifier,
        storageEncrypted: true,
        kmsKeyId: key.keyArn,
        dbSubnetGroupName: subnetGroup.ref,
        vpcSecurityGroupIds: [securityGroup.securityGroupId],
        enableIamDatabaseAuthentication: true,
        deletionProtection,
        backupRetentionPeriod: backupDays,
        enableCloudwatchLogsExports: ['postgresql'],
        copyTagsToSnapshot: true,
        port: 5432,
      });
      cluster.applyRemovalPolicy(removalPolicy);
      const monitoringRole = enhancedMonitoringRole(scope);
      for (let i = 0; i < secondaryInstances; i++) {
        const instance = new rds.CfnDBInstance(scope, `Instance${i + 1}`, {
          dbClusterIdentifier: cluster.ref,
          dbInstanceClass: `db.${instanceType.toString()}`,
          engine: 'aurora-postgresql',
          publiclyAccessible: false,
          dbSubnetGroupName: subnetGroup.ref,
          monitoringInterval: 60,
          monitoringRoleArn: monitoringRole.roleArn,
        });
        acknowledge(instance, 'AwsSolutions::AwsSolutions-RDS11', 'Port 5432 is kept for PostgreSQL clients; access is limited by the security group and IAM authentication.');
      }
      acknowledge(cluster, 'AwsSolutions::AwsSolutions-RDS11', 'Port 5432 is kept for PostgreSQL clients; access is limited by the security group and IAM authentication.');
      this.clusters.set(region, {
        region,
        clusterIdentifier: cluster.ref,
        endpoint: cluster.attrEndpointAddress,
        readerEndpoint: cluster.attrReadEndpointAddress,
        port: cluster.attrEndpointPort,
        resourceId: cluster.attrDbClusterResourceId,
        securityGroup,
        vpc,
        secret: secretsmanager.Secret.fromSecretNameV2(scope, 'Secret', secretName),
      });
      this.alarms.push(...this.lagAlarms(scope, region, clusterId));
    }
  }

  /**
   * The construct holding this database's resources in `region`'s stack (cluster, instances,
   * VPC, alarms), for example to tag them: `DataResidency.tag(db.regionScope(region), DataClass.PII)`.
   */
  public regionScope(region: string): Construct {
    this.clusterOf(region);
    return this.scopes.get(region)!;
  }

  /** The identifier of the cluster of `region`. */
  public clusterIdentifier(region: string): string {
    return this.clusterOf(region).clusterIdentifier;
  }

  /** The cluster (writer) endpoint of `region`'s cluster; on a secondary it accepts no writes until a switchover or failover. */
  public clusterEndpoint(region: string): string {
    return this.clusterOf(region).endpoint;
  }

  /** The reader endpoint of `region`'s cluster. */
  public readerEndpoint(region: string): string {
    return this.clusterOf(region).readerEndpoint;
  }

  /** The security group of `region`'s cluster; allow clients with `securityGroup(region).connections.allowFrom(...)`. */
  public securityGroup(region: string): ec2.ISecurityGroup {
    return this.clusterOf(region).securityGroup;
  }

  /** The VPC of `region`'s cluster. */
  public vpc(region: string): ec2.IVpc {
    return this.clusterOf(region).vpc;
  }

  /** The master credentials in `region` (the primary's secret, or its replica in a standby Region). */
  public secret(region: string): secretsmanager.ISecret {
    return this.clusterOf(region).secret;
  }

  /** The KMS key of `region`'s cluster (that Region's `RegionalKey`). */
  public encryptionKey(region: string): kms.IKey {
    this.clusterOf(region);
    return this.topology.regionalKey(region);
  }

  /**
   * Lets `grantee` connect to `region`'s cluster as `databaseUser` with IAM authentication
   * (`rds-db:connect` on that cluster's resource id only). The user must exist with `GRANT rds_iam`.
   */
  public grantConnect(grantee: iam.IGrantable, region: string, databaseUser: string): iam.Grant {
    const cluster = this.clusterOf(region);
    const stack = this.topology.regionalStack(region);
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['rds-db:connect'],
      resourceArns: [`arn:${partitionOfStack(stack)}:rds-db:${region}:${stack.account}:dbuser:${cluster.resourceId}/${databaseUser}`],
    });
  }

  /** The CLI command of a planned switchover (no data loss) to `region`'s secondary. */
  public switchoverCommand(region: string): string {
    return `aws rds switchover-global-cluster --region ${region} --global-cluster-identifier ${this.globalClusterIdentifier} --target-db-cluster-identifier ${this.clusterArnOf(region)}`;
  }

  /** The CLI command of an unplanned failover to `region`'s secondary, accepting the loss of unreplicated writes. */
  public failoverCommand(region: string): string {
    return `aws rds failover-global-cluster --region ${region} --global-cluster-identifier ${this.globalClusterIdentifier} --target-db-cluster-identifier ${this.clusterArnOf(region)} --allow-data-loss`;
  }

  /**
   * The writer and a secondary as a `LagProbeDatabase` for a `ReplicationLagProbe` (write on
   * the primary's cluster endpoint, observe on the secondary's reader endpoint), with the
   * master secret of `probeRegion` (default: the secondary's Region, whose stack the probe
   * belongs in). The probe runs in a VPC that reaches both clusters (for example peered VPCs or
   * a transit gateway): give it `vpc` and security groups accordingly.
   */
  public lagProbeDatabase(secondaryRegion: string, probeRegion?: string): LagProbeDatabase {
    if (!this.secondaryRegions.includes(secondaryRegion)) {
      throw validationError('NotASecondary', `'${secondaryRegion}' has no secondary cluster of ${this.globalClusterIdentifier}; secondary Regions: ${this.secondaryRegions.join(', ')}.`, this);
    }
    // By default in the secondary's stack, which already deploys after the primary's (a probe in
    // the primary's stack would reference the secondary's endpoint: a cycle between the two stacks).
    const where = probeRegion ?? secondaryRegion;
    const writer = this.clusterOf(this.primaryRegion);
    const reader = this.clusterOf(secondaryRegion);
    return LagProbeDatabase.postgres({
      writerRegion: this.primaryRegion,
      writerConnectionString: `postgres://${this.username}@${writer.endpoint}:5432/${this.databaseName}?sslmode=require`,
      readerRegion: secondaryRegion,
      readerConnectionString: `postgres://${this.username}@${reader.readerEndpoint}:5432/${this.databaseName}?sslmode=require`,
      passwordSecret: this.secret(where),
      probeRegion: where,
    });
  }

  /** `AuroraGlobalDBReplicationLag` of `secondaryRegion`'s cluster, in ms (published in that Region); Maximum over one minute. */
  public metricReplicationLag(secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.globalMetric('AuroraGlobalDBReplicationLag', secondaryRegion, props);
  }

  /** `AuroraGlobalDBRPOLag` of `secondaryRegion`'s cluster, in ms (published in that Region); Maximum over one minute. */
  public metricRpoLag(secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.globalMetric('AuroraGlobalDBRPOLag', secondaryRegion, props);
  }

  /** Dashboard widgets: replication and RPO lag of every secondary, with the bands. */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    return this.secondaryRegions.map((region) => new cloudwatch.GraphWidget({
      title: `${this.globalClusterIdentifier}: ${this.primaryRegion} to ${region} lag (ms)`,
      left: [this.metricReplicationLag(region, { label: 'replication lag' }), this.metricRpoLag(region, { label: 'RPO lag' })],
      leftAnnotations: [
        { value: this.lagWarningThresholdMs, label: 'warning', color: cloudwatch.Color.ORANGE },
        { value: this.lagCriticalThresholdMs, label: 'critical', color: cloudwatch.Color.RED },
      ],
      leftYAxis: { min: 0 },
      width: 12,
    }));
  }

  /** Adds `dashboardWidgets()` to a dashboard as one row. */
  public addToDashboard(dashboard: cloudwatch.Dashboard): void {
    dashboard.addWidgets(...this.dashboardWidgets());
  }

  private globalMetric(metricName: string, secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    if (!this.secondaryRegions.includes(secondaryRegion)) {
      throw validationError('NotASecondary', `'${secondaryRegion}' has no secondary cluster of ${this.globalClusterIdentifier}; secondary Regions: ${this.secondaryRegions.join(', ')}.`, this);
    }
    return new cloudwatch.Metric({
      namespace: 'AWS/RDS',
      metricName,
      dimensionsMap: { DBClusterIdentifier: `${this.globalClusterIdentifier}-${secondaryRegion}`, SourceRegion: this.primaryRegion },
      statistic: cloudwatch.Stats.MAXIMUM,
      period: Duration.minutes(1),
      region: secondaryRegion,
      unit: cloudwatch.Unit.MILLISECONDS,
      ...props,
    });
  }

  private lagAlarms(scope: Construct, region: string, clusterId: string): cloudwatch.Alarm[] {
    const alarm = (id: string, metric: cloudwatch.Metric, thresholdMs: number, what: string) => registerAlarm(new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Aurora global database ${this.globalClusterIdentifier}: ${what} of ${clusterId} (${this.primaryRegion} to ${region}) above ${thresholdMs / 1000} s in 2 of the last 3 minutes.`,
      metric,
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // Missing data is not lag: AuroraGlobalDBRPOLag may only be published with managed RPO
      // (rds.global_db_rpo) set, and a stalled secondary is caught by the write-then-observe
      // probe's not-visible and not-running alarms (lagProbeDatabase()).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    return [
      alarm('ReplicationLagWarning', this.metricReplicationLag(region), this.lagWarningThresholdMs, 'replication lag (warning)'),
      alarm('ReplicationLagCritical', this.metricReplicationLag(region), this.lagCriticalThresholdMs, 'replication lag (critical)'),
      alarm('RpoLag', this.metricRpoLag(region), this.rpoLagThresholdMs, 'RPO lag'),
    ];
  }

  private clusterArnOf(region: string): string {
    const stack = this.topology.regionalStack(region);
    return `arn:${partitionOfStack(stack)}:rds:${region}:${stack.account}:cluster:${this.globalClusterIdentifier}-${region}`;
  }

  private clusterOf(region: string): RegionalCluster {
    const cluster = this.clusters.get(region);
    if (!cluster) {
      throw validationError('NoCluster', `'${region}' has no cluster of ${this.globalClusterIdentifier}; Regions with one: ${[...this.clusters.keys()].join(', ')}.`, this);
    }
    return cluster;
  }
}

/** A minimal VPC for the database: two isolated subnets (no NAT, no internet), flow logs to an encrypted log group. */
function minimalVpc(scope: Construct, key: kms.IKey): ec2.IVpc {
  const stack = Stack.of(scope);
  const vpc = new ec2.Vpc(scope, 'Vpc', {
    // Literal zones: no context lookup, so synth needs no AWS credentials.
    availabilityZones: [`${stack.region}a`, `${stack.region}b`],
    natGateways: 0,
    subnetConfiguration: [{ name: 'database', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 }],
    restrictDefaultSecurityGroup: false,
  });
  const logGroup = new logs.LogGroup(vpc, 'FlowLogs', { encryptionKey: key, retention: logs.RetentionDays.ONE_YEAR, removalPolicy: RemovalPolicy.RETAIN });
  vpc.addFlowLog('FlowLog', { destination: ec2.FlowLogDestination.toCloudWatchLogs(logGroup) });
  return vpc;
}

function acknowledge(scope: Construct, id: string, reason: string): void {
  Validations.of(scope).acknowledge({ id, reason });
}

/**
 * The role RDS Enhanced Monitoring assumes to publish OS metrics to CloudWatch Logs, with the
 * AWS managed policy RDS documents for it ("Setting up and enabling Enhanced Monitoring").
 */
function enhancedMonitoringRole(scope: Construct): iam.Role {
  const role = new iam.Role(scope, 'EnhancedMonitoringRole', {
    assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
    managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
  });
  acknowledge(role, 'AwsSolutions::AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]', 'AmazonRDSEnhancedMonitoringRole is the policy RDS documents for Enhanced Monitoring; '
    + 'it only lets the monitoring agent write the RDSOSMetrics log group.');
  return role;
}
