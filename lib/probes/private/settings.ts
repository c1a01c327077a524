import { IConstruct } from 'constructs';
import { validationError } from '../../private/errors';

/** A setting given under its shared `ProbeSettings` name or a deprecated alias; both, and different, is an error. */
export function aliased<T>(scope: IConstruct, name: string, value: T | undefined, aliasName: string, alias: T | undefined): T | undefined {
  if (value !== undefined && alias !== undefined && value !== alias) {
    throw validationError('ConflictingProbeSetting', `${scope.node.id}: ${name} (${String(value)}) and its deprecated alias ${aliasName} (${String(alias)}) disagree; give ${name} only.`, scope);
  }
  return value ?? alias;
}
