import { AppModel, FunctionInfo } from '../proof/model';
import { RecordedCall } from '../proof/recorder';

/** One invocation of a handler: the exported function and the event Lambda would pass it. */
export interface Invocation {
  readonly export: string;
  readonly event: unknown;
  /**
   * The error the invocation ends with by design, after its last AWS call: e.g. a custom resource's
   * database connection, which the proof refuses. Any other error is a problem of the proof.
   */
  readonly endsWith?: RegExp;
}

/**
 * How the proof drives one handler (lambda/<handler>/index.ts): the events its function gets in
 * the synthesized app and the SDK answers that walk the handler down the path that makes every
 * call (a Region in alarm, a dial to change, a journal to read back). A new handler adds one file
 * here and one line in index.ts.
 */
export interface HandlerScenario {
  readonly handler: string;
  invocations(fn: FunctionInfo, model: AppModel): Invocation[];
  /** The answer to a call; `state` lives for one function's run (e.g. objects put, then read). */
  respond(call: RecordedCall, state: Map<string, unknown>, fn: FunctionInfo): any;
}

/** An SDK service error, as the client throws it. */
export function serviceError(name: string, message = name): Error {
  return Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 } });
}
