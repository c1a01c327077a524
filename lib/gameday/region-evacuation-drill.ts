import { ArnFormat, CfnOutput, Duration, Lazy, RemovalPolicy, Stack, Tags, Token, Validations } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as lambdaDestinations from 'aws-cdk-lib/aws-lambda-destinations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { validationError } from '../private/errors';
import { registerAlarm } from '../private/alarm-registry';
import { handlerCode } from '../private/handler-code';
import { AcceleratorRouting } from '../routing/accelerator-routing';
import { DnsRouting } from '../routing/dns-routing';
import { FailoverBudgetReport } from '../routing/failover-budget-report';
import { RegionFailoverTime } from '../routing/failover-budget';
import { RoutingIntentStore } from '../routing/routing-intent-store';
import { acknowledgeCompositeAlarmRead, describeAlarmsStatements, isCompositeAlarm } from '../private/alarm-read';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { partitionOfStack } from '../topology/regions';
import { GAME_DAY_TAG } from './private/game-day-tag';
import { acknowledgeLambdaOutsideVpc } from '../private/control-tower';
import { logAccessTo, newLogBucket } from '../audit/private/log-bucket';
import { putMetricDataStatement } from '../private/metric-permissions';
import { acknowledgeCrossRegionProviders } from '../topology/private/cdk-provider-findings';
import { HandlerRuntime } from '../runtime/handler-runtime';


/**
 * What the drill checks in one Region: the alarms that must be OK for it to count as healthy,
 * and an optional heartbeat that proves its data path.
 */
export interface DrillRegionTarget {
  /** The Region, one of the topology's active Regions. */
  readonly region: string;

  /**
   * Alarms that say whether the Region is healthy (for example the probes'
   * `regionUnhealthyAlarm(region)` and DnsRouting's `endpointUnhealthyAlarm(region)`). The drill
   * refuses to take out another Region while any of these is in ALARM, and checks them again
   * in the surviving Regions after the take-out.
   * @default - no alarms
   */
  readonly healthAlarms?: cloudwatch.IAlarm[];

  /**
   * An application URL in this Region that, on POST, writes a heartbeat and reads it back and
   * answers 2xx when both worked (for Aurora DSQL: proof that the survivor still commits).
   * @default - no heartbeat; the data path is judged by the alarms alone
   */
  readonly heartbeatUrl?: string;

  /**
   * The DNS name of the Region's load balancer, to recognise the Region in Route 53's answer.
   * @default - the DNS path is measured by the health check's status metric only
   */
  readonly endpointDnsName?: string;

  /**
   * The fault switch of the Region's deep-health endpoint (`DeepHealthEndpoint.faultSwitch`, an SSM
   * String parameter in this Region). With it the drill's `deep-health` mode fails the Region's deep
   * health (`{"fail":true,...}`), lets detection and the automation move the traffic, and times the
   * whole chain; it writes the previous value back on restore and on abort.
   * @default - no deep-health mode for this Region
   */
  readonly faultSwitch?: ssm.IStringParameter;
}

/**
 * Properties of a `RegionEvacuationDrill`.
 */
export interface RegionEvacuationDrillProps {
  /** The topology whose Regions the drill takes out one at a time. */
  readonly topology: IMultiRegionTopology;

  /**
   * The app's Route 53 routing: the drill inverts the health check that guards the Region's record.
   * @default - no DNS path
   */
  readonly dnsRouting?: DnsRouting;

  /**
   * The app's Global Accelerator: the drill sets the Region's endpoint group's traffic dial to 0.
   * @default - no accelerator path
   */
  readonly acceleratorRouting?: AcceleratorRouting;

  /**
   * Alarms, heartbeat and endpoint name per Region.
   * @default - none
   */
  readonly regions?: DrillRegionTarget[];

  /**
   * The recorded routing intents: in the routing mode the drill holds every Region whose routing it
   * changes (the accelerator controller then leaves its take-out alone) and clears its holds on
   * restore; it refuses to run while another actor holds a Region.
   * @default - acceleratorRouting's `routingIntent`, else none
   */
  readonly routingIntent?: RoutingIntentStore;

  /**
   * Time between two measurements.
   * @default Duration.seconds(10)
   */
  readonly pollInterval?: Duration;

  /**
   * How long the drill waits for every path to move traffic off the Region before it gives up,
   * reports the path as over budget and restores. Between 1 and 60 minutes.
   * @default Duration.minutes(15)
   */
  readonly measureTimeout?: Duration;

  /**
   * CloudWatch namespace of `MeasuredRecoverySeconds` and `BudgetRecoverySeconds`.
   * @default 'MultiRegion/GameDay'
   */
  readonly namespace?: string;

  /**
   * Name of the state machine.
   * @default `<stackNamePrefix>-region-drill`
   */
  readonly stateMachineName?: string;

  /**
   * Retention of the Lambda's and the state machine's logs.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;

  /**
   * Bucket for the report bucket's server access logs.
   * @default - a log bucket of the drill's own (SSE-S3, versioned, a year)
   */
  readonly accessLogsBucket?: s3.IBucket;
}

/** Step Functions keeps at most 25,000 events in a Standard execution's history (Step Functions Developer Guide, "Step Functions service quotas"). */
const HISTORY_EVENTS_QUOTA = 25_000;
/** History events of one measure poll: the task (entered, scheduled, started, succeeded, exited), the Choice and the Wait (entered, exited each). */
const EVENTS_PER_POLL = 9;
/** Polls one execution may make: 9 events each stays under 14,000 events, leaving room for retries and the other states. */
export const MAX_DRILL_POLLS = 1500;

/**
 * A Region evacuation drill (game day) as a Step Functions state machine in a Region that
 * survives: given a Region and the confirmation (the Region's name again) it checks that every
 * other Region is healthy and no drill is running, takes the Region out of Route 53 (its record's
 * health check inverted) and Global Accelerator (its traffic dial to 0), measures how long each
 * path takes to stop sending it traffic, checks the data path in the survivors, restores exactly
 * what it changed and writes a report (JSON and Markdown in an encrypted bucket, metrics
 * `MeasuredRecoverySeconds` per path) beside the failover budget computed at synth.
 *
 * Every change is written to a journal before it is made; every state's failure goes to the
 * restore step; an execution that is aborted or times out is restored by an EventBridge rule.
 * Run it with `npx multi-region-cdk drill --region <r> --state-machine-arn <arn>`.
 */
export class RegionEvacuationDrill extends Construct {
  /** The drill's state machine. */
  public readonly stateMachine: sfn.StateMachine;
  /** The bucket of the reports (drills/<Region>/<execution>/report.{json,md}) and journals. */
  public readonly reportBucket: s3.Bucket;
  /** The Lambda that runs the steps. */
  public readonly handler: lambda.Function;
  /** In ALARM when a drill found a path over its budget (metric `PathsOverBudget`). */
  public readonly overBudgetAlarm: cloudwatch.Alarm;
  /** The state machine's ARN (its name is fixed, so the ARN is known at synth). */
  public readonly stateMachineArn: string;
  /** Where a restore that failed after Lambda's retries keeps its event. */
  public readonly failedRestoreQueue: sqs.Queue;
  /** In ALARM while a failed restore waits in `failedRestoreQueue`. */
  public readonly restoreFailedAlarm: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: RegionEvacuationDrillProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (Token.isUnresolved(stack.region)) {
      throw validationError('DrillRegionUnknown', `RegionEvacuationDrill '${id}' is in stack '${stack.stackName}', which has no concrete Region; give the stack env: { region } (a Region that survives the drill, for example the witness Region).`, this);
    }
    const topology = props.topology;
    if (topology.activeRegions.includes(stack.region)) {
      throw validationError('DrillInActiveRegion', `RegionEvacuationDrill '${id}' is in ${stack.region}, an active Region of ${topology.node.path}, which the drill can evacuate (and a real outage of it would stop the drill that must restore it); `
        + `put it in a stack of a Region that is not active (for example the witness Region${topology.witnessRegion ? ` ${topology.witnessRegion}` : ''}).`, this);
    }
    const appAccount = Stack.of(topology.globalStack).account;
    if (!Token.isUnresolved(stack.account) && !Token.isUnresolved(appAccount) && stack.account !== appAccount) {
      throw validationError('DrillWrongAccount', `RegionEvacuationDrill '${id}' is in stack '${stack.stackName}' of account ${stack.account}, but the app's routing is in account ${appAccount}; `
        + 'the drill\'s role can only change routing of its own account, so put it in a stack of that account.', this);
    }
    if (!props.dnsRouting && !props.acceleratorRouting) {
      throw validationError('DrillWithoutRouting', `RegionEvacuationDrill '${id}' has neither dnsRouting nor acceleratorRouting; give the app's routing so the drill has something to take the Region out of.`, this);
    }
    const targetsByRegion = new Map<string, DrillRegionTarget>();
    for (const t of props.regions ?? []) {
      if (!topology.activeRegions.includes(t.region)) {
        throw validationError('DrillUnknownRegion', `regions has '${t.region}', which is not an active Region of ${topology.node.path}; active Regions: ${topology.activeRegions.join(', ')}.`, this);
      }
      if (targetsByRegion.has(t.region)) {
        throw validationError('DrillDuplicateRegion', `regions lists '${t.region}' twice; give one entry per Region.`, this);
      }
      if (t.faultSwitch) {
        const switchRegion = Stack.of(t.faultSwitch).region;
        if (!Token.isUnresolved(switchRegion) && switchRegion !== t.region) {
          throw validationError('DrillFaultSwitchRegion', `the fault switch ${t.faultSwitch.node.path} of '${t.region}' is in ${switchRegion}; give the DeepHealthEndpoint.faultSwitch of ${t.region} itself.`, this);
        }
      }
      targetsByRegion.set(t.region, t);
    }
    const pollSeconds = (props.pollInterval ?? Duration.seconds(10)).toSeconds();
    if (pollSeconds < 1 || pollSeconds > 300) {
      throw validationError('DrillPollInterval', `pollInterval of ${pollSeconds} s is not valid; use 1 to 300 seconds.`, this);
    }
    const measureTimeoutSeconds = (props.measureTimeout ?? Duration.minutes(15)).toSeconds();
    if (measureTimeoutSeconds < 60 || measureTimeoutSeconds > 3600) {
      throw validationError('DrillMeasureTimeout', `measureTimeout of ${measureTimeoutSeconds} s is not valid; use 1 to 60 minutes.`, this);
    }
    const polls = Math.ceil(measureTimeoutSeconds / pollSeconds);
    if (polls > MAX_DRILL_POLLS) {
      throw validationError('DrillHistoryQuota', `measureTimeout of ${measureTimeoutSeconds} s at a pollInterval of ${pollSeconds} s is ${polls} polls of about ${EVENTS_PER_POLL} history events each; `
        + `a Standard execution keeps at most ${HISTORY_EVENTS_QUOTA} events (Step Functions service quotas), so the drill allows ${MAX_DRILL_POLLS} polls: `
        + `use a pollInterval of at least ${Math.ceil(measureTimeoutSeconds / MAX_DRILL_POLLS)} s or a measureTimeout of at most ${MAX_DRILL_POLLS * pollSeconds} s.`, this);
    }
    const namespace = props.namespace ?? 'MultiRegion/GameDay';
    const intents = props.routingIntent ?? props.acceleratorRouting?.routingIntent;
    const stateMachineName = props.stateMachineName ?? `${topology.stackNamePrefix}-region-drill`;
    const retention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;

    // A key of the drill's own (its Region is never an active Region's, so there is no RegionalKey of the topology here).
    const key = new RegionalKey(this, 'Key', {
      alias: `alias/${topology.stackNamePrefix}/region-drill`, services: [KeyService.CLOUDWATCH_LOGS, KeyService.of('s3'), KeyService.of('sqs')],
    });

    // The drill's stack takes cross-Region references (health checks, endpoint groups): aws-cdk-lib's
    // reference providers get the Control Tower acknowledgement MultiRegionApp's stacks get.
    acknowledgeCrossRegionProviders(stack);
    // Server access logs go to the user's bucket, or to a log bucket of the drill's own.
    const accessLogs = props.accessLogsBucket ?? newLogBucket(this, 'ReportAccessLogs', {
      expiration: Duration.days(365), removalPolicy: RemovalPolicy.RETAIN,
      sseS3Reason: 'S3 server access logs accept only S3-managed keys (SSE-S3) on the target bucket (Amazon S3 User Guide, "Enabling Amazon S3 server access logging").',
    });
    this.reportBucket = new s3.Bucket(this, 'Reports', {
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      versioned: true,
      // Reports are kept; replaced journal versions and abandoned uploads are not.
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(90), abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      removalPolicy: RemovalPolicy.RETAIN,
    });
    logAccessTo(this.reportBucket, accessLogs, 'region-drill/');
    Validations.of(this.reportBucket).acknowledge(
      {
        id: 'cdk-validator-cfnguard::s3_bucket_object_lock_enabled_check',
        reason: 'Object Lock: the drill rewrites its journal while a drill runs and restores from it; Object Lock would keep every '
          + 'write. Put the reports under a RegionalAuditTrail\'s data events if they must be immutable.',
      },
      {
        id: 'cdk-validator-cfnguard::s3_event_notifications_enabled_check',
        reason: 'Event notifications: only the drill\'s own Lambda writes here and the drill command reads the report it names; nothing consumes events.',
      },
    );

    this.stateMachineArn = stack.formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName, arnFormat: ArnFormat.COLON_RESOURCE_NAME });

    const regions = topology.activeRegions.map((region) => this.regionConfig(region, props, targetsByRegion.get(region)));
    const dnsConfig = props.dnsRouting ? recordOf(props.dnsRouting, topology.activeRegions[0]) : undefined;
    const config = {
      homeRegion: stack.region,
      regions,
      dns: dnsConfig,
      accelerator: props.acceleratorRouting ? { acceleratorArn: props.acceleratorRouting.accelerator.acceleratorArn } : undefined,
      intents: intents ? { region: intents.storeRegion, names: intents.parameterNames() } : undefined,
      budget: [],
      bucketName: this.reportBucket.bucketName,
      namespace,
      measureTimeoutSeconds,
    };
    const budgetPaths = [props.dnsRouting?.node.path, props.acceleratorRouting?.node.path].filter((p) => p !== undefined);
    // The budget is read when the template is written, so every routing path of the app is in it.
    const budget = Lazy.string({
      produce: () => JSON.stringify(FailoverBudgetReport.of(this).paths
        .filter((p) => budgetPaths.includes(p.constructPath))
        .map((p) => ({
          path: p.path,
          worstCaseSeconds: p.worstCaseSeconds,
          regions: Object.fromEntries(p.regions.map((r) => [r.region, r.totalSeconds])),
          postDetection: Object.fromEntries(p.regions.map((r) => [r.region, postDetectionSeconds(r)])),
        }))),
    });

    const logGroup = new logs.LogGroup(this, 'HandlerLogs', { retention, encryptionKey: key });
    const role = new iam.Role(this, 'HandlerRole', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: 'Region evacuation drill: changes only the app\'s health checks and endpoint groups, writes its report bucket',
    });
    this.grantDrill(role, props, regions, namespace, logGroup, key, targetsByRegion, intents);

    // A restore that still fails after Lambda's retries keeps its event here, and the alarm below
    // pages someone: the Region may still be out of routing (review R8).
    this.failedRestoreQueue = new sqs.Queue(this, 'FailedRestores', {
      encryption: sqs.QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.failedRestoreQueue).acknowledge({
      id: 'AwsSolutions::AwsSolutions-SQS3',
      reason: 'This queue is itself the dead-letter queue of the drill\'s failed restores; nothing consumes it automatically.',
    }, {
      id: 'cdk-validator-cfnguard::sqs_dlq_check',
      reason: 'This queue is itself the dead-letter queue (Lambda on-failure destination, EventBridge DLQ) of the drill\'s failed restores; a DLQ of a DLQ would only move the kept events.',
    });

    this.handler = new lambda.Function(this, 'Handler', {
      code: handlerCode('region-drill'),
      handler: 'index.handler',
      runtime: HandlerRuntime.of(this),
      architecture: lambda.Architecture.ARM_64,
      memorySize: 256,
      timeout: Duration.seconds(60),
      description: 'Region evacuation drill steps (multi-region-cdk)',
      role,
      logGroup,
      environment: { DRILL_CONFIG: stack.toJsonString(config), DRILL_BUDGET: budget },
      // Asynchronous invocations (the abort rule's restore): Lambda retries a function error twice
      // ("How Lambda handles errors and retries with asynchronous invocation"), then the event goes to the queue.
      retryAttempts: 2,
      maxEventAge: Duration.hours(6),
      onFailure: new lambdaDestinations.SqsDestination(this.failedRestoreQueue),
    });
    this.handler.node.addDependency(role);
    acknowledgeLambdaOutsideVpc(this.handler, 'the drill calls the Route 53, Global Accelerator, CloudWatch and S3 APIs and the Regions\' public endpoints it measures.');

    // Someone hears of a drill that found a path slower than its budget.
    this.overBudgetAlarm = registerAlarm(new cloudwatch.Alarm(this, 'OverBudget', {
      alarmDescription: 'A Region evacuation drill measured a routing path slower than its failover budget (or never saw it move traffic).',
      metric: new cloudwatch.Metric({ namespace, metricName: 'PathsOverBudget', statistic: cloudwatch.Stats.MAXIMUM, period: Duration.minutes(5) }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));

    this.restoreFailedAlarm = registerAlarm(new cloudwatch.Alarm(this, 'RestoreFailed', {
      alarmDescription: 'A Region evacuation drill could not restore what it changed (the event is kept in the failed-restore queue): the Region may still be out of routing, held or failing its deep health. Restore it from the journal (see the README, Game day).',
      metric: this.failedRestoreQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(1), statistic: cloudwatch.Stats.MAXIMUM }),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    }));

    this.stateMachine = this.buildStateMachine(stateMachineName, pollSeconds, measureTimeoutSeconds, key, retention);
    Tags.of(this.stateMachine).add(GAME_DAY_TAG, 'region-evacuation-drill');
    new CfnOutput(this, 'StateMachineArn', {
      value: this.stateMachine.stateMachineArn,
      description: 'Run the drill: npx multi-region-cdk drill --region <region> --state-machine-arn <this value> [--dry-run]',
    });

    // Aborted, timed-out and failed executions run no Catch: this rule restores them from the journal.
    // A fixed name: the key policy below names the rule, and a reference to it would close a cycle (key -> rule -> function -> key).
    const restoreRuleName = `${stateMachineName}-restore`.slice(0, 64);
    new events.Rule(this, 'RestoreOnAbort', {
      ruleName: restoreRuleName,
      description: 'Restores what an aborted, timed-out or failed Region evacuation drill changed',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [this.stateMachineArn] },
      },
      targets: [new targets.LambdaFunction(this.handler, {
        event: events.RuleTargetInput.fromObject({ step: 'restore', executionId: events.EventField.fromPath('$.detail.executionArn') }),
        // Delivery retries; an event EventBridge cannot deliver goes to the same queue.
        retryAttempts: 10,
        maxEventAge: Duration.hours(2),
        deadLetterQueue: this.failedRestoreQueue,
      })],
    });
    // EventBridge writes to an encrypted dead-letter queue as its service principal
    // (EventBridge User Guide, "Using dead-letter queues to process undelivered events": the key policy must allow it).
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'EventBridgeDeadLetters',
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: ['*'],
      conditions: { ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'events', resource: 'rule', resourceName: restoreRuleName }) } },
    }));
    // aws-cdk-lib's SqsDestination grants the function queue.grantSendMessages(), which on a KMS queue adds these KMS actions.
    Validations.of(role).acknowledge(...['kms:GenerateDataKey*', 'kms:ReEncrypt*'].map((a) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Action::${a}]`,
      reason: `${a} on the drill's own key only: aws-cdk-lib's grant for sending to the KMS-encrypted failed-restore queue (the Lambda on-failure destination).`,
    })));
  }

  /** Lets `grantee` start drills and read their progress (what `npx multi-region-cdk drill` needs). */
  public grantStartDrill(grantee: iam.IGrantable): iam.Grant {
    const executions = Stack.of(this).formatArn({ service: 'states', resource: 'execution', resourceName: `${this.stateMachine.stateMachineName}:*`, arnFormat: ArnFormat.COLON_RESOURCE_NAME });
    this.reportBucket.grantRead(grantee, 'drills/*');
    return iam.Grant.addToPrincipal({
      grantee,
      actions: ['states:StartExecution', 'states:DescribeExecution', 'states:GetExecutionHistory', 'states:StopExecution', 'states:DescribeStateMachine'],
      resourceArns: [this.stateMachine.stateMachineArn, executions],
    });
  }

  private regionConfig(region: string, props: RegionEvacuationDrillProps, target: DrillRegionTarget | undefined) {
    return {
      faultSwitchName: target?.faultSwitch?.parameterName,
      region,
      healthCheckId: props.dnsRouting?.healthCheck(region).healthCheckId,
      endpointDnsName: target?.endpointDnsName,
      endpointGroupArn: props.acceleratorRouting?.endpointGroup(region).endpointGroupArn,
      alarms: (target?.healthAlarms ?? []).map((a) => ({ name: a.alarmName, region: alarmRegionOf(a, this) })),
      heartbeatUrl: target?.heartbeatUrl,
    };
  }

  private grantDrill(role: iam.Role, props: RegionEvacuationDrillProps, regions: ReturnType<RegionEvacuationDrill['regionConfig']>[],
    namespace: string, logGroup: logs.LogGroup, key: kms.IKey, targetsByRegion: Map<string, DrillRegionTarget>, intents: RoutingIntentStore | undefined): void {
    const stack = Stack.of(this);
    const partition = partitionOfStack(stack);
    const statements: iam.PolicyStatement[] = [
      new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [logGroup.logGroupArn] }),
      new iam.PolicyStatement({ actions: ['states:ListExecutions'], resources: [this.stateMachineArn] }),
    ];
    if (props.dnsRouting) {
      statements.push(new iam.PolicyStatement({
        actions: ['route53:GetHealthCheck', 'route53:UpdateHealthCheck'],
        resources: regions.map((r) => `arn:${partition}:route53:::healthcheck/${r.healthCheckId}`),
      }));
    }
    if (props.acceleratorRouting) {
      statements.push(new iam.PolicyStatement({
        actions: ['globalaccelerator:DescribeEndpointGroup', 'globalaccelerator:UpdateEndpointGroup'],
        resources: regions.map((r) => r.endpointGroupArn!),
      }), new iam.PolicyStatement({
        actions: ['globalaccelerator:DescribeAccelerator'],
        resources: [props.acceleratorRouting.accelerator.acceleratorArn],
      }));
    }
    const faultSwitches = [...targetsByRegion.values()].flatMap((t) => (t.faultSwitch ? [t.faultSwitch.parameterArn] : []));
    if (faultSwitches.length > 0) {
      statements.push(new iam.PolicyStatement({ actions: ['ssm:GetParameter', 'ssm:PutParameter'], resources: faultSwitches }));
    }
    const alarmArns = regions.flatMap((r) => r.alarms.map((a) => `arn:${partition}:cloudwatch:${a.region}:${stack.account}:alarm:${a.name}`));
    const composite = [...targetsByRegion.values()].some((t) => (t.healthAlarms ?? []).some(isCompositeAlarm));
    const policy = new iam.Policy(this, 'HandlerPolicy', { roles: [role], statements: [...statements, ...describeAlarmsStatements(alarmArns, composite)] });
    if (composite) acknowledgeCompositeAlarmRead(policy);
    intents?.grantWrite(policy);
    // No resource-level permissions exist for these three; each is scoped as far as IAM allows.
    const unscoped = new iam.Policy(this, 'HandlerReadPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({ actions: ['cloudwatch:GetMetricData', ...(props.dnsRouting ? ['route53:TestDNSAnswer'] : [])], resources: ['*'] }),
        putMetricDataStatement(namespace),
      ],
    });
    Validations.of(unscoped).acknowledge({
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'cloudwatch:GetMetricData, route53:TestDNSAnswer and cloudwatch:PutMetricData support no resource ARNs; PutMetricData is limited to the drill\'s namespace by condition.',
    });
    // Journals and reports only, under their prefixes; the bucket's one key for S3's data keys.
    const objects = new iam.Policy(this, 'HandlerBucketPolicy', {
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['s3:GetObject', 's3:PutObject'],
          resources: [this.reportBucket.arnForObjects('journals/*'), this.reportBucket.arnForObjects('drills/*')],
        }),
        new iam.PolicyStatement({ actions: ['s3:ListBucket'], resources: [this.reportBucket.bucketArn] }),
        new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [key.keyArn] }),
      ],
    });
    const bucketId = stack.resolve((this.reportBucket.node.defaultChild as s3.CfnBucket).logicalId);
    Validations.of(objects).acknowledge(...['journals', 'drills'].map((prefix) => ({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${bucketId}.Arn>/${prefix}/*]`,
      reason: `The drill writes one object per execution under ${prefix}/ of its own report bucket; the execution names are not known at synth.`,
    })));
  }

  private buildStateMachine(name: string, pollSeconds: number, measureTimeoutSeconds: number, key: kms.IKey, retention: logs.RetentionDays): sfn.StateMachine {
    const J = sfn.JsonPath;
    const base = { region: J.stringAt('$.region'), executionId: J.stringAt('$$.Execution.Id') };
    const invoke = (id: string, step: string, resultPath: string, extra: Record<string, unknown> = {}) => new tasks.LambdaInvoke(this, id, {
      lambdaFunction: this.handler,
      payload: sfn.TaskInput.fromObject({ step, ...base, ...extra }),
      payloadResponseOnly: true,
      resultPath,
      taskTimeout: sfn.Timeout.duration(Duration.minutes(2)),
      retryOnServiceExceptions: true,
    });

    // Defaults under the input (a missing field would otherwise be a States.Runtime error, which no Catch
    // sees), and room for the error and the data-path check. The preflight then refuses a missing Region
    // or confirmation by name.
    const defaults = new sfn.Pass(this, 'Defaults', {
      comment: 'Defaults for the input',
      result: sfn.Result.fromObject({ region: '', confirmation: '', mode: 'routing', dryRun: false, drill: { error: null, dataPath: null } }),
      resultPath: '$.defaults',
    });
    const init = new sfn.Pass(this, 'Init', {
      comment: 'The input over its defaults',
      parameters: { args: J.jsonMerge(J.objectAt('$.defaults'), J.entirePayload) },
      outputPath: '$.args',
    });
    const preflight = invoke('Preflight', 'preflight', '$.preflight', { confirmation: J.stringAt('$.confirmation'), mode: J.stringAt('$.mode'), stateMachineArn: J.stringAt('$$.StateMachine.Id') });
    const takeOut = invoke('TakeOut', 'takeOut', '$.takeOut', { mode: J.stringAt('$.mode') });
    const measure = invoke('Measure', 'measure', '$.measure');
    const checkDataPath = invoke('CheckDataPath', 'checkDataPath', '$.drill.dataPath');
    const restore = invoke('Restore', 'restore', '$.restore');
    const report = invoke('Report', 'report', '$.report', {
      startedAt: J.stringAt('$$.Execution.StartTime'), error: J.objectAt('$.drill.error'), dataPath: J.objectAt('$.drill.dataPath'),
    });
    const wait = new sfn.Wait(this, 'WaitForTraffic', { time: sfn.WaitTime.duration(Duration.seconds(pollSeconds)) });
    const dryRunDone = new sfn.Succeed(this, 'DryRunPlan', { comment: 'Dry run: the plan of changes, nothing changed', outputPath: '$.preflight' });
    const failed = new sfn.Fail(this, 'DrillFailed', { error: 'DrillFailed', cause: 'The drill was refused or failed, or a survivor\'s data path failed; the Region was restored. See the report (the Report state\'s output).' });
    const reportFailed = new sfn.Fail(this, 'ReportFailed', { error: 'ReportFailed', cause: 'The Region was restored, but the report could not be written; see the Lambda\'s logs.' });
    const succeeded = new sfn.Succeed(this, 'DrillSucceeded', { outputPath: '$.report' });

    // Every state that runs before the restore goes to it on any failure, timeout included.
    for (const task of [preflight, takeOut, measure, checkDataPath]) {
      task.addCatch(restore, { errors: [sfn.Errors.ALL], resultPath: '$.drill.error' });
    }
    restore.addRetry({ errors: [sfn.Errors.ALL], interval: Duration.seconds(5), maxAttempts: 5, backoffRate: 2 });
    restore.addCatch(report, { errors: [sfn.Errors.ALL], resultPath: '$.drill.error' });
    report.addCatch(reportFailed, { errors: [sfn.Errors.ALL], resultPath: '$.reportError' });

    const definition = defaults.next(init).next(preflight).next(new sfn.Choice(this, 'DryRun?')
      .when(sfn.Condition.and(sfn.Condition.isPresent('$.dryRun'), sfn.Condition.booleanEquals('$.dryRun', true)), dryRunDone)
      .otherwise(takeOut.next(measure).next(new sfn.Choice(this, 'TrafficMoved?')
        .when(sfn.Condition.booleanEquals('$.measure.done', true), checkDataPath.next(restore).next(report).next(new sfn.Choice(this, 'Outcome')
          .when(sfn.Condition.stringEquals('$.report.outcome', 'succeeded'), succeeded)
          .otherwise(failed)))
        .otherwise(wait.next(measure)))));

    const logGroup = new logs.LogGroup(this, 'StateMachineLogs', { retention, encryptionKey: key });
    const machine = new sfn.StateMachine(this, 'StateMachine', {
      stateMachineName: name,
      comment: 'Region evacuation drill (multi-region-cdk): take a Region out, measure, check the data path, restore, report',
      definitionBody: sfn.DefinitionBody.fromChainable(definition),
      // Past this the execution times out without running a Catch: the RestoreOnAbort rule restores it.
      timeout: Duration.seconds(measureTimeoutSeconds + 30 * 60),
      tracingEnabled: true,
      logs: { destination: logGroup, level: sfn.LogLevel.ALL, includeExecutionData: true },
    });
    const stack = Stack.of(this);
    const handlerId = stack.resolve((this.handler.node.defaultChild as lambda.CfnFunction).logicalId);
    Validations.of(machine.role).acknowledge({
      id: `AwsSolutions::AwsSolutions-IAM5[Resource::<${handlerId}.Arn>:*]`,
      reason: 'Step Functions\' LambdaInvoke grants lambda:InvokeFunction on the drill\'s function and its qualified versions (<arn>:*); the wildcard covers versions of this one function.',
    }, {
      id: 'AwsSolutions::AwsSolutions-IAM5[Resource::*]',
      reason: 'X-Ray tracing (xray:PutTraceSegments, PutTelemetryRecords, GetSampling*) and CloudWatch Logs delivery (logs:*Delivery*, DescribeLogGroups, DescribeResourcePolicies, PutResourcePolicy) support no resource ARNs.',
    });
    return machine;
  }
}

/**
 * The terms of a Region's budget that a routing take-out still pays: what follows the change
 * (the TTL every branch pays, and the services' own reaction: Route 53 acting on a health change,
 * Global Accelerator applying a dial), not the detection the take-out skips (review W5).
 */
export function postDetectionSeconds(r: RegionFailoverTime): number {
  const reaction = /^(Route 53|Global Accelerator)\b.*\b(applies|acts|reacts|propagat)/i;
  const seen = new Map<string, number>();
  for (const t of r.terms) {
    if (t.branch !== undefined && reaction.test(t.name) && t.seconds !== undefined) seen.set(t.name, Math.max(seen.get(t.name) ?? 0, t.seconds));
  }
  return r.ttlSeconds + [...seen.values()].reduce((a, b) => a + b, 0);
}

function recordOf(dns: DnsRouting, region: string): { recordName: string; recordType: string; hostedZoneId: string } {
  const record = dns.record(region);
  const cfn = record.node.defaultChild as route53.CfnRecordSet;
  return { recordName: dns.recordName, recordType: cfn.type, hostedZoneId: cfn.hostedZoneId! };
}

function alarmRegionOf(alarm: cloudwatch.IAlarm, scope: Construct): string {
  const region = Stack.of(alarm).region;
  if (Token.isUnresolved(region)) {
    throw validationError('DrillAlarmRegion', `alarm ${alarm.node.path} is in a stack without a concrete Region; the drill reads alarms in their Region, so give that stack env: { region }.`, scope);
  }
  return region;
}
