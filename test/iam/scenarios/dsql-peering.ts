import { AppModel, FunctionInfo } from '../proof/model';
import { HandlerScenario } from './types';

/**
 * The Provider framework calls onEvent and isComplete with the Custom::DsqlPeering resource's
 * properties as synthesized: Create (clusters PENDING_SETUP, so both get updated), isComplete, Delete.
 */
export const dsqlPeering: HandlerScenario = {
  handler: 'dsql-peering',
  invocations: (fn: FunctionInfo, model: AppModel) => {
    const peerings = model.resources.filter((r) => r.type === 'Custom::DsqlPeering' && r.stack === fn.stack);
    if (peerings.length === 0) throw new Error(`no Custom::DsqlPeering in ${fn.stack.stackName} for ${fn.logicalId}.`);
    return peerings.flatMap((p) => ['Create', 'Delete'].map((RequestType) => ({
      export: fn.handlerExport,
      event: { RequestType, ResourceProperties: p.props, PhysicalResourceId: 'dsql-peering:iam-proof', RequestId: 'iam-proof', StackId: 'iam-proof', LogicalResourceId: p.logicalId, ResourceType: p.type },
    })));
  },
  respond: (call, state) => {
    if (call.operation === 'GetCluster') {
      const updated = state.has(`updated:${call.input.identifier}`);
      return {
        identifier: call.input.identifier,
        arn: `arn:aws:dsql:${call.region}:111111111111:cluster/${call.input.identifier}`,
        status: updated ? 'ACTIVE' : 'PENDING_SETUP',
        // Before the update: no witness yet (the handler refuses a witness other than the resource's).
        multiRegionProperties: updated ? state.get(`updated:${call.input.identifier}`) : { clusters: [] },
      };
    }
    if (call.operation === 'UpdateCluster') state.set(`updated:${call.input.identifier}`, call.input.multiRegionProperties);
    return {};
  },
};
