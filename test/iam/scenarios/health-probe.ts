import { HandlerScenario } from './types';

/** Scheduled once a minute: HTTP targets (refused here, so reported unhealthy), the DSQL cluster, metrics. */
export const healthProbe: HandlerScenario = {
  handler: 'health-probe',
  invocations: () => [{ export: 'handler', event: {} }],
  respond: (call) => (call.operation === 'GetCluster' ? { identifier: call.input.identifier, status: 'ACTIVE' } : {}),
};
