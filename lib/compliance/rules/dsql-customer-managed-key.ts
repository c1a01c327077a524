import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { MultiRegionRule, synthesized } from './template';

/** An Aurora DSQL cluster encrypted with an AWS-owned key. */
export const DSQL1: MultiRegionRule = {
  id: 'DSQL1',
  level: NagMessageLevel.ERROR,
  info: 'The Aurora DSQL cluster is not encrypted with a customer-managed KMS key.',
  explanation: 'Without a customer-managed key (KmsEncryptionKey) the data is under an AWS-owned key that the account can neither audit nor revoke. '
    + 'Set KmsEncryptionKey to the ARN of the cluster Region\'s own key (MultiRegionApp.regionalKey(region), allowed for KeyService.DSQL).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::DSQL::Cluster') return NagRuleCompliance.NOT_APPLICABLE;
    const key = synthesized(node).properties.KmsEncryptionKey;
    return key === undefined || key === 'AWS_OWNED_KMS_KEY' ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
