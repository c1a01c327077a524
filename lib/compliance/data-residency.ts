import { CfnResource, TagManager, Tags } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';
import { DataClass } from './data-class';

/**
 * Marks resources with the class of data they hold, for `DataResidencyGuard`.
 */
export class DataResidency {
  /** The tag key that carries a resource's data class. */
  public static readonly TAG_KEY = 'multi-region:data-class';

  /**
   * Tags every taggable resource under `scope` (a resource, a construct or a whole stack) with
   * its data class. Resources that CloudFormation cannot tag cannot carry a class.
   */
  public static tag(scope: IConstruct, dataClass: DataClass): void {
    Tags.of(scope).add(DataResidency.TAG_KEY, dataClass.name);
  }

  /** The data class a resource is tagged with, once tags are applied (at synth); undefined if none. */
  public static dataClassOf(resource: CfnResource): string | undefined {
    return TagManager.of(resource)?.tagValues()[DataResidency.TAG_KEY];
  }

  private constructor() {}
}
