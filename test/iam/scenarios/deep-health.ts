import { HandlerScenario } from './types';

/**
 * The load balancer's health check (and any request) of the deep-health target: reads the fault
 * switch (clear), gets the DSQL cluster (ACTIVE) and signs its non-admin token, reads the DynamoDB
 * marker and the Aurora secret; every connection is refused here, so the result is unhealthy, but
 * every check has made its calls.
 */
export const deepHealth: HandlerScenario = {
  handler: 'deep-health',
  invocations: () => [{ export: 'handler', event: { path: '/health', httpMethod: 'GET', headers: {} } }],
  respond: (call) => {
    switch (call.operation) {
      case 'GetParameter': return { Parameter: { Name: call.input.Name, Type: 'String', Value: 'off' } };
      case 'GetCluster': return { identifier: call.input.identifier, status: 'ACTIVE' };
      case 'GetSecretValue': return { ARN: call.input.SecretId, SecretString: JSON.stringify({ username: 'health', password: 'iam-proof' }) };
      default: return {};
    }
  },
};
