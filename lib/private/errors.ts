import { IConstruct } from 'constructs';
// aws-cdk-lib's ValidationError is what its own constructs throw for bad props: the CLI shows it
// with the construct path and the construct's source location. It is exported at run time but
// marked @internal, so it is reached through its module path.
import { UnscopedValidationError, ValidationError } from 'aws-cdk-lib/core/lib/errors';

/**
 * A ValidationError attached to `scope`: the message names the bad value and what is valid;
 * the error carries the construct path. `code` is a short stable name (for example
 * `InvalidAlias`), shown with the message.
 */
export function validationError(code: string, message: string, scope: IConstruct): Error {
  return new ValidationError(code as never, message, scope);
}

/**
 * A ValidationError for input checked where no construct exists yet (a static factory, a
 * value class): the message names the bad value and what is valid.
 */
export function unscopedValidationError(code: string, message: string): Error {
  return new UnscopedValidationError(code as never, message);
}
