import { IConstruct } from 'constructs';
import { validationError } from '../../private/errors';

/**
 * The entry of `region` in a topology's per-Region map (its stacks or its keys), or a
 * ValidationError naming the Region and the topology's active Regions.
 */
export function entryOfActiveRegion<T>(entries: Map<string, T>, region: string, activeRegions: string[], topology: IConstruct): T {
  const entry = entries.get(region);
  if (entry === undefined) {
    throw validationError('NotAnActiveRegion', `'${region}' is not an active Region of ${topology.node.path}; active Regions: ${activeRegions.join(', ')}.`, topology);
  }
  return entry;
}
