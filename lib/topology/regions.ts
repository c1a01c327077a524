import { Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { unscopedValidationError, validationError } from '../private/errors';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/**
 * Region codes that aws-cdk-lib knows, so the list follows aws-cdk-lib upgrades
 * instead of a copy that goes stale.
 */
const KNOWN_REGIONS: ReadonlySet<string> = new Set(RegionInfo.regions.map((r) => r.name));

/** True when `region` is a Region code aws-cdk-lib knows (for example `us-east-1`). */
export function isKnownRegion(region: string): boolean {
  return KNOWN_REGIONS.has(region);
}

/**
 * Throws unless `region` is a concrete, known Region code.
 * @param what names the input in the message, for example `activeRegions[1]`
 * @param scope the construct the error is about (its path is shown), if there is one
 */
export function assertKnownRegion(region: string, what: string, scope?: IConstruct): void {
  if (Token.isUnresolved(region)) {
    throw regionError('RegionIsToken', `${what} must be a concrete Region code such as 'us-east-1', not a token: `
      + 'multi-Region topologies are fixed at synth.', scope);
  }
  if (!isKnownRegion(region)) {
    const near = [...KNOWN_REGIONS].filter((r) => r.split('-')[0] === region.split('-')[0]).sort();
    const hint = near.length > 0 ? `Regions with that prefix: ${near.join(', ')}` : `known Regions: ${[...KNOWN_REGIONS].sort().join(', ')}`;
    throw regionError('UnknownRegion', `${what} '${region}' is not a known AWS Region code; ${hint}.`, scope);
  }
}

/** Throws when a Region appears more than once in `regions`. */
export function assertNoDuplicateRegions(regions: readonly string[], what: string, scope?: IConstruct): void {
  const seen = new Set<string>();
  for (const region of regions) {
    if (seen.has(region)) {
      throw regionError('DuplicateRegion', `${what} lists '${region}' twice (${regions.join(', ')}); list each Region once.`, scope);
    }
    seen.add(region);
  }
}

/** A ValidationError, with the construct path when a scope is known. */
function regionError(code: string, message: string, scope?: IConstruct): Error {
  return scope ? validationError(code, message, scope) : unscopedValidationError(code, message);
}

/** The AWS partition of a known Region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? 'aws';
}

/** The stack's partition as a literal where its Region is known, so policies stay readable. */
export function partitionOfStack(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? stack.partition : partitionOf(stack.region);
}
