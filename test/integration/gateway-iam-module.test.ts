/**
 * The IAM auth module (native/iam-auth) in a real redis-server 7.0 with TLS, asking the verifier
 * (src/gateway/verifier.ts) run in this process over its unix socket: the IAM user logs in with a
 * token signed as botocore and the JS SDK sign them, straight on the node (no gateway in between):
 * by AUTH, HELLO 2 AUTH (the module's blocked command) and HELLO 3 AUTH (the filter's synchronous
 * check, then Redis's own HELLO: RESP3 seen as bytes on a raw TLS connection).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import net, { type Server } from 'node:net';
import tls from 'node:tls';
import { describe, it, before } from 'node:test';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { IAM_MODULE_BUILD_PATH, iamModuleArgs } from '../../src/security/iam-module.js';
import { startVerifier } from '../../src/gateway/verifier.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestFleet, randomLoopbackPrefix } from '../helpers/endpoints-redis.js';
import { makeCertificates, tlsPortArgs, type TestCertificates } from '../helpers/endpoints-tls.js';
import { jsToken, pythonToken } from '../helpers/iam-token.js';

const cleanup = useCleanup();
const fleet = new TestFleet();
cleanup.defer(() => fleet.stopAll());
const NODE = `${randomLoopbackPrefix()}.2`;
const PORT = 6379;
const TLS_PORT = 6380;
const GROUP = 'iam-module-app';
const ACCOUNT = '123456789012';
const RG_ARN = `arn:aws:elasticache:us-east-1:${ACCOUNT}:replicationgroup:${GROUP}`;
const USER_ARN = `arn:aws:elasticache:us-east-1:${ACCOUNT}:user:app-iam`;
/** Short for the test; 12 hours in the service. */
const LIMIT_MS = 2500;
const WRONGPASS = 'WRONGPASS invalid username-password pair or user is disabled.';
const KEYS = {
  root: { accessKeyId: 'AKIAROOTMODULE000000', secretAccessKey: 'root-secret-module-00000000000000000000' },
  alice: { accessKeyId: 'AKIAALICEMODULE00000', secretAccessKey: 'alice-secret-module-0000000000000000000' },
};
/** The IAM user's password in the node's ACL, as the service sets it (the verifier hands it to the module for HELLO 3). */
const NODE_SECRET = 'secret-nobody-knows-0123456789';
const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });

let certs: TestCertificates;
let socketPath: string;
let verifier: Server;
let alicePolicies: string[] = [];
const verdicts: Array<{ msg: string; extra?: Record<string, unknown> }> = [];

const config = (): GatewayConfig => ({
  version: 1, generation: 'test', accountId: ACCOUNT, region: 'us-east-1', maxConnectionMs: LIMIT_MS, listeners: [],
  keys: { [KEYS.root.accessKeyId]: { secret: KEYS.root.secretAccessKey }, [KEYS.alice.accessKeyId]: { secret: KEYS.alice.secretAccessKey, user: 'alice' } },
  iamUsers: { alice: { userName: 'alice', userId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies: alicePolicies, tags: [] } },
  groups: { [GROUP]: { groupId: GROUP, groupArn: RG_ARN, groupTags: [{ Key: 'team', Value: 'blue' }], users: { 'app-iam': { arn: USER_ARN, tags: [{ Key: 'team', Value: 'blue' }], nodeSecret: NODE_SECRET } } } },
});

/** A TLS client of the node, not logged in (the default user is off): RESP2, since ioredis's HELLO 3 needs a login. */
const client = (): Promise<Redis> => fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { enableReadyCheck: false, protocol: 2 });
const admin = (): Promise<Redis> => fleet.connect(NODE, PORT, undefined, { username: 'svc', password: 'svc-password' });
const errorOf = (p: Promise<unknown>): Promise<string> => p.then((v) => `no error: ${JSON.stringify(v)}`, (e: Error) => e.message);
const closed = (c: Redis): Promise<number> => new Promise((resolve) => c.once('end', () => resolve(Date.now())));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));
const RESP_WRONGPASS = `-${WRONGPASS}\r\n`;

/**
 * A raw TLS connection to the node that reads replies as bytes: the test sees RESP3 itself (a map
 * is `%`, a push `>`), which ioredis does not speak.
 */
interface RawClient {
  send(...args: string[]): void;
  /** The bytes received since the last call, once they match `re` (rejects after `ms`). */
  until(re: RegExp, ms?: number): Promise<string>;
  /** When the server closed the connection (Date.now()). */
  closed: Promise<number>;
  close(): void;
}

async function raw(): Promise<RawClient> {
  const socket = tls.connect({ host: NODE, port: TLS_PORT, ca: certs.caPem, servername: NODE });
  cleanup.defer(() => socket.destroy());
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
async function hello3(user: string, token: string, ...rest: string[]): Promise<{ c: RawClient; reply: string }> {
  const c = await raw();
  c.send('HELLO', '3', 'AUTH', user, token, ...rest);
  return { c, reply: await c.until(/^(-[^\r]*\r\n|%7\r\n[\s\S]*\$7\r\nmodules\r\n\*\d+\r\n)/) };
}

describe('the IAM auth module on redis-server 7.0', { timeout: 120_000 }, () => {
  before(async () => {
    if (!existsSync(IAM_MODULE_BUILD_PATH)) throw new Error(`the module is not built (${IAM_MODULE_BUILD_PATH}): run make -C native/iam-auth`);
    const dir = await cleanup.tmpDir();
    certs = await makeCertificates(dir, [NODE]);
    const socket = socketPath = join(dir, 'verifier', 'verify.sock');
    verifier = await startVerifier({ socketPath: socket, config, log: (_l, msg, extra) => verdicts.push({ msg, ...(extra ? { extra } : {}) }) });
    cleanup.defer(() => verifier.close());
    const args = iamModuleArgs({ socket, adminUser: 'svc', group: GROUP, users: ['app-iam'], maxConnectionMs: LIMIT_MS });
    await fleet.startRedis(NODE, PORT, [
      ...tlsPortArgs(certs, TLS_PORT), '--loadmodule', IAM_MODULE_BUILD_PATH, ...args,
      '--user', 'default', 'off', '--user', 'svc', 'on', '>svc-password', '~*', '&*', '+@all',
      // The IAM user as the service writes it: a secret nobody knows, and the restricted commands taken away.
      '--user', 'app-iam', 'on', `>${NODE_SECRET}`, '~*', '&*', '+@all', '-config', '-shutdown', '-cachefleet.iamconfig',
      '--user', 'pw-user', 'on', '>pw-user-password', '~*', '&*', '+@all', '-config',
    ], ['svc', 'svc-password']);
  });

  it('accepts a valid token (AUTH user token and a bare AUTH token) and logs in as the ACL user', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await client();
    assert.equal(await c.call('AUTH', 'app-iam', token), 'OK');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'app-iam');
    assert.equal(await c.set('k', 'v'), 'OK');
    const bare = await client();
    assert.equal(await bare.call('AUTH', token), 'OK');
    assert.equal(await bare.call('ACL', 'WHOAMI'), 'app-iam');
    const viaDefault = await client();
    assert.equal(await viaDefault.call('AUTH', 'default', token), 'OK');
    assert.equal(await viaDefault.call('ACL', 'WHOAMI'), 'app-iam');
    // botocore's signer, as AWS's documentation builds the token.
    const boto = await client();
    assert.equal(await boto.call('AUTH', 'app-iam', await pythonToken('python3', KEYS.root, GROUP, 'app-iam')), 'OK');
  });

  it('refuses an expired token, a token for another user or group, and a policy that does not allow Connect', async () => {
    const c = await client();
    const expired = await jsToken(KEYS.root, GROUP, 'app-iam', { signingDate: new Date(Date.now() - 20 * 60_000) });
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', expired)), WRONGPASS);
    const otherUser = await jsToken(KEYS.root, GROUP, 'someone-else');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', otherUser)), WRONGPASS);
    const otherGroup = await jsToken(KEYS.root, 'another-group', 'app-iam');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', otherGroup)), WRONGPASS);
    const forged = (await jsToken(KEYS.root, GROUP, 'app-iam')).replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', forged)), WRONGPASS);

    alicePolicies = [];
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS, 'denied by default');
    alicePolicies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*' }, { Effect: 'Deny', Action: 'elasticache:Connect', Resource: RG_ARN }])];
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS, 'explicit deny');
    assert.equal(await errorOf(c.call('ACL', 'WHOAMI')), 'NOAUTH Authentication required.', 'still not logged in');
    assert.ok(verdicts.some((v) => v.extra?.['reason'] === 'explicit-deny'));
  });

  it('checks aws:SourceIp and aws:ResourceTag with the client\'s address as redis-server sees it', async () => {
    const c = await client();
    const allowFrom = (ip: string) => [policy([{
      Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*',
      Condition: { IpAddress: { 'aws:SourceIp': `${ip}/32` }, StringEquals: { 'aws:ResourceTag/team': 'blue' } },
    }])];
    const clientAddr = await (async () => {
      const a = await admin();
      const list = String(await a.call('CLIENT', 'LIST'));
      return list.split('\n').find((l) => / user=default /.test(l) && / laddr=[\d.]+:6380 /.test(l))?.match(/ addr=([\d.]+):/)?.[1];
    })();
    assert.ok(clientAddr, 'the test client is listed');
    alicePolicies = allowFrom('10.9.9.9');
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))), WRONGPASS);
    alicePolicies = allowFrom(clientAddr);
    assert.equal(await c.call('AUTH', 'app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam')), 'OK');
  });

  it('keeps restricted commands refused for the IAM user, and the module\'s configuration to the service', async () => {
    const c = await client();
    await c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'));
    assert.match(await errorOf(c.call('CONFIG', 'GET', 'maxmemory')), /^NOPERM/);
    assert.match(await errorOf(c.call('CACHEFLEET.IAMCONFIG', 'USERS')), /^NOPERM/);
    const pw = await client();
    await pw.call('AUTH', 'pw-user', 'pw-user-password');
    assert.match(await errorOf(pw.call('CACHEFLEET.IAMCONFIG', 'USERS')), /^NOPERM/, 'even for a user whose ACL lets it through');
    assert.deepEqual(await (await admin()).call('CACHEFLEET.IAMCONFIG'), ['group', GROUP, 'max-connection-ms', LIMIT_MS, 'users', ['app-iam']]);
  });

  it('leaves other logins to Redis', async () => {
    const c = await client();
    assert.equal(await errorOf(c.call('AUTH', 'pw-user', 'wrong')), WRONGPASS);
    assert.equal(await c.call('AUTH', 'pw-user', 'pw-user-password'), 'OK');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user');
    // An IAM user logs in with a token only: its password in the node's ACL is never checked.
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', 'secret-nobody-knows-0123456789')), WRONGPASS);
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user', 'a refused login keeps the current one');
    // A password user logged in on an IAM connection: the IAM limit no longer applies to it.
    const moved = await client();
    await moved.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'));
    assert.equal(await moved.call('AUTH', 'pw-user', 'pw-user-password'), 'OK');
    await delay(LIMIT_MS + 800);
    assert.equal(await moved.ping(), 'PONG');
  });

  it('serves HELLO 2 AUTH in RESP2; HELLO 2 AUTH on a RESP3 connection is answered NOPROTO', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await client();
    const hello = await c.call('HELLO', '2', 'AUTH', 'app-iam', token, 'SETNAME', 'iam-client') as unknown[];
    assert.deepEqual(hello.slice(0, 6), ['server', 'redis', 'version', '7.0.15', 'proto', 2]);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'iam-client');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'app-iam');
    // ioredis 6 starts with HELLO 3 AUTH: logged in straight away now.
    const ioredis = await fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { username: 'app-iam', password: token });
    assert.equal(await ioredis.call('ACL', 'WHOAMI'), 'app-iam');
    assert.equal(await ioredis.set('k', 'v'), 'OK');
    const resp3 = await fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { username: 'pw-user', password: 'pw-user-password' });
    assert.match(JSON.stringify(await resp3.call('HELLO', '3')), /"proto",3|"proto":3/);
    assert.match(await errorOf(resp3.call('HELLO', '2', 'AUTH', 'app-iam', token)), /^NOPROTO/);
  });

  it('HELLO 3 AUTH with a token: Redis\'s own HELLO logs in and switches the connection to RESP3 (a map, push messages)', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const { c, reply } = await hello3('app-iam', token, 'SETNAME', 'resp3-client');
    assert.match(reply, /^%7\r\n\$6\r\nserver\r\n\$5\r\nredis\r\n/, reply);
    assert.match(reply, /\$5\r\nproto\r\n:3\r\n/, reply);
    c.send('ACL', 'WHOAMI');
    assert.equal(await c.until(/\r\n.*\r\n$/), '$7\r\napp-iam\r\n');
    c.send('CLIENT', 'GETNAME');
    assert.equal(await c.until(/\r\n.*\r\n$/), '$12\r\nresp3-client\r\n');
    c.send('CONFIG', 'GET', 'maxmemory');
    assert.match(await c.until(/\r\n$/), /^-NOPERM/, 'the ACL user\'s rules apply');
    // RESP3 push messages: a subscribed connection keeps taking commands.
    c.send('SUBSCRIBE', 'news');
    assert.equal(await c.until(/:1\r\n$/), '>3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n');
    assert.equal(await (await admin()).publish('news', 'hi'), 1);
    assert.equal(await c.until(/hi\r\n$/), '>3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n');
    c.send('PING');
    assert.equal(await c.until(/\r\n$/), '+PONG\r\n');
    c.close();

    // A bare token as the default user's password (the token names its user), and botocore's token.
    const viaDefault = await hello3('default', token);
    assert.match(viaDefault.reply, /^%7\r\n/);
    viaDefault.c.send('ACL', 'WHOAMI');
    assert.equal(await viaDefault.c.until(/\r\n.*\r\n$/), '$7\r\napp-iam\r\n');
    const boto = await hello3('app-iam', await pythonToken('python3', KEYS.root, GROUP, 'app-iam'));
    assert.match(boto.reply, /^%7\r\n/);
  });

  it('HELLO 3 AUTH refuses a wrong or expired token and the node secret itself; a policy on the client\'s address is left to AUTH', async () => {
    const expired = await jsToken(KEYS.root, GROUP, 'app-iam', { signingDate: new Date(Date.now() - 20 * 60_000) });
    const forged = (await jsToken(KEYS.root, GROUP, 'app-iam')).replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000');
    const otherGroup = await jsToken(KEYS.root, 'another-group', 'app-iam');
    for (const [user, password] of [['app-iam', expired], ['app-iam', forged], ['default', otherGroup], ['app-iam', NODE_SECRET], ['app-iam', '']]) {
      const { c, reply } = await hello3(user!, password!);
      assert.equal(reply, RESP_WRONGPASS, `${user} ${password!.slice(0, 40)}`);
      c.send('ACL', 'WHOAMI');
      assert.match(await c.until(/\r\n$/), /^-NOAUTH/, 'not logged in, still RESP2');
      c.close();
    }
    // aws:SourceIp: the filter's check cannot tell the address, so the module's own command answers
    // NOPROTO (as before HELLO 3 was served) and the client logs in with AUTH, checked with its address.
    alicePolicies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }])];
    const aliceToken = await jsToken(KEYS.alice, GROUP, 'app-iam');
    const fromIp = await hello3('app-iam', aliceToken);
    assert.match(fromIp.reply, /^-NOPROTO/);
    assert.ok(verdicts.some((v) => v.extra?.['reason'] === 'client-unknown'));
    fromIp.c.send('AUTH', 'app-iam', aliceToken);
    assert.equal(await fromIp.c.until(/\r\n$/), '+OK\r\n');
    alicePolicies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }])];
    assert.match((await hello3('app-iam', aliceToken)).reply, /^-NOPROTO/, 'not decided in the filter');
    assert.equal(await errorOf((await client()).call('AUTH', 'app-iam', aliceToken)), WRONGPASS, 'decided with the address: refused');
    alicePolicies = [policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: [RG_ARN, USER_ARN] }])];
    assert.match((await hello3('app-iam', await jsToken(KEYS.alice, GROUP, 'app-iam'))).reply, /^%7\r\n/);
  });

  it('never shows the token or the node secret in SLOWLOG, MONITOR or the command stats', async () => {
    const a = await admin();
    await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await a.call('SLOWLOG', 'RESET');
    const monitor = await a.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_t: string, args: string[]) => seen.push(args.join(' ')));
    try {
      const token = await jsToken(KEYS.root, GROUP, 'app-iam');
      const ok = await hello3('app-iam', token, 'SETNAME', 'watched');
      assert.match(ok.reply, /^%7\r\n/);
      const refused = await hello3('app-iam', token.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'));
      assert.equal(refused.reply, RESP_WRONGPASS);
      // Malformed HELLOs Redis refuses before it redacts AUTH's arguments: the module blanks the token first.
      const bad = await raw();
      bad.send('HELLO', '4', 'AUTH', 'app-iam', token);
      assert.match(await bad.until(/\r\n$/), /^-NOPROTO/);
      bad.send('HELLO', '3', 'FOO', 'AUTH', 'app-iam', token);
      assert.match(await bad.until(/\r\n$/), /^-ERR Syntax error/);
      ok.c.send('PING');
      await ok.c.until(/PONG/);
      await waitFor(() => seen.some((l) => /^ping$/i.test(l)), { timeoutMs: 5000, what: 'MONITOR to show the PING' });
      const hellos = seen.filter((l) => /^hello 3 auth/i.test(l));
      assert.equal(hellos.length, 2, JSON.stringify(seen));
      for (const l of hellos) assert.match(l, /^hello 3 auth \(redacted\) \(redacted\)/i, l);
      assert.equal(seen.filter((l) => /^hello/i.test(l)).length, 4, JSON.stringify(seen));
      const slowlog = JSON.stringify(await a.call('SLOWLOG', 'GET', '100'));
      assert.match(slowlog, /"HELLO","3","AUTH","\(redacted\)","\(redacted\)"/i, slowlog);
      const stats = String(await a.call('INFO', 'commandstats'));
      assert.match(stats, /cmdstat_hello:calls=/);
      for (const text of [slowlog, stats, seen.join('\n')]) {
        assert.ok(!text.includes(NODE_SECRET) && !text.includes('X-Amz-Signature'), text);
      }
    } finally {
      monitor.disconnect();
      await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    }
  });

  it('closes an IAM connection its time limit after the last accepted login; a refused re-AUTH changes nothing', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const once = await client();
    const onceClosed = closed(once);
    await once.call('AUTH', 'app-iam', token);
    const t0 = Date.now();
    // Renewed halfway: open past the first limit, closed one limit after the renewal.
    const renewed = await client();
    const renewedClosed = closed(renewed);
    await renewed.call('AUTH', 'app-iam', token);
    // Refused halfway: still logged in, and closed at the first limit.
    const refused = await client();
    const refusedClosed = closed(refused);
    await refused.call('AUTH', 'app-iam', token);
    await delay(LIMIT_MS / 2);
    const t1 = Date.now();
    assert.equal(await renewed.call('AUTH', 'app-iam', token), 'OK');
    assert.equal(await errorOf(refused.call('AUTH', 'app-iam', 'nope/?Action=connect&User=app-iam&X-Amz-Signature=00')), WRONGPASS);
    assert.equal(await refused.call('ACL', 'WHOAMI'), 'app-iam');

    const deadline = (p: Promise<number>) => Promise.race([p, delay(LIMIT_MS * 3).then(() => { throw new Error('not closed in time'); })]);
    const [a, c] = await Promise.all([deadline(onceClosed), deadline(refusedClosed)]);
    for (const at of [a, c]) assert.ok(at - t0 >= LIMIT_MS - 100 && at - t0 < LIMIT_MS + 1500, `closed ${at - t0} ms after the login`);
    assert.equal(await renewed.ping(), 'PONG', 'renewed: still open past the first limit');
    const b = await deadline(renewedClosed);
    assert.ok(b - t1 >= LIMIT_MS - 100, `renewed closed ${b - t1} ms after the renewal`);
  });

  it('closes a HELLO 3 connection its time limit after the connection was made; AUTH with a token renews it', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const t0 = Date.now();
    const once = await hello3('app-iam', token);
    const renewed = await hello3('app-iam', token);
    const moved = await hello3('app-iam', token);
    for (const h of [once, renewed, moved]) assert.match(h.reply, /^%7\r\n/);
    await delay(LIMIT_MS / 2);
    // AUTH keeps RESP3 and starts the module's own limit from this login.
    renewed.c.send('AUTH', 'app-iam', token);
    assert.equal(await renewed.c.until(/\r\n$/), '+OK\r\n');
    const t1 = Date.now();
    // A password login on it: no longer an IAM connection, no limit.
    moved.c.send('AUTH', 'pw-user', 'pw-user-password');
    assert.equal(await moved.c.until(/\r\n$/), '+OK\r\n');

    const deadline = (p: Promise<number>) => Promise.race([p, delay(LIMIT_MS * 3).then(() => { throw new Error('not closed in time'); })]);
    const [a, b] = await Promise.all([deadline(once.c.closed), deadline(renewed.c.closed)]);
    const made = a - t0;
    assert.ok(made >= LIMIT_MS && made < LIMIT_MS + 3000, `closed ${made} ms after the connection was made (CLIENT LIST ages are whole seconds)`);
    assert.ok(b - t0 >= LIMIT_MS + 1000, `renewed: open past the first limit (closed ${b - t0} ms after it was made)`);
    assert.ok(b - t1 >= LIMIT_MS - 100 && b - t1 < LIMIT_MS + 1500, `renewed closed ${b - t1} ms after the renewal`);
    moved.c.send('PING');
    assert.equal(await moved.c.until(/\r\n$/), '+PONG\r\n', 'a password user\'s connection stays');
  });

  it('passes logins of users that are no longer IAM users to Redis', async () => {
    const a = await admin();
    assert.equal(await a.call('CACHEFLEET.IAMCONFIG', 'USERS'), 'OK');
    const c = await client();
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'))), WRONGPASS);
    await a.call('CACHEFLEET.IAMCONFIG', 'USERS', 'app-iam');
    assert.equal(await c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam')), 'OK');
  });

  it('refuses an IAM login inside MULTI, and refuses (never hangs, never crashes) when the verifier is silent or gone', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await client();
    await c.call('AUTH', 'pw-user', 'pw-user-password');
    const [[err]] = (await c.multi().call('AUTH', 'app-iam', token).exec()) as [[Error | null, unknown]];
    assert.match(String(err?.message), /cannot run inside MULTI/);
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user');

    const a = await admin();
    assert.equal(await a.call('CACHEFLEET.IAMCONFIG', 'VERIFY-TIMEOUT-MS', '500', 'USERS', 'app-iam'), 'OK');
    await new Promise<void>((resolve) => verifier.close(() => resolve()));
    const silent = net.createServer((s) => s.resume()); // reads, never answers
    await new Promise<void>((resolve) => silent.listen(socketPath, resolve));
    cleanup.defer(() => silent.close());
    const leaving = await client();
    void leaving.call('AUTH', 'app-iam', token).catch(() => undefined);
    fleet.close(leaving); // gone while its login is being checked
    const waiting = await client();
    const started = Date.now();
    assert.equal(await errorOf(waiting.call('AUTH', 'app-iam', token)), WRONGPASS);
    assert.ok(Date.now() - started >= 400, 'refused once the verifier timed out');
    // HELLO 3 holds the main thread for its check: never longer than hello-verify-timeout-ms (100 ms).
    const pings = (async () => { let n = 0; const until = Date.now() + 600; while (Date.now() < until) { await a.ping(); n++; } return n; })();
    const helloStarted = Date.now();
    const slow = await hello3('app-iam', token);
    const helloMs = Date.now() - helloStarted;
    assert.match(slow.reply, /^-NOPROTO/, 'not decided in time: left to the module\'s command, which does not switch protocols');
    assert.ok(helloMs < 500, `HELLO 3 answered in ${helloMs} ms`);
    assert.ok(await pings > 5, 'the server kept answering');
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    assert.equal(await errorOf(waiting.call('AUTH', 'app-iam', token)), WRONGPASS, 'no verifier at all');
    assert.match((await hello3('app-iam', token)).reply, /^-NOPROTO/, 'no verifier at all: HELLO 3');
    assert.equal(await a.ping(), 'PONG');
  });
});
