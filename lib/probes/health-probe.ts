import { Arn, ArnFormat, Duration, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { registerAlarm } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { HealthTarget } from './health-target';
import { DEFAULT_PROBE_NAMESPACE } from './namespace';
import { bundleWithConfig, MAX_CONFIG_IN_ENVIRONMENT } from './private/config-asset';
import { probeNotRunningAlarm } from './private/probe-alarms';
import { concreteRegion, createProbeFunction } from './private/probe-function';
import { aliased } from './private/settings';
import { validateNamespace, validateNOfM, validateProbesPerRun } from './private/validation';
import { ProbeSettings } from './probe-settings';

/**
 * Properties of a `HealthProbe`.
 */
export interface HealthProbeProps extends ProbeSettings {
  /** The endpoints of this Region to probe, at least one. */
  readonly targets: HealthTarget[];

  /**
   * ARN of the Region's Aurora DSQL cluster (in the probe's own Region): the probe reads its
   * status with GetCluster and counts ACTIVE and the documented normal states IDLE, INACTIVE and
   * UPDATING as healthy (Aurora DSQL User Guide, "Cluster lifecycle"), anything else (creating,
   * pending setup, deleting, failed, gone) as unhealthy.
   * @default - no cluster check
   */
  readonly dsqlClusterArn?: string;

  /**
   * @deprecated use `datapointsToAlarm` (the shared `ProbeSettings` name)
   * @default 2
   */
  readonly unhealthyDatapointsToAlarm?: number;

  /**
   * @deprecated use `evaluationPeriods` (the shared `ProbeSettings` name)
   * @default 3
   */
  readonly unhealthyEvaluationPeriods?: number;
}

/**
 * A scheduled Lambda that checks a Region's endpoints every minute from inside the Region
 * and publishes, per target, `Healthy` (0/1) and `Latency` (ms), plus `RegionHealthy` for
 * the Region as a whole; with alarms for an unhealthy Region and for a probe that stopped.
 *
 * `regionUnhealthyAlarm` is meant to back a Route 53 health check of type
 * CLOUDWATCH_METRIC, so DNS fails over on what the probe sees. The probe never asks Route 53
 * for a health check's status (`GetHealthCheckStatus` is a development aid, not for production
 * query rates, and cannot read calculated checks): the checkers' view is the `AWS/Route53`
 * metrics in us-east-1, on the `ProbesDashboard`.
 */
export class HealthProbe extends Construct {
  /** The Region probed (the Region of the probe's stack). */
  public readonly region: string;
  /** The metric namespace. */
  public readonly namespace: string;
  /** The names of the targets, in the order given. */
  public readonly targetNames: string[];
  /** Probes per one-minute run (the alarm path's detection resolution). */
  public readonly probesPerRun: number;
  /** The per-target timeout. */
  public readonly targetTimeout: Duration;
  /** One-minute periods the Region-unhealthy alarm looks at. */
  public readonly unhealthyEvaluationPeriods: number;
  /** Unhealthy periods among them that fire the Region-unhealthy alarm. */
  public readonly unhealthyDatapointsToAlarm: number;
  /** The probe function. */
  public readonly function: lambda.IFunction;
  /** The probe function, under a name jsii's target languages accept (`function` is reserved in them). */
  public readonly probeFunction: lambda.IFunction;
  /** The probe's log group. */
  public readonly logGroup: logs.ILogGroup;
  /** Fires when the Region is unhealthy in N of the last M minutes. */
  public readonly regionUnhealthyAlarm: cloudwatch.Alarm;
  /** Fires when no probe result arrived for several minutes. */
  public readonly probeNotRunningAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: HealthProbeProps) {
    super(scope, id);
    this.region = concreteRegion(this, `HealthProbe '${id}'`);
    this.namespace = props.namespace ?? DEFAULT_PROBE_NAMESPACE;
    validateNamespace(this.namespace, `HealthProbe '${id}'`);
    const probesPerRun = props.probesPerRun ?? 1;
    validateProbesPerRun(probesPerRun, `HealthProbe '${id}'`);
    const timeout = props.timeout ?? Duration.seconds(5);
    validateTimeout(id, timeout, probesPerRun);
    validateTargetUrls(this, props.targets);
    validateTargets(id, props.targets);
    const datapoints = aliased(this, 'datapointsToAlarm', props.datapointsToAlarm, 'unhealthyDatapointsToAlarm', props.unhealthyDatapointsToAlarm) ?? 2;
    const periods = aliased(this, 'evaluationPeriods', props.evaluationPeriods, 'unhealthyEvaluationPeriods', props.unhealthyEvaluationPeriods) ?? 3;
    if (props.dsqlClusterArn !== undefined && !Token.isUnresolved(props.dsqlClusterArn)) {
      const m = /^arn:aws[a-z-]*:dsql:([a-z0-9-]+):\d{12}:cluster\/[a-z0-9]+$/.exec(props.dsqlClusterArn);
      if (!m) {
        throw validationError('HealthProbeDsqlClusterArn', `HealthProbe '${id}': dsqlClusterArn '${props.dsqlClusterArn}' is not a DSQL cluster ARN; expected arn:aws:dsql:<region>:<account>:cluster/<id>.`, this);
      }
      if (m[1] !== this.region) {
        throw validationError('HealthProbeDsqlClusterRegion', `HealthProbe '${id}' in ${this.region} was given the DSQL cluster of ${m[1]} (${props.dsqlClusterArn}); `
          + `it reads the cluster's status in its own Region and judges ${this.region}'s health: give the cluster of ${this.region}.`, this);
      }
    }
    validateNOfM(datapoints, periods, `HealthProbe '${id}' unhealthy alarm`);
    const notRunningPeriods = props.notRunningEvaluationPeriods ?? 5;
    validateNOfM(notRunningPeriods, notRunningPeriods, `HealthProbe '${id}' not-running alarm`);
    this.targetNames = props.targets.map((t) => t.name);
    this.probesPerRun = probesPerRun;
    this.targetTimeout = timeout;
    this.unhealthyEvaluationPeriods = periods;
    this.unhealthyDatapointsToAlarm = datapoints;

    const dsqlClusterIdentifier = props.dsqlClusterArn
      ? Arn.split(props.dsqlClusterArn, ArnFormat.SLASH_RESOURCE_NAME).resourceName
      : undefined;
    const config = {
      region: this.region,
      namespace: this.namespace,
      timeoutMs: timeout.toMilliseconds(),
      targets: props.targets.map((t) => ({ name: t.name, url: t.url, expectedStatus: t.expectedStatus ?? 200, bodyContains: t.bodyContains })),
      dsqlClusterIdentifier,
    };
    // Lambda allows 4 KB of environment variables in all: a long list of literal targets (hundreds)
    // ships as a file beside the bundle. Deploy-time values (tokens) cannot be written to a file at
    // synth, so targets holding them must fit the environment.
    const estimate = JSON.stringify(config).length;
    const targetsInFile = estimate > MAX_CONFIG_IN_ENVIRONMENT && !Token.isUnresolved(JSON.stringify(config.targets));
    if (estimate > MAX_CONFIG_IN_ENVIRONMENT && !targetsInFile) {
      throw validationError('HealthProbeConfigTooLarge', `HealthProbe '${id}': the configuration of ${props.targets.length} targets is about ${estimate} characters and holds deploy-time values (tokens), `
        + `so it must fit Lambda's 4 KB of environment variables (at most ${MAX_CONFIG_IN_ENVIRONMENT}); use literal URLs (any number of targets) or split the targets over several HealthProbes.`, this);
    }
    const code = targetsInFile ? bundleWithConfig('health-probe', 'health-probe-targets.json', JSON.stringify(config.targets)) : undefined;
    const configEnvironment: Record<string, string> = targetsInFile
      ? { HEALTH_PROBE_CONFIG: Stack.of(this).toJsonString({ ...config, targets: [] }), HEALTH_PROBE_TARGETS_FILE: 'health-probe-targets.json' }
      : { HEALTH_PROBE_CONFIG: Stack.of(this).toJsonString(config) };
    const probe = createProbeFunction(this, {
      handlerDir: 'health-probe',
      code,
      description: `Health probe of ${this.region}`,
      environment: {
        ...configEnvironment,
        PROBES_PER_RUN: String(probesPerRun),
      },
      namespace: this.namespace,
      // One run covers a minute when it probes several times; otherwise one timeout plus the SDK calls.
      timeout: probesPerRun > 1 ? Duration.seconds(75) : Duration.seconds(Math.ceil(timeout.toSeconds()) + 20),
      encryptionKey: props.encryptionKey,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_YEAR,
    });
    this.function = probe.fn;
    this.probeFunction = probe.fn;
    this.logGroup = probe.logGroup;

    if (props.dsqlClusterArn) {
      probe.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['dsql:GetCluster'], resources: [props.dsqlClusterArn] }));
    }

    this.regionUnhealthyAlarm = new cloudwatch.Alarm(this, 'RegionUnhealthy', {
      // CloudFormation caps an alarm description at 1024 characters: name the first targets only.
      alarmDescription: `${this.region} is unhealthy: a probe failed in ${datapoints} of the last ${periods} minutes (targets: ${this.targetNames.slice(0, 10).join(', ')}`
        + `${this.targetNames.length > 10 ? ` and ${this.targetNames.length - 10} more` : ''}).`,
      metric: this.metricRegionHealthy(),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: periods,
      datapointsToAlarm: datapoints,
      // A silent probe is the not-running alarm's business; it must not fail the Region over.
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.probeNotRunningAlarm = probeNotRunningAlarm(this, this.metricRegionHealthy(), notRunningPeriods,
      `The health probe of ${this.region} published nothing for ${notRunningPeriods} minutes.`);
    // Actions come from AlarmTopics, which notifies every registered alarm of the app.
    registerAlarm(this.regionUnhealthyAlarm); // probeNotRunningAlarm() registers its own
  }

  /** 1 when every target (and the DSQL cluster) was healthy, else 0; Minimum over one minute by default. */
  public metricRegionHealthy(props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('RegionHealthy', { Region: this.region }, { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** 1 when the target answered as expected, else 0. */
  public metricHealthy(targetName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Healthy', { Region: this.region, Target: this.knownTarget(targetName) }, { statistic: cloudwatch.Stats.MINIMUM, ...props });
  }

  /** Time to the target's full response, in ms; p90 over one minute by default. */
  public metricLatency(targetName: string, props?: cloudwatch.MetricOptions): cloudwatch.Metric {
    return this.metric('Latency', { Region: this.region, Target: this.knownTarget(targetName) }, { statistic: cloudwatch.Stats.percentile(90), ...props });
  }

  private metric(metricName: string, dimensionsMap: Record<string, string>, props: cloudwatch.MetricOptions): cloudwatch.Metric {
    return new cloudwatch.Metric({ namespace: this.namespace, metricName, dimensionsMap, period: Duration.minutes(1), region: this.region, ...props });
  }

  private knownTarget(name: string): string {
    if (!this.targetNames.includes(name)) {
      throw new Error(`HealthProbe '${this.node.id}' has no target '${name}'; its targets are ${this.targetNames.join(', ')}.`);
    }
    return name;
  }
}

function validateTimeout(id: string, timeout: Duration, probesPerRun: number): void {
  const ms = timeout.toMilliseconds();
  if (ms < 1000 || ms > 30_000) {
    throw new Error(`HealthProbe '${id}': timeout of ${ms} ms is not valid; use 1 to 30 seconds.`);
  }
  if (ms >= 60_000 / probesPerRun) {
    throw new Error(`HealthProbe '${id}': timeout of ${ms} ms does not fit ${probesPerRun} probes a minute (${Math.floor(60_000 / probesPerRun)} ms apart); shorten the timeout or lower probesPerRun.`);
  }
}

function validateTargets(id: string, targets: HealthTarget[]): void {
  if (!targets || targets.length === 0) {
    throw new Error(`HealthProbe '${id}' has no targets; give at least one { name, url }.`);
  }
  const seen = new Set<string>();
  for (const t of targets) {
    if (!/^[A-Za-z0-9._-]{1,64}$/.test(t.name)) {
      throw new Error(`HealthProbe '${id}': target name '${t.name}' is not valid; use 1 to 64 letters, digits, '.', '_' or '-'.`);
    }
    if (seen.has(t.name)) {
      throw new Error(`HealthProbe '${id}': target name '${t.name}' is used twice; names must be unique (they are the Target metric dimension).`);
    }
    seen.add(t.name);
    if (!Token.isUnresolved(t.url) && !/^https?:\/\/[^\s/]+/.test(t.url)) {
      throw new Error(`HealthProbe '${id}': target '${t.name}' has URL '${t.url}'; use an absolute http:// or https:// URL.`);
    }
    if (t.expectedStatus !== undefined && (!Number.isInteger(t.expectedStatus) || t.expectedStatus < 100 || t.expectedStatus > 599)) {
      throw new Error(`HealthProbe '${id}': target '${t.name}' expects status ${t.expectedStatus}; use an HTTP status from 100 to 599.`);
    }
  }
}

/**
 * A target URL the probe could never reach is refused at synth: http or https only, and a port
 * from 1 to 65535 (a URL with port 84433 would make every run report the Region unhealthy).
 */
function validateTargetUrls(scope: Construct, targets: HealthTarget[]): void {
  for (const t of targets ?? []) {
    if (Token.isUnresolved(t.url)) continue;
    const match = /^([a-z][a-z0-9+.-]*):\/\/(\[[^\]]*\]|[^\s/:?#]+)(?::(\d*))?(?:[/?#]|$)/i.exec(t.url);
    if (!match || !['http', 'https'].includes(match[1].toLowerCase())) {
      throw validationError('InvalidProbeUrl', `target '${t.name}' has URL '${t.url}'; use an absolute http:// or https:// URL.`, scope);
    }
    const port = match[3] === undefined ? undefined : Number(match[3]);
    if (port !== undefined && (match[3] === '' || !Number.isInteger(port) || port < 1 || port > 65535)) {
      throw validationError('InvalidProbePort', `target '${t.name}' has URL '${t.url}': port ${match[3]} is not valid; use 1 to 65535 (or no port: 80 for http, 443 for https).`, scope);
    }
  }
}
