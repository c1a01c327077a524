import { CfnResource, TagManager, Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DataClass } from './data-class';
import { ownedResourceScopes, rememberTag } from './private/owned-resources';
import { resourceDataClass } from './private/resource-data-class';

/**
 * Marks resources with the class of data they hold, for `DataResidencyGuard`.
 */
export class DataResidency {
  /** The tag key that carries a resource's data class. */
  public static readonly TAG_KEY = 'multi-region:data-class';

  /**
   * Tags every taggable resource under `scope` (a resource, a construct or a whole stack) with
   * its data class, and every resource that a construct under `scope` creates in other stacks
   * (`DsqlPeeredClusters`' clusters live in the regional stacks: tagging the construct tags
   * both clusters). Resources that CloudFormation cannot tag cannot carry a class.
   *
   * Synth fails when `scope` holds and creates no taggable resource at all, so a class can never
   * be put on nothing and let the residency guard pass silently.
   */
  public static tag(scope: IConstruct, dataClass: DataClass): void {
    Tags.of(scope).add(DataResidency.TAG_KEY, dataClass.name);
    for (const owned of ownedResourceScopes(scope)) Tags.of(owned).add(DataResidency.TAG_KEY, dataClass.name);
    rememberTag(scope, DataResidency.TAG_KEY, dataClass.name);
    scope.node.addValidation({ validate: () => checkTagged(scope, dataClass) });
  }

  /** The data class a resource is tagged with, once tags are applied (at synth); undefined if none. */
  public static dataClassOf(resource: CfnResource): string | undefined {
    return TagManager.of(resource)?.tagValues()[DataResidency.TAG_KEY];
  }

  private constructor() {}
}

function checkTagged(scope: IConstruct, dataClass: DataClass): string[] {
  const resources = [scope, ...ownedResourceScopes(scope)].flatMap((s) => s.node.findAll()).filter(CfnResource.isCfnResource);
  // Tags are applied (by aspects) before validation runs: a resource carries the class when its
  // tag (or, for a DynamoDB global table, its replicas' tags) says so.
  if (resources.some((r) => resourceDataClass(r) === dataClass.name)) return [];
  const what = resources.length === 0
    ? 'holds no CloudFormation resource and creates none in another stack'
    : `holds only resources that do not carry the tag (${[...new Set(resources.map((r) => r.cfnResourceType))].slice(0, 5).join(', ')}: CloudFormation cannot tag them)`;
  return [`DataResidency.tag(${scope.node.path}, ${dataClass.name}): ${scope.node.path} ${what}, so no resource carries the class and `
    + 'DataResidencyGuard could not check it; tag the construct or stack that holds the data (for example the DsqlPeeredClusters, '
    + 'the DynamoDB table or the database), or the resource itself.'];
}
