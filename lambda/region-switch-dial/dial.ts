import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';
import { GetHealthCheckCommand, Route53Client, UpdateHealthCheckCommand } from '@aws-sdk/client-route-53';
import { SSMClient } from '@aws-sdk/client-ssm';
import { clearHold, setHold } from '../shared/routing-intent';

/**
 * The routing step of a Region switch plan (a CustomActionLambda block). ARC runs the function of
 * one Region with the step's payload (plus its execution metadata: InvokedBy, PlanArn, ExecutionId,
 * StepName). The step always runs in the Region that keeps or takes the traffic, never in the one
 * being deactivated (which may be impaired): `activate` runs in the activating Region and acts on
 * it; `deactivate` runs in the other Region (regionToRun activatingRegion) and acts on the Regions
 * other than its own.
 *
 * It moves both paths the app has: the accelerator's traffic dials, and DnsRouting's records, by
 * inverting the health check that guards each record (Route 53 DG, "Inverting health checks": the
 * check the record already carries, so no ARC-created check has to be attached). Before it takes a
 * Region out it records a hold in the Region's routing intent (so the accelerator controller leaves
 * the switch alone) and refuses to take out the last Region that serves; when it activates a
 * Region it clears the plan's hold on it.
 */
export interface DialPayload {
  /** `activate` or `deactivate`. */
  readonly dialAction: string;
  /** Region -> endpoint group ARN. */
  readonly endpointGroups?: Record<string, string>;
  /** Region -> the health check that guards the Region's DNS record (DnsRouting's CALCULATED check). */
  readonly healthChecks?: Record<string, string>;
  /** Whether activating a Region takes the others' traffic away (active-passive). */
  readonly exclusive?: boolean;
  /** The routing intents: the store's Region and Region -> parameter name. */
  readonly intents?: { readonly region: string; readonly names: Record<string, string> };
  /** From ARC. */
  readonly PlanArn?: string;
  readonly ExecutionId?: string;
}

export interface DialChange {
  readonly region: string;
  /** `traffic-dial` or `health-check-inverted`. */
  readonly kind: string;
  readonly resource: string;
  readonly previous: number | boolean;
  readonly value: number | boolean;
}

export interface DialClients {
  readonly globalAccelerator?: GlobalAcceleratorClient;
  readonly route53?: Route53Client;
  ssm?(region: string): SSMClient;
  readonly now?: () => number;
}

/** Who the plan's holds name. */
export const planActor = (payload: DialPayload) => `region-switch:${payload.PlanArn ?? 'unknown-plan'}`;

export async function switchRouting(clients: DialClients, runningRegion: string, payload: DialPayload): Promise<DialChange[]> {
  const regions = [...new Set([...Object.keys(payload.endpointGroups ?? {}), ...Object.keys(payload.healthChecks ?? {})])];
  if (!regions.includes(runningRegion)) {
    throw new Error(`no endpoint group or health check for ${runningRegion} in the payload; Regions: ${regions.join(', ')}.`);
  }
  const others = regions.filter((r) => r !== runningRegion);
  let up: string[];
  let down: string[];
  if (payload.dialAction === 'activate') {
    up = [runningRegion];
    down = payload.exclusive ? others : [];
  } else if (payload.dialAction === 'deactivate') {
    up = [];
    down = others;
  } else {
    throw new Error(`dialAction '${payload.dialAction}' is not valid; use activate or deactivate.`);
  }
  const now = (clients.now ?? Date.now)();
  const state = await readState(clients, payload, regions);
  // Never take the last serving Region out, as Route 53 and Global Accelerator fail open.
  const servingAfter = regions.filter((r) => !down.includes(r) && (up.includes(r) || state[r].serving));
  if (down.length > 0 && servingAfter.length === 0) {
    throw new Error(`${payload.dialAction} would leave no Region serving (${down.join(', ')} out, ${regions.filter((r) => !down.includes(r)).join(', ') || 'nothing'} not serving); refused.`);
  }
  const by = planActor(payload);
  const intentSsm = payload.intents && clients.ssm ? clients.ssm(payload.intents.region) : undefined;
  for (const r of down) {
    if (intentSsm && payload.intents!.names[r]) {
      await setHold(intentSsm, payload.intents!.names, r, { by, why: `Region switch ${payload.ExecutionId ?? ''} deactivated ${r}`.trim() }, now);
    }
  }
  const changes: DialChange[] = [];
  // Raise before lowering, so traffic always has somewhere to go.
  for (const r of up) changes.push(...await setRegion(clients, payload, state, r, true));
  for (const r of down) changes.push(...await setRegion(clients, payload, state, r, false));
  for (const r of up) {
    if (intentSsm && payload.intents!.names[r]) await clearHold(intentSsm, payload.intents!.names, r, by, now);
  }
  return changes;
}

interface RegionState { dial?: number; inverted?: boolean; serving: boolean }

async function readState(clients: DialClients, payload: DialPayload, regions: string[]): Promise<Record<string, RegionState>> {
  const out: Record<string, RegionState> = {};
  for (const r of regions) {
    const group = payload.endpointGroups?.[r];
    const check = payload.healthChecks?.[r];
    const dial = group ? (await ga(clients).send(new DescribeEndpointGroupCommand({ EndpointGroupArn: group }))).EndpointGroup?.TrafficDialPercentage ?? 100 : undefined;
    const inverted = check ? (await r53(clients).send(new GetHealthCheckCommand({ HealthCheckId: check }))).HealthCheck?.HealthCheckConfig?.Inverted ?? false : undefined;
    out[r] = { dial, inverted, serving: (dial === undefined || dial > 0) && inverted !== true };
  }
  return out;
}

async function setRegion(clients: DialClients, payload: DialPayload, state: Record<string, RegionState>, region: string, serve: boolean): Promise<DialChange[]> {
  const changes: DialChange[] = [];
  const group = payload.endpointGroups?.[region];
  if (group) {
    const value = serve ? 100 : 0;
    if (state[region].dial !== value) await ga(clients).send(new UpdateEndpointGroupCommand({ EndpointGroupArn: group, TrafficDialPercentage: value }));
    changes.push({ region, kind: 'traffic-dial', resource: group, previous: state[region].dial!, value });
  }
  const check = payload.healthChecks?.[region];
  if (check) {
    const value = !serve;
    if (state[region].inverted !== value) await r53(clients).send(new UpdateHealthCheckCommand({ HealthCheckId: check, Inverted: value }));
    changes.push({ region, kind: 'health-check-inverted', resource: check, previous: state[region].inverted!, value });
  }
  return changes;
}

function ga(clients: DialClients): GlobalAcceleratorClient {
  if (!clients.globalAccelerator) throw new Error('the payload names endpoint groups, but there is no Global Accelerator client.');
  return clients.globalAccelerator;
}

function r53(clients: DialClients): Route53Client {
  if (!clients.route53) throw new Error('the payload names health checks, but there is no Route 53 client.');
  return clients.route53;
}
