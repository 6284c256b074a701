/**
 * The IAM auth module (native/iam-auth) in a real redis-server 7.0 with TLS, asking the verifier
 * (src/gateway/verifier.ts) run in this process over its unix socket: the IAM user logs in with a
 * token signed as botocore and the JS SDK sign them, straight on the node (no gateway in between).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import net, { type Server } from 'node:net';
import { describe, it, before } from 'node:test';
import type { Redis } from 'ioredis';
import type { GatewayConfig } from '../../src/gateway/config.js';
import { IAM_MODULE_BUILD_PATH, iamModuleArgs } from '../../src/security/iam-module.js';
import { startVerifier } from '../../src/gateway/verifier.js';
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
  groups: { [GROUP]: { groupId: GROUP, groupArn: RG_ARN, groupTags: [{ Key: 'team', Value: 'blue' }], users: { 'app-iam': { arn: USER_ARN, tags: [{ Key: 'team', Value: 'blue' }] } } } },
});

/** A TLS client of the node, not logged in (the default user is off): RESP2, since ioredis's HELLO 3 needs a login. */
const client = (): Promise<Redis> => fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { enableReadyCheck: false, protocol: 2 });
const admin = (): Promise<Redis> => fleet.connect(NODE, PORT, undefined, { username: 'svc', password: 'svc-password' });
const errorOf = (p: Promise<unknown>): Promise<string> => p.then((v) => `no error: ${JSON.stringify(v)}`, (e: Error) => e.message);
const closed = (c: Redis): Promise<number> => new Promise((resolve) => c.once('end', () => resolve(Date.now())));
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('the IAM auth module on redis-server 7.0', { timeout: 90_000 }, () => {
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
      '--user', 'app-iam', 'on', '>secret-nobody-knows-0123456789', '~*', '&*', '+@all', '-config', '-shutdown', '-cachefleet.iamconfig',
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

  it('serves HELLO AUTH in the connection\'s own protocol, and answers a protocol switch with NOPROTO', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await client();
    const hello = await c.call('HELLO', '2', 'AUTH', 'app-iam', token, 'SETNAME', 'iam-client') as unknown[];
    assert.deepEqual(hello.slice(0, 6), ['server', 'redis', 'version', '7.0.15', 'proto', 2]);
    assert.equal(await c.call('CLIENT', 'GETNAME'), 'iam-client');
    assert.equal(await c.call('ACL', 'WHOAMI'), 'app-iam');
    const three = await client();
    assert.match(await errorOf(three.call('HELLO', '3', 'AUTH', 'app-iam', token)), /^NOPROTO/);
    assert.equal(await three.call('AUTH', 'app-iam', token), 'OK', 'the fallback clients take');
    // ioredis 6 starts with HELLO 3 AUTH and, on NOPROTO, logs in again with AUTH over RESP2.
    const ioredis = await fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { username: 'app-iam', password: token });
    assert.equal(await ioredis.call('ACL', 'WHOAMI'), 'app-iam');
    assert.equal(await ioredis.set('k', 'v'), 'OK');
    // A connection already in RESP3 (a password user's HELLO 3): HELLO 3 AUTH is served, HELLO 2 AUTH is not.
    const resp3 = await fleet.connect(NODE, TLS_PORT, { ca: certs.caPem }, { username: 'pw-user', password: 'pw-user-password' });
    const map = await resp3.call('HELLO', '3', 'AUTH', 'app-iam', token);
    assert.match(JSON.stringify(map), /"proto",3|"proto":3/, JSON.stringify(map));
    assert.equal(await resp3.call('ACL', 'WHOAMI'), 'app-iam');
    assert.match(await errorOf(resp3.call('HELLO', '2', 'AUTH', 'app-iam', token)), /^NOPROTO/);
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
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    assert.equal(await errorOf(waiting.call('AUTH', 'app-iam', token)), WRONGPASS, 'no verifier at all');
    assert.equal(await a.ping(), 'PONG');
  });
});
