import { KNOWN_FAILING, KNOWN_NAME_FINDINGS } from '../known-failing';
import { synthApp } from './apps';
import { AppModel } from './model';
import { checkNames, NameFinding } from './names';
import { AppProof, describeDenial, proveApp, wildcardOnly } from './prove';
import { isKnownFailing, renderReport } from './report';

/** Handlers that make no AWS call (the placeholder endpoint's target). */
const NO_CALLS = new Set(['endpoint-health']);

/** The proof's tests for each app: synthesize, run every handler, evaluate every call, print the report. */
export function proofSuite(apps: string[]): void {
  describe.each(apps)('IAM proof of %s', (app) => {
    let model: AppModel;
    let proof: AppProof;
    let names: NameFinding[];

    beforeAll(async () => {
      model = new AppModel(synthApp(app));
      proof = await proveApp(model);
      names = await checkNames(model);
      const star = new Set<string>();
      for (const e of proof.entries) if (e.verdict === 'allowed-by-star' && await wildcardOnly(e.action)) star.add(e.action);
      console.log(renderReport(app, proof.entries, names, proof.problems, KNOWN_FAILING, star));
    }, 240_000);

    test('every function runs one of the library\'s handlers with a scenario, and each handler runs through', () => {
      expect(proof.problems).toEqual([]);
    });

    test('every handler that calls AWS had its calls recorded', () => {
      const silent = [...proof.callsByFunction].filter(([subject, calls]) => calls.length === 0 && !NO_CALLS.has(/\(([^)]+)\)$/.exec(subject)![1]));
      expect(silent.map(([subject]) => subject)).toEqual([]);
    });

    test('every recorded call, every call AWS makes on its behalf and every service principal\'s call is allowed', () => {
      const denied = proof.entries.filter((e) => (e.verdict === 'denied' || e.verdict === 'invalid') && !isKnownFailing(KNOWN_FAILING, app, e));
      expect(denied.map(describeDenial)).toEqual([]);
    });

    test('every known-failing entry that applies here still fails (remove it from test/iam/known-failing.ts once fixed)', () => {
      const fixed = KNOWN_FAILING.filter((k) => {
        const matching = proof.entries.filter((e) => isKnownFailing([k], app, e));
        return matching.length > 0 && matching.every((e) => e.verdict !== 'denied');
      });
      expect(fixed.map((k) => k.finding)).toEqual([]);
    });

    test('every action and resource ARN of every synthesized policy is in the Service Authorization Reference', () => {
      const open = names.filter((n) => !KNOWN_NAME_FINDINGS.some((k) => k.problem.test(n.problem)));
      expect(open.map((n) => `${n.policy}${n.sid ? ` (${n.sid})` : ''}: ${n.problem}`)).toEqual([]);
    });
  });
}
