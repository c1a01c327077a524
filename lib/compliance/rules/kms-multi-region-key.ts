import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { isTrue, MultiRegionRule, synthesized } from './template';

/**
 * A multi-Region KMS key (or a replica of one) for encryption. Signing and MAC keys are not
 * used for data, so they are not checked.
 */
export const KMS3: MultiRegionRule = {
  id: 'KMS3',
  level: NagMessageLevel.ERROR,
  info: 'The KMS key is a multi-Region key used for data encryption.',
  explanation: 'Replicas of a multi-Region key share key material, so data encrypted in one Region can be decrypted in every Region holding a replica, '
    + 'and revoking the key in one Region does not contain a compromise. Use one single-Region key per Region (RegionalKey); re-encrypt data that moves.',
  check: (node) => {
    if (node.cfnResourceType === 'AWS::KMS::ReplicaKey') return NagRuleCompliance.NON_COMPLIANT;
    if (node.cfnResourceType !== 'AWS::KMS::Key') return NagRuleCompliance.NOT_APPLICABLE;
    const props = synthesized(node).properties;
    const forData = (props.KeyUsage ?? 'ENCRYPT_DECRYPT') === 'ENCRYPT_DECRYPT';
    return isTrue(props.MultiRegion) && forData ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
