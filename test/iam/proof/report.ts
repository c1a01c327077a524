import { KnownFailing } from '../known-failing';
import { describeDenial, ProofEntry, STAR_REASONS } from './prove';
import { NameFinding } from './names';

export function isKnownFailing(known: KnownFailing[], app: string, e: Pick<ProofEntry, 'subject' | 'action'>): KnownFailing | undefined {
  return known.find((k) => k.subject.test(e.subject) && k.action === e.action && (!k.apps || k.apps.includes(app)));
}

/** The proof's report of one app: proven, allowed only by '*' (with AWS's reason), denied. */
export function renderReport(app: string, entries: ProofEntry[], names: NameFinding[], problems: string[], known: KnownFailing[], wildcardOnly: Set<string>): string {
  const lines: string[] = [];
  const allowed = entries.filter((e) => e.verdict === 'allowed');
  const star = entries.filter((e) => e.verdict === 'allowed-by-star');
  const denied = entries.filter((e) => e.verdict === 'denied' || e.verdict === 'invalid');
  lines.push(`IAM proof of ${app}: ${entries.length} requests; ${allowed.length} proven allowed, ${star.length} allowed only by a '*' resource, ${denied.length} denied`
    + ` (${denied.filter((e) => isKnownFailing(known, app, e)).length} known-failing); ${names.length} action/ARN findings`);
  if (denied.length > 0) {
    lines.push('', 'DENIED:');
    for (const e of denied) {
      const k = isKnownFailing(known, app, e);
      lines.push(`${k ? `[known-failing: ${k.finding}] ` : ''}${describeDenial(e)}`);
    }
  }
  if (names.length > 0) {
    lines.push('', 'ACTIONS AND ARNS NOT IN THE SERVICE AUTHORIZATION REFERENCE:');
    for (const n of names) lines.push(`  ${n.policy}${n.sid ? ` (${n.sid})` : ''}: ${n.problem}`);
  }
  if (problems.length > 0) lines.push('', 'INCOMPLETE:', ...problems.map((p) => `  ${p}`));
  if (star.length > 0) {
    lines.push('', "ALLOWED ONLY BY A '*' RESOURCE:");
    for (const e of star) {
      const reason = STAR_REASONS[e.action] ?? (wildcardOnly.has(e.action) ? 'the Service Authorization Reference lists no resource type for it' : 'NOT a wildcard-only action: a least-privilege gap');
      lines.push(`  ${e.action} by ${e.subject}: ${reason}`);
    }
  }
  lines.push('', 'PROVEN ALLOWED (by subject):');
  const bySubject = new Map<string, ProofEntry[]>();
  for (const e of allowed) bySubject.set(e.subject, [...(bySubject.get(e.subject) ?? []), e]);
  for (const [subject, es] of bySubject) {
    const counts = new Map<string, number>();
    for (const e of es) counts.set(e.action, (counts.get(e.action) ?? 0) + 1);
    lines.push(`  ✓ ${subject}: ${[...counts].map(([a, n]) => (n > 1 ? `${a} x${n}` : a)).join(', ')}`);
  }
  return lines.join('\n');
}
