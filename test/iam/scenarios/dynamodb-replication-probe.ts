import { HandlerScenario } from './types';

/** Scheduled: writes a marker in the writer's replica, reads it back from the reader's (found at once), deletes it. */
export const dynamodbReplicationProbe: HandlerScenario = {
  handler: 'dynamodb-replication-probe',
  invocations: () => [{ export: 'handler', event: {} }],
  respond: (call, state) => {
    if (call.operation === 'PutItem') state.set('item', call.input.Item);
    if (call.operation === 'GetItem') return { Item: state.get('item') };
    return {};
  },
};
