import { CfnResource, CustomResourceProviderBase } from 'aws-cdk-lib';
import { referencedLogicalIds, stackResources, synthesized, SynthesizedResource, walk } from './template';

/** How a function's logs are kept, as far as its stack shows. */
export interface FunctionLogging {
  /** The log group resources that hold the function's logs (LogGroup or Custom::LogRetention). */
  readonly logGroups: SynthesizedResource[];
  /** True when one of them sets a retention. */
  readonly retained: boolean;
  /** True when one of them is an `AWS::Logs::LogGroup` encrypted with a KMS key. */
  readonly encrypted: boolean;
}

/**
 * True for a Lambda function the rules check: any `AWS::Lambda::Function` except the handlers of
 * aws-cdk-lib's own custom resource providers (for example those behind cross-Region references),
 * which take no log settings and which an app cannot reach to acknowledge.
 */
export function isCheckedFunction(node: CfnResource): boolean {
  return node.cfnResourceType === 'AWS::Lambda::Function' && !(node.node.scope instanceof CustomResourceProviderBase);
}

/** True when `name` (a log group name in the template) is `/aws/lambda/<the function's name>`. */
function namesFunctionLogGroup(name: unknown, fn: SynthesizedResource): boolean {
  if (typeof name === 'string') {
    return typeof fn.properties.FunctionName === 'string' && name === `/aws/lambda/${fn.properties.FunctionName}`;
  }
  // The name CDK renders for a function without FunctionName: Fn::Join of '/aws/lambda/' and the function's Ref.
  const mentionsPrefix = [...walk(name)].some((v) => v === '/aws/lambda/');
  return mentionsPrefix && referencedLogicalIds(name).includes(fn.logicalId);
}

/**
 * The log group of a Lambda function: the one `LoggingConfig.LogGroup` names, else the one named
 * `/aws/lambda/<function>` in the same stack (a LogGroup, or the retention custom resource).
 */
export function functionLogging(node: CfnResource): FunctionLogging {
  const fn = synthesized(node);
  const candidates = stackResources(node)
    .filter((r) => r.cfnResourceType === 'AWS::Logs::LogGroup' || r.cfnResourceType === 'Custom::LogRetention')
    .map(synthesized);
  const configured = fn.properties.LoggingConfig?.LogGroup;
  const logGroups = configured !== undefined
    ? candidates.filter((g) => referencedLogicalIds(configured).includes(g.logicalId)
      || (typeof configured === 'string' && g.properties.LogGroupName === configured))
    : candidates.filter((g) => namesFunctionLogGroup(g.properties.LogGroupName, fn));
  return {
    logGroups,
    retained: logGroups.some((g) => g.properties.RetentionInDays !== undefined),
    encrypted: logGroups.some((g) => g.type === 'AWS::Logs::LogGroup' && g.properties.KmsKeyId !== undefined),
  };
}
