import { Aws, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import { Construct } from 'constructs';
import { validationError } from '../private/errors';
import { IMultiRegionTopology } from '../topology/multi-region-topology';
import { partitionOf } from '../topology/regions';

/**
 * Properties of a `RoutingIntentStore`.
 */
export interface RoutingIntentStoreProps {
  /** The topology: one intent per active Region. */
  readonly topology: IMultiRegionTopology;

  /**
   * Prefix of the parameter names: the intent of Region R is `<prefix>/R`.
   * @default `/<stackNamePrefix>/routing-intent`
   */
  readonly parameterPrefix?: string;
}

/**
 * The one recorded routing intent per active Region that every actor on the routing honours: an
 * SSM String parameter per Region, in this construct's stack (AcceleratorRouting puts it in
 * us-west-2, beside the controller and Global Accelerator's API, so following it adds no Region
 * to the controller's path).
 *
 * The value is JSON: `{"hold":false}` (the CloudFormation value: automation may steer the Region), or a
 * hold `{"hold":true,"by":"<who>","why":"<why>","since":"<ISO>","until":"<ISO, optional>"}`. While a
 * Region is held, the accelerator controller changes none of its dials; the drill and the Region
 * switch plan's dial steps set a hold (`by` = `drill:<execution ARN>` or `region-switch:<plan>`)
 * before they change routing and clear their own hold when they restore; an operator holds a
 * Region with `aws ssm put-parameter --overwrite --name <name> --type String --value '{"hold":true,"by":"operator:alice","why":"..."}'`
 * and clears it with the value `{"hold":false}`. A value that is not this JSON counts as a hold.
 *
 * CloudFormation writes the value only when it creates or updates the parameter resource, so a
 * deploy leaves a hold in place unless this construct's properties change.
 */
export class RoutingIntentStore extends Construct {
  /** The Region the parameters live in. */
  public readonly storeRegion: string;
  /** The prefix of the parameter names. */
  public readonly parameterPrefix: string;
  /** The Regions with an intent. */
  public readonly regions: string[];
  private readonly parameters = new Map<string, ssm.StringParameter>();

  constructor(scope: Construct, id: string, props: RoutingIntentStoreProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    if (Token.isUnresolved(region)) {
      throw validationError('IntentStoreRegion', `RoutingIntentStore '${id}' is in stack '${Stack.of(this).stackName}', which has no concrete Region; writers in other Regions need the parameters' ARNs at synth, so give the stack env: { region }.`, this);
    }
    this.storeRegion = region;
    this.parameterPrefix = props.parameterPrefix ?? `/${props.topology.stackNamePrefix}/routing-intent`;
    // SSM parameter names: letters, digits and .-_/ , a hierarchy starting with '/' (Systems Manager User Guide, "Creating Parameter Store parameters").
    if (!/^\/[a-zA-Z0-9_.\-/]+[a-zA-Z0-9_.-]$/.test(this.parameterPrefix)) {
      throw validationError('IntentStorePrefix', `parameterPrefix '${this.parameterPrefix}' is not valid; use a path such as '/shop/routing-intent' (letters, digits, '.', '-', '_', '/'; starting with '/', not ending with it).`, this);
    }
    this.regions = [...props.topology.activeRegions];
    for (const r of this.regions) {
      this.parameters.set(r, new ssm.StringParameter(this, `Intent-${r}`, {
        parameterName: this.parameterName(r),
        stringValue: '{"hold":false}',
        description: `Routing intent of ${r} (multi-region-cdk): {"hold":false}, or a hold {"hold":true,"by":...,"why":...,"until":...} that the accelerator controller honours`,
      }));
    }
  }

  /** The parameter name of `region`'s intent. */
  public parameterName(region: string): string {
    return `${this.parameterPrefix}/${region}`;
  }

  /**
   * The ARN of `region`'s intent parameter, built from its fixed name so that a stack in another
   * Region can name it without a cross-stack reference.
   */
  public parameterArn(region: string): string {
    this.check(region);
    return `arn:${partitionOf(this.storeRegion)}:ssm:${this.storeRegion}:${Aws.ACCOUNT_ID}:parameter${this.parameterName(region)}`;
  }

  /** Region -> parameter name, for a handler's configuration. */
  public parameterNames(): Record<string, string> {
    return Object.fromEntries(this.regions.map((r) => [r, this.parameterName(r)]));
  }

  /** Lets `grantee` read the intents (ssm:GetParameters on the intent parameters). */
  public grantRead(grantee: iam.IGrantable, regions: string[] = this.regions): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameters', 'ssm:GetParameter'], resourceArns: regions.map((r) => this.parameterArn(r)) });
  }

  /** Lets `grantee` read and set the intents (holds) of `regions`. */
  public grantWrite(grantee: iam.IGrantable, regions: string[] = this.regions): iam.Grant {
    return iam.Grant.addToPrincipal({ grantee, actions: ['ssm:GetParameters', 'ssm:GetParameter', 'ssm:PutParameter'], resourceArns: regions.map((r) => this.parameterArn(r)) });
  }

  /** The parameter of `region`. */
  public parameter(region: string): ssm.IStringParameter {
    this.check(region);
    return this.parameters.get(region)!;
  }

  private check(region: string): void {
    if (!this.regions.includes(region)) {
      throw new Error(`'${region}' has no routing intent in ${this.node.path}; Regions: ${this.regions.join(', ')}.`);
    }
  }
}
