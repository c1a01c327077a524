import { NagMessageLevel, NagRuleCompliance } from 'cdk-nag';
import { asList, MultiRegionRule, synthesized } from './template';

const KMS_ARN_REGION = /^arn:aws[\w-]*:kms:([a-z]{2}(?:-[a-z]+)+-\d+):/;
const AWS_MANAGED = /^(arn:aws[\w-]*:kms:[^:]*:[^:]*:)?alias\/aws\//;

/**
 * The replicas of a DynamoDB global table that are not under a customer-managed key of their
 * own Region: no KMSMasterKeyId (DynamoDB-owned or AWS-managed key), an `alias/aws/...` key, a
 * literal key ARN of another Region, or a key referenced from the table's stack (which lives in
 * the stack's Region) for a replica of another Region.
 */
export function replicasWithoutOwnKey(properties: Record<string, any>, stackRegion: string | undefined): string[] {
  const bad: string[] = [];
  for (const replica of asList<any>(properties.Replicas)) {
    const region = replica?.Region;
    const key = replica?.SSESpecification?.KMSMasterKeyId;
    if (key === undefined || key === null) {
      bad.push(String(region));
    } else if (typeof key === 'string') {
      const arnRegion = KMS_ARN_REGION.exec(key)?.[1];
      if (AWS_MANAGED.test(key) || (arnRegion !== undefined && arnRegion !== region)) bad.push(String(region));
    } else if (stackRegion !== undefined && region !== stackRegion) {
      // A Ref or GetAtt names a key of this stack, so of the stack's Region, not the replica's.
      bad.push(String(region));
    }
  }
  return bad;
}

/** A DynamoDB global table replica without a customer-managed key of its own Region. */
export const DDB1: MultiRegionRule = {
  id: 'DDB1',
  level: NagMessageLevel.ERROR,
  info: 'A replica of the DynamoDB global table is not encrypted with a customer-managed KMS key of its own Region.',
  explanation: 'Each replica holds a full copy of the data; under a DynamoDB-owned or AWS-managed key the account can neither audit nor revoke access, '
    + 'and a key of another Region ties the replica to that Region. Set each replica\'s SSESpecification.KMSMasterKeyId to the key (or alias ARN) of the replica\'s Region '
    + '(DynamoDbGlobalTable does this with MultiRegionApp.regionalKey(region)).',
  check: (node) => {
    if (node.cfnResourceType !== 'AWS::DynamoDB::GlobalTable') return NagRuleCompliance.NOT_APPLICABLE;
    const resource = synthesized(node);
    return replicasWithoutOwnKey(resource.properties, resource.region).length > 0 ? NagRuleCompliance.NON_COMPLIANT : NagRuleCompliance.COMPLIANT;
  },
};
