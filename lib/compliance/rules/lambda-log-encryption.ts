import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { functionLogging, isCheckedFunction } from './lambda-log-group';
import { MultiRegionRule } from './template';

/** A Lambda function whose logs are not encrypted with a customer-managed key. */
export const LOG2: MultiRegionRule = {
  id: 'LOG2',
  level: NagMessageLevel.ERROR,
  info: 'The Lambda function\'s log group is not encrypted with a KMS key.',
  explanation: 'Function logs carry request data and errors of that Region; unencrypted, they are outside the key policy that guards the Region\'s data. '
    + 'Set KmsKeyId of the function\'s AWS::Logs::LogGroup to the Region\'s own key (RegionalKey allows KeyService.CLOUDWATCH_LOGS by default).',
  check: (node) => {
    if (!isCheckedFunction(node)) return NagRuleCompliance.NOT_APPLICABLE;
    return functionLogging(node).encrypted ? NagRuleCompliance.COMPLIANT : NagRuleCompliance.NON_COMPLIANT;
  },
};
