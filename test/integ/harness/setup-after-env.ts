/**
 * setupFilesAfterEnv of the integ projects. Jest 30 ignores `testTimeout` inside a project entry (it is a
 * global option), so the integration tests' longer timeout is set here, per test file.
 */
jest.setTimeout(120_000);
