import { Stack, Token } from 'aws-cdk-lib';
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
 */
export function assertKnownRegion(region: string, what: string): void {
  if (Token.isUnresolved(region)) {
    throw new Error(`${what} must be a concrete Region code such as 'us-east-1', not a token: `
      + 'multi-Region topologies are fixed at synth.');
  }
  if (!isKnownRegion(region)) {
    const near = [...KNOWN_REGIONS].filter((r) => r.split('-')[0] === region.split('-')[0]).sort();
    const hint = near.length > 0 ? `Regions with that prefix: ${near.join(', ')}` : `known Regions: ${[...KNOWN_REGIONS].sort().join(', ')}`;
    throw new Error(`${what} '${region}' is not a known AWS Region code; ${hint}.`);
  }
}

/** Throws when a Region appears more than once in `regions`. */
export function assertNoDuplicateRegions(regions: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const region of regions) {
    if (seen.has(region)) {
      throw new Error(`${what} lists '${region}' twice (${regions.join(', ')}); list each Region once.`);
    }
    seen.add(region);
  }
}

/** The AWS partition of a known Region (`aws`, `aws-cn`, `aws-us-gov`, ...). */
export function partitionOf(region: string): string {
  return RegionInfo.get(region).partition ?? 'aws';
}

/** The stack's partition as a literal where its Region is known, so policies stay readable. */
export function partitionOfStack(stack: Stack): string {
  return Token.isUnresolved(stack.region) ? stack.partition : partitionOf(stack.region);
}
