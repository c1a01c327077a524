import { App, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as cxapi from 'aws-cdk-lib/cx-api';
import { buildDefaultApp } from '../../bin/default-app';
import {
  AlarmTopic, AlarmTopics, DnsRouting, MultiRegionApp, MultiRegionProbes, MultiRegionTopology, Posture, RegionalKey,
} from '../../lib';
import { alarmsOf } from '../../lib/private/alarm-registry';
import { newTestApp, stackIn, TEST_ACCOUNT } from '../helpers/app';
import { importedRegions, newTopology, zoneIn } from '../routing/fixture';

/** Every alarm of a synthesized stack with the resources its ALARM and OK actions point at. */
function alarmActionsOf(stack: cxapi.CloudFormationStackArtifact) {
  const resources: Record<string, any> = stack.template.Resources ?? {};
  return Object.entries(resources)
    .filter(([, r]) => r.Type === 'AWS::CloudWatch::Alarm')
    .map(([id, r]) => ({ id, alarmActions: r.Properties.AlarmActions, okActions: r.Properties.OKActions, resources }));
}

function probesAndDns(topology: MultiRegionApp) {
  const probes = new MultiRegionProbes(topology, 'Probes', {
    topology,
    healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
  });
  new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology) });
  return probes;
}

describe('AlarmTopics', () => {
  test('default app: every alarm has ALARM and OK actions to an SNS topic of its own stack, so of its own Region', () => {
    const app = newTestApp();
    buildDefaultApp(app);
    const registered = app.node.findAll().filter((c): c is Stack => Stack.isStack(c)).reduce((n, stack) => n + alarmsOf(stack).length, 0);
    const assembly = app.synth();
    let count = 0;
    for (const stack of assembly.stacks) {
      for (const alarm of alarmActionsOf(stack)) {
        count++;
        for (const actions of [alarm.alarmActions, alarm.okActions]) {
          expect({ alarm: `${stack.stackName}/${alarm.id}`, actions }).toEqual({ alarm: `${stack.stackName}/${alarm.id}`, actions: [{ Ref: expect.any(String) }] });
          const topic = alarm.resources[actions[0].Ref];
          expect(topic?.Type).toBe('AWS::SNS::Topic');
          expect(topic.Properties.KmsMasterKeyId).toBeDefined();
        }
      }
    }
    // Every alarm in the templates is one the library registered, and each got its actions above.
    expect(registered).toBeGreaterThan(0);
    expect(count).toBe(registered);
    // The global stack (us-east-1) has a key and a topic of its own: no reference to a regional stack.
    const global = assembly.getStackByName('multi-region-global');
    expect(Object.values(global.template.Resources).filter((r: any) => r.Type === 'AWS::KMS::Key')).toHaveLength(1);
  });

  test('the global stack of an app without us-east-1 gets a us-east-1 topic with its own key; CloudWatch may publish, TLS only', () => {
    const { app, topology } = newTopology(Posture.ACTIVE_PASSIVE);
    probesAndDns(topology);
    const alarms = new AlarmTopics(topology, 'AlarmTopics', { topology });
    app.synth();
    const global = Template.fromStack(topology.globalStack);
    global.resourceCountIs('AWS::SNS::Topic', 1);
    global.allResourcesProperties('AWS::CloudWatch::Alarm', {
      AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopicsTopic') }],
      OKActions: [{ Ref: Match.stringLikeRegexp('AlarmTopicsTopic') }],
    });
    global.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmTopicsKey'), 'Arn'] } });
    global.hasResourceProperties('AWS::KMS::Alias', { AliasName: 'alias/shop/alarm-topic/global' });
    global.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true, KeyPolicy: { Statement: Match.arrayWith([
      Match.objectLike({ Sid: 'UseOnlyThroughNamedServicesInThisRegion', Condition: { StringEquals: { 'kms:CallerAccount': TEST_ACCOUNT, 'kms:ViaService': ['sns.us-east-1.amazonaws.com'] } } }),
      Match.objectLike({ Sid: 'CloudWatchAlarmsOfThisRegion', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        Condition: { StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT}:alarm:*` } } }),
    ]) } });
    global.hasResourceProperties('AWS::SNS::TopicPolicy', { PolicyDocument: { Statement: Match.arrayWith([
      Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      Match.objectLike({ Sid: 'CloudWatchAlarmsOfThisRegion', Effect: 'Allow', Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: 'sns:Publish',
        Condition: { StringEquals: { 'aws:SourceAccount': TEST_ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:cloudwatch:us-east-1:${TEST_ACCOUNT}:alarm:*` } } }),
    ]) } });
    expect(alarms.topicOf(topology.globalStack).env.region).toBe('us-east-1');
    // Each regional stack: one topic under that Region's own key, notified by its probe alarms.
    for (const region of topology.activeRegions) {
      const t = Template.fromStack(topology.regionalStack(region));
      t.resourceCountIs('AWS::KMS::Key', 1);
      t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RegionalKey'), 'Arn'] } });
      t.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopicsTopic') }] });
      expect(Stack.of(alarms.topic(region) as sns.Topic)).toBe(topology.regionalStack(region));
    }
  });

  test('with aspect stabilization on (what cdk init sets), the topic made at synth gets the app\'s tags too', () => {
    const { app, topology } = newTopology(Posture.ACTIVE_PASSIVE, { '@aws-cdk/core:aspectStabilization': true });
    probesAndDns(topology);
    new AlarmTopics(topology, 'AlarmTopics', { topology });
    app.synth();
    const global = Template.fromStack(topology.globalStack);
    global.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopicsTopic') }] });
    global.hasResourceProperties('AWS::SNS::Topic', { Tags: Match.arrayWith([{ Key: 'multi-region:app', Value: 'shop' }]) });
  });

  test('works whatever the order: alarms of constructs added after AlarmTopics get actions too', () => {
    const { app, topology } = newTopology();
    new AlarmTopics(topology, 'AlarmTopics', { topology });
    probesAndDns(topology);
    const assembly = app.synth();
    for (const stack of assembly.stacks) {
      for (const alarm of alarmActionsOf(stack)) expect(alarm.alarmActions).toHaveLength(1);
    }
  });

  test('bring your own topic per Region: used by every stack of that Region, no topic made there', () => {
    const { topology } = newTopology();
    probesAndDns(topology);
    const ownArn = `arn:aws:sns:us-east-1:${TEST_ACCOUNT}:oncall`;
    const own = sns.Topic.fromTopicArn(topology.regionalStack('us-east-1'), 'OnCall', ownArn);
    const alarms = new AlarmTopics(topology, 'AlarmTopics', { topology, topics: { 'us-east-1': own } });
    expect(alarms.topic('us-east-1')).toBe(own);
    for (const stack of [topology.regionalStack('us-east-1'), topology.globalStack]) {
      const t = Template.fromStack(stack);
      t.resourceCountIs('AWS::SNS::Topic', 0);
      t.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [ownArn], OKActions: [ownArn] });
    }
    Template.fromStack(topology.regionalStack('us-east-2')).resourceCountIs('AWS::SNS::Topic', 1);
  });

  test('subscriptions: on every topic made here, at synth too; one topic more through topic(region)', () => {
    const { app, topology } = newTopology(Posture.ACTIVE_PASSIVE);
    probesAndDns(topology);
    const alarms = new AlarmTopics(topology, 'AlarmTopics', {
      topology,
      subscriptions: [new subscriptions.EmailSubscription('oncall@example.com')],
    });
    alarms.topic('eu-west-1').addSubscription(new subscriptions.UrlSubscription('https://pager.example.com/hook'));
    app.synth();
    for (const stack of [...topology.regionalStacks, topology.globalStack]) {
      Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com', TopicArn: { Ref: Match.stringLikeRegexp('AlarmTopicsTopic') } });
    }
    Template.fromStack(topology.regionalStack('eu-west-1')).hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'https', Endpoint: 'https://pager.example.com/hook' });
  });

  test('a team\'s own stacks (MultiRegionTopology): topics in its stacks under its keys', () => {
    const app = newTestApp();
    const east1 = stackIn(app, 'TeamEast1', 'us-east-1');
    const east2 = stackIn(app, 'TeamEast2', 'us-east-2');
    const dns = stackIn(app, 'TeamDns', 'us-east-1');
    const topology = new MultiRegionTopology(app, 'Topology', { regionalStacks: [east1, east2], globalStack: dns, name: 'team' });
    new MultiRegionProbes(topology, 'Probes', {
      topology,
      healthTargets: topology.activeRegions.map((region) => ({ region, targets: [{ name: 'api', url: `https://${region}.example.com/health` }] })),
    });
    new AlarmTopics(app, 'AlarmTopics', { topology });
    // An alarm of the team's own, given the same actions.
    const mine = new cloudwatch.Alarm(east2, 'Mine', { metric: new cloudwatch.Metric({ namespace: 'Team', metricName: 'Errors' }), threshold: 1, evaluationPeriods: 1 });
    (app.node.findChild('AlarmTopics') as AlarmTopics).addAlarm(mine);
    for (const stack of [east1, east2]) {
      const t = Template.fromStack(stack);
      t.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('RegionalKey'), 'Arn'] } });
      t.allResourcesProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('AlarmTopicsTopic') }] });
    }
    // The dashboard stack has no alarm, so no topic.
    Template.fromStack(dns).resourceCountIs('AWS::SNS::Topic', 0);
  });

  test.each<[string, (app: App, topology: MultiRegionApp) => void, RegExp]>([
    ['a topic of another Region', (_app, topology) => new AlarmTopics(topology, 'A', {
      topology, topics: { 'us-east-1': sns.Topic.fromTopicArn(topology.regionalStack('us-east-1'), 'T', `arn:aws:sns:us-east-2:${TEST_ACCOUNT}:x`) },
    }), /topics\['us-east-1'\] is a topic of us-east-2/],
    ['an unknown Region', (_app, topology) => new AlarmTopics(topology, 'A', {
      topology, topics: { 'us-east-9': sns.Topic.fromTopicArn(topology.regionalStack('us-east-1'), 'T', `arn:aws:sns:us-east-1:${TEST_ACCOUNT}:x`) },
    }), /us-east-9/],
    ['two per app', (_app, topology) => { new AlarmTopics(topology, 'A', { topology }); new AlarmTopics(topology, 'B', { topology }); }, /already has AlarmTopics/],
    ['topic() of a Region without stack or topic', (_app, topology) => new AlarmTopics(topology, 'A', { topology }).topic('eu-west-1'), /no topic of 'eu-west-1'/],
  ])('rejects %s', (_name, build, error) => {
    const { app, topology } = newTopology();
    expect(() => build(app, topology)).toThrow(error);
  });
});

describe('AlarmTopic', () => {
  test("rejects another Region's key", () => {
    const app = newTestApp();
    const key = new RegionalKey(stackIn(app, 'East2', 'us-east-2'), 'Key');
    expect(() => new AlarmTopic(stackIn(app, 'East1', 'us-east-1'), 'Alarms', { key })).toThrow(/use the key of the topic's own Region/);
  });
});
