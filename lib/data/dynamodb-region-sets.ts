/**
 * The Region sets in which DynamoDB supports multi-Region strong consistency (MRSC) global
 * tables: the replicas and the witness (if any) must all be Regions of one set. An MRSC global
 * table has either three replicas, or two replicas and one witness.
 *
 * Source: AWS CloudFormation Template Reference, "AWS::DynamoDB::GlobalTable GlobalTableWitness"
 * (https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-globaltablewitness.html),
 * and the DynamoDB API Reference, "CreateGlobalTableWitnessGroupMemberAction"
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_CreateGlobalTableWitnessGroupMemberAction.html):
 * US set: US East (N. Virginia), US East (Ohio), US West (Oregon); EU set: Europe (Ireland),
 * Europe (London), Europe (Paris), Europe (Frankfurt); AP set: Asia Pacific (Tokyo), Asia
 * Pacific (Seoul), Asia Pacific (Osaka).
 *
 * To update: add or change a row; every check and error message reads this table.
 */
export const DYNAMODB_MRSC_REGION_SETS: ReadonlyArray<{ readonly name: string; readonly regions: readonly string[] }> = [
  { name: 'US', regions: ['us-east-1', 'us-east-2', 'us-west-2'] },
  { name: 'EU', regions: ['eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-central-1'] },
  { name: 'AP', regions: ['ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3'] },
];

/** Where `DYNAMODB_MRSC_REGION_SETS` comes from; quoted in validation errors. */
export const DYNAMODB_MRSC_REGION_SETS_SOURCE = 'https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-dynamodb-globaltable-globaltablewitness.html';
