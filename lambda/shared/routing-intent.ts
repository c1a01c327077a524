import { GetParametersCommand, PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';

/**
 * The recorded routing intent of one Region (CONTRACTS.md C2): an SSM String parameter per active
 * Region whose value is JSON. `{"hold":false}` means automation may steer the Region; a hold
 * `{"hold":true,"by":"drill:<execution ARN>","why":"...","since":"<ISO>","until":"<ISO>"}` means
 * whoever set it owns the Region's routing until it is cleared or `until` passes: the accelerator
 * controller changes no dial of a held Region (it still counts the Region's current dial when it
 * checks that some Region keeps serving). The drill and the Region switch plan's dial steps set a
 * hold before they act and clear it (only their own) when they restore; an operator sets one with
 * `aws ssm put-parameter --overwrite`.
 */
export interface RoutingIntent {
  readonly hold: boolean;
  /** Who holds the Region, for example `drill:<execution ARN>`, `region-switch:<plan execution>`, `operator:alice`. */
  readonly by?: string;
  /** Why. */
  readonly why?: string;
  /** When the hold was set (ISO 8601). */
  readonly since?: string;
  /** When the hold lapses by itself (ISO 8601); without it the hold stays until cleared. */
  readonly until?: string;
}

export const NO_HOLD: RoutingIntent = { hold: false };

/**
 * The intent in `value`. A value that is not the expected JSON counts as a hold by `unknown`: an
 * operator who typed something by hand meant to stop automation, and guessing otherwise could
 * move traffic they wanted to keep where it is.
 */
export function parseIntent(value: string | undefined): RoutingIntent {
  if (value === undefined) return NO_HOLD;
  try {
    const parsed = JSON.parse(value) as Partial<RoutingIntent>;
    if (typeof parsed !== 'object' || parsed === null || typeof parsed.hold !== 'boolean') throw new Error('no boolean "hold"');
    return { hold: parsed.hold, by: parsed.by, why: parsed.why, since: parsed.since, until: parsed.until };
  } catch (e) {
    return { hold: true, by: 'unknown', why: `the intent value is not {"hold": true|false, ...} (${(e as Error).message}); treated as a hold` };
  }
}

/** Whether `intent` holds the Region at `now` (epoch ms): a hold whose `until` has passed has lapsed. */
export function isHeld(intent: RoutingIntent, now: number): boolean {
  if (!intent.hold) return false;
  if (intent.until === undefined) return true;
  const until = Date.parse(intent.until);
  return Number.isNaN(until) || until > now;
}

/** Region -> parameter name of the Region's intent. */
export type IntentNames = Record<string, string>;

/**
 * The intents of the Regions in `names`, read in one call. A parameter that does not exist counts
 * as no hold. Throws when SSM cannot be read: callers decide whether that stops them (the
 * controller then changes nothing, since a hold it cannot see must not be overridden).
 */
export async function readIntents(ssm: SSMClient, names: IntentNames): Promise<Record<string, RoutingIntent>> {
  const entries = Object.entries(names);
  const out: Record<string, RoutingIntent> = {};
  // GetParameters takes at most 10 names per call (SSM API Reference, GetParameters, Names).
  for (let i = 0; i < entries.length; i += 10) {
    const batch = entries.slice(i, i + 10);
    const res = await ssm.send(new GetParametersCommand({ Names: batch.map(([, n]) => n) }));
    const values = new Map((res.Parameters ?? []).map((p) => [p.Name, p.Value]));
    for (const [region, name] of batch) out[region] = parseIntent(values.get(name));
  }
  return out;
}

/** A hold held by someone else, which a writer must not take over. */
export class HeldByOther extends Error {
  constructor(public readonly region: string, public readonly intent: RoutingIntent) {
    super(`${region} is held by ${intent.by ?? 'unknown'}${intent.why ? ` (${intent.why})` : ''}${intent.until ? ` until ${intent.until}` : ''}; clear that hold first.`);
    this.name = 'HeldByOther';
  }
}

/**
 * Sets a hold by `by` on `region`, unless someone else holds it (then throws HeldByOther). A hold by
 * `by` itself is renewed. SSM has no compare-and-set, so two writers racing within one read-write
 * can both win; the drill refuses to run beside another drill, and the plan's steps run one at a time.
 */
export async function setHold(ssm: SSMClient, names: IntentNames, region: string, hold: Omit<RoutingIntent, 'hold' | 'since'>, now: number): Promise<RoutingIntent> {
  const name = nameOf(names, region);
  const current = (await readIntents(ssm, { [region]: name }))[region];
  if (isHeld(current, now) && current.by !== hold.by) throw new HeldByOther(region, current);
  const intent: RoutingIntent = { hold: true, by: hold.by, why: hold.why, since: new Date(now).toISOString(), until: hold.until };
  await ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify(intent), Type: 'String', Overwrite: true }));
  return intent;
}

/**
 * Clears the hold on `region` if `by` holds it (or it lapsed); leaves another holder's hold in
 * place and says so. Returns whether the Region is free afterwards.
 */
export async function clearHold(ssm: SSMClient, names: IntentNames, region: string, by: string, now: number): Promise<{ cleared: boolean; heldBy?: string }> {
  const name = nameOf(names, region);
  const current = (await readIntents(ssm, { [region]: name }))[region];
  if (!current.hold) return { cleared: true };
  if (current.by !== by && isHeld(current, now)) return { cleared: false, heldBy: current.by ?? 'unknown' };
  await ssm.send(new PutParameterCommand({ Name: name, Value: JSON.stringify(NO_HOLD), Type: 'String', Overwrite: true }));
  return { cleared: true };
}

function nameOf(names: IntentNames, region: string): string {
  const name = names[region];
  if (!name) throw new Error(`no routing-intent parameter for ${region}; Regions: ${Object.keys(names).join(', ')}.`);
  return name;
}
