import { DescribeEndpointGroupCommand, GlobalAcceleratorClient, UpdateEndpointGroupCommand } from '@aws-sdk/client-global-accelerator';

/**
 * The accelerator step of a Region switch plan (a CustomActionLambda block). ARC runs the function
 * of the activating or deactivating Region with the step's payload (plus its execution metadata);
 * the function sets the traffic dials of the accelerator's endpoint groups.
 */
export interface DialPayload {
  /** `activate`: this Region's group to 100 (and, for active-passive, the others to 0); `deactivate`: this Region's group to 0. */
  readonly dialAction: string;
  /** Region -> endpoint group ARN. */
  readonly endpointGroups: Record<string, string>;
  /** Whether activating a Region takes the others' traffic away (active-passive). */
  readonly exclusive?: boolean;
}

export interface DialChange {
  readonly region: string;
  readonly endpointGroupArn: string;
  readonly previous: number;
  readonly dial: number;
}

export async function switchDials(ga: GlobalAcceleratorClient, region: string, payload: DialPayload): Promise<DialChange[]> {
  const own = payload.endpointGroups?.[region];
  if (!own) throw new Error(`no endpoint group for ${region} in the payload; groups: ${Object.keys(payload.endpointGroups ?? {}).join(', ')}.`);
  const wanted = new Map<string, number>();
  if (payload.dialAction === 'activate') {
    wanted.set(region, 100);
    if (payload.exclusive) for (const r of Object.keys(payload.endpointGroups)) if (r !== region) wanted.set(r, 0);
  } else if (payload.dialAction === 'deactivate') {
    wanted.set(region, 0);
  } else {
    throw new Error(`dialAction '${payload.dialAction}' is not valid; use activate or deactivate.`);
  }
  // Raise before lowering, so traffic always has somewhere to go.
  const order = [...wanted.entries()].sort((a, b) => b[1] - a[1]);
  const changes: DialChange[] = [];
  for (const [r, dial] of order) {
    const arn = payload.endpointGroups[r];
    const group = await ga.send(new DescribeEndpointGroupCommand({ EndpointGroupArn: arn }));
    const previous = group.EndpointGroup?.TrafficDialPercentage ?? 100;
    if (previous !== dial) await ga.send(new UpdateEndpointGroupCommand({ EndpointGroupArn: arn, TrafficDialPercentage: dial }));
    changes.push({ region: r, endpointGroupArn: arn, previous, dial });
  }
  return changes;
}
