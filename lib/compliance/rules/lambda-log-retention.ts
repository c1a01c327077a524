import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { functionLogging, isCheckedFunction } from './lambda-log-group';
import { MultiRegionRule } from './template';

/** A Lambda function (a probe or any other) whose logs never expire or are not managed by the stack. */
export const LOG1: MultiRegionRule = {
  id: 'LOG1',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function has no log group with a retention period in its stack.',
  explanation: 'Without a log group of its own, Lambda creates one at first invocation that keeps logs forever, outside the stack, in every Region the function runs. '
    + 'Create an AWS::Logs::LogGroup with RetentionInDays and point LoggingConfig.LogGroup at it (lambda.Function logGroup prop), or name it /aws/lambda/<function name>.',
  check: (node) => {
    if (!isCheckedFunction(node)) return NagRuleCompliance.NOT_APPLICABLE;
    return functionLogging(node).retained ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
