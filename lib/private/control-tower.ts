import { Validations } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/**
 * Acknowledges AWS Control Tower's CT.LAMBDA.PR.3 (a Lambda function in a VPC) on a function of
 * the library that must reach AWS APIs or public endpoints, with the reason why it runs outside one.
 */
export function acknowledgeLambdaOutsideVpc(fn: IConstruct, reason: string): void {
  Validations.of(fn).acknowledge({ id: 'cdk-validator-cfnguard::lambda_inside_vpc_check', reason: `CT.LAMBDA.PR.3: ${reason}` });
}
