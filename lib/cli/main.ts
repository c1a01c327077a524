import * as readline from 'node:readline/promises';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { SFNClient } from '@aws-sdk/client-sfn';
import * as fs from 'node:fs';
import { EXIT_REFUSED, runDrillCommand, stateMachineArnFromOutputs } from './drill-command';
import { REPORT_USAGE, runReportCommand } from './report-command';

const DRILL_USAGE = `Usage: multi-region-cdk drill --region <region> (--state-machine-arn <arn> | --stack <name> --stack-region <r>) [--yes] [--dry-run]

Runs the app's Region evacuation drill (RegionEvacuationDrill): takes <region> out of DNS and the
accelerator, measures how long traffic takes to move, checks the survivors' data path, restores
everything and prints the measured times beside the failover budget.

  --region <r>              the Region to take out
  --state-machine-arn <arn> the drill's state machine (output StateMachineArn of its stack;
                            or set MULTI_REGION_DRILL_STATE_MACHINE_ARN)
  --stack <name>            or: read it from the outputs of the drill's stack
  --stack-region <r>        the Region of that stack (default: AWS_REGION)
  --yes                     do not ask for the Region's name as confirmation
  --dry-run                 check and print the plan of changes; change nothing

Exit status: 0 within budget, 1 drill failed or a path over budget, 2 refused or not confirmed.`;

const USAGE = `${DRILL_USAGE}\n\n${REPORT_USAGE}`;

/** Parses `drill` arguments; returns an error message or the options. */
export function parseDrillArgs(argv: string[], env: Record<string, string | undefined> = process.env):
  { error: string } | { region: string; stateMachineArn?: string; stack?: { name: string; region: string }; yes: boolean; dryRun: boolean } {
  const [command, ...rest] = argv;
  if (command !== 'drill') return { error: command ? `unknown command '${command}'.` : 'no command.' };
  let region: string | undefined;
  let stateMachineArn = env.MULTI_REGION_DRILL_STATE_MACHINE_ARN;
  let stackName: string | undefined;
  let stackRegion = env.AWS_REGION ?? env.AWS_DEFAULT_REGION;
  let yes = false;
  let dryRun = false;
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => inline ?? rest[++i];
    switch (flag) {
      case '--region': region = value(); break;
      case '--state-machine-arn': stateMachineArn = value(); break;
      case '--stack': stackName = value(); break;
      case '--stack-region': stackRegion = value(); break;
      case '--yes': case '-y': yes = true; break;
      case '--dry-run': dryRun = true; break;
      default: return { error: `unknown option '${a}'.` };
    }
  }
  if (!region || !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) return { error: `--region '${region ?? ''}' is not a Region code such as us-east-1.` };
  if (stackName !== undefined && stateMachineArn === undefined) {
    if (!stackRegion) return { error: `--stack '${stackName}' needs --stack-region (or AWS_REGION).` };
    return { region, stack: { name: stackName, region: stackRegion }, yes, dryRun };
  }
  if (!stateMachineArn || !/^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:stateMachine:.+$/.test(stateMachineArn)) {
    return { error: `--state-machine-arn '${stateMachineArn ?? ''}' is not a state machine ARN (arn:aws:states:<region>:<account>:stateMachine:<name>).` };
  }
  return { region, stateMachineArn, yes, dryRun };
}

export async function main(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h') || argv.length === 0) {
    console.log(argv[0] === 'report' ? REPORT_USAGE : argv[0] === 'drill' ? DRILL_USAGE : USAGE);
    return argv.length === 0 ? EXIT_REFUSED : 0;
  }
  if (argv[0] === 'report') {
    return runReportCommand(argv.slice(1), {
      readFile: (file) => fs.readFileSync(file, 'utf8'),
      out: (text) => console.log(text),
      err: (text) => console.error(text),
    });
  }
  const parsed = parseDrillArgs(argv);
  if ('error' in parsed) {
    console.error(`${parsed.error}\n\n${USAGE}`);
    return EXIT_REFUSED;
  }
  let stateMachineArn = parsed.stateMachineArn;
  if (stateMachineArn === undefined) {
    const cfn = new CloudFormationClient({ region: parsed.stack!.region });
    const out = await cfn.send(new DescribeStacksCommand({ StackName: parsed.stack!.name }));
    stateMachineArn = stateMachineArnFromOutputs(parsed.stack!.name, out.Stacks?.[0]?.Outputs ?? []);
  }
  // The state machine's Region is in its ARN.
  const sfn = new SFNClient({ region: stateMachineArn.split(':')[3] });
  const rl = process.stdin.isTTY ? readline.createInterface({ input: process.stdin, output: process.stdout }) : undefined;
  try {
    return await runDrillCommand({ ...parsed, stateMachineArn }, {
      sfn,
      out: (line) => console.log(line),
      ask: rl ? (q) => rl.question(q) : undefined,
    });
  } finally {
    rl?.close();
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then((code) => { process.exitCode = code; }, (e) => {
    console.error(`multi-region-cdk: ${(e as Error).message}`);
    process.exitCode = 1;
  });
}
