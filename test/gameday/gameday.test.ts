import { App, Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { postDetectionSeconds } from '../../lib/gameday/region-evacuation-drill';
import { buildDefaultApp } from '../../bin/default-app';
import { DnsRouting, FailoverBudgetReport, MultiRegionApp, Posture, RegionEvacuationDrill, RegionSwitchPlan } from '../../lib';
import { importedRegions, newTopology, zoneIn } from '../routing/fixture';
import { newTestApp } from '../helpers/app';

/** The definition of a state machine, with every token (ARNs) replaced by a placeholder. */
function definitionOf(template: Template): any {
  const [machine] = Object.values(template.findResources('AWS::StepFunctions::StateMachine'));
  const def = machine.Properties.DefinitionString;
  const text = typeof def === 'string' ? def : def['Fn::Join'][1].map((p: unknown) => (typeof p === 'string' ? p : 'TOKEN')).join('');
  return JSON.parse(text);
}

function successors(state: any, withCatch: boolean): string[] {
  return [
    state.Next, state.Default, ...(state.Choices ?? []).map((c: any) => c.Next),
    ...(withCatch ? (state.Catch ?? []).map((c: any) => c.Next) : []),
  ].filter((n) => n !== undefined);
}

/** Every path from `from` that ends (End, Succeed or Fail) without passing `restore`. */
function pathsAvoiding(def: any, from: string, restore: string): string[][] {
  const bad: string[][] = [];
  const walk = (name: string, path: string[]) => {
    if (name === restore) return;
    if (path.includes(name)) return; // a loop (the measure poll) comes back to a state already on the path
    const state = def.States[name];
    const next = successors(state, true);
    if (next.length === 0 || state.Type === 'Succeed' || state.Type === 'Fail') {
      bad.push([...path, name]);
      return;
    }
    next.forEach((n) => walk(n, [...path, name]));
  };
  walk(from, []);
  return bad;
}

describe('the default app\'s game day', () => {
  let app: App;
  let gameDay: Template;
  let global: Template;
  let regional: Template;

  beforeAll(() => {
    app = newTestApp();
    const topology = buildDefaultApp(app);
    app.synth();
    gameDay = Template.fromStack(app.node.findChild('GameDay') as Stack);
    global = Template.fromStack(topology.globalStack);
    regional = Template.fromStack(topology.regionalStack('us-east-1'));
  });

  describe('RegionEvacuationDrill', () => {
    test('every state before the restore catches every error (timeouts included) into it, and no path ends without it', () => {
      const def = definitionOf(gameDay);
      const beforeRestore = ['Preflight', 'TakeOut', 'Measure', 'CheckDataPath'];
      for (const name of beforeRestore) {
        const state = def.States[name];
        expect(state.Type).toBe('Task');
        expect(state.TimeoutSeconds).toBeGreaterThan(0);
        expect(state.Catch).toEqual([{ ErrorEquals: ['States.ALL'], ResultPath: '$.drill.error', Next: 'Restore' }]);
      }
      // Once a change may have been made (from TakeOut on), every path, success or failure, passes the restore.
      expect(pathsAvoiding(def, 'TakeOut', 'Restore')).toEqual([]);
      // Only the preflight's dry run ends without a restore (nothing was changed).
      expect(pathsAvoiding(def, def.StartAt, 'Restore')).toEqual([['Defaults', 'Init', 'Preflight', 'DryRun?', 'DryRunPlan']]);
      // The restore is retried, and even its failure is reported.
      expect(def.States.Restore.Retry).toContainEqual(expect.objectContaining({ ErrorEquals: ['States.ALL'], MaxAttempts: 5 }));
      expect(def.States.Restore.Catch[0].Next).toBe('Report');
      // A missing input field cannot become an uncatchable States.Runtime error: the input is merged over defaults.
      expect(def.States.Defaults.Result).toEqual({ region: '', confirmation: '', mode: 'routing', dryRun: false, drill: { error: null, dataPath: null } });
      expect(JSON.stringify(def.States.Preflight)).toContain('"mode.$":"$.mode"');
      expect(JSON.stringify(def.States.TakeOut)).toContain('"mode.$":"$.mode"');
      expect(def.States.Init.Parameters).toEqual({ 'args.$': 'States.JsonMerge($.defaults, $, false)' });
      expect(def.States.Measure.Next).toBe('TrafficMoved?');
      expect(def.States['TrafficMoved?'].Default).toBe('WaitForTraffic');
      expect(def.States.WaitForTraffic).toMatchObject({ Type: 'Wait', Seconds: 10, Next: 'Measure' });
    });

    test('an aborted, timed-out or failed execution is restored by a rule that runs the restore step', () => {
      gameDay.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: {
          'source': ['aws.states'],
          'detail-type': ['Step Functions Execution Status Change'],
          'detail': { status: ['ABORTED', 'TIMED_OUT', 'FAILED'], stateMachineArn: [Match.anyValue()] },
        },
        Targets: [Match.objectLike({ InputTransformer: Match.objectLike({ InputTemplate: '{"step":"restore","executionId":<detail-executionArn>}' }) })],
      });
      gameDay.hasResourceProperties('AWS::StepFunctions::StateMachine', {
        StateMachineName: 'multi-region-region-drill',
        TracingConfiguration: { Enabled: true },
        LoggingConfiguration: Match.objectLike({ Level: 'ALL' }),
        Tags: Match.arrayWith([{ Key: 'multi-region:game-day', Value: 'region-evacuation-drill' }]),
      });
    });

    test('IAM names the health checks, endpoint groups, alarms, bucket prefixes and key it touches', () => {
      const policies = gameDay.findResources('AWS::IAM::Policy');
      const statements = Object.entries(policies).filter(([id]) => id.startsWith('RegionDrillHandler'))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      const byAction = (action: string) => statements.filter((s: any) => [s.Action].flat().includes(action));
      const [route53] = byAction('route53:UpdateHealthCheck');
      expect(route53.Resource).toHaveLength(2);
      for (const arn of route53.Resource) expect(JSON.stringify(arn)).toMatch(/^\{"Fn::Join":\["",\["arn:aws:route53:::healthcheck\/",/);
      const [ga] = byAction('globalaccelerator:UpdateEndpointGroup');
      expect(ga.Resource).toHaveLength(2);
      expect(JSON.stringify(ga.Resource)).not.toContain('"*"');
      const [alarms] = byAction('cloudwatch:DescribeAlarms');
      expect(alarms.Resource).toHaveLength(4);
      const [objects] = byAction('s3:PutObject');
      expect(JSON.stringify(objects.Resource)).toContain('"/journals/*"');
      expect(JSON.stringify(objects.Resource)).toContain('"/drills/*"');
      expect(objects.Resource).toHaveLength(2);
      const [kms] = byAction('kms:GenerateDataKey');
      expect(kms.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RegionDrillKey/), 'Arn'] });
      const [list] = byAction('states:ListExecutions');
      expect(list.Resource).toEqual({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':states:us-west-2:111111111111:stateMachine:multi-region-region-drill']] });
      // Only the three actions without resource-level permissions get '*' (no composite alarm here, so DescribeAlarms is by ARN).
      const star = statements.filter((s: any) => s.Resource === '*').flatMap((s: any) => [s.Action].flat()).sort();
      expect(star).toEqual(['cloudwatch:GetMetricData', 'cloudwatch:PutMetricData', 'route53:TestDNSAnswer']);
      // The routing intents it holds and clears: the accelerator's store in us-west-2, one parameter per Region.
      const puts = byAction('ssm:PutParameter');
      expect(puts).toHaveLength(2);
      const intents = puts.find((st: any) => JSON.stringify(st.Resource).includes(':ssm:us-west-2:'));
      const faultSwitches = puts.find((st: any) => st !== intents);
      expect(JSON.stringify(intents.Resource)).toContain(':ssm:us-west-2:');
      // The deep-health fault switches it fails and restores: one parameter in each active Region.
      expect(JSON.stringify(faultSwitches.Resource)).toContain(':ssm:us-east-1:');
      expect(JSON.stringify(faultSwitches.Resource)).toContain(':ssm:us-east-2:');
      expect(JSON.stringify(faultSwitches.Resource)).toContain('FaultSwitch');
      expect(JSON.stringify(intents.Resource)).toContain('parameter/multi-region/routing-intent/us-east-1');
      expect(intents.Resource).toHaveLength(2);
    });

    test('a restore that keeps failing is kept and alarmed: Lambda retries twice, then the on-failure queue; EventBridge dead letters go there too', () => {
      const [fn] = Object.entries(gameDay.findResources('AWS::Lambda::Function', { Properties: { Description: 'Region evacuation drill steps (multi-region-cdk)' } }));
      const queueId = Object.keys(gameDay.findResources('AWS::SQS::Queue')).find((k) => k.startsWith('RegionDrillFailedRestores'))!;
      gameDay.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
        FunctionName: { Ref: fn[0] }, MaximumRetryAttempts: 2, DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queueId, 'Arn'] } } },
      });
      gameDay.hasResourceProperties('AWS::Events::Rule', {
        EventPattern: Match.objectLike({ 'detail-type': ['Step Functions Execution Status Change'] }),
        Targets: [Match.objectLike({ DeadLetterConfig: { Arn: { 'Fn::GetAtt': [queueId, 'Arn'] } } })],
      });
      gameDay.hasResourceProperties('AWS::SQS::Queue', { KmsMasterKeyId: Match.anyValue() });
      gameDay.hasResourceProperties('AWS::CloudWatch::Alarm', {
        MetricName: 'ApproximateNumberOfMessagesVisible', Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId, 'QueueName'] } }], Threshold: 1,
      });
    });

    test('the report bucket is KMS-encrypted with the drill\'s own key (us-west-2 is not an active Region), TLS-only and private', () => {
      gameDay.hasResourceProperties('AWS::S3::Bucket', {
        BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [Match.stringLikeRegexp('^RegionDrillKey'), 'Arn'] } }, BucketKeyEnabled: true }] },
        PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      });
      gameDay.hasResourceProperties('AWS::S3::BucketPolicy', {
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
      });
    });

    test('the synth-time budget of both paths is embedded in the Lambda\'s environment', () => {
      const [fn] = Object.values(gameDay.findResources('AWS::Lambda::Function', { Properties: { Description: 'Region evacuation drill steps (multi-region-cdk)' } }));
      const budget = JSON.parse(fn.Properties.Environment.Variables.DRILL_BUDGET);
      // Exactly the figures of the synth-time report (cdk.out/failover-budget.json).
      const report = FailoverBudgetReport.of(app.node.findChild('GameDay')).paths;
      expect(report.map((p) => p.path)).toEqual(['dns', 'accelerator']);
      expect(budget).toEqual(report.map((p) => ({
        path: p.path, worstCaseSeconds: p.worstCaseSeconds, regions: Object.fromEntries(p.regions.map((r) => [r.region, r.totalSeconds])),
        postDetection: Object.fromEntries(p.regions.map((r) => [r.region, postDetectionSeconds(r)])),
      })));
      // W5: a routing take-out skips detection, so it is measured against the terms after it only (TTL; dial propagation).
      const post = Object.fromEntries(budget.map((b: any) => [b.path, b.postDetection['us-east-1']]));
      expect(post.dns).toBeLessThan(budget[0].regions['us-east-1']);
      expect(post.dns).toBeGreaterThanOrEqual(60);
      expect(post.accelerator).toBeGreaterThanOrEqual(30);
      expect(JSON.stringify(fn.Properties.Environment.Variables.DRILL_CONFIG)).toContain('\\"homeRegion\\":\\"us-west-2\\"');
    });
  });

  describe('RegionSwitchPlan', () => {
    test('an active-active plan: approval, then one routing step (accelerator dials and DnsRouting\'s own health checks) in both workflows, never run in the deactivating Region', () => {
      const [plan] = Object.values(global.findResources('AWS::ARCRegionSwitch::Plan'));
      const p = plan.Properties;
      expect(p).toMatchObject({ RecoveryApproach: 'activeActive', Regions: ['us-east-1', 'us-east-2'], RecoveryTimeObjectiveMinutes: 2 });
      expect(p.PrimaryRegion).toBeUndefined();
      // W4: no Route53HealthCheck block (its checks would guard no DnsRouting record); the routing step inverts the records' own checks.
      expect(p.Workflows.map((w: any) => [w.WorkflowTargetAction, w.Steps.map((s: any) => s.ExecutionBlockType)])).toEqual([
        ['activate', ['ManualApproval', 'CustomActionLambda']],
        ['deactivate', ['ManualApproval', 'CustomActionLambda']],
      ]);
      const lambdas = p.Workflows.map((w: any) => w.Steps[1].ExecutionBlockConfiguration.CustomActionLambdaConfig);
      // R6: both run in the activating Region, and an ungraceful execution skips the step.
      expect(lambdas.map((l: any) => [l.RegionToRun, l.Lambdas.length, l.Ungraceful])).toEqual([['activatingRegion', 2, { Behavior: 'skip' }], ['activatingRegion', 2, { Behavior: 'skip' }]]);
      const payload = JSON.stringify(lambdas[1].Lambdas[0].Payload);
      expect(payload).toContain('\\"dialAction\\":\\"deactivate\\"');
      expect(payload).toContain('\\"healthChecks\\"');
      expect(payload).toContain('\\"endpointGroups\\"');
      expect(payload).toContain('/multi-region/routing-intent/us-east-1');
    });

    test('the probes\' alarms trigger it: each Region\'s alarm red, while the other\'s is green, deactivates that Region (never both, R11)', () => {
      const [plan] = Object.values(global.findResources('AWS::ARCRegionSwitch::Plan'));
      const other = (r: string) => (r === 'us-east-1' ? 'us-east-2' : 'us-east-1');
      expect(plan.Properties.Triggers).toEqual(['us-east-1', 'us-east-2'].map((r) => ({
        Action: 'deactivate', TargetRegion: r, Description: `${r} unhealthy while the other Region is healthy`, MinDelayMinutesBetweenExecutions: 60,
        Conditions: [{ AssociatedAlarmName: `${r}-alarm-1`, Condition: 'red' }, { AssociatedAlarmName: `${other(r)}-alarm-1`, Condition: 'green' }],
      })));
      expect(Object.keys(plan.Properties.AssociatedAlarms)).toEqual(['us-east-1-alarm-1', 'us-east-2-alarm-1']);
      expect(plan.Properties.AssociatedAlarms['us-east-1-alarm-1'].AlarmType).toBe('trigger');
    });

    test('the execution role is Region switch\'s, and may invoke only the two dial functions and read the trigger alarms', () => {
      global.hasResourceProperties('AWS::IAM::Role', {
        AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'arc-region-switch.amazonaws.com' } })] },
      });
      const statements = Object.entries(global.findResources('AWS::IAM::Policy')).filter(([id]) => id.startsWith('RegionSwitchExecutionRole'))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement);
      expect(statements.map((s: any) => [[s.Action].flat().sort(), Array.isArray(s.Resource) ? s.Resource.length : 1])).toEqual([
        [['lambda:GetFunction', 'lambda:InvokeFunction'], 2],
        [['cloudwatch:DescribeAlarmHistory', 'cloudwatch:DescribeAlarms'], 2],
        // D1: the base statements of the execution role (ARC DG, "Complete plan execution role permissions"), on this plan and this role.
        [['arc-region-switch:GetPlan', 'arc-region-switch:GetPlanExecution', 'arc-region-switch:ListPlanExecutions'], 1],
        [['iam:SimulatePrincipalPolicy'], 1],
      ]);
      const base = statements.find((s: any) => [s.Action].flat().includes('arc-region-switch:GetPlan'));
      expect(base.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RegionSwitchPlan/), 'Arn'] });
      const simulate = statements.find((s: any) => s.Action === 'iam:SimulatePrincipalPolicy');
      expect(simulate.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^RegionSwitchExecutionRole/), 'Arn'] });
      // The routing function of each Region lives in that Region's stack, and may hold/clear the intents and invert health checks.
      regional.hasResourceProperties('AWS::Lambda::Function', { Description: 'Region switch step of multi-region: routing (accelerator dials, Route 53 health checks)', Runtime: 'nodejs24.x' });
      const fnStatements = Object.values(regional.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
      expect(fnStatements.some((s: any) => [s.Action].flat().includes('route53:UpdateHealthCheck'))).toBe(true);
      expect(JSON.stringify(fnStatements.find((s: any) => [s.Action].flat().includes('ssm:PutParameter')).Resource)).toContain(':ssm:us-west-2:');
    });
  });
});

describe('validation', () => {
  function topology(regions: string[], posture = Posture.ACTIVE_ACTIVE): MultiRegionApp {
    return new MultiRegionApp(newTestApp(), 'App', {
      activeRegions: regions, account: '111111111111', posture, primaryRegion: posture === Posture.ACTIVE_PASSIVE ? regions[0] : undefined,
    });
  }

  test('a Region switch plan needs exactly two Regions', () => {
    const t = topology(['us-east-1', 'us-east-2', 'us-west-2']);
    expect(() => new RegionSwitchPlan(t.globalStack, 'Plan', { topology: t })).toThrow(/exactly two Regions, but App has 3 \(us-east-1, us-east-2, us-west-2\)/);
  });

  test('a Region switch plan takes any block type aws-cdk-lib\'s CfnPlan knows (no hand-kept list, W6), with exactly one configuration', () => {
    const t = topology(['us-east-1', 'us-east-2']);
    // LambdaEventSourceMapping was refused by the old hand-kept list.
    expect(() => new RegionSwitchPlan(t.globalStack, 'Plan', {
      topology: t,
      additionalSteps: [{ name: 'esm', executionBlockType: 'LambdaEventSourceMapping', executionBlockConfiguration: { lambdaEventSourceMappingConfig: { eventSourceMappings: [] } as any } }],
    })).not.toThrow();
    expect(() => new RegionSwitchPlan(t.globalStack, 'Plan2', {
      topology: t,
      additionalSteps: [{ name: 'two', executionBlockType: 'ManualApproval', executionBlockConfiguration: {} }],
    })).toThrow(/additionalSteps\[0\] \('two'\) has 0 configurations in executionBlockConfiguration/);
  });

  test('a Region switch plan refuses a trigger of another Region, too many alarms and a partial-minute RTO', () => {
    const t = topology(['us-east-1', 'us-east-2']);
    let n = 0;
    const alarm = (i: number) => cloudwatch.Alarm.fromAlarmArn(t.globalStack, `A${n++}`, `arn:aws:cloudwatch:us-east-1:111111111111:alarm:a${i}`);
    const step = [{ name: 'ok', executionBlockType: 'ManualApproval', executionBlockConfiguration: { executionApprovalConfig: { approvalRole: 'arn:aws:iam::111111111111:role/approver' } } }];
    expect(() => new RegionSwitchPlan(t.globalStack, 'P1', { topology: t, additionalSteps: step, triggers: [{ region: 'eu-west-1', alarms: [alarm(0)] }] }))
      .toThrow(/triggers has Region 'eu-west-1'/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'P2', { topology: t, additionalSteps: step, triggers: [{ region: 'us-east-1', alarms: [...Array(11).keys()].map(alarm) }] }))
      .toThrow(/has 11 alarms; Region switch takes 1 to 10/);
    // R11: a deactivate trigger also needs the other Region's alarms green; together at most 10 conditions.
    expect(() => new RegionSwitchPlan(t.globalStack, 'P4', { topology: t, additionalSteps: step, triggers: [
      { region: 'us-east-1', alarms: [...Array(6).keys()].map(alarm) }, { region: 'us-east-2', alarms: [...Array(5).keys()].map(alarm) }] }))
      .toThrow(/would have 11 conditions/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'P3', { topology: t, additionalSteps: step, recoveryTimeObjective: Duration.seconds(90) }))
      .toThrow(/recoveryTimeObjective of 1.5 minutes/);
  });

  test('a Region switch plan validates its name as ARC does (R7), whole minutes, and an RTO below the routing budget (R12)', () => {
    const t = topology(['us-east-1', 'us-east-2']);
    const step = [{ name: 'ok', executionBlockType: 'ManualApproval', executionBlockConfiguration: { executionApprovalConfig: { approvalRole: 'arn:aws:iam::111111111111:role/approver' } } }];
    expect(() => new RegionSwitchPlan(t.globalStack, 'N1', { topology: t, additionalSteps: step, planName: 'a'.repeat(33) })).toThrow(/plan name 'a{33}' is not valid/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'N2', { topology: t, additionalSteps: step, planName: 'shop_switch' })).toThrow(/is not valid/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'N3', { topology: t, additionalSteps: step, planName: '-shop' })).toThrow(/is not valid/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'N4', { topology: t, additionalSteps: step, planName: 'a'.repeat(32) })).not.toThrow();
    const long = new MultiRegionApp(newTestApp(), 'Long', { activeRegions: ['us-east-1', 'us-east-2'], account: '111111111111', stackNamePrefix: 'a-very-long-stack-prefix' });
    expect(() => new RegionSwitchPlan(long.globalStack, 'P', { topology: long, additionalSteps: step })).toThrow(/the default is <stackNamePrefix>-region-switch, so give planName/);
    expect(() => new RegionSwitchPlan(t.globalStack, 'M1', { topology: t, additionalSteps: step, approvalTimeout: Duration.seconds(30), manualApproval: true })).toThrow(/approvalTimeout of 0.5 minutes/);
    const { topology: shop } = newTopology();
    const dns = new DnsRouting(shop.globalStack, 'Dns', { topology: shop, hostedZone: zoneIn(shop), recordName: 'app.example.com', regions: importedRegions(shop) });
    expect(() => new RegionSwitchPlan(shop.globalStack, 'R1', { topology: shop, dnsRouting: dns, recoveryTimeObjective: Duration.minutes(1) }))
      .toThrow(/recoveryTimeObjective of 1 minutes is below the routing's failover budget \(worst case \d+ s/);
    expect(() => new RegionSwitchPlan(shop.globalStack, 'R2', { topology: shop, dnsRouting: dns, recoveryTimeObjective: Duration.minutes(10) })).not.toThrow();
  });

  test('an active-passive plan has one activate workflow, the primary, and a trigger that activates the standby', () => {
    const t = topology(['us-east-1', 'us-east-2'], Posture.ACTIVE_PASSIVE);
    const alarm = cloudwatch.Alarm.fromAlarmArn(t.globalStack, 'A', 'arn:aws:cloudwatch:us-east-1:111111111111:alarm:primary-down');
    new RegionSwitchPlan(t.globalStack, 'Plan', {
      topology: t,
      additionalSteps: [{ name: 'ok', executionBlockType: 'ManualApproval', executionBlockConfiguration: { executionApprovalConfig: { approvalRole: 'arn:aws:iam::111111111111:role/approver' } } }],
      triggers: [{ region: 'us-east-1', alarms: [alarm] }, { region: 'us-east-2', alarms: [alarm] }],
    });
    const p = Object.values(Template.fromStack(t.globalStack).findResources('AWS::ARCRegionSwitch::Plan'))[0].Properties;
    expect(p).toMatchObject({ RecoveryApproach: 'activePassive', PrimaryRegion: 'us-east-1' });
    expect(p.Workflows.map((w: any) => w.WorkflowTargetAction)).toEqual(['activate']);
    expect(p.Triggers.map((x: any) => [x.Action, x.TargetRegion])).toEqual([['activate', 'us-east-2']]);
  });

  test('the drill needs a concrete Region and some routing', () => {
    const t = topology(['us-east-1', 'us-east-2']);
    const app = t.node.root as App;
    expect(() => new RegionEvacuationDrill(new Stack(app, 'Agnostic'), 'Drill', { topology: t })).toThrow(/has no concrete Region/);
    expect(() => new RegionEvacuationDrill(new Stack(app, 'West', { env: { region: 'us-west-2' } }), 'Drill', { topology: t }))
      .toThrow(/neither dnsRouting nor acceleratorRouting/);
  });

  test('a drill is refused in a Region it can evacuate (an active Region), in another account, and past the history quota', () => {
    const { app, topology } = newTopology();
    const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology) });
    const east2 = new Stack(app, 'DrillEast2', { env: { account: '111111111111', region: 'us-east-2' }, crossRegionReferences: true });
    expect(() => new RegionEvacuationDrill(east2, 'Drill', { topology, dnsRouting: dns })).toThrow(/us-east-2, an active Region of Shop, which the drill can evacuate/);
    const other = new Stack(app, 'OtherAccount', { env: { account: '222222222222', region: 'us-west-2' }, crossRegionReferences: true });
    expect(() => new RegionEvacuationDrill(other, 'Drill', { topology, dnsRouting: dns })).toThrow(/account 222222222222, but the app's routing is in account 111111111111/);
    const west = new Stack(app, 'West2', { env: { account: '111111111111', region: 'us-west-2' }, crossRegionReferences: true });
    // R9: 3600 polls of ~9 events would pass the 25,000-event history of a Standard execution.
    expect(() => new RegionEvacuationDrill(west, 'Drill1', { topology, dnsRouting: dns, pollInterval: Duration.seconds(1), measureTimeout: Duration.minutes(60) }))
      .toThrow(/3600 polls .* use a pollInterval of at least 3 s or a measureTimeout of at most 1500 s/);
    expect(() => new RegionEvacuationDrill(west, 'Drill2', { topology, dnsRouting: dns, pollInterval: Duration.seconds(3), measureTimeout: Duration.minutes(60) })).not.toThrow();
  });

  test('DNS only: no accelerator permissions; composite alarms are read with DescribeAlarms on * (AWS returns them only then); the fault switch is written in its Region', () => {
    const { app, topology } = newTopology();
    const dns = new DnsRouting(topology.globalStack, 'Dns', { topology, hostedZone: zoneIn(topology), recordName: 'app.example.com', regions: importedRegions(topology) });
    const stack = new Stack(app, 'DrillWest2', { env: { account: '111111111111', region: 'us-west-2' }, crossRegionReferences: true });
    const regional = topology.regionalStack('us-east-1');
    const metric = new cloudwatch.Alarm(regional, 'A', { metric: new cloudwatch.Metric({ namespace: 'X', metricName: 'Y' }), threshold: 1, evaluationPeriods: 1 });
    const composite = new cloudwatch.CompositeAlarm(regional, 'C', { alarmRule: cloudwatch.AlarmRule.fromAlarm(metric, cloudwatch.AlarmState.ALARM) });
    const faultSwitch = new ssm.StringParameter(regional, 'Fault', { stringValue: '{"fail":false}' });
    new RegionEvacuationDrill(stack, 'Drill', { topology, dnsRouting: dns, regions: [{ region: 'us-east-1', healthAlarms: [composite], faultSwitch }] });
    app.synth();
    const t = Template.fromStack(stack);
    const statements = Object.values(t.findResources('AWS::IAM::Policy')).flatMap((p: any) => p.Properties.PolicyDocument.Statement);
    const actions = statements.flatMap((x: any) => [x.Action].flat());
    expect(actions).toContain('route53:UpdateHealthCheck');
    expect(actions.filter((a: string) => a.startsWith('globalaccelerator:'))).toEqual([]);
    expect(statements.find((x: any) => [x.Action].flat().includes('cloudwatch:DescribeAlarms')).Resource).toBe('*');
    const fault = statements.find((x: any) => [x.Action].flat().includes('ssm:PutParameter'));
    expect(fault.Action).toEqual(['ssm:GetParameter', 'ssm:PutParameter']);
    expect(JSON.stringify(fault.Resource)).toMatch(/:ssm:us-east-1:111111111111:parameter\/.*ExportsReader/);
    const [fn] = Object.values(t.findResources('AWS::Lambda::Function', { Properties: { Description: 'Region evacuation drill steps (multi-region-cdk)' } }));
    expect(JSON.stringify(fn.Properties.Environment.Variables.DRILL_CONFIG)).toContain('faultSwitchName');
    const wrong = new ssm.StringParameter(topology.regionalStack('us-east-2'), 'Fault2', { stringValue: '{"fail":false}' });
    const stack2 = new Stack(app, 'DrillWest2b', { env: { account: '111111111111', region: 'us-west-2' }, crossRegionReferences: true });
    expect(() => new RegionEvacuationDrill(stack2, 'Drill', { topology, dnsRouting: dns, regions: [{ region: 'us-east-1', faultSwitch: wrong }] }))
      .toThrow(/fault switch .* of 'us-east-1' is in us-east-2/);
  });
});
