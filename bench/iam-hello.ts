/**
 * What `HELLO 3 AUTH <user> <token>` costs on the IAM auth module (native/iam-auth/hello3.c): the
 * module's command filter asks the verifier synchronously, on redis-server's main thread, so every
 * other client waits while it does. A raw redis-server 7.0 loading the module (no service), the
 * verifier in a process of its own (as in the service), plain TCP on 127.0.0.1 (TLS costs the same
 * on every side once connected):
 * - the login's round trip, one client logging in again and again on one connection: AUTH with a
 *   token (the module's blocked command, the verifier asked from a worker thread), HELLO 3 AUTH
 *   with a token (the filter's synchronous question), and AUTH with a password (Redis alone);
 * - the main thread's hold: a second client's PING latency while the first logs in back to back,
 *   by AUTH with a token, by HELLO 3 AUTH, and with nobody logging in.
 *
 * `npm run build && node dist/bench/iam-hello.js [--quick]`.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { IAM_MODULE_BUILD_PATH, iamModuleArgs } from '../src/security/iam-module.js';
import { waitFor } from '../src/util/wait.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { jsToken } from '../test/helpers/iam-token.js';
import { freePort } from '../test/helpers/net.js';
import { REDIS_SERVER } from '../test/helpers/redis.js';
import { table, type Row } from './stats.js';

const HOST = '127.0.0.1';
const GROUP = 'bench-iam-hello';
const IAM_USER = 'bench-iam-user';
const NODE_SECRET = 'bench-node-secret-0123456789abcdef';
const ROOT = { accessKeyId: 'AKIABENCHHELLO000000', secretAccessKey: 'bench-hello-secret-00000000000000000000' };
const VERIFIER_JS = fileURLToPath(new URL('../src/gateway/verifier.js', import.meta.url));

/** The verifier, in a child process: it shares no event loop with the clients measured here. */
const VERIFIER_CHILD = `
const { startVerifier } = await import(process.argv[1]);
const config = JSON.parse(process.argv[3]);
await startVerifier({ socketPath: process.argv[2], config: () => config, log: () => {} });
process.stdout.write('ready\\n');
`;

export interface Latency { median: number; p99: number; max: number }
export interface IamHelloResult {
  login: { authToken: Latency; hello3Token: Latency; authPassword: Latency };
  /**
   * HELLO 3 logins the filter did not decide (the verifier's answer came after
   * hello-verify-timeout-ms), of `tried`: the module's own command served them, off the main
   * thread (the connection already speaks RESP3).
   */
  hello3Undecided: number;
  tried: number;
  ping: { idle: Latency; authToken: Latency & { logins: number }; hello3Token: Latency & { logins: number } };
}

function latency(ms: number[]): Latency {
  const s = [...ms].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, p99: s[Math.floor(s.length * 0.99)]!, max: s.at(-1)! };
}

/** Calls of the module's own HELLO command so far: HELLO 3 logins the filter did not decide land there. */
async function iamHelloCalls(c: Redis): Promise<number> {
  return Number(/cmdstat_cachefleet\.iamhello:calls=(\d+)/.exec(await c.info('commandstats'))?.[1] ?? 0);
}

async function timed(n: number, f: () => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    const t = process.hrtime.bigint();
    await f();
    out.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  return out;
}

export async function measureIamHello(quick: boolean): Promise<IamHelloResult> {
  if (!existsSync(IAM_MODULE_BUILD_PATH)) throw new Error(`the IAM auth module is not built (${IAM_MODULE_BUILD_PATH}): npm run build`);
  const cleanup = new Cleanup();
  const clients: Redis[] = [];
  const connect = async (protocol: 2 | 3 = 2): Promise<Redis> => {
    const c = new Redis({ host: HOST, port, protocol, lazyConnect: true, retryStrategy: () => null, enableReadyCheck: false });
    c.on('error', () => {});
    clients.push(c);
    await c.connect();
    return c;
  };
  let port = 0;
  try {
    const dir = await cleanup.tmpDir('cachefleet-bench-iam-hello-');
    const socket = join(dir, 'verify.sock');
    const config = {
      version: 1, generation: 'bench', accountId: '123456789012', region: 'us-east-1', maxConnectionMs: 12 * 3_600_000, listeners: [],
      keys: { [ROOT.accessKeyId]: { secret: ROOT.secretAccessKey } }, iamUsers: {},
      groups: { [GROUP]: { groupId: GROUP, groupArn: `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${GROUP}`,
        users: { [IAM_USER]: { arn: 'arn:user', nodeSecret: NODE_SECRET } } } },
    };
    const verifier = spawn(process.execPath, ['--input-type=module', '-e', VERIFIER_CHILD, VERIFIER_JS, socket, JSON.stringify(config)],
      { stdio: ['ignore', 'pipe', 'inherit'] });
    cleanup.trackPid(verifier.pid, process.execPath);
    await new Promise((resolve) => verifier.stdout!.once('data', resolve));
    port = await freePort(HOST);
    const node = spawn(REDIS_SERVER, ['--bind', HOST, '--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir,
      '--user', 'default', 'on', 'nopass', '~*', '+@all', '--user', IAM_USER, 'on', `>${NODE_SECRET}`, '~*', '&*', '+@all',
      '--loadmodule', IAM_MODULE_BUILD_PATH, ...iamModuleArgs({ socket, adminUser: 'nobody', group: GROUP, users: [IAM_USER] })], { stdio: 'ignore' });
    cleanup.trackPid(node.pid, REDIS_SERVER);
    await waitFor(async () => (await (await connect()).ping()) === 'PONG', { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on ${port}` });

    const n = quick ? 200 : 2000;
    const token = await jsToken(ROOT, GROUP, IAM_USER);
    const auth = ['AUTH', IAM_USER, token];
    const hello3 = ['HELLO', '3', 'AUTH', IAM_USER, token];
    const loginer = await connect(3);
    const hello = (): Promise<unknown> => loginer.call('HELLO', ...hello3.slice(1));
    await timed(n / 10, hello); // warm-up
    const observer = await connect();
    const undecidedBefore = await iamHelloCalls(observer);
    const hello3Token = latency(await timed(n, hello));
    const hello3Undecided = (await iamHelloCalls(observer)) - undecidedBefore;
    const authToken = latency(await timed(n, () => loginer.call('AUTH', ...auth.slice(1))));
    const authPassword = latency(await timed(n, () => loginer.call('AUTH', 'default', 'any'))); // nopass: Redis alone

    const pinger = await connect();
    const pingWhile = async (command: string[] | undefined): Promise<Latency & { logins: number }> => {
      let stop = false;
      let logins = 0;
      const loop = (async () => { while (command && !stop) { await loginer.call(command[0]!, ...command.slice(1)); logins++; } })();
      const l = latency(await timed(n, () => pinger.ping()));
      stop = true;
      await loop;
      return { ...l, logins };
    };
    return {
      login: { authToken, hello3Token, authPassword }, hello3Undecided, tried: n,
      ping: { idle: await pingWhile(undefined), authToken: await pingWhile(auth), hello3Token: await pingWhile(hello3) },
    };
  } finally {
    for (const c of clients) c.disconnect();
    await cleanup.run();
  }
}

const ms = (l: Latency): string => `${l.median.toFixed(3)} / ${l.p99.toFixed(3)} / ${l.max.toFixed(1)} ms`;

export function iamHelloRows(r: IamHelloResult): Row[] {
  return [
    { measure: 'login round trip, AUTH <user> <token> (module command, verifier asked off the main thread): median / p99 / max', value: ms(r.login.authToken), goal: '' },
    { measure: 'login round trip, HELLO 3 AUTH <user> <token> (filter, verifier asked on the main thread): median / p99 / max', value: ms(r.login.hello3Token), goal: '' },
    { measure: 'HELLO 3 AUTH logins not decided because the verifier answered after hello-verify-timeout-ms', value: `${r.hello3Undecided} of ${r.tried}`, goal: '0' },
    { measure: 'login round trip, AUTH of a password user (Redis alone, for scale): median / p99 / max', value: ms(r.login.authPassword), goal: '' },
    { measure: 'another client\'s PING, nobody logging in: median / p99 / max', value: ms(r.ping.idle), goal: '' },
    { measure: `another client's PING while one logs in by AUTH with a token back to back (${r.ping.authToken.logins} logins)`, value: ms(r.ping.authToken), goal: '' },
    { measure: `another client's PING while one logs in by HELLO 3 AUTH back to back (${r.ping.hello3Token.logins} logins)`, value: ms(r.ping.hello3Token), goal: '' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  measureIamHello(process.argv.includes('--quick')).then((r) => console.log(table(iamHelloRows(r)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
