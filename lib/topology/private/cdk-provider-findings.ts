import { Stack, Validations } from 'aws-cdk-lib';

/**
 * The Lambda-backed providers that aws-cdk-lib adds to a stack with cross-Region references.
 * They are created while the app is prepared for synthesis, after every constructor and aspect
 * has run, so they are acknowledged from a validation (which runs after that preparation and
 * before the validation plugins).
 */
const CROSS_REGION_PROVIDERS = [
  'Custom::CrossRegionExportReaderCustomResourceProvider',
  'Custom::CrossRegionExportWriterCustomResourceProvider',
];

/**
 * Acknowledges, on aws-cdk-lib's own cross-Region reference providers of `stack` only, the AWS
 * Control Tower finding their props cannot avoid: CT.LAMBDA.PR.3 (a Lambda function in a VPC).
 */
export function acknowledgeCrossRegionProviders(stack: Stack): void {
  stack.node.addValidation({
    validate: () => {
      for (const id of CROSS_REGION_PROVIDERS) {
        const provider = stack.node.tryFindChild(id);
        if (!provider) continue;
        Validations.of(provider).acknowledge({
          id: 'cdk-validator-cfnguard::lambda_inside_vpc_check',
          reason: 'CT.LAMBDA.PR.3: aws-cdk-lib\'s cross-Region reference provider, which only reads and writes SSM '
            + 'parameters of the stacks\' Regions during a deployment; aws-cdk-lib offers no VPC option for it.',
        });
      }
      return [];
    },
  });
}
