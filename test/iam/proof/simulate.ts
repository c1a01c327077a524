import * as path from 'path';
import { loadPolicy } from '@cloud-copilot/iam-policy';
import { runSimulation } from '@cloud-copilot/iam-simulate';
import { SourcedPolicy } from './model';

// iam-simulate 0.1.173 drops context keys whose variable part follows a colon
// (kms:EncryptionContext:<key>) as "not applicable" before evaluating (it matches only
// '/'-separated variables such as aws:PrincipalTag/<key>), so a key policy conditioned on the
// encryption context would never match. The proof validates each request with runSimulation
// (policy grammar, action, resource type), then takes the verdict from the package's own
// evaluation core with the request's whole context, as runUnsafeSimulation does.
const dist = path.dirname(require.resolve('@cloud-copilot/iam-simulate'));
const { authorize } = require(path.join(dist, 'core_engine', 'CoreSimulatorEngine.js'));
const { AwsRequestImpl } = require(path.join(dist, 'request', 'request.js'));
const { RequestContextImpl } = require(path.join(dist, 'requestContext.js'));
const { DiscoveryContextKeyConstraints } = require(path.join(dist, 'context_keys', 'discoveryContextKeyConstraints.js'));

/** Who makes a request: a role's session (with its policies) or an AWS service principal. */
export interface Caller {
  /** For the report: the role's ARN, or the service principal. */
  readonly name: string;
  /** The principal IAM sees: `arn:aws:sts::<account>:assumed-role/<role>/<session>` or e.g. `cloudtrail.amazonaws.com`. */
  readonly principal: string;
  readonly account: string;
  readonly identityPolicies: SourcedPolicy[];
  readonly boundaries: SourcedPolicy[];
}

export type Verdict = 'allowed' | 'allowed-by-star' | 'denied' | 'invalid';

export interface Evaluation {
  readonly verdict: Verdict;
  /** For a denial: which policies lack an Allow (or hold the Deny). */
  readonly missingIn?: ('identity' | 'resource' | 'boundary')[];
  /** Why it was denied (which side said no) or why the simulation could not run. */
  readonly detail?: string;
}

/**
 * Evaluates one request with @cloud-copilot/iam-simulate (identity policies, permission boundaries,
 * resource policy, conditions; Strict mode). An allowed request is simulated again without the
 * identity statements whose only resource is `*`: if it is then denied, it is allowed only by `*`.
 */
export async function evaluate(caller: Caller, action: string, resource: string, context: Record<string, string | string[]>, resourcePolicy?: SourcedPolicy): Promise<Evaluation> {
  const validated = await simulate(caller.identityPolicies, caller, action, resource, context, resourcePolicy);
  if (validated.resultType === 'error') return { verdict: 'invalid', detail: JSON.stringify(validated.errors) };
  const analysis = evaluateCore(caller.identityPolicies, caller, action, resource, context, resourcePolicy);
  if (analysis.result !== 'Allowed') {
    const sides = [
      analysis?.identityAnalysis && `identity policies: ${analysis.identityAnalysis.result}`,
      analysis?.resourceAnalysis && `resource policy ${resourcePolicy?.name ?? ''}: ${analysis.resourceAnalysis.result}`,
      analysis?.permissionBoundaryAnalysis && `permission boundary: ${analysis.permissionBoundaryAnalysis.result}`,
    ].filter(Boolean).join('; ');
    const missingIn: ('identity' | 'resource' | 'boundary')[] = [];
    const sameAccount = analysis.sameAccount;
    const identityOk = analysis.identityAnalysis?.result === 'Allowed';
    const resourceOk = ['Allowed', 'AllowedForAccount'].includes(analysis.resourceAnalysis?.result);
    const resourceAlone = analysis.resourceAnalysis?.result === 'Allowed';
    // Same account: either side's Allow suffices, unless the resource policy only delegates to
    // the account (a KMS key policy's root statement), which then needs the identity's Allow.
    if (caller.identityPolicies.length > 0 && !identityOk && !(sameAccount && resourceAlone)) missingIn.push('identity');
    if (resourcePolicy && !resourceOk) missingIn.push('resource');
    if (analysis.permissionBoundaryAnalysis && analysis.permissionBoundaryAnalysis.result !== 'Allowed') missingIn.push('boundary');
    if (analysis.identityAnalysis?.result === 'ExplicitlyDenied' || analysis.resourceAnalysis?.result === 'ExplicitlyDenied') missingIn.length = 0;
    return { verdict: 'denied', detail: `${analysis.result} (${sides})`, missingIn };
  }
  if (caller.identityPolicies.length === 0 || resource === '*') return { verdict: resource === '*' ? 'allowed-by-star' : 'allowed' };
  const withoutStar = caller.identityPolicies.map((p) => ({
    name: p.name,
    document: { ...p.document, Statement: asArray(p.document.Statement).filter((s: any) => !(s.Effect === 'Allow' && asArray(s.Resource).every((r) => r === '*'))) },
  }));
  const second = evaluateCore(withoutStar, caller, action, resource, context, resourcePolicy);
  return { verdict: second.result === 'Allowed' ? 'allowed' : 'allowed-by-star' };
}

function evaluateCore(identityPolicies: SourcedPolicy[], caller: Caller, action: string, resource: string, context: Record<string, string | string[]>, resourcePolicy?: SourcedPolicy): any {
  return authorize({
    request: new AwsRequestImpl(caller.principal, { resource, accountId: caller.account }, action, new RequestContextImpl(context)),
    sessionPolicy: undefined,
    identityPolicies: identityPolicies.map((p, i) => loadPolicy(p.document, { name: `${i}:${p.name}` })),
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy ? loadPolicy(resourcePolicy.document, { name: resourcePolicy.name }) : undefined,
    permissionBoundaries: caller.boundaries.length > 0 ? caller.boundaries.map((p) => loadPolicy(p.document, { name: p.name })) : undefined,
    vpcEndpointPolicies: undefined,
    simulationParameters: { simulationMode: 'Strict', discoveryContextKeyConstraints: new DiscoveryContextKeyConstraints([]) },
    serviceSettings: { s3: { blockPublicAccess: undefined } },
  });
}

function simulate(identityPolicies: SourcedPolicy[], caller: Caller, action: string, resource: string, context: Record<string, string | string[]>, resourcePolicy?: SourcedPolicy) {
  return runSimulation({
    request: { principal: caller.principal, action, resource: { resource, accountId: caller.account }, contextVariables: context },
    identityPolicies: identityPolicies.map((p, i) => ({ name: `${i}:${p.name}`, policy: p.document })),
    permissionBoundaryPolicies: caller.boundaries.length > 0 ? caller.boundaries.map((p) => ({ name: p.name, policy: p.document })) : undefined,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    resourcePolicy: resourcePolicy?.document,
  }, { simulationMode: 'Strict' });
}

export function asArray<T>(v: T | T[] | undefined): T[] {
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}
