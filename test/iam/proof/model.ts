import * as path from 'path';
import { AppAssembly, StackInfo } from './assembly';
import { AWS_MANAGED_POLICIES } from './managed-policies';
import { Resolver } from './resolve';

/** One policy document with where it came from, for the report. */
export interface SourcedPolicy {
  /** `<stack>/<LogicalId>` (an AWS::IAM::Policy or the role's inline policy) or an AWS managed policy ARN. */
  readonly name: string;
  readonly document: any;
}

export interface RoleInfo {
  readonly arn: string;
  readonly name: string;
  readonly source: string;
  readonly policies: SourcedPolicy[];
  readonly boundaries: SourcedPolicy[];
  /** Managed policy ARNs the proof has no document of (reported, never assumed to allow). */
  readonly unresolvedManaged: string[];
}

/** A Lambda function of the app that runs one of this library's handlers. */
export interface FunctionInfo {
  readonly stack: StackInfo;
  readonly logicalId: string;
  readonly handler: string;
  /** The exported function Lambda calls (`index.<export>`). */
  readonly handlerExport: string;
  readonly name: string;
  readonly region: string;
  readonly account: string;
  readonly roleArn: string;
  /** Environment variables as deployed. */
  readonly env: Record<string, string>;
  /** The staged asset folder (LAMBDA_TASK_ROOT). */
  readonly taskRoot: string;
  /** The function's log group, where Lambda writes its logs with the function's role. */
  readonly logGroupName: string;
}

export interface KeyInfo {
  readonly arn: string;
  readonly region: string;
  readonly policy: SourcedPolicy;
  /** alias/... names pointing at the key. */
  readonly aliases: string[];
}

/** What the synthesized app deploys, resolved to concrete names: roles, their policies, resource policies, keys. */
export class AppModel {
  readonly resolver: Resolver;
  readonly roles = new Map<string, RoleInfo>();
  readonly functions: FunctionInfo[] = [];
  readonly keys = new Map<string, KeyInfo>();
  /** Resource ARN -> its resource-based policy (bucket, topic, queue, secret policies). */
  readonly resourcePolicies = new Map<string, SourcedPolicy>();
  /** Every resolved resource of the app: stack, logical id, type, properties. */
  readonly resources: { stack: StackInfo; logicalId: string; type: string; props: any }[] = [];

  constructor(readonly assembly: AppAssembly) {
    this.resolver = new Resolver(assembly);
    for (const stack of assembly.stacks) {
      for (const [logicalId, resource] of Object.entries<any>(stack.template.Resources ?? {})) {
        if (resource.Type.startsWith('Custom::CrossRegionExport')) continue;
        const props = this.resolver.resolve(stack, resource.Properties ?? {});
        this.resources.push({ stack, logicalId, type: resource.Type, props });
      }
    }
    this.collectRoles();
    this.collectKeys();
    this.collectResourcePolicies();
    this.collectFunctions();
  }

  /** `<stack>/<LogicalId>` of a resource, as the report names statements' sources. */
  static source(stack: StackInfo, logicalId: string): string {
    return `${stack.stackName}/${logicalId}`;
  }

  /** The key an ARN, key id or alias (ARN) of `region` names. */
  keyOf(reference: string, region: string): KeyInfo | undefined {
    for (const key of this.keys.values()) {
      if (key.region !== region) continue;
      const keyId = key.arn.split('/').pop();
      if (reference === key.arn || reference === keyId) return key;
      const alias = reference.replace(/^arn:aws:kms:[^:]+:\d+:/, '');
      if (key.aliases.includes(alias)) return key;
    }
    return undefined;
  }

  private attr(stack: StackInfo, logicalId: string, attribute: string): string {
    return this.resolver.resolve(stack, attribute === 'Ref' ? { Ref: logicalId } : { 'Fn::GetAtt': [logicalId, attribute] }) as string;
  }

  private collectRoles(): void {
    const byName = new Map<string, RoleInfo>();
    for (const r of this.resources.filter((x) => x.type === 'AWS::IAM::Role')) {
      const arn = this.attr(r.stack, r.logicalId, 'Arn');
      const name = this.attr(r.stack, r.logicalId, 'Ref');
      const source = AppModel.source(r.stack, r.logicalId);
      const policies: SourcedPolicy[] = (r.props.Policies ?? []).map((p: any) => ({ name: `${source} inline ${p.PolicyName}`, document: p.PolicyDocument }));
      const unresolvedManaged: string[] = [];
      const managed = (ref: string): SourcedPolicy | undefined => {
        const local = this.resources.find((x) => x.type === 'AWS::IAM::ManagedPolicy' && this.attr(x.stack, x.logicalId, 'Ref') === ref);
        if (local) return { name: AppModel.source(local.stack, local.logicalId), document: local.props.PolicyDocument };
        const aws = AWS_MANAGED_POLICIES[ref.replace(/^arn:aws:iam::aws:policy\//, '')];
        if (aws) return { name: ref, document: aws.document };
        unresolvedManaged.push(ref);
        return undefined;
      };
      for (const ref of r.props.ManagedPolicyArns ?? []) {
        const p = managed(ref);
        if (p) policies.push(p);
      }
      const boundaries: SourcedPolicy[] = [];
      if (r.props.PermissionsBoundary) {
        const p = managed(r.props.PermissionsBoundary);
        // A boundary the proof cannot read denies everything: safer than assuming it allows.
        boundaries.push(p ?? { name: r.props.PermissionsBoundary, document: { Version: '2012-10-17', Statement: [] } });
      }
      const role: RoleInfo = { arn, name, source, policies, boundaries, unresolvedManaged };
      this.roles.set(arn, role);
      byName.set(name, role);
    }
    for (const p of this.resources.filter((x) => x.type === 'AWS::IAM::Policy' || x.type === 'AWS::IAM::ManagedPolicy')) {
      for (const roleName of p.props.Roles ?? []) {
        const role = byName.get(roleName);
        if (role) role.policies.push({ name: AppModel.source(p.stack, p.logicalId), document: p.props.PolicyDocument });
      }
    }
  }

  private collectKeys(): void {
    for (const k of this.resources.filter((x) => x.type === 'AWS::KMS::Key')) {
      const arn = this.attr(k.stack, k.logicalId, 'Arn');
      const keyId = this.attr(k.stack, k.logicalId, 'Ref');
      const aliases = this.resources
        .filter((a) => a.type === 'AWS::KMS::Alias' && a.stack === k.stack && (a.props.TargetKeyId === keyId || a.props.TargetKeyId === arn))
        .map((a) => a.props.AliasName as string);
      this.keys.set(arn, { arn, region: k.stack.region, aliases, policy: { name: AppModel.source(k.stack, k.logicalId), document: k.props.KeyPolicy } });
    }
  }

  private collectResourcePolicies(): void {
    for (const r of this.resources) {
      const source = AppModel.source(r.stack, r.logicalId);
      if (r.type === 'AWS::S3::BucketPolicy') {
        this.resourcePolicies.set(`arn:aws:s3:::${r.props.Bucket}`, { name: source, document: r.props.PolicyDocument });
      } else if (r.type === 'AWS::SNS::TopicPolicy') {
        for (const topic of r.props.Topics ?? []) this.resourcePolicies.set(topic, { name: source, document: r.props.PolicyDocument });
      } else if (r.type === 'AWS::SQS::QueuePolicy') {
        for (const url of r.props.Queues ?? []) {
          const m = /^https:\/\/sqs\.([^.]+)\.amazonaws\.com\/(\d+)\/(.+)$/.exec(url);
          if (m) this.resourcePolicies.set(`arn:aws:sqs:${m[1]}:${m[2]}:${m[3]}`, { name: source, document: r.props.PolicyDocument });
        }
      } else if (r.type === 'AWS::SecretsManager::ResourcePolicy') {
        this.resourcePolicies.set(r.props.SecretId, { name: source, document: r.props.ResourcePolicy });
      }
    }
  }

  private collectFunctions(): void {
    for (const f of this.resources.filter((x) => x.type === 'AWS::Lambda::Function')) {
      const handler = this.assembly.handlerOfAsset.get(f.props.Code?.S3Key);
      if (!handler) continue;
      const name = this.attr(f.stack, f.logicalId, 'Ref');
      const logGroupName = f.props.LoggingConfig?.LogGroup ?? `/aws/lambda/${name}`;
      this.functions.push({
        stack: f.stack, logicalId: f.logicalId, handler, name,
        handlerExport: String(f.props.Handler).split('.').pop()!,
        region: f.stack.region, account: f.stack.account,
        roleArn: f.props.Role,
        env: f.props.Environment?.Variables ?? {},
        taskRoot: path.join(this.assembly.directory, `asset.${String(f.props.Code.S3Key).replace(/\.zip$/, '')}`),
        logGroupName,
      });
    }
  }
}
