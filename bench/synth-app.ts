// One synth, run in its own process by bench/synth.ts so that peak memory belongs to one app.
// Usage: tsx bench/synth-app.ts <library|handwritten> <regionCount>
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AwsSolutionsChecks } from 'cdk-nag';
import { MultiRegionApp } from '../lib';

export const BENCH_REGIONS = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'eu-west-1', 'eu-central-1', 'ap-southeast-1', 'ap-northeast-1',
];
const ACCOUNT = '111111111111';

function library(app: App, regions: string[]): void {
  new MultiRegionApp(app, 'Bench', { activeRegions: regions, account: ACCOUNT, stackNamePrefix: 'bench' });
}

/** The same resources written by hand with aws-cdk-lib alone. */
function handwritten(app: App, regions: string[]): void {
  for (const region of regions) {
    const stack = new Stack(app, `bench-${region}`, { env: { account: ACCOUNT, region }, crossRegionReferences: true });
    const root = new iam.AccountRootPrincipal();
    const key = new kms.Key(stack, 'RegionalKey', {
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
      policy: new iam.PolicyDocument({
        statements: [
          new iam.PolicyStatement({ principals: [root], actions: ['kms:Create*', 'kms:Describe*', 'kms:Enable*', 'kms:List*', 'kms:Put*', 'kms:Update*', 'kms:Revoke*', 'kms:Disable*', 'kms:Get*', 'kms:Delete*', 'kms:TagResource', 'kms:UntagResource', 'kms:ScheduleKeyDeletion', 'kms:CancelKeyDeletion', 'kms:RotateKeyOnDemand'], resources: ['*'] }),
          new iam.PolicyStatement({
            principals: [root],
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey', 'kms:CreateGrant'],
            resources: ['*'],
            conditions: { StringEquals: { 'kms:CallerAccount': ACCOUNT, 'kms:ViaService': [`dsql.${region}.amazonaws.com`, `logs.${region}.amazonaws.com`] } },
          }),
          new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal(`logs.${region}.amazonaws.com`)],
            actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
            resources: ['*'],
            conditions: { ArnLike: { 'kms:EncryptionContext:aws:logs:arn': `arn:aws:logs:${region}:${ACCOUNT}:log-group:*` } },
          }),
          new iam.PolicyStatement({
            principals: [new iam.ServicePrincipal('dsql.amazonaws.com')],
            actions: ['kms:Encrypt', 'kms:Decrypt', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:DescribeKey'],
            resources: ['*'],
            conditions: { StringEquals: { 'aws:SourceAccount': ACCOUNT }, ArnLike: { 'aws:SourceArn': `arn:aws:dsql:${region}:${ACCOUNT}:cluster/*` } },
          }),
        ],
      }),
    });
    key.addAlias(`alias/bench/${region}`);
  }
}

// Imports are done by now; performance.now() counts from process start, so both figures are available.
const started = performance.now();
const [variant, countArg] = process.argv.slice(2);
const regions = BENCH_REGIONS.slice(0, Number(countArg));
const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-synth-'));
const app = new App({ outdir, context: { '@aws-cdk/core:validateAgainstDefaultRules': true } });
(variant === 'library' ? library : handwritten)(app, regions);
Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
app.synth();
const totalMs = performance.now();
const ms = totalMs - started;
fs.rmSync(outdir, { recursive: true, force: true });
// maxRSS is in KiB.
console.log(JSON.stringify({ variant, regions: regions.length, ms, totalMs, peakMiB: process.resourceUsage().maxRSS / 1024 }));
