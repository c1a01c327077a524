import { Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { validationError } from '../private/errors';
import { partitionOfStack } from '../topology/regions';

/**
 * Properties of an `AlarmTopic`.
 */
export interface AlarmTopicProps {
  /** The key of the topic's Region; must be in the topic's stack's Region. */
  readonly key: RegionalKey;

  /**
   * Display name of the topic (the sender name of e-mail notifications).
   * @default - none
   */
  readonly displayName?: string;

  /**
   * Subscriptions to add to the topic.
   * @default - none; add them later with `topic.addSubscription()`
   */
  readonly subscriptions?: sns.ITopicSubscription[];
}

/**
 * An SNS topic for CloudWatch alarm notifications of one Region: encrypted with that Region's
 * own key, TLS only, and with least-privilege grants for CloudWatch alarms of this account and
 * Region to publish (`sns:Publish` in the topic policy, `kms:Decrypt` and `kms:GenerateDataKey*`
 * in the key policy).
 *
 * A CloudWatch alarm can only notify a topic of its own Region, and CloudWatch can only
 * publish to an encrypted topic when the key policy lets its service principal use the key
 * (AWS: "Encryption at rest", Amazon SNS developer guide,
 * https://docs.aws.amazon.com/sns/latest/dg/sns-key-management.html#compatibility-with-aws-services).
 */
export class AlarmTopic extends Construct {
  /** The topic; subscribe to it with `topic.addSubscription()`. */
  public readonly topic: sns.Topic;

  constructor(scope: Construct, id: string, props: AlarmTopicProps) {
    super(scope, id);
    const stack = Stack.of(this);
    if (!Token.isUnresolved(stack.region) && props.key.region !== stack.region) {
      throw validationError('AlarmTopicKeyRegion',
        `${this.constructor.name} '${id}' is in ${stack.region} but its key is in ${props.key.region}; use the key of the topic's own Region.`, this);
    }
    props.key.allowService(KeyService.SNS);
    allowCloudWatchAlarms(props.key);
    this.topic = new sns.Topic(this, 'Topic', {
      displayName: props.displayName,
      masterKey: props.key,
      enforceSSL: true,
    });
    // The TLS-only statement makes an explicit topic policy, which replaces SNS's default one;
    // so CloudWatch's right to publish is stated, for alarms of this account and Region only.
    const partition = partitionOfStack(stack);
    this.topic.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'CloudWatchAlarmsOfThisRegion',
      principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
      actions: ['sns:Publish'],
      resources: [this.topic.topicArn],
      conditions: {
        StringEquals: { 'aws:SourceAccount': stack.account },
        ArnLike: { 'aws:SourceArn': `arn:${partition}:cloudwatch:${stack.region}:${stack.account}:alarm:*` },
      },
    }));
    for (const subscription of props.subscriptions ?? []) this.topic.addSubscription(subscription);
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
