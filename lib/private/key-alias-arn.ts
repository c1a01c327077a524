import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { RegionalKey } from '../keys/regional-key';
import { partitionOfStack } from '../topology/regions';

/**
 * The alias ARN of a Region's key (`arn:<partition>:kms:<region>:<account>:alias/<name>`), a
 * literal the table's stack can hold without a cross-Region reference to the key.
 */
export function regionalKeyAliasArn(key: kms.IKey, stack: Stack): string {
  const aliasName = key instanceof RegionalKey ? (key.alias.node.defaultChild as kms.CfnAlias).aliasName : undefined;
  if (aliasName === undefined || Token.isUnresolved(aliasName) || Token.isUnresolved(stack.account)) {
    throw new Error(`the key of ${stack.region} (${key.node.path}) needs a literal alias and its stack a literal account to be named by alias ARN from another Region; `
      + 'give the topology RegionalKeys with literal aliases and stacks with env.account.');
  }
  return `arn:${partitionOfStack(stack)}:kms:${stack.region}:${stack.account}:${aliasName}`;
}

