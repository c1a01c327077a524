/**
 * The README a consumer reads is the one in the npm tarball: every relative link in it must name a file
 * the tarball holds (the globalSetup packed it), and every link into the source repository a path the
 * repository holds. The checks themselves are test/readme/readme-links.ts, shown to catch bad links there.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { missingRelativeLinks, missingRepositoryLinks } from '../../readme/readme-links';
import { REPO_ROOT } from '../harness/paths';
import { readState } from './consumer-env';

const tarball = readState().tarball;
/** Paths inside the tarball, without npm's `package/` prefix. */
const files = execFileSync('tar', ['-tzf', tarball], { encoding: 'utf8' }).split('\n').filter(Boolean).map((f) => f.replace(/^package\//, ''));
const readme = execFileSync('tar', ['-xzOf', tarball, 'package/README.md'], { encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 });

test('the tarball holds the README, the CHANGELOG and the LICENSE', () => {
  expect(files).toEqual(expect.arrayContaining(['README.md', 'CHANGELOG.md', 'LICENSE', 'package.json']));
});

test('every relative link in the packaged README names a file in the tarball', () => {
  expect(missingRelativeLinks(readme, files)).toEqual([]);
});

test('every link into the source repository names a path the repository holds', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8'));
  const base = String(pkg.repository.url).replace(/^git\+/, '').replace(/\.git$/, '');
  const tracked = execFileSync('git', ['ls-files'], { cwd: REPO_ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(missingRepositoryLinks(readme, base, tracked)).toEqual([]);
});
