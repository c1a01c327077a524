/**
 * For test files: where the servers started by the jest globalSetup listen.
 *
 * The globalSetup runs in the main jest process and test files run in workers, so the endpoints travel
 * through .integ/endpoints.json (and INTEG_* environment variables). This module has no dependency on the
 * server code, so importing it costs nothing.
 */
import * as fs from 'node:fs';
import { ENDPOINTS_FILE } from './paths';

export interface PostgresEndpoints {
  /** Read-write primary: postgres://postgres@127.0.0.1:<port>/postgres (trust auth). */
  primaryUrl: string;
  /** Streaming standby with recovery_min_apply_delay 0. */
  standbyUrl: string;
  /** Second streaming standby of the same primary, with recovery_min_apply_delay = delayedStandbyApplyDelayMs. */
  delayedStandbyUrl: string;
  delayedStandbyApplyDelayMs: number;
  /** Server binaries, e.g. /usr/lib/postgresql/15/bin. */
  binDir: string;
}

export interface IntegEndpoints {
  moto?: { endpoint: string };
  localstack?: { endpoint: string; version: string; services: string[] };
  postgres?: PostgresEndpoints;
  /** Python tools installed by the harness: .venv/bin/python and .venv/bin/cfn-lint. */
  venv?: { python: string; cfnLint: string };
  /** How long each server took to become ready in this run (ms), install time included. */
  startupMs: Record<string, number>;
}

/** Everything the globalSetup of this jest run started. Throws if it started nothing. */
export function readEndpoints(): IntegEndpoints {
  const file = process.env.INTEG_ENDPOINTS_FILE ?? ENDPOINTS_FILE;
  if (!fs.existsSync(file)) {
    throw new Error(
      `${file} not found: integration tests must run under one of the integ projects of jest.config.js ` +
        '(npx jest --selectProjects integ integ-dsql integ-probes), whose globalSetup starts the servers',
    );
  }
  return JSON.parse(fs.readFileSync(file, 'utf8')) as IntegEndpoints;
}

/** moto_server (Aurora DSQL and any other moto service). Tests under test/integ/dsql/ or test/integ/. */
export function motoEndpoint(): string {
  return required(readEndpoints().moto, 'moto', 'test/integ/dsql/ (project integ-dsql), test/integ/probes/ (project integ-probes) or test/integ/ (project integ)').endpoint;
}

/** LocalStack (CloudWatch, Route 53, STS, IAM, Logs). Tests under test/integ/probes/ or test/integ/. */
export function localstackEndpoint(): string {
  return required(readEndpoints().localstack, 'LocalStack', 'test/integ/probes/ (project integ-probes) or test/integ/ (project integ)').endpoint;
}

/** PostgreSQL primary + standbys. Tests under test/integ/probes/ or test/integ/. */
export function postgresEndpoints(): PostgresEndpoints {
  return required(readEndpoints().postgres, 'PostgreSQL', 'test/integ/probes/ (project integ-probes) or test/integ/ (project integ)');
}

/** Options for any AWS SDK v3 client talking to moto or LocalStack: dummy credentials, never real AWS. */
export function awsClientConfig(endpoint: string, region = 'us-east-1') {
  return { endpoint, region, credentials: { accessKeyId: 'test', secretAccessKey: 'test' } };
}

function required<T>(value: T | undefined, what: string, where: string): T {
  if (value === undefined) throw new Error(`${what} was not started for this test file: put it under ${where}`);
  return value;
}
