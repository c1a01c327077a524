import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { isTrue, MultiRegionRule, synthesized } from './template';

const KMS_ARN_REGION = /^arn:aws[\w-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d+):/;
const AWS_MANAGED = /^(arn:aws[\w-]*:kms:[^:]*:[^:]*:)?alias\/aws\//;

/** A cluster of an Aurora global database (GlobalClusterIdentifier set) without a customer-managed key of its own Region. */
export const AUR1: MultiRegionRule = {
  id: 'AUR1',
  level: NagMessageLevel.ERROR,
  info: 'The Aurora global database cluster is not encrypted with a customer-managed KMS key of its own Region.',
  explanation: 'A secondary cluster of an Aurora global database holds a full copy of the data; without StorageEncrypted and a KmsKeyId of its own Region, '
    + 'it is unencrypted or under the AWS-managed key, which the account can neither audit nor revoke. Set StorageEncrypted: true and KmsKeyId to the key of the '
    + 'cluster\'s Region (AuroraGlobalDatabase does this with MultiRegionApp.regionalKey(region)).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::RDS::DBCluster') return NagRuleCompliance.NOT_APPLICABLE;
    const resource = synthesized(node);
    const props = resource.properties;
    if (props.GlobalClusterIdentifier === undefined) return NagRuleCompliance.NOT_APPLICABLE;
    const key = props.KmsKeyId;
    if (!isTrue(props.StorageEncrypted) || key === undefined) return NagRuleCompliance.NON_COMPLIANT;
    if (typeof key === 'string') {
      const arnRegion = KMS_ARN_REGION.exec(key)?.[1];
      if (AWS_MANAGED.test(key) || (arnRegion !== undefined && resource.region !== undefined && arnRegion !== resource.region)) return NagRuleCompliance.NON_COMPLIANT;
    }
    return NagRuleCompliance.COMPLIANT;
  },
};
