/**
 * Jest projects:
 * - unit:         test/**\/*.test.ts outside test/integ/. No servers. Includes the permissions proof
 *                 (test/iam/: every handler's recorded AWS calls evaluated against the synthesized policies).
 * - integ:        test/integ/**\/*.test.ts outside dsql/ and probes/ (e.g. the harness smoke tests): moto,
 *                 LocalStack and PostgreSQL.
 * - integ-dsql:   test/integ/dsql/**\/*.test.ts: moto only (Aurora DSQL).
 * - integ-probes: test/integ/probes/**\/*.test.ts: LocalStack + PostgreSQL primary/standbys.
 * - integ-consumer: test/integ/consumer/**\/*.test.ts: the library packed (npm tarball and Python wheel) and
 *                 used by fresh apps outside the repo; no servers (its globalSetup builds and packs once).
 * - integ-report: test/integ/report/**\/*.test.ts: the resilience report page in headless Chromium (Debian's
 *                 package; its globalSetup installs it as root when missing); no servers.
 *
 * Jest runs a project's globalSetup only when one of its tests is selected, so `jest --selectProjects unit`
 * starts nothing. The setups install what they need into .venv/ and .integ/ on first use (minutes on a fresh
 * machine; globalSetup has no timeout) and start each server once per run; the shared globalTeardown stops
 * them, also when tests fail. Test files read the endpoints with test/integ/harness/endpoints.ts.
 */

// Transpile only (isolatedModules): type errors are `npm run build`'s job, and skipping the type check
// keeps start-up fast for the heavy CDK tests.
const transform = {
  '^.+\\.tsx?$': ['ts-jest', { tsconfig: { isolatedModules: true } }],
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleFileExtensions: ['ts', 'js', 'json'],
  testPathIgnorePatterns: ['/node_modules/', '<rootDir>/cdk.out/', '<rootDir>/dist/', '<rootDir>/build/', '<rootDir>/.integ/', '<rootDir>/.venv/', '<rootDir>/.venv-consumer/'],
  modulePathIgnorePatterns: ['<rootDir>/dist/', '<rootDir>/build/', '<rootDir>/cdk.out/', '<rootDir>/.venv/', '<rootDir>/.venv-consumer/', '<rootDir>/.integ/'],
};

const integ = {
  ...common,
  globalTeardown: '<rootDir>/test/integ/harness/global-teardown.ts',
  // 120 s per test (a project-level testTimeout is ignored by jest 30).
  setupFilesAfterEnv: ['<rootDir>/test/integ/harness/setup-after-env.ts'],
  slowTestThreshold: 30,
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/test/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '<rootDir>/test/integ/'],
    },
    {
      ...integ,
      displayName: 'integ',
      testMatch: ['<rootDir>/test/integ/**/*.test.ts'],
      testPathIgnorePatterns: [...common.testPathIgnorePatterns, '<rootDir>/test/integ/dsql/', '<rootDir>/test/integ/probes/', '<rootDir>/test/integ/consumer/', '<rootDir>/test/integ/report/'],
      globalSetup: '<rootDir>/test/integ/harness/global-setup-all.ts',
    },
    {
      ...integ,
      displayName: 'integ-dsql',
      testMatch: ['<rootDir>/test/integ/dsql/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integ/harness/global-setup-dsql.ts',
    },
    {
      ...integ,
      displayName: 'integ-probes',
      testMatch: ['<rootDir>/test/integ/probes/**/*.test.ts'],
      globalSetup: '<rootDir>/test/integ/harness/global-setup-probes.ts',
    },
    {
      ...common,
      displayName: 'integ-consumer',
      testMatch: ['<rootDir>/test/integ/consumer/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integ/harness/setup-after-env.ts'],
      slowTestThreshold: 60,
      globalSetup: '<rootDir>/test/integ/consumer/global-setup.ts',
      globalTeardown: '<rootDir>/test/integ/consumer/global-teardown.ts',
    },
    {
      ...common,
      displayName: 'integ-report',
      testMatch: ['<rootDir>/test/integ/report/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/integ/harness/setup-after-env.ts'],
      slowTestThreshold: 30,
      globalSetup: '<rootDir>/test/integ/report/global-setup.ts',
    },
  ],
};
