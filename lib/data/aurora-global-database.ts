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
   * Instance class of every instance: a memory-optimized class (db.r* or db.x*), which Aurora
   * global databases require ("Configuration requirements of an Amazon Aurora global database").
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
   * Days of automated backups in every Region: 1 to 35 whole days.
   * @default Duration.days(7)
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
 * `AuroraGlobalDBRPOLag` alarms (ms) for every member cluster in its own Region, on Metrics
 * Insights queries by `DBClusterIdentifier`: Aurora publishes them only while a cluster is a
 * secondary, so the old primary's alarms take over after a switchover.
 *
 * Replication is asynchronous: a Region failure can lose the writes of the last
 * `AuroraGlobalDBRPOLag`, so `worstCaseRpoSeconds` is the RPO alarm's threshold.
 *
 * **Operating it** (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global
 * Database", https://docs.aws.amazon.com/AmazonRDS/latest/AuroraUserGuide/aurora-global-database-disaster-recovery.html):
 *
 * - planned switchover, no data loss (both Regions healthy):
 *   `aws rds switchover-global-cluster --region <primary Region> --global-cluster-identifier <id> --target-db-cluster-identifier <secondary cluster ARN>`
 * - unplanned failover, the primary Region down (loses the writes not yet replicated, up to the RPO lag):
 *   `aws rds failover-global-cluster --region <secondary Region> --global-cluster-identifier <id> --target-db-cluster-identifier <secondary cluster ARN> --allow-data-loss`
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
  /**
   * The alarms of every member cluster (primary included, since a switchover makes it a
   * secondary): replication lag (warning, critical) and RPO lag, three per Region.
   */
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
    validateDatabaseName(this.databaseName, this);
    validateMasterUsername(this.username, this);

    const version = props.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_17_7;
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version });
    const instanceType = props.instanceType ?? ec2.InstanceType.of(ec2.InstanceClass.R6G, ec2.InstanceSize.LARGE);
    const deletionProtection = props.deletionProtection ?? true;
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.SNAPSHOT;
    const backupDays = (props.backupRetention ?? Duration.days(7)).toDays({ integral: false });
    // RDS CreateDBCluster, BackupRetentionPeriod: "Must be a value from 1 to 35" (days).
    if (!Number.isInteger(backupDays) || backupDays < 1 || backupDays > 35) {
      throw validationError('InvalidBackupRetention', `backupRetention of ${backupDays} days is not valid; Aurora keeps automated backups for a whole number of days from 1 to 35 `
        + '(RDS API Reference, CreateDBCluster, BackupRetentionPeriod).', this);
    }
    validateInstanceType(instanceType, this);
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
    // Lag metrics exist only for secondaries, and a switchover changes which cluster that is
    // (Aurora User Guide, "Using switchover or failover in Amazon Aurora Global Database"):
    // every member gets its alarms, which stay quiet while it is the primary.
    this.alarms.push(...this.lagAlarms(primaryScope, this.primaryRegion, primaryId));

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
        // The replica of the master secret, under this Region's key: reading it needs kms:Decrypt
        // on that key through Secrets Manager ("If the secret is encrypted with a customer managed
        // key, you also need kms:Decrypt", Secrets Manager API Reference, GetSecretValue), which
        // grantRead() adds only when the imported secret knows its key.
        secret: secretsmanager.Secret.fromSecretAttributes(scope, 'Secret', {
          secretPartialArn: `arn:${partitionOfStack(stack)}:secretsmanager:${region}:${stack.account}:secret:${secretName}`,
          encryptionKey: key,
        }),
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

  /**
   * The CLI command of a planned switchover (no data loss) to `region`'s secondary. Its
   * `--region` is the primary's: "Specify the AWS Region where the primary DB cluster of the
   * Aurora global database is running" (Aurora User Guide, "Using switchover or failover in
   * Amazon Aurora Global Database", switchover with the AWS CLI).
   */
  public switchoverCommand(region: string): string {
    if (!this.secondaryRegions.includes(region)) {
      throw validationError('NotASecondary', `'${region}' has no secondary cluster of ${this.globalClusterIdentifier}; secondary Regions: ${this.secondaryRegions.join(', ')}.`, this);
    }
    return `aws rds switchover-global-cluster --region ${this.primaryRegion} --global-cluster-identifier ${this.globalClusterIdentifier} --target-db-cluster-identifier ${this.clusterArnOf(region)}`;
  }

  /**
   * The CLI command of an unplanned failover to `region`'s secondary, accepting the loss of
   * unreplicated writes; its `--region` is the secondary's (same page: "the AWS Region where the
   * secondary DB cluster that you want to be the new primary ... is running").
   */
  public failoverCommand(region: string): string {
    return `aws rds failover-global-cluster --region ${region} --global-cluster-identifier ${this.globalClusterIdentifier} --target-db-cluster-identifier ${this.clusterArnOf(region)} --allow-data-loss`;
  }

  /**
   * The writer and a secondary as a `LagProbeDatabase` for a `ReplicationLagProbe` (write on
   * the primary's cluster endpoint, observe on the secondary's reader endpoint), with the master secret of `probeRegion` (default: the
   * secondary's Region, whose stack the probe belongs in) and its key, over TLS verified
   * against the Amazon RDS CAs. The metrics carry the global cluster identifier as `Database`.
   *
   * Network: the probe runs in a VPC that reaches both clusters on 5432 (peered VPCs or a
   * transit gateway with non-overlapping CIDRs; the minimal VPCs this construct makes reach
   * neither each other nor AWS APIs) and reaches Secrets Manager and CloudWatch of its Region
   * (interface endpoints `secretsmanager` and `monitoring`, or a NAT route). Allow it in with
   * `securityGroup(region).connections.allowFrom(probeSecurityGroup, ec2.Port.tcp(5432))` on the
   * secondary and a CIDR rule on the primary's security group.
   *
   * After a switchover or failover the old primary's cluster endpoint is read-only: the probe
   * then publishes `WriterReadOnly` = 1 (SQLSTATE 25006) and its writer-read-only alarm fires,
   * instead of going quiet. Re-point it by deploying the app with the new primary as the
   * topology's `primaryRegion`, or switch back. (The global writer endpoint would follow the
   * primary, but CloudFormation's resource schema of `AWS::RDS::GlobalCluster` exposes only the
   * `GlobalEndpoint` object to `Fn::GetAtt`, not its `Address` string, so no stack can pass it on.)
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
      name: this.globalClusterIdentifier,
      // The standby's secret is a replica: check every run that it is in sync (R5 of the review:
      // a failed replica leaves a green stack).
      passwordSecretPrimary: where === this.primaryRegion ? undefined : { secretName: `${this.globalClusterIdentifier}/master`, region: this.primaryRegion },
    });
  }

  /**
   * `AuroraGlobalDBReplicationLag` of `region`'s cluster in ms, Maximum per minute, as a
   * CloudWatch Metrics Insights query in that Region. Aurora publishes it only while the
   * cluster is a secondary; the query selects by `DBClusterIdentifier` alone, because the
   * Aurora dimension table does not document the metric's full dimension set ("Amazon
   * CloudWatch dimensions for Aurora"), and an alarm on a wrong set would never see data.
   * It names `region` as its `searchRegion`, for dashboards anywhere; CloudWatch alarms refuse
   * a search Region, so for an alarm in that Region's stack pass `{ searchRegion: undefined }`.
   */
  public metricReplicationLagQuery(region: string, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.globalMetric('AuroraGlobalDBReplicationLag', region, props);
  }

  /** `AuroraGlobalDBRPOLag` of `region`'s cluster in ms, like `metricReplicationLagQuery`. */
  public metricRpoLagQuery(region: string, props?: cloudwatch.MathExpressionOptions): cloudwatch.MathExpression {
    return this.globalMetric('AuroraGlobalDBRPOLag', region, props);
  }

  /**
   * `AuroraGlobalDBReplicationLag` of `secondaryRegion`'s cluster on the dimensions
   * `DBClusterIdentifier` and `SourceRegion` (the primary's Region).
   * @deprecated use `metricReplicationLagQuery`: Aurora's dimension table does not document
   * this dimension set, so a graph or alarm on it may never see data. Kept for 0.1.0 users;
   * removed in 0.3.0 at the earliest.
   */
  public metricReplicationLag(secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.sourceRegionMetric('AuroraGlobalDBReplicationLag', secondaryRegion, props);
  }

  /**
   * `AuroraGlobalDBRPOLag` of `secondaryRegion`'s cluster, like `metricReplicationLag`.
   * @deprecated use `metricRpoLagQuery` (see `metricReplicationLag`); removed in 0.3.0 at the earliest.
   */
  public metricRpoLag(secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.sourceRegionMetric('AuroraGlobalDBRPOLag', secondaryRegion, props);
  }

  /** Dashboard widgets: replication and RPO lag of every member cluster, with the bands. */
  public dashboardWidgets(): cloudwatch.IWidget[] {
    return [this.primaryRegion, ...this.secondaryRegions].map((region) => new cloudwatch.GraphWidget({
      title: `${this.globalClusterIdentifier}: lag into ${region} while a secondary (ms)`,
      left: [this.metricReplicationLagQuery(region, { label: 'replication lag' }), this.metricRpoLagQuery(region, { label: 'RPO lag' })],
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

  /** The 0.1.0 form of the lag metrics (deprecated methods only). */
  private sourceRegionMetric(metricName: string, secondaryRegion: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
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

  private globalMetric(metricName: string, region: string, props?: cloudwatch.MathExpressionOptions, forAlarm = false): cloudwatch.MathExpression {
    this.clusterOf(region);
    // Metrics Insights: FROM a namespace (not SCHEMA) matches every dimension set, and WHERE
    // keeps the series of this one cluster (CloudWatch User Guide, "Metrics Insights query
    // components and syntax"); MAX() without GROUP BY returns the single series an alarm needs.
    return new cloudwatch.MathExpression({
      expression: `SELECT MAX(${metricName}) FROM "AWS/RDS" WHERE DBClusterIdentifier = '${this.globalClusterIdentifier}-${region}'`,
      usingMetrics: {},
      period: Duration.minutes(1),
      searchRegion: forAlarm ? undefined : region,
      label: `${metricName} ${this.globalClusterIdentifier}-${region}`,
      ...props,
    });
  }

  private lagAlarms(scope: Construct, region: string, clusterId: string): cloudwatch.Alarm[] {
    const alarm = (id: string, metric: cloudwatch.IMetric, thresholdMs: number, what: string) => registerAlarm(new cloudwatch.Alarm(scope, id, {
      alarmDescription: `Aurora global database ${this.globalClusterIdentifier}: ${what} into ${clusterId} (${region}, while it is a secondary) above ${thresholdMs / 1000} s in 2 of the last 3 minutes.`,
      metric,
      threshold: thresholdMs,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      // Missing data is not lag: the primary publishes none, AuroraGlobalDBRPOLag may only be
      // published with managed RPO (rds.global_db_rpo) set, and a stalled secondary is caught by
      // the write-then-observe probe's not-visible and not-running alarms (lagProbeDatabase()).
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));
    return [
      alarm('ReplicationLagWarning', this.globalMetric('AuroraGlobalDBReplicationLag', region, {}, true), this.lagWarningThresholdMs, 'replication lag (warning)'),
      alarm('ReplicationLagCritical', this.globalMetric('AuroraGlobalDBReplicationLag', region, {}, true), this.lagCriticalThresholdMs, 'replication lag (critical)'),
      alarm('RpoLag', this.globalMetric('AuroraGlobalDBRPOLag', region, {}, true), this.rpoLagThresholdMs, 'RPO lag'),
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

/**
 * An Aurora global database "requires DB instance classes that are optimized for
 * memory-intensive applications" (Aurora User Guide, "Configuration requirements of an Amazon
 * Aurora global database", DB instance class requirements): the memory-optimized db.r* and
 * db.x* families. General-purpose, burstable and serverless classes are refused at synth.
 */
function validateInstanceType(instanceType: ec2.InstanceType, scope: Construct): void {
  const name = instanceType.toString();
  if (Token.isUnresolved(name)) return;
  if (!/^(r\d+[a-z]*|x\d+[a-z]*)\.[a-z0-9]+$/.test(name)) {
    throw validationError('InstanceClassNotForGlobalDatabase', `instanceType 'db.${name}' is not valid for an Aurora global database, which needs a memory-optimized class `
      + '(db.r* or db.x*, for example db.r6g.large or db.r7g.xlarge); see the Aurora User Guide, "Configuration requirements of an Amazon Aurora global database".', scope);
  }
}

/** Names RDS or PostgreSQL keep for themselves. */
const RESERVED_DATABASE_NAMES = new Set(['postgres', 'template0', 'template1', 'rdsadmin']);

/**
 * RDS CreateDBCluster, DatabaseName for Aurora PostgreSQL: 1 to 63 letters, digits or
 * underscores, beginning with a letter, not a word the engine reserves.
 */
function validateDatabaseName(name: string, scope: Construct): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name) || RESERVED_DATABASE_NAMES.has(name.toLowerCase())) {
    throw validationError('InvalidDatabaseName', `defaultDatabaseName '${name}' is not valid; RDS takes 1 to 63 letters, digits or underscores beginning with a letter, `
      + `and not one of ${[...RESERVED_DATABASE_NAMES].join(', ')} (RDS API Reference, CreateDBCluster, DatabaseName).`, scope);
  }
}

/**
 * RDS CreateDBCluster, MasterUsername for Aurora PostgreSQL: 1 to 63 letters, digits or
 * underscores beginning with a letter, not a reserved word.
 */
function validateMasterUsername(name: string, scope: Construct): void {
  if (Token.isUnresolved(name)) return;
  if (!/^[A-Za-z][A-Za-z0-9_]{0,62}$/.test(name) || ['postgres', 'rdsadmin', 'admin', 'rds_superuser'].includes(name.toLowerCase())) {
    throw validationError('InvalidMasterUsername', `masterUsername '${name}' is not valid; use 1 to 63 letters, digits or underscores beginning with a letter, `
      + "other than 'postgres', 'rdsadmin', 'admin' or 'rds_superuser' (RDS reserves them; AWS Control Tower refuses default admin names).", scope);
  }
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
