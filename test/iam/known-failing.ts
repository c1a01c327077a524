/**
 * Denials the proof finds in today's code. Each is a defect of another area's construct (see
 * /work/shared/reviews/2026-12-05-data-stores-audit-keys.md), listed here so the proof can land
 * before the fixes; the lead empties this list at merge as the fixes land. An entry that no
 * longer fails fails the proof too, so the list never outlives its defect.
 */
export interface KnownFailing {
  /** The review finding. */
  readonly finding: string;
  /** Matches the entry's subject (`<stack>/<LogicalId> (<what>)`). */
  readonly subject: RegExp;
  readonly action: string;
  /** The apps it fails in; omitted: every app that has the subject. */
  readonly apps?: string[];
}

export const KNOWN_FAILING: KnownFailing[] = [];

/** Action/ARN findings of today's code (same rule: the lead empties this list at merge as the fixes land). */
export const KNOWN_NAME_FINDINGS: { readonly finding: string; readonly problem: RegExp }[] = [];
