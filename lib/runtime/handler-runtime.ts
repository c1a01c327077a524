import * as lambda from 'aws-cdk-lib/aws-lambda';
import { Construct, IConstruct } from 'constructs';

const NODE_RUNTIME = /^nodejs(\d+)\.x$/;

/**
 * The Node.js runtime of the library's Lambda functions.
 *
 * By default every function the library creates runs the newest Node.js runtime that the
 * app's own aws-cdk-lib knows (the highest `lambda.Runtime.NODEJS_<n>_X`), so an app that
 * upgrades aws-cdk-lib gets the runtime cdk-nag's AwsSolutions-L1 asks for (it compares with
 * the newest runtime of that aws-cdk-lib) without a new release of this library. The handler
 * bundles are built for Node.js `MINIMUM_NODE_MAJOR`, which every newer runtime runs.
 *
 * Pin one with the context key `multi-region-cdk:nodeRuntime` (for example in cdk.json:
 * `"multi-region-cdk:nodeRuntime": "nodejs24.x"`), or in code with
 * `HandlerRuntime.pin(app, lambda.Runtime.NODEJS_24_X)` before the library's constructs are added.
 * The pin applies to the constructs under the scope it is set on.
 */
export class HandlerRuntime {
  /** The context key that pins the runtime, for example `"multi-region-cdk:nodeRuntime": "nodejs24.x"`. */
  public static readonly CONTEXT_KEY = 'multi-region-cdk:nodeRuntime';

  /** The Node.js major version the handler bundles are built for: the oldest runtime they run on. */
  public static readonly MINIMUM_NODE_MAJOR = 24;

  /**
   * The runtime of the library's functions under `scope`: the pinned one, else the newest
   * Node.js runtime (`nodejs<n>.x`, n >= `MINIMUM_NODE_MAJOR`) that aws-cdk-lib knows.
   */
  public static of(scope: IConstruct): lambda.Runtime {
    const pinned: unknown = scope.node.tryGetContext(HandlerRuntime.CONTEXT_KEY);
    const candidates = usableRuntimes();
    if (pinned !== undefined) {
      const found = candidates.find((r) => r.name === pinned);
      if (!found) {
        throw new Error(`context ${HandlerRuntime.CONTEXT_KEY} is ${JSON.stringify(pinned)}; give one of the Node.js runtimes `
          + `this aws-cdk-lib knows that the library's bundles run on: ${candidates.map((r) => r.name).join(', ')}.`);
      }
      return found;
    }
    const newest = candidates[candidates.length - 1];
    if (!newest) {
      throw new Error(`this aws-cdk-lib knows no Lambda runtime nodejs${HandlerRuntime.MINIMUM_NODE_MAJOR}.x or newer; `
        + 'upgrade aws-cdk-lib to a version within multi-region-cdk\'s peer range.');
    }
    return newest;
  }

  /**
   * Pins the runtime of the library's functions under `scope` (sets the context key); call it
   * before the library's constructs are added under `scope`.
   */
  public static pin(scope: Construct, runtime: lambda.Runtime): void {
    const names = usableRuntimes().map((r) => r.name);
    if (!names.includes(runtime.name)) {
      throw new Error(`cannot pin the runtime ${runtime.name}: the library's bundles run on ${names.join(', ')}.`);
    }
    scope.node.setContext(HandlerRuntime.CONTEXT_KEY, runtime.name);
  }

  private constructor() {}
}

/** The fixed Node.js runtimes of aws-cdk-lib (`Runtime.ALL`) that run the bundles, oldest first. */
function usableRuntimes(): lambda.Runtime[] {
  const byName = new Map<string, { runtime: lambda.Runtime; major: number }>();
  for (const runtime of lambda.Runtime.ALL) {
    const m = NODE_RUNTIME.exec(runtime.name);
    // NODEJS_LATEST is a variable alias whose name repeats a fixed runtime's; skip it.
    if (!m || runtime.family !== lambda.RuntimeFamily.NODEJS || runtime.isVariable || byName.has(runtime.name)) continue;
    const major = Number(m[1]);
    if (major >= HandlerRuntime.MINIMUM_NODE_MAJOR) byName.set(runtime.name, { runtime, major });
  }
  return [...byName.values()].sort((a, b) => a.major - b.major).map((e) => e.runtime);
}
