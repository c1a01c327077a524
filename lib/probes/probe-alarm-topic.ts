import { Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { partitionOfStack } from '../topology/regions';

/**
 * Properties of a `ProbeAlarmTopic`.
 */
export interface ProbeAlarmTopicProps {
  /** The key of the topic's Region; must be in the same stack's Region. */
  readonly key: RegionalKey;

  /**
   * Display name of the topic.
   * @default - none
   */
  readonly displayName?: string;
}

/**
 * An SNS topic for the probes' alarms, encrypted with the Region's own key, TLS-only, and
 * with the key policy letting CloudWatch alarms of this Region and account publish to it.
 */
export class ProbeAlarmTopic extends Construct {
  /** The topic. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: ProbeAlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (props.key.region !== stack.region) {
      throw new Error(`ProbeAlarmTopic '${id}' is in ${stack.region} but its key is in ${props.key.region}; use the key of the topic's own Region.`);
    }
    props.key.allowService(KeyService.SNS);
    allowCloudWatchAlarms(props.key);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: props.key,
      enforceSSL: true,
    });
  }
}

const ALLOWED = new WeakSet<RegionalKey>();

/**
 * CloudWatch publishes alarm notifications as its own service principal, which needs to
 * create data keys for an encrypted topic; limited to alarms of this account and Region.
 */
function allowCloudWatchAlarms(key: RegionalKey): void {
  if (ALLOWED.has(key)) return;
  ALLOWED.add(key);
  const stack = Stack.of(key);
  const partition = partitionOfStack(stack);
  key.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'CloudWatchAlarmsOfThisRegion',
    principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
    actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
    resources: ['*'],
    conditions: {
      StringEquals: { 'aws:SourceAccount': stack.account },
      ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
    },
  }));
}
