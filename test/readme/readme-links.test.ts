// The README's links into the source repository name paths it holds, and the link checks catch a bad
// link (the check against the npm tarball's files is test/integ/consumer/packaged-readme.test.ts).
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { linkTargets, missingRelativeLinks, missingRepositoryLinks } from './readme-links';

const ROOT = path.join(__dirname, '..', '..');
const BASE = 'https://github.com/example/multi-region-cdk';

test('the README links into the repository package.json names, only to paths it holds', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
  expect(String(pkg.repository.url).replace(/^git\+/, '').replace(/\.git$/, '')).toBe(BASE);
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const tracked = execFileSync('git', ['ls-files'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter(Boolean);
  expect(linkTargets(readme).filter((t) => t.startsWith(BASE)).length).toBeGreaterThan(0);
  expect(missingRepositoryLinks(readme, BASE, tracked)).toEqual([]);
});

test('a relative link to a file the package lacks is caught; links in code are not links', () => {
  const md = [
    'See [the example](examples/shop/README.md), [the API](./API.md#multiregionapp), [build](build/) and [top](#install).',
    '[ref]: CHANGELOG.md',
    '`[not a link](lib/x.ts)`',
    '```md\n[also not](lib/y.ts)\n```',
  ].join('\n');
  expect(missingRelativeLinks(md, ['README.md', 'API.md', 'build/lib/index.js'])).toEqual(['examples/shop/README.md', 'CHANGELOG.md']);
});

test('a repository link to a path the repository lacks is caught', () => {
  const md = `[ok](${BASE}/tree/main/examples) [gone](${BASE}/blob/main/examples/nope/app.ts) [home](${BASE}#readme) [issues](${BASE}/issues)`;
  expect(missingRepositoryLinks(md, BASE, ['examples/eu-resident/app.ts'])).toEqual([`${BASE}/blob/main/examples/nope/app.ts`, `${BASE}/issues`]);
});
