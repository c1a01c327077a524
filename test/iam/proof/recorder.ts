import * as path from 'path';

// The modules themselves (not TypeScript's import namespaces), so their functions can be replaced.
const dns = require('dns');
const net = require('net');

/** One AWS API call a handler made, as its SDK client sent it. */
export interface RecordedCall {
  /** The SDK client's service, e.g. 'CloudWatch' (from `CloudWatchClient`). */
  readonly service: string;
  /** The operation, e.g. 'PutMetricData'. */
  readonly operation: string;
  /** The Region the client signs for. */
  readonly region: string;
  readonly input: any;
}

/** The mocked answer to a call: an output object, or a thrown error (e.g. `{ name: 'NoSuchKey' }`). */
export type Responder = (call: RecordedCall) => any;

export interface RunOptions {
  /** Folder under lambda/. */
  readonly handler: string;
  /** The function's environment variables as the template sets them (resolved), plus what Lambda sets (AWS_REGION). */
  readonly env: Record<string, string>;
  /** Runs the handler module's exports (the thin `index.ts` shell, which builds the clients as in Lambda). */
  readonly invoke: (module: any) => Promise<void>;
  readonly respond: Responder;
}

export interface RunResult {
  readonly calls: RecordedCall[];
  /** Connections the handler tried outside the SDK (HTTP probes, PostgreSQL); refused, so no traffic leaves the machine. */
  readonly refusedConnections: string[];
}

const ROOT = path.join(__dirname, '..', '..', '..');

/**
 * Runs a handler's `index.ts` in a module registry of its own, with the function's environment, and
 * records every AWS call its SDK clients send: a middleware at the front of each client's stack
 * (added when the client first sends) records the command and returns the responder's answer, so
 * nothing is signed or sent. DSQL auth tokens (signed locally by @aws-sdk/dsql-signer, authorized
 * as dsql:DbConnect/DbConnectAdmin when the token is used) are recorded as calls too. Every other
 * connection (net sockets, fetch, DNS) is refused at once.
 */
export async function runHandler(options: RunOptions): Promise<RunResult> {
  const calls: RecordedCall[] = [];
  const refusedConnections: string[] = [];
  const restoreEnv = setEnv({
    AWS_ACCESS_KEY_ID: 'AKIAIAMPROOF00000000', AWS_SECRET_ACCESS_KEY: 'iam-proof', AWS_SESSION_TOKEN: 'iam-proof',
    AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1',
    ...options.env,
  });
  const restoreNet = refuseNetwork(refusedConnections);
  const log = { log: console.log, error: console.error, warn: console.warn };
  console.log = console.error = console.warn = () => undefined;
  try {
    let module: any;
    jest.isolateModules(() => {
      instrumentSdk(calls, options.respond);
      module = require(path.join(ROOT, 'lambda', options.handler, 'index'));
    });
    await options.invoke(module);
  } finally {
    Object.assign(console, log);
    restoreNet();
    restoreEnv();
  }
  return { calls, refusedConnections };
}

/** SDK client packages the handlers use; a new one only needs adding here. */
const CLIENT_PACKAGES = [
  '@aws-sdk/client-cloudwatch', '@aws-sdk/client-dsql', '@aws-sdk/client-dynamodb', '@aws-sdk/client-global-accelerator',
  '@aws-sdk/client-route-53', '@aws-sdk/client-s3', '@aws-sdk/client-secrets-manager', '@aws-sdk/client-sfn', '@aws-sdk/client-ssm',
];

function instrumentSdk(calls: RecordedCall[], respond: Responder): void {
  const patched = new Set<any>();
  for (const pkg of CLIENT_PACKAGES) {
    const sdk = require(pkg);
    for (const exported of Object.values<any>(sdk)) {
      if (typeof exported !== 'function' || !/Client$/.test(exported.name) || !exported.prototype?.send) continue;
      // The shared base class's send: patched once, covers every client of that package.
      let owner = exported.prototype;
      while (owner && !Object.prototype.hasOwnProperty.call(owner, 'send')) owner = Object.getPrototypeOf(owner);
      if (!owner || patched.has(owner)) continue;
      patched.add(owner);
      const send = owner.send;
      owner.send = function sendRecorded(this: any, command: any, ...rest: unknown[]) {
        if (!this.__iamProofRecorder) {
          this.__iamProofRecorder = true;
          const client = this;
          this.middlewareStack.add((_next: unknown, context: any) => async (args: any) => {
            const call: RecordedCall = {
              service: String(context.clientName ?? client.constructor.name).replace(/Client$/, ''),
              operation: String(context.commandName ?? '').replace(/Command$/, ''),
              region: await client.config.region(),
              input: args.input,
            };
            calls.push(call);
            return { output: { $metadata: {}, ...respond(call) }, response: {} };
          }, { step: 'initialize', name: 'iamProofRecorder', priority: 'high' });
        }
        return send.call(this, command, ...rest);
      };
    }
  }
  const signer = require('@aws-sdk/dsql-signer').DsqlSigner;
  for (const [method, operation] of [['getDbConnectAuthToken', 'DbConnect'], ['getDbConnectAdminAuthToken', 'DbConnectAdmin']]) {
    signer.prototype[method] = async function tokenRecorded(this: any) {
      calls.push({ service: 'DSQL', operation, region: this.region, input: { hostname: this.hostname } });
      return 'iam-proof-token';
    };
  }
}

function refuseNetwork(refused: string[]): () => void {
  const connect = net.Socket.prototype.connect;
  const lookup = dns.lookup;
  const resolve4 = dns.promises.resolve4;
  const fetch = globalThis.fetch;
  (net.Socket.prototype as any).connect = function connectRefused(this: any, ...args: any[]) {
    const target = typeof args[0] === 'object' ? `${args[0].host ?? args[0].path}:${args[0].port ?? ''}` : `${args[1] ?? 'localhost'}:${args[0]}`;
    refused.push(target);
    process.nextTick(() => this.destroy(Object.assign(new Error(`connect ECONNREFUSED ${target} (the IAM proof refuses every connection)`), { code: 'ECONNREFUSED' })));
    return this;
  };
  (dns as any).lookup = (host: string, ...args: any[]) => {
    refused.push(`dns:${host}`);
    const callback = args[args.length - 1];
    process.nextTick(() => callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })));
  };
  (dns.promises as any).resolve4 = async (host: string) => {
    refused.push(`dns:${host}`);
    throw Object.assign(new Error(`queryA ENOTFOUND ${host}`), { code: 'ENOTFOUND' });
  };
  globalThis.fetch = (async (input: any) => {
    refused.push(`fetch:${String(input?.url ?? input)}`);
    throw new TypeError('fetch failed (the IAM proof refuses every connection)');
  }) as typeof fetch;
  return () => {
    net.Socket.prototype.connect = connect;
    (dns as any).lookup = lookup;
    (dns.promises as any).resolve4 = resolve4;
    globalThis.fetch = fetch;
  };
}

function setEnv(vars: Record<string, string>): () => void {
  const saved = Object.fromEntries(Object.keys(vars).map((k) => [k, process.env[k]]));
  Object.assign(process.env, vars);
  return () => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
