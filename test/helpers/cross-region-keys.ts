import * as cxapi from 'aws-cdk-lib/cx-api';

/** One place where a KMS key crosses from its Region into a stack of another Region. */
export interface CrossRegionKeyUse {
  readonly stack: string;
  readonly stackRegion: string;
  readonly detail: string;
}

/** Every value of `node`, walked depth-first. */
function* walk(node: unknown): Generator<unknown> {
  yield node;
  if (Array.isArray(node)) {
    for (const item of node) yield* walk(item);
  } else if (node && typeof node === 'object') {
    for (const value of Object.values(node)) yield* walk(value);
  }
}

/** Logical ids that `value` references with Ref or Fn::GetAtt. */
function referencedLogicalIds(value: unknown): string[] {
  const ids: string[] = [];
  for (const node of walk(value)) {
    if (node && typeof node === 'object' && !Array.isArray(node)) {
      const obj = node as Record<string, unknown>;
      if (typeof obj.Ref === 'string') ids.push(obj.Ref);
      const getAtt = obj['Fn::GetAtt'];
      if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') ids.push(getAtt[0]);
    }
  }
  return ids;
}

/**
 * Walks a cloud assembly and returns every KMS key that a stack of another Region uses: a
 * key exported to another Region through the cross-Region reference writer, or a literal
 * KMS ARN of another Region.
 */
export function findCrossRegionKeyUses(assembly: cxapi.CloudAssembly): CrossRegionKeyUse[] {
  const uses: CrossRegionKeyUse[] = [];
  for (const stack of assembly.stacks) {
    const template = stack.template as { Resources?: Record<string, { Type: string; Properties?: any }> };
    const resources = template.Resources ?? {};
    const keyIds = new Set(Object.entries(resources).filter(([, r]) => r.Type === 'AWS::KMS::Key').map(([id]) => id));
    const region = stack.environment.region;

    for (const [id, resource] of Object.entries(resources)) {
      if (resource.Type !== 'Custom::CrossRegionExportWriter') continue;
      const exports = resource.Properties?.WriterProps?.exports ?? {};
      for (const [name, value] of Object.entries(exports)) {
        const keys = referencedLogicalIds(value).filter((ref) => keyIds.has(ref));
        if (keys.length > 0) {
          uses.push({ stack: stack.stackName, stackRegion: region, detail: `${id} exports key ${keys.join(', ')} as ${name} to ${resource.Properties?.WriterProps?.region}` });
        }
      }
    }
    for (const node of walk(template)) {
      if (typeof node !== 'string') continue;
      const match = /arn:aws[\w-]*:kms:([a-z0-9-]+):/.exec(node);
      if (match && match[1] !== region) {
        uses.push({ stack: stack.stackName, stackRegion: region, detail: `literal key ARN of ${match[1]}: ${node}` });
      }
    }
  }
  return uses;
}
