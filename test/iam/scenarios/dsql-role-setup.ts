import { AppModel, FunctionInfo } from '../proof/model';
import { HandlerScenario } from './types';

/**
 * The Provider framework calls onEvent with each Custom::DsqlDatabaseRole resource's properties as
 * synthesized: Create (GetCluster, then the admin token; the connection is refused here) and Delete.
 */
export const dsqlRoleSetup: HandlerScenario = {
  handler: 'dsql-role-setup',
  invocations: (fn: FunctionInfo, model: AppModel) => {
    const roles = model.resources.filter((r) => r.type === 'Custom::DsqlDatabaseRole' && r.stack === fn.stack);
    if (roles.length === 0) throw new Error(`no Custom::DsqlDatabaseRole in ${fn.stack.stackName} for ${fn.logicalId}.`);
    return roles.flatMap((r) => ['Create', 'Delete'].map((RequestType) => ({
      export: fn.handlerExport,
      endsWith: /^connect ECONNREFUSED .*\.dsql\.[a-z0-9-]+\.on\.aws:5432 \(the IAM proof refuses every connection\)$/,
      event: { RequestType, ResourceProperties: r.props, PhysicalResourceId: 'dsql-role:iam-proof', RequestId: 'iam-proof', StackId: 'iam-proof', LogicalResourceId: r.logicalId, ResourceType: r.type },
    })));
  },
  respond: (call) => (call.operation === 'GetCluster'
    ? { identifier: call.input.identifier, arn: `arn:aws:dsql:${call.region}:111111111111:cluster/${call.input.identifier}`, status: 'ACTIVE' }
    : {}),
};
