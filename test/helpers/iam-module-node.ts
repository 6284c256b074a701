/**
 * A real redis-server 7.0 with TLS and the IAM auth module (native/iam-auth), asking a verifier
 * (src/gateway/verifier.ts) run in the test's process over its unix socket, for the module's
 * integration tests (gateway-iam-module*.test.ts). `useIamModuleNode()` starts both in a before()
 * hook of the calling file; what a test needs comes from the object it returns.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Server } from 'node:net';
import tls from 'node:tls';
import { before } from 'node:test';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { IAM_MODULE_BUILD_PATH, iamModuleArgs } from '../../src/security/iam-module.js';
import { startVerifier } from '../../src/gateway/verifier.js';
import { useCleanup, type Cleanup } from './cleanup.js';
import { TestFleet, randomLoopbackPrefix } from './endpoints-redis.js';
import { makeCertificates, tlsPortArgs, type TestCertificates } from './endpoints-tls.js';

export const GROUP = 'iam-module-app';
export const ACCOUNT = '123456789012';
export const RG_ARN = `arn:aws:elasticache:us-east-1:${ACCOUNT}:replicationgroup:${GROUP}`;
export const USER_ARN = `arn:aws:elasticache:us-east-1:${ACCOUNT}:user:app-iam`;
/** Short for the test; 12 hours in the service. */
export const LIMIT_MS = 2500;
export const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
export const RESP_WRONGPASS = `-${WRONGPASS}\r\n`;
export const KEYS = {
  root: { accessKeyId: 'AKIAROOTMODULE000000', secretAccessKey: 'root-secret-module-00000000000000000000' },
  alice: { accessKeyId: 'AKIAALICEMODULE00000', secretAccessKey: 'alice-secret-module-0000000000000000000' },
};
/** The IAM user's password in the node's ACL, as the service sets it (the verifier hands it to the module for HELLO 3). */
export const NODE_SECRET = 'secret-nobody-knows-0123456789';
export const TLS_PORT = 6380;
const PORT = 6379;

export const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
export const errorOf = (p: Promise<unknown>): Promise<string> => p.then((v) => `no error: ${JSON.stringify(v)}`, (e: Error) => e.message);
export const closed = (c: Redis): Promise<number> => new Promise((resolve) => c.once('end', () => resolve(Date.now())));
export const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * A raw TLS connection to the node that reads replies as bytes: the test sees RESP3 itself (a map
 * is `%`, a push `>`), which ioredis does not speak.
 */
export interface RawClient {
  send(...args: string[]): void;
  /** The bytes received since the last call, once they match `re` (rejects after `ms`). */
  until(re: RegExp, ms?: number): Promise<string>;
  /** When the server closed the connection (Date.now()). */
  closed: Promise<number>;
  close(): void;
}

export class IamModuleNode {
  readonly fleet = new TestFleet();
  readonly address = `${randomLoopbackPrefix()}.2`;
  /** Alice's IAM policies, as the verifier reads them at each login (a test sets them). */
  policies: string[] = [];
  /** What the verifier logged: each decision, with its reason. */
  readonly verdicts: Array<{ msg: string; extra?: Record<string, unknown> }> = [];
  certs!: TestCertificates;
  socketPath = '';
  verifier!: Server;

  constructor(readonly cleanup: Cleanup) {
    cleanup.defer(() => this.fleet.stopAll());
  }

  config(): GatewayConfig {
    return {
      version: 1, generation: 'test', accountId: ACCOUNT, region: 'us-east-1', maxConnectionMs: LIMIT_MS, listeners: [],
      keys: { [KEYS.root.accessKeyId]: { secret: KEYS.root.secretAccessKey }, [KEYS.alice.accessKeyId]: { secret: KEYS.alice.secretAccessKey, user: 'alice' } },
      iamUsers: { alice: { userName: 'alice', userId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: this.policies, tags: [] } },
      groups: { [GROUP]: { groupId: GROUP, groupArn: RG_ARN, groupTags: [{ Key: 'team', Value: 'blue' }], users: { 'app-iam': { arn: USER_ARN, tags: [{ Key: 'team', Value: 'blue' }], nodeSecret: NODE_SECRET } } } },
    };
  }

  async start(): Promise<void> {
    if (!existsSync(IAM_MODULE_BUILD_PATH)) throw new Error(`the module is not built (${IAM_MODULE_BUILD_PATH}): run make -C native/iam-auth`);
    const dir = await this.cleanup.tmpDir();
    this.certs = await makeCertificates(dir, [this.address]);
    const socket = this.socketPath = join(dir, 'verifier', 'verify.sock');
    this.verifier = await startVerifier({ socketPath: socket, config: () => this.config(), log: (_l, msg, extra) => this.verdicts.push({ msg, ...(extra ? { extra } : {}) }) });
    this.cleanup.defer(() => this.verifier.close());
    const args = iamModuleArgs({ socket, adminUser: 'svc', group: GROUP, users: ['app-iam'], maxConnectionMs: LIMIT_MS });
    await this.fleet.startRedis(this.address, PORT, [
      ...tlsPortArgs(this.certs, TLS_PORT), '--loadmodule', IAM_MODULE_BUILD_PATH, ...args,
      '--user', 'default', 'off', '--user', 'svc', 'on', '>svc-password', '~*', '&*', '+@all',
      // The IAM user as the service writes it: a secret nobody knows, and the restricted commands taken away.
      '--user', 'app-iam', 'on', `>${NODE_SECRET}`, '~*', '&*', '+@all', '-config', '-shutdown', '-cachefleet.iamconfig',
      '--user', 'pw-user', 'on', '>pw-user-password', '~*', '&*', '+@all', '-config',
    ], ['svc', 'svc-password']);
  }

  /** A TLS client of the node, not logged in (the default user is off): RESP2, since ioredis's HELLO 3 needs a login. */
  client(): Promise<Redis> {
    return this.fleet.connect(this.address, TLS_PORT, { ca: this.certs.caPem }, { enableReadyCheck: false, protocol: 2 });
  }

  admin(): Promise<Redis> {
    return this.fleet.connect(this.address, PORT, undefined, { username: 'svc', password: 'svc-password' });
  }

  async raw(): Promise<RawClient> {
    const socket = tls.connect({ host: this.address, port: TLS_PORT, ca: this.certs.caPem });
    this.cleanup.defer(() => socket.destroy());
    await new Promise<void>((resolve, reject) => socket.once('secureConnect', resolve).once('error', reject));
    let received = '';
    let wake = (): void => {};
    socket.on('data', (chunk: Buffer) => { received += chunk.toString('latin1'); wake(); });
    socket.on('error', () => {});
    const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now())));
    return {
      send: (...args) => socket.write(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`),
      until: (re, ms = 5000) => new Promise((resolve, reject) => {
        const timer = setTimeout(() => { wake = () => {}; reject(new Error(`no ${re} within ${ms} ms; received ${JSON.stringify(received)}`)); }, ms);
        wake = () => {
          if (!re.test(received)) return;
          clearTimeout(timer);
          wake = () => {};
          const out = received;
          received = '';
          resolve(out);
        };
        wake();
      }),
      closed,
      close: () => socket.destroy(),
    };
  }

  /** HELLO 3 AUTH on a new raw connection; resolves with it and HELLO's reply. */
  async hello3(user: string, token: string, ...rest: string[]): Promise<{ c: RawClient; reply: string }> {
    const c = await this.raw();
    c.send('HELLO', '3', 'AUTH', user, token, ...rest);
    return { c, reply: await c.until(/^(-[^\r]*\r\n|%7\r\n[\s\S]*\$7\r\nmodules\r\n\*\d+\r\n)/) };
  }
}

/** The node and its verifier for the calling test file, started in its before() hook. */
export function useIamModuleNode(): IamModuleNode {
  const node = new IamModuleNode(useCleanup());
  before(() => node.start());
  return node;
}
