import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as cr from 'aws-cdk-lib/custom-resources';
import { HandlerRuntime } from '../handler-runtime';

/** The functions aws-cdk-lib's Provider framework creates (its construct ids). */
const FRAMEWORK_FUNCTIONS = ['framework-onEvent', 'framework-isComplete', 'framework-onTimeout'];

/**
 * Gives the Provider framework's own functions the library's runtime. aws-cdk-lib picks their
 * runtime from its Region fact `latestNodeRuntime`, which trails the newest runtime it knows
 * (aws-cdk-lib 2.278 knows nodejs26.x and still names nodejs24.x), so AwsSolutions-L1 would fail
 * them in the user's app; the framework's code is aws-cdk-lib's plain Node.js bundle, which it
 * already runs on whichever Node.js runtime that fact names.
 */
export function useHandlerRuntime(provider: cr.Provider): void {
  const runtime = HandlerRuntime.of(provider);
  for (const id of FRAMEWORK_FUNCTIONS) {
    const fn = provider.node.tryFindChild(id) as lambda.Function | undefined;
    if (fn) (fn.node.defaultChild as lambda.CfnFunction).runtime = runtime.name;
  }
}
