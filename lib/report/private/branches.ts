import { RoutingBranchEntry, RoutingTermEntry } from './schema';

/** Weakest first: a branch is as well known as its least known term. */
const BASIS_STRENGTH = ['UNKNOWN', 'ASSUMED', 'DECLARED', 'DOCUMENTED', 'CONFIGURED'];

/** The detection branches of a Region's terms, in the order they first appear. */
export function branchesOf(terms: readonly RoutingTermEntry[]): RoutingBranchEntry[] {
  const names = [...new Set(terms.filter((t) => t.branch !== undefined).map((t) => t.branch!))];
  return names.map((name) => {
    const own = terms.filter((t) => t.branch === name);
    return {
      name,
      seconds: own.reduce((sum, t) => sum + (t.seconds ?? 0), 0),
      basis: own.map((t) => t.basis).reduce((a, b) => (BASIS_STRENGTH.indexOf(b) < BASIS_STRENGTH.indexOf(a) ? b : a), 'CONFIGURED'),
      controlPlanes: [...new Set(own.filter((t) => t.controlPlane).map((t) => t.controlPlane!))],
    };
  });
}
