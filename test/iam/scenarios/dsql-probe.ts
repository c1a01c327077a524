import { HandlerScenario } from './types';

/** Scheduled: signs a DSQL token per endpoint (the connection is refused here), publishes the metrics. */
export const dsqlProbe: HandlerScenario = {
  handler: 'dsql-probe',
  invocations: () => [{ export: 'handler', event: {} }],
  respond: () => ({}),
};
