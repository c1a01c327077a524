import { Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Constructs whose resources live outside their own construct subtree (for example
 * `DsqlPeeredClusters`, whose clusters are in the regional stacks) register those resources
 * here, so that `DataResidency.tag(owner, ...)` reaches them.
 */
const OWNED = Symbol.for('multi-region-cdk.ownedResources');
const CLASSES = Symbol.for('multi-region-cdk.dataClassTags');

interface Marked {
  [OWNED]?: IConstruct[];
  [CLASSES]?: Array<{ key: string; value: string }>;
}

/** Records that `owner` creates `scopes` (elsewhere in the tree); tags already put on `owner` or its ancestors reach them. */
export function registerOwnedResources(owner: IConstruct, ...scopes: IConstruct[]): void {
  const marked = owner as unknown as Marked;
  marked[OWNED] = [...(marked[OWNED] ?? []), ...scopes];
  for (const ancestor of owner.node.scopes) {
    for (const tag of (ancestor as unknown as Marked)[CLASSES] ?? []) {
      for (const scope of scopes) Tags.of(scope).add(tag.key, tag.value);
    }
  }
}

/** What `scope` creates outside its subtree: the registrations of every construct under it, transitively. */
export function ownedResourceScopes(scope: IConstruct): IConstruct[] {
  const out: IConstruct[] = [];
  const seen = new Set<IConstruct>();
  const visit = (root: IConstruct) => {
    for (const c of root.node.findAll()) {
      for (const owned of (c as unknown as Marked)[OWNED] ?? []) {
        if (seen.has(owned)) continue;
        seen.add(owned);
        out.push(owned);
        visit(owned);
      }
    }
  };
  visit(scope);
  return out;
}

/** Remembers a tag put on `scope`, so resources registered under it later get it too. */
export function rememberTag(scope: IConstruct, key: string, value: string): void {
  const marked = scope as unknown as Marked;
  marked[CLASSES] = [...(marked[CLASSES] ?? []), { key, value }];
}
