/** @type {import('jest').Config} */
module.exports = {
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      roots: ['<rootDir>/test'],
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['/node_modules/', '<rootDir>/test/integ/'],
      transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
    },
    {
      // Tests that need tools or servers installed into ignored folders (.venv/, .integ/).
      displayName: 'integ',
      testEnvironment: 'node',
      roots: ['<rootDir>/test/integ'],
      testMatch: ['**/*.test.ts'],
      transform: { '^.+\\.ts$': ['ts-jest', { isolatedModules: true }] },
      testTimeout: 300_000,
    },
  ],
};
