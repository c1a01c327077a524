import { runSimulation } from '@cloud-copilot/iam-simulate';
import { SourcedPolicy } from './model';

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
  /** Why it was denied (which side said no) or why the simulation could not run. */
  readonly detail?: string;
}

/**
 * Evaluates one request with @cloud-copilot/iam-simulate (identity policies, permission boundaries,
 * resource policy, conditions; Strict mode). An allowed request is simulated again without the
 * identity statements whose only resource is `*`: if it is then denied, it is allowed only by `*`.
 */
export async function evaluate(caller: Caller, action: string, resource: string, context: Record<string, string | string[]>, resourcePolicy?: SourcedPolicy): Promise<Evaluation> {
  const first = await simulate(caller.identityPolicies, caller, action, resource, context, resourcePolicy);
  if (first.resultType === 'error') return { verdict: 'invalid', detail: JSON.stringify(first.errors) };
  if (first.overallResult !== 'Allowed') {
    const analysis = first.resultType === 'single' ? first.result.analysis : first.results[0]?.analysis;
    const sides = [
      analysis?.identityAnalysis && `identity policies: ${analysis.identityAnalysis.result}`,
      analysis?.resourceAnalysis && `resource policy ${resourcePolicy?.name ?? ''}: ${analysis.resourceAnalysis.result}`,
      analysis?.permissionBoundaryAnalysis && `permission boundary: ${analysis.permissionBoundaryAnalysis.result}`,
    ].filter(Boolean).join('; ');
    return { verdict: 'denied', detail: `${first.overallResult} (${sides})` };
  }
  if (caller.identityPolicies.length === 0 || resource === '*') return { verdict: resource === '*' ? 'allowed-by-star' : 'allowed' };
  const withoutStar = caller.identityPolicies.map((p) => ({
    name: p.name,
    document: { ...p.document, Statement: asArray(p.document.Statement).filter((s: any) => !(s.Effect === 'Allow' && asArray(s.Resource).every((r) => r === '*'))) },
  }));
  const second = await simulate(withoutStar, caller, action, resource, context, resourcePolicy);
  return { verdict: second.resultType !== 'error' && second.overallResult === 'Allowed' ? 'allowed' : 'allowed-by-star' };
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
