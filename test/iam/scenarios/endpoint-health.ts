import { HandlerScenario } from './types';

/** The placeholder load balancer's target: answers the health request, makes no AWS call. */
export const endpointHealth: HandlerScenario = {
  handler: 'endpoint-health',
  invocations: () => [{ export: 'handler', event: { path: '/health', httpMethod: 'GET', headers: {} } }],
  respond: () => ({}),
};
