import { createHash } from 'crypto';
import { AppAssembly, StackInfo } from './assembly';

/**
 * Resolves CloudFormation intrinsics of a synthesized app to concrete strings, as a deploy would:
 * Ref, Fn::GetAtt, Fn::Join, Fn::Sub, Fn::Select, Fn::Split, Fn::ImportValue (cross-stack) and CDK's
 * cross-Region references (a `Custom::CrossRegionExportReader` attribute is the value its
 * `Custom::CrossRegionExportWriter` in the producing stack exports).
 *
 * Physical names that CloudFormation would generate are made up deterministically from the stack and
 * the logical id (`<stack>-<LogicalId>-<hash>`), in the form of the resource type (a key id is a
 * UUID, a bucket name lower case), so every reference to one resource resolves to one value and an
 * ARN built from a name matches the ARN the resource reports.
 */
export class Resolver {
  private readonly exportsByName = new Map<string, { stack: StackInfo; value: unknown }>();
  private readonly crossRegionExports = new Map<string, { stack: StackInfo; value: unknown }>();

  constructor(readonly assembly: Pick<AppAssembly, 'stacks'>) {
    for (const stack of assembly.stacks) {
      for (const output of Object.values<any>(stack.template.Outputs ?? {})) {
        const name = output.Export?.Name;
        if (name !== undefined) this.exportsByName.set(this.resolve(stack, name) as string, { stack, value: output.Value });
      }
      for (const resource of Object.values<any>(stack.template.Resources ?? {})) {
        if (resource.Type !== 'Custom::CrossRegionExportWriter') continue;
        for (const [key, value] of Object.entries(resource.Properties?.WriterProps?.exports ?? {})) {
          this.crossRegionExports.set(key, { stack, value });
        }
      }
    }
  }

  /** `value` with every intrinsic resolved; plain JSON comes back as it is. */
  resolve(stack: StackInfo, value: unknown): unknown {
    if (Array.isArray(value)) return value.filter((v) => !isNoValue(v)).map((v) => this.resolve(stack, v));
    if (value === null || typeof value !== 'object') return value;
    const keys = Object.keys(value);
    const v = value as Record<string, any>;
    if (keys.length === 1) {
      const [fn] = keys;
      const arg = v[fn];
      switch (fn) {
        case 'Ref': return this.ref(stack, arg);
        case 'Fn::GetAtt': {
          const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split(/\.(.+)/);
          return this.getAtt(stack, logicalId, this.resolve(stack, attribute) as string);
        }
        case 'Fn::Join': {
          const [sep, parts] = arg;
          return (this.resolve(stack, parts) as unknown[]).map(String).join(sep);
        }
        case 'Fn::Select': {
          const [index, list] = arg;
          const items = this.resolve(stack, list) as unknown[];
          const i = Number(this.resolve(stack, index));
          if (!Array.isArray(items) || i >= items.length) throw new Error(`Fn::Select index ${i} out of ${JSON.stringify(items)}`);
          return items[i];
        }
        case 'Fn::Split': {
          const [sep, source] = arg;
          return String(this.resolve(stack, source)).split(sep);
        }
        case 'Fn::Sub': return this.sub(stack, arg);
        case 'Fn::ImportValue': {
          const name = this.resolve(stack, arg) as string;
          const exported = this.exportsByName.get(name);
          if (!exported) throw new Error(`Fn::ImportValue '${name}': no stack exports it.`);
          return this.resolve(exported.stack, exported.value);
        }
        case 'Fn::Base64': return Buffer.from(String(this.resolve(stack, arg))).toString('base64');
        case 'Fn::If': {
          const [condition, whenTrue, whenFalse] = arg;
          return this.resolve(stack, this.condition(stack, condition) ? whenTrue : whenFalse);
        }
        default: break;
      }
    }
    const out: Record<string, unknown> = {};
    for (const [k, item] of Object.entries(v)) {
      if (!isNoValue(item)) out[k] = this.resolve(stack, item);
    }
    return out;
  }

  /** A resource of a stack by logical id. */
  resource(stack: StackInfo, logicalId: string): any {
    const resource = stack.template.Resources?.[logicalId];
    if (!resource) throw new Error(`stack ${stack.stackName} has no resource '${logicalId}'.`);
    return resource;
  }

  private condition(stack: StackInfo, name: string): boolean {
    const evaluate = (c: any): boolean => {
      if (c && typeof c === 'object') {
        if ('Fn::Equals' in c) {
          const [a, b] = c['Fn::Equals'].map((x: unknown) => this.resolve(stack, x));
          return JSON.stringify(a) === JSON.stringify(b);
        }
        if ('Fn::Not' in c) return !evaluate(c['Fn::Not'][0]);
        if ('Fn::And' in c) return c['Fn::And'].every(evaluate);
        if ('Fn::Or' in c) return c['Fn::Or'].some(evaluate);
        if ('Condition' in c) return this.condition(stack, c.Condition);
      }
      throw new Error(`condition ${JSON.stringify(c)} is not supported.`);
    };
    const c = stack.template.Conditions?.[name];
    if (c === undefined) throw new Error(`stack ${stack.stackName} has no condition '${name}'.`);
    return evaluate(c);
  }

  private sub(stack: StackInfo, arg: unknown): string {
    const [template, vars] = Array.isArray(arg) ? arg : [arg, {}];
    return String(template).replace(/\$\{([^}!][^}]*)\}/g, (_m, name: string) => {
      if (vars && name in vars) return String(this.resolve(stack, vars[name]));
      if (name.includes('.')) {
        const [logicalId, attribute] = name.split(/\.(.+)/);
        return String(this.getAtt(stack, logicalId, attribute));
      }
      return String(this.ref(stack, name));
    }).replace(/\$\{!/g, '${');
  }

  private ref(stack: StackInfo, name: string): unknown {
    switch (name) {
      case 'AWS::Region': return stack.region;
      case 'AWS::AccountId': return stack.account;
      case 'AWS::Partition': return 'aws';
      case 'AWS::URLSuffix': return 'amazonaws.com';
      case 'AWS::StackName': return stack.stackName;
      case 'AWS::StackId': return `arn:aws:cloudformation:${stack.region}:${stack.account}:stack/${stack.stackName}/${uuid(stack.stackName)}`;
      case 'AWS::NoValue': return undefined;
      default: break;
    }
    const parameter = stack.template.Parameters?.[name];
    if (parameter) {
      if (parameter.Default === undefined) throw new Error(`parameter ${name} of ${stack.stackName} has no default.`);
      return parameter.Default;
    }
    return this.attribute(stack, name, 'Ref');
  }

  private getAtt(stack: StackInfo, logicalId: string, attribute: string): unknown {
    const resource = this.resource(stack, logicalId);
    if (resource.Type === 'Custom::CrossRegionExportReader') {
      const exported = this.crossRegionExports.get(attribute);
      if (!exported) throw new Error(`cross-Region reference ${attribute}: no Custom::CrossRegionExportWriter exports it.`);
      return this.resolve(exported.stack, exported.value);
    }
    return this.attribute(stack, logicalId, attribute);
  }

  /** Ref (attribute 'Ref') or Fn::GetAtt of a resource, from its properties where they say, else made up. */
  private attribute(stack: StackInfo, logicalId: string, attribute: string): unknown {
    const resource = this.resource(stack, logicalId);
    const props = resource.Properties ?? {};
    const p = (key: string) => (props[key] === undefined ? undefined : this.resolve(stack, props[key]) as string);
    const { region, account } = stack;
    const id = `${stack.stackName}-${logicalId}`;
    const name = (key?: string, max = 64) => (key && p(key)) || generatedName(id, max);
    const handlers = TYPES[resource.Type];
    const fromType = handlers?.({ p, name, region, account, id, attribute });
    if (fromType !== undefined) return fromType;
    if (attribute === 'Ref') return generatedName(id, 64);
    throw new Error(`Fn::GetAtt ${logicalId}.${attribute} (${resource.Type}) is not known to the resolver; add the type to TYPES in test/iam/proof/resolve.ts.`);
  }
}

interface TypeContext {
  /** A resolved property. */
  p(key: string): string | undefined;
  /** The resource's name: its property `key`, or one CloudFormation would generate. */
  name(key?: string, max?: number): string;
  readonly region: string;
  readonly account: string;
  /** `<stack>-<LogicalId>`, the seed of made-up ids. */
  readonly id: string;
  readonly attribute: string;
}

/** Ref and Fn::GetAtt per resource type (CloudFormation User Guide, each type's "Return values"). */
const TYPES: Record<string, (c: TypeContext) => unknown> = {
  'AWS::IAM::Role': (c) => {
    const name = c.name('RoleName');
    return c.attribute === 'Arn' ? `arn:aws:iam::${c.account}:role${c.p('Path') ?? '/'}${name}` : c.attribute === 'RoleId' ? `AROA${hex(c.id, 17).toUpperCase()}` : name;
  },
  'AWS::IAM::ManagedPolicy': (c) => `arn:aws:iam::${c.account}:policy${c.p('Path') ?? '/'}${c.name('ManagedPolicyName')}`,
  'AWS::IAM::Policy': (c) => c.name('PolicyName'),
  'AWS::KMS::Key': (c) => {
    const keyId = uuid(c.id);
    return c.attribute === 'Arn' ? `arn:aws:kms:${c.region}:${c.account}:key/${keyId}` : keyId;
  },
  'AWS::KMS::Alias': (c) => c.p('AliasName'),
  'AWS::S3::Bucket': (c) => {
    const name = c.name('BucketName', 63).toLowerCase();
    switch (c.attribute) {
      case 'Arn': return `arn:aws:s3:::${name}`;
      case 'DomainName': return `${name}.s3.amazonaws.com`;
      case 'RegionalDomainName': return `${name}.s3.${c.region}.amazonaws.com`;
      default: return name;
    }
  },
  'AWS::SNS::Topic': (c) => {
    const name = c.name('TopicName', 256);
    return c.attribute === 'TopicName' ? name : `arn:aws:sns:${c.region}:${c.account}:${name}`;
  },
  'AWS::SQS::Queue': (c) => {
    const name = c.name('QueueName', 80);
    if (c.attribute === 'Arn') return `arn:aws:sqs:${c.region}:${c.account}:${name}`;
    if (c.attribute === 'QueueName') return name;
    return `https://sqs.${c.region}.amazonaws.com/${c.account}/${name}`;
  },
  'AWS::Lambda::Function': (c) => {
    const name = c.name('FunctionName');
    return c.attribute === 'Arn' ? `arn:aws:lambda:${c.region}:${c.account}:function:${name}` : name;
  },
  'AWS::Logs::LogGroup': (c) => {
    const name = c.name('LogGroupName', 512);
    return c.attribute === 'Arn' ? `arn:aws:logs:${c.region}:${c.account}:log-group:${name}:*` : name;
  },
  'AWS::CloudWatch::Alarm': (c) => {
    const name = c.name('AlarmName', 255);
    return c.attribute === 'Arn' ? `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${name}` : name;
  },
  'AWS::CloudWatch::CompositeAlarm': (c) => {
    const name = c.name('AlarmName', 255);
    return c.attribute === 'Arn' ? `arn:aws:cloudwatch:${c.region}:${c.account}:alarm:${name}` : name;
  },
  'AWS::DSQL::Cluster': (c) => {
    const identifier = base32(c.id, 26);
    switch (c.attribute) {
      case 'ResourceArn': return `arn:aws:dsql:${c.region}:${c.account}:cluster/${identifier}`;
      case 'VpcEndpointServiceName': return `com.amazonaws.${c.region}.dsql-${identifier.slice(0, 4)}`;
      default: return identifier;
    }
  },
  'AWS::DynamoDB::Table': (c) => dynamoTable(c),
  'AWS::DynamoDB::GlobalTable': (c) => dynamoTable(c),
  'AWS::SecretsManager::Secret': (c) => `arn:aws:secretsmanager:${c.region}:${c.account}:secret:${c.name('Name', 256)}-${base32(c.id, 6)}`,
  'AWS::StepFunctions::StateMachine': (c) => {
    const name = c.name('StateMachineName', 80);
    return c.attribute === 'Name' ? name : `arn:aws:states:${c.region}:${c.account}:stateMachine:${name}`;
  },
  'AWS::Events::EventBus': (c) => {
    const name = c.p('Name') ?? c.name();
    return c.attribute === 'Arn' ? `arn:aws:events:${c.region}:${c.account}:event-bus/${name}` : name;
  },
  'AWS::Events::Rule': (c) => {
    const name = c.name('Name');
    return c.attribute === 'Arn' ? `arn:aws:events:${c.region}:${c.account}:rule/${name}` : name;
  },
  'AWS::CloudTrail::Trail': (c) => {
    const name = c.name('TrailName', 128);
    return c.attribute === 'Arn' ? `arn:aws:cloudtrail:${c.region}:${c.account}:trail/${name}` : name;
  },
  // Ref: the parameter's name; Fn::GetAtt Type and Value.
  'AWS::SSM::Parameter': (c) => (c.attribute === 'Ref' ? c.name('Name', 1011) : c.p(c.attribute)),
  'AWS::Route53::HealthCheck': (c) => uuid(c.id),
  'AWS::Route53::HostedZone': (c) => `Z${hex(c.id, 20).toUpperCase()}`,
  'AWS::Route53::RecordSet': (c) => c.p('Name'),
  'AWS::GlobalAccelerator::Accelerator': (c) => {
    const arn = `arn:aws:globalaccelerator::${c.account}:accelerator/${uuid(c.id)}`;
    if (c.attribute === 'DnsName') return `a${hex(c.id, 16)}.awsglobalaccelerator.com`;
    if (c.attribute === 'Ipv4Addresses') return ['192.0.2.1', '192.0.2.2'];
    return arn;
  },
  'AWS::GlobalAccelerator::Listener': (c) => `${c.p('AcceleratorArn')}/listener/${hex(c.id, 8)}`,
  'AWS::GlobalAccelerator::EndpointGroup': (c) => `${c.p('ListenerArn')}/endpoint-group/${hex(c.id, 12)}`,
  'AWS::ElasticLoadBalancingV2::LoadBalancer': (c) => {
    const name = c.name('Name', 32);
    const arn = `arn:aws:elasticloadbalancing:${c.region}:${c.account}:loadbalancer/app/${name}/${hex(c.id, 16)}`;
    switch (c.attribute) {
      case 'DNSName': return `${name}-${hex(c.id, 10)}.${c.region}.elb.amazonaws.com`;
      case 'CanonicalHostedZoneID': return 'Z35SXDOTRQ7X7K';
      case 'LoadBalancerFullName': return arn.split(':loadbalancer/')[1];
      case 'LoadBalancerName': return name;
      default: return arn;
    }
  },
  'AWS::ElasticLoadBalancingV2::TargetGroup': (c) => {
    const name = c.name('Name', 32);
    const arn = `arn:aws:elasticloadbalancing:${c.region}:${c.account}:targetgroup/${name}/${hex(c.id, 16)}`;
    if (c.attribute === 'TargetGroupFullName') return arn.split(':')[5];
    if (c.attribute === 'TargetGroupName') return name;
    return arn;
  },
  'AWS::ElasticLoadBalancingV2::Listener': (c) => `arn:aws:elasticloadbalancing:${c.region}:${c.account}:listener/app/${hex(c.id, 8)}/${hex(c.id, 16)}`,
  'AWS::RDS::DBCluster': (c) => {
    const identifier = c.name('DBClusterIdentifier', 63).toLowerCase();
    switch (c.attribute) {
      case 'Endpoint.Address': return `${identifier}.cluster-${hex(c.id, 12)}.${c.region}.rds.amazonaws.com`;
      case 'ReadEndpoint.Address': return `${identifier}.cluster-ro-${hex(c.id, 12)}.${c.region}.rds.amazonaws.com`;
      case 'Endpoint.Port': return '5432';
      case 'DBClusterResourceId': return `cluster-${base32(c.id, 26).toUpperCase()}`;
      case 'DBClusterArn': return `arn:aws:rds:${c.region}:${c.account}:cluster:${identifier}`;
      default: return identifier;
    }
  },
  'AWS::RDS::GlobalCluster': (c) => c.name('GlobalClusterIdentifier', 63).toLowerCase(),
  'AWS::RDS::DBInstance': (c) => c.name('DBInstanceIdentifier', 63).toLowerCase(),
  'AWS::EC2::VPC': (c) => (c.attribute === 'CidrBlock' ? c.p('CidrBlock') : `vpc-${hex(c.id, 17)}`),
  'AWS::EC2::Subnet': (c) => `subnet-${hex(c.id, 17)}`,
  'AWS::EC2::SecurityGroup': (c) => (c.attribute === 'VpcId' ? c.p('VpcId') : `sg-${hex(c.id, 17)}`),
  'AWS::CertificateManager::Certificate': (c) => `arn:aws:acm:${c.region}:${c.account}:certificate/${uuid(c.id)}`,
  'AWS::ARCRegionSwitch::Plan': (c) => `arn:aws:arc-region-switch::${c.account}:plan/${c.name('Name')}:${hex(c.id, 6)}`,
};

function dynamoTable(c: TypeContext): string {
  const name = c.name('TableName', 255);
  const arn = `arn:aws:dynamodb:${c.region}:${c.account}:table/${name}`;
  if (c.attribute === 'Arn') return arn;
  if (c.attribute === 'StreamArn') return `${arn}/stream/2026-01-01T00:00:00.000`;
  return name;
}

function isNoValue(v: unknown): boolean {
  return !!v && typeof v === 'object' && (v as any).Ref === 'AWS::NoValue';
}

function hex(seed: string, length: number): string {
  let out = '';
  for (let i = 0; out.length < length; i++) out += createHash('sha256').update(`${seed}#${i}`).digest('hex');
  return out.slice(0, length);
}

function uuid(seed: string): string {
  const h = hex(seed, 32);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

function base32(seed: string, length: number): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  return hex(seed, length * 2).match(/../g)!.slice(0, length).map((b) => alphabet[parseInt(b, 16) % 32]).join('');
}

/** `<stack>-<LogicalId>-<suffix>` cut to `max` characters, as CloudFormation names resources it names itself. */
function generatedName(id: string, max: number): string {
  const suffix = hex(id, 12).toUpperCase();
  return `${id.slice(0, Math.max(1, max - suffix.length - 1))}-${suffix}`;
}
