import { HandlerScenario } from './types';

/** Scheduled: reads each endpoint's password secret (or signs a DSQL token), connects (refused here), publishes. */
export const lagProbe: HandlerScenario = {
  handler: 'lag-probe',
  invocations: () => [{ export: 'handler', event: {} }],
  respond: (call) => (call.operation === 'GetSecretValue' ? { ARN: call.input.SecretId, SecretString: JSON.stringify({ username: 'probe', password: 'iam-proof' }) } : {}),
};
