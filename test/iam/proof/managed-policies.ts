/**
 * Documents of the AWS managed policies the synthesized roles attach, as AWS publishes them
 * (AWS Managed Policy Reference Guide, each policy's page, "Policy version" JSON). A role attaching a
 * managed policy not in this table is reported as unresolved, and the proof never assumes it allows.
 */
export const AWS_MANAGED_POLICIES: Record<string, { readonly page: string; readonly document: any }> = {
  'service-role/AWSLambdaBasicExecutionRole': {
    page: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaBasicExecutionRole.html',
    document: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents'], Resource: '*' }],
    },
  },
  'service-role/AWSLambdaVPCAccessExecutionRole': {
    page: 'https://docs.aws.amazon.com/aws-managed-policy/latest/reference/AWSLambdaVPCAccessExecutionRole.html',
    document: {
      Version: '2012-10-17',
      Statement: [
        { Sid: 'AWSLambdaVPCAccessExecutionPermissions', Effect: 'Allow', Action: ['logs:CreateLogGroup', 'logs:CreateLogStream', 'logs:PutLogEvents', 'ec2:CreateNetworkInterface', 'ec2:DescribeNetworkInterfaces', 'ec2:DescribeSubnets', 'ec2:DeleteNetworkInterface', 'ec2:AssignPrivateIpAddresses', 'ec2:UnassignPrivateIpAddresses'], Resource: '*' },
      ],
    },
  },
};
