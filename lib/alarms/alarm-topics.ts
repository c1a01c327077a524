import { AspectPriority, Aspects, IAspect, Stack, Stage, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct, IConstruct } from 'constructs';
import { KeyService } from '../keys/key-service';
import { RegionalKey } from '../keys/regional-key';
import { alarmsOf } from '../private/alarm-registry';
import { validationError } from '../private/errors';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { assertKnownRegion } from '../topology/regions';
import { AlarmTopic } from './alarm-topic';

/**
 * Properties of `AlarmTopics`.
 */
export interface AlarmTopicsProps {
  /** The topology whose Regions get a topic each. */
  readonly topology: IMultiRegionTopology;

  /**
   * Topics of your own, by Region code: every alarm of the library in a stack of that Region
   * notifies it instead of a topic made here. Each must be in its Region (CloudWatch alarm
   * actions only reach topics of the alarm's Region). If it is KMS-encrypted, its key policy
   * must let `cloudwatch.amazonaws.com` call `kms:Decrypt` and `kms:GenerateDataKey*`; if it
   * has a topic policy, that policy must let CloudWatch publish. Import a topic of another
   * stack with `sns.Topic.fromTopicArn()` to keep the stacks free of references to each other.
   * @default - a topic made here for each stack with alarms
   */
  readonly topics?: { [region: string]: sns.ITopic };

  /**
   * Subscriptions added to every topic this construct makes, including those made at synth
   * for stacks outside the topology's Regions (the us-east-1 global stack of an app whose
   * active Regions do not include us-east-1). Not added to your own `topics`.
   * @default - none; subscribe later through `topic(region)` or `topicOf(stack)`
   */
  readonly subscriptions?: sns.ITopicSubscription[];
}

const INSTALLED = Symbol.for('multi-region-cdk.alarm-topics');

/**
 * Notifications for every alarm this library makes: each alarm gets an ALARM and an OK action
 * to an SNS topic of its own Region. Create one per app, after or before the other constructs:
 * the actions are added at synth to every alarm the library registered in any stack of the
 * app, so alarms of constructs added later need nothing of their own.
 *
 * Topics: each active Region's stack gets an `AlarmTopic` encrypted with that Region's
 * `RegionalKey` (or your own topic of that Region, `topics`). Any other stack holding alarms
 * (the us-east-1 global stack, with the Route 53 health-check alarms) gets an `AlarmTopic` of
 * its own with a `RegionalKey` of its own in that stack, made at synth: a topic shared
 * with a regional stack would make the stacks reference each other, and the global stack
 * already depends on the regional ones. Subscribe with `subscriptions` (every topic made here),
 * or per topic with `topic(region)` and `topicOf(stack)`.
 *
 * ```ts
 * const alarms = new AlarmTopics(topology, 'AlarmTopics', {
 *   topology,
 *   subscriptions: [new subscriptions.EmailSubscription('oncall@example.com')],
 * });
 * alarms.topic('us-east-2').addSubscription(new subscriptions.UrlSubscription('https://pager.example.com/hook'));
 * ```
 */
export class AlarmTopics extends Construct {
  /** The topology. */
  private readonly topology: IMultiRegionTopology;
  private readonly ownTopics: { [region: string]: sns.ITopic };
  private readonly subscriptions: sns.ITopicSubscription[];
  private readonly madeTopics = new Map<Stack, sns.ITopic>();

  constructor(scope: Construct, id: string, props: AlarmTopicsProps) {
    super(scope, id);
    const stage = Stage.of(this) ?? this.node.root;
    const holder = stage as unknown as { [INSTALLED]?: AlarmTopics };
    if (holder[INSTALLED]) {
      throw validationError('AlarmTopicsTwice',
        `AlarmTopics '${id}': this app already has AlarmTopics at ${holder[INSTALLED]!.node.path}; make one per app (give its topics to both topologies through 'topics').`, this);
    }
    holder[INSTALLED] = this;
    this.topology = props.topology;
    this.ownTopics = { ...(props.topics ?? {}) };
    this.subscriptions = [...(props.subscriptions ?? [])];
    for (const [region, topic] of Object.entries(this.ownTopics)) {
      assertKnownRegion(region, `AlarmTopics '${id}' topics`);
      const topicRegion = topic.env.region;
      if (!Token.isUnresolved(topicRegion) && topicRegion !== region) {
        throw validationError('AlarmTopicRegion',
          `AlarmTopics '${id}': topics['${region}'] is a topic of ${topicRegion}; CloudWatch alarms notify only topics of their own Region, so give a topic of ${region}.`, this);
      }
    }
    // Every active Region's topic exists from the start, so it can be subscribed to before synth.
    for (const region of this.topology.activeRegions) this.topic(region);
    Aspects.of(stage).add(new AlarmActions(this), { priority: AspectPriority.MUTATING });
  }

  /**
   * The topic that the alarms of an active Region's stack notify (your own for that Region,
   * if given in `topics`). For a Region without a regional stack, your own topic of it.
   */
  public topic(region: string): sns.ITopic {
    const own = this.ownTopics[region];
    if (own) return own;
    if (!this.topology.activeRegions.includes(region)) {
      throw validationError('AlarmTopicRegion',
        `AlarmTopics '${this.node.id}' has no topic of '${region}': it is not an active Region (${this.topology.activeRegions.join(', ')}) and 'topics' names none for it; `
        + 'use topicOf(stack) for a stack of that Region.', this);
    }
    return this.topicOf(this.topology.regionalStack(region));
  }

  /**
   * The topic that the alarms of `stack` notify: your own topic of the stack's Region, else
   * the stack's `AlarmTopic` (made on first use, with a key of its own outside the topology's
   * regional stacks). For example `topicOf(topology.globalStack)` for the Route 53 alarms.
   */
  public topicOf(stack: Stack): sns.ITopic {
    const own = Token.isUnresolved(stack.region) ? undefined : this.ownTopics[stack.region];
    if (own) return own;
    let topic = this.madeTopics.get(stack);
    if (!topic) {
      const id = this.node.id;
      const regional = !Token.isUnresolved(stack.region) && this.topology.activeRegions.includes(stack.region)
        && this.topology.regionalStack(stack.region) === stack;
      const key = regional ? this.topology.regionalKey(stack.region) : new RegionalKey(stack, `${id}Key`, {
        alias: `alias/${this.topology.stackNamePrefix}/alarm-topic/${stack.node.id.replace(/[^A-Za-z0-9/_-]/g, '-')}`,
        description: `Encrypts the alarm topic of ${stack.stackName} (multi-region-cdk)`,
        services: [KeyService.SNS],
      });
      const label = Token.isUnresolved(stack.region) ? stack.stackName : `${stack.region}, ${stack.stackName}`;
      topic = new AlarmTopic(stack, id, {
        key,
        displayName: `${this.topology.stackNamePrefix} alarms (${label})`.slice(0, 100),
        subscriptions: this.subscriptions,
      }).topic;
      this.madeTopics.set(stack, topic);
    }
    return topic;
  }

  /**
   * Gives an alarm (of yours, or one the library made) an ALARM and an OK action to the topic of
   * its stack (see `topicOf`); an alarm gets them once however often it is added.
   */
  public addAlarm(alarm: cloudwatch.Alarm): void {
    if (NOTIFIED.has(alarm)) return;
    NOTIFIED.add(alarm);
    const action = new actions.SnsAction(this.topicOf(Stack.of(alarm)));
    alarm.addAlarmAction(action);
    alarm.addOkAction(action);
  }
}

const NOTIFIED = new WeakSet<cloudwatch.Alarm>();

/** At synth, gives every alarm the library registered in a stack the stack's topic. */
class AlarmActions implements IAspect {
  constructor(private readonly topics: AlarmTopics) {}

  public visit(node: IConstruct): void {
    if (!Stack.isStack(node)) return;
    for (const alarm of alarmsOf(node)) this.topics.addAlarm(alarm);
  }
}
