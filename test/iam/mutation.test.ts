import { AppAssembly } from './proof/assembly';
import { synthApp } from './proof/apps';
import { AppModel } from './proof/model';
import { describeDenial, ProofEntry, proveApp, ProveOptions } from './proof/prove';
import { asArray } from './proof/simulate';

// The proof must fail when a statement that grants a recorded call is gone: each case removes
// one statement from the synthesized default app and expects a denial that names the call,
// the role (or service principal) and the statement that would allow it.

let assembly: AppAssembly;
beforeAll(() => {
  assembly = synthApp('default-app');
}, 180_000);

/** A copy of the app without the statements `drop` selects, and what was dropped (never nothing). */
function without(drop: (logicalId: string, resource: any, statement: any) => boolean): { model: AppModel; dropped: any[] } {
  const dropped: any[] = [];
  const stacks = assembly.stacks.map((stack) => {
    const template = structuredClone(stack.template);
    for (const [logicalId, resource] of Object.entries<any>(template.Resources)) {
      for (const doc of [resource.Properties?.PolicyDocument, resource.Properties?.KeyPolicy]) {
        if (!doc?.Statement) continue;
        doc.Statement = asArray(doc.Statement).filter((s: any) => {
          const hit = drop(logicalId, resource, s);
          if (hit) dropped.push(s);
          return !hit;
        });
      }
    }
    return { ...stack, template };
  });
  expect(dropped.length).toBeGreaterThan(0);
  return { model: new AppModel({ ...assembly, stacks }), dropped };
}

async function denials(model: AppModel, options: ProveOptions): Promise<ProofEntry[]> {
  const proof = await proveApp(model, options);
  return proof.entries.filter((e) => e.verdict === 'denied');
}

const actions = (s: any) => asArray<string>(s.Action);

test('without the drill role\'s statement for its bucket key, the KMS calls S3 makes for the journal are denied, by name', async () => {
  const drill = { functions: (fn: any) => fn.handler === 'region-drill', servicePrincipals: false };
  const before = await denials(new AppModel(assembly), drill);
  expect(before).toEqual([]);
  const { model } = without((id, r, s) => r.Type === 'AWS::IAM::Policy' && id.startsWith('RegionDrillHandler') && actions(s).includes('kms:Decrypt'));
  const denied = await denials(model, drill);
  const decrypt = denied.find((e) => e.action === 'kms:Decrypt');
  expect(decrypt).toBeDefined();
  const message = describeDenial(decrypt!);
  expect(message).toMatch(/^DENIED kms:Decrypt on arn:aws:kms:us-west-2:111111111111:key\//);
  expect(message).toMatch(/by: multi-region-game-day\/RegionDrillHandler[0-9A-F]{8} \(region-drill\), as arn:aws:iam::111111111111:role\/multi-region-game-day-RegionDrillHandlerRole/);
  expect(message).toContain('S3 decrypts the object for s3:GetObject');
  expect(message).toContain('"kms:ViaService":"s3.us-west-2.amazonaws.com"');
  expect(message).toMatch(/missing statement in the identity policies of arn:aws:iam::111111111111:role\/multi-region-game-day-RegionDrillHandlerRole[^ ]* \(.*RegionDrillHandler.*\): \{"Effect":"Allow","Action":"kms:Decrypt","Resource":"arn:aws:kms:us-west-2:111111111111:key\//);
  expect(message).not.toContain('missing statement in the resource policy');
}, 120_000);

test('without the DSQL probe\'s dsql:DbConnect statement, the token it signs for its non-admin role is denied, by name', async () => {
  const probe = { functions: (fn: any) => fn.handler === 'dsql-probe', servicePrincipals: false };
  // ProbesDsqlProbeDsql...: the probe function's policy, not the role-setup function's (ProbesDsqlProbeRole...).
  const { model } = without((id, r, s) => r.Type === 'AWS::IAM::Policy' && id.startsWith('ProbesDsqlProbeDsql') && actions(s).includes('dsql:DbConnect'));
  const denied = await denials(model, probe);
  expect(denied.map((e) => `${e.action} ${e.subject}`)).toEqual(expect.arrayContaining([
    expect.stringMatching(/^dsql:DbConnect multi-region-us-east-1\/ProbesDsqlProbeDsqlFunction[0-9A-F]{8} \(dsql-probe\)$/),
    expect.stringMatching(/^dsql:DbConnect multi-region-us-east-2\/ProbesDsqlProbeDsqlFunction[0-9A-F]{8} \(dsql-probe\)$/),
  ]));
  expect(describeDenial(denied[0])).toContain('DSQL.DbConnect in us-east-');
}, 120_000);

test('without CloudTrail\'s statement in the Region\'s key policy, CloudTrail\'s GenerateDataKey is denied, by name', async () => {
  const trails = { functions: () => false };
  const before = (await denials(new AppModel(assembly), trails)).filter((e) => e.action === 'kms:GenerateDataKey' && e.caller === 'cloudtrail.amazonaws.com');
  expect(before).toEqual([]);
  const { model } = without((_id, r, s) => r.Type === 'AWS::KMS::Key' && JSON.stringify(s.Principal ?? {}).includes('cloudtrail.amazonaws.com') && actions(s).some((a) => a.startsWith('kms:GenerateDataKey')));
  const denied = (await denials(model, trails)).filter((e) => e.action === 'kms:GenerateDataKey' && e.caller === 'cloudtrail.amazonaws.com');
  expect(denied.map((e) => e.subject)).toEqual(expect.arrayContaining([
    expect.stringMatching(/^multi-region-us-east-1\/AuditTrail[0-9A-F]{8} \(CloudTrail\)$/),
    expect.stringMatching(/^multi-region-us-east-2\/AuditTrail[0-9A-F]{8} \(CloudTrail\)$/),
  ]));
  const message = describeDenial(denied[0]);
  expect(message).toContain('Configure AWS KMS key policies for CloudTrail');
  expect(message).toContain('"kms:EncryptionContext:aws:cloudtrail:arn":"arn:aws:cloudtrail:us-east-');
  expect(message).toMatch(/missing statement in the resource policy multi-region-us-east-\d\/RegionalKey[0-9A-F]{8}: \{"Effect":"Allow","Principal":\{"Service":"cloudtrail.amazonaws.com"\},"Action":"kms:GenerateDataKey"/);
}, 120_000);

test('without the deep-health function\'s DSQL statement, its non-admin connect is denied, by name', async () => {
  const deepHealth = { functions: (fn: any) => fn.handler === 'deep-health', servicePrincipals: false };
  const before = await denials(new AppModel(assembly), deepHealth);
  expect(before).toEqual([]);
  const { model } = without((id, r, s) => r.Type === 'AWS::IAM::Policy' && id.startsWith('EndpointDeepHealth') && actions(s).includes('dsql:DbConnect'));
  const denied = await denials(model, deepHealth);
  expect(denied.map((e) => `${e.action} ${e.subject}`)).toEqual(expect.arrayContaining([
    expect.stringMatching(/^dsql:DbConnect multi-region-us-east-1\/EndpointDeepHealthFunction[0-9A-F]{8} \(deep-health\)$/),
    expect.stringMatching(/^dsql:DbConnect multi-region-us-east-2\/EndpointDeepHealthFunction[0-9A-F]{8} \(deep-health\)$/),
  ]));
  const message = describeDenial(denied.find((e) => e.action === 'dsql:DbConnect')!);
  expect(message).toMatch(/^DENIED dsql:DbConnect on arn:aws:dsql:us-east-\d:111111111111:cluster\//);
  expect(message).toContain('DSQL.DbConnect in us-east-');
  expect(message).toMatch(/missing statement in the identity policies of arn:aws:iam::111111111111:role\/multi-region-us-east-\d-EndpointDeepHealth[^ ]* \(.*\): \{"Effect":"Allow","Action":"dsql:DbConnect","Resource":"arn:aws:dsql:us-east-\d:111111111111:cluster\//);
}, 120_000);

test('without the deep-health function\'s statement for its fault switch, ssm:GetParameter is denied, by name', async () => {
  const deepHealth = { functions: (fn: any) => fn.handler === 'deep-health', servicePrincipals: false };
  const { model } = without((id, r, s) => r.Type === 'AWS::IAM::Policy' && id.startsWith('EndpointDeepHealth') && actions(s).includes('ssm:GetParameter'));
  const denied = await denials(model, deepHealth);
  const get = denied.find((e) => e.action === 'ssm:GetParameter');
  expect(get).toBeDefined();
  const message = describeDenial(get!);
  expect(message).toMatch(/^DENIED ssm:GetParameter on arn:aws:ssm:us-east-\d:111111111111:parameter\//);
  expect(message).toMatch(/by: multi-region-us-east-\d\/EndpointDeepHealthFunction[0-9A-F]{8} \(deep-health\)/);
  expect(message).toContain('SSM.GetParameter in us-east-');
  expect(message).toMatch(/missing statement in the identity policies of .*: \{"Effect":"Allow","Action":"ssm:GetParameter","Resource":"arn:aws:ssm:us-east-\d:111111111111:parameter\//);
}, 120_000);
