import { IConstruct } from 'constructs';

/**
 * Resources whose failover budget has UNKNOWN terms (an accelerator endpoint group whose load
 * balancer's target health cannot be read), for the MultiRegion-GA3 rule.
 */
const UNKNOWN = new WeakMap<IConstruct, string[]>();

/** Records the UNKNOWN terms of the resource's Region. */
export function markUnknownFailoverTerms(resource: IConstruct, terms: string[]): void {
  if (terms.length > 0) UNKNOWN.set(resource, [...terms]);
}

/** The UNKNOWN terms recorded for the resource (empty when none). */
export function unknownFailoverTermsOf(resource: IConstruct): string[] {
  return UNKNOWN.get(resource) ?? [];
}
