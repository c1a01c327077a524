/**
 * Denials the proof finds in today's code. Each is a defect of another area's construct (see
 * /work/shared/reviews/2026-12-05-data-stores-audit-keys.md), listed here so the proof can land
 * before the fixes; the lead empties this list at merge as the fixes land. An entry that no
 * longer fails fails the proof too, so the list never outlives its defect.
 */
export interface KnownFailing {
  /** The review finding. */
  readonly finding: string;
  /** Matches the entry's subject (`<stack>/<LogicalId> (<what>)`). */
  readonly subject: RegExp;
  readonly action: string;
  /** The apps it fails in; omitted: every app that has the subject. */
  readonly apps?: string[];
}

export const KNOWN_FAILING: KnownFailing[] = [
  {
    finding: 'R2: the audit bucket uses an S3 Bucket Key, and the key policy gives cloudtrail.amazonaws.com no kms:Decrypt',
    subject: /\/AuditTrail[0-9A-F]{8} \(CloudTrail\)$/,
    action: 'kms:Decrypt',
  },
  {
    finding: 'R1: RegionalKey lets DynamoDB use the key only through dynamodb.<its own Region>; global-table replication comes through the other Region',
    subject: /\(DynamoDB replication /,
    action: 'kms:Decrypt',
  },
  {
    finding: 'R1 (as above)',
    subject: /\(DynamoDB replication /,
    action: 'kms:GenerateDataKey',
  },
  {
    finding: 'D1: the Aurora lag probe reads the replica secret, under the Region\'s key, with no kms:Decrypt in its role',
    subject: /\/LedgerLagFunction[0-9A-F]{8} \(lag-probe\)$/,
    action: 'kms:Decrypt',
  },
];

/** Action/ARN findings of today's code (same rule: the lead empties this list at merge as the fixes land). */
export const KNOWN_NAME_FINDINGS: { readonly finding: string; readonly problem: RegExp }[] = [
  {
    finding: 'R12: grantReadData grants dynamodb:GetRecords/GetShardIterator on the table ARN; they act on stream ARNs only',
    problem: /^resource 'arn:aws:dynamodb:[^']+:table\/[^/']+' matches no resource type of 'dynamodb:(GetRecords|GetShardIterator)'$/,
  },
];
