import { acceleratorController } from './accelerator-controller';
import { deepHealth } from './deep-health';
import { dsqlPeering } from './dsql-peering';
import { dsqlProbe } from './dsql-probe';
import { dsqlRoleSetup } from './dsql-role-setup';
import { dynamodbReplicationProbe } from './dynamodb-replication-probe';
import { endpointHealth } from './endpoint-health';
import { healthProbe } from './health-probe';
import { lagProbe } from './lag-probe';
import { regionDrill } from './region-drill';
import { regionSwitchDial } from './region-switch-dial';
import { HandlerScenario } from './types';

/** One scenario per handler under lambda/; the proof fails for a function whose handler has none. */
export const SCENARIOS: HandlerScenario[] = [
  acceleratorController, deepHealth, dsqlPeering, dsqlProbe, dsqlRoleSetup, dynamodbReplicationProbe, endpointHealth, healthProbe, lagProbe, regionDrill, regionSwitchDial,
];
