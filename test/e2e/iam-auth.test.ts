/**
 * IAM authentication of Redis connections end to end: an ElastiCache user of AuthenticationMode
 * iam in the user group of a TLS replication group, IAM users with and without a policy allowing
 * elasticache:Connect, and tokens built by botocore's signer (Python) and by the JS SDK's. Through
 * the primary endpoint (the nodes check tokens with the IAM auth module): a valid token logs in
 * (redis-cli, ioredis, whose HELLO 3 AUTH switches to RESP3, and HELLO 2 AUTH), an expired one, one of a key whose policy does not allow Connect,
 * one with a bad signature are refused with WRONGPASS; restricted commands stay refused for the
 * IAM user; password users and the default user work as before; an IAM connection is closed after
 * the (shortened) 12-hour limit, unless a new AUTH with a new token renews it; each node's own
 * endpoint takes IAM logins too; killing the
 * control plane drops no IAM connection.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import {
  AddTagsToResourceCommand, CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand,
  ListTagsForResourceCommand, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { CreateAccessKeyCommand, CreateUserCommand as CreateIamUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, writeClientCa, type TestService } from '../helpers/service.js';
import { pythonWith, run } from '../helpers/e2e-exec.js';
import { describeGroup, endpoint, waitAvailable, waitUserGroupsActive } from '../helpers/groups.js';
import { jsToken, pythonToken } from '../helpers/iam-token.js';
import type { SigningCredentials } from '../helpers/sigv4-client.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'iam-auth-group';
const IAM_USER = 'iam-app';
const PW_USER = 'pw-app';
const PW = 'Password-User-Password-01';
const MAX_CONNECTION_MS = 12_000;

describe('IAM authentication of Redis connections', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;
  let group: ReplicationGroup;
  let host: string;
  let port: number;
  let python: string | undefined;
  let allowed: SigningCredentials;
  let unprivileged: SigningCredentials;
  let denied: SigningCredentials;
  let blueOnly: SigningCredentials;
  const clients: Redis[] = [];

  /** redis-cli over TLS at `at` (host:port); output and errors as one trimmed string. */
  const cliAt = async (at: { host: string; port: number }, user: [string, string] | undefined, ...args: string[]): Promise<string> => {
    const auth = user ? ['--user', user[0], '--pass', user[1]] : [];
    const r = await run('redis-cli', ['--tls', '--cacert', caFile, '-h', at.host, '-p', String(at.port), '--no-auth-warning', ...auth, ...args],
      { timeoutMs: 10_000 });
    return `${r.stdout}${r.stderr}`.trim();
  };
  /** redis-cli at the primary endpoint. */
  const cli = (user: [string, string] | undefined, ...args: string[]): Promise<string> => cliAt({ host, port }, user, ...args);
  const ioredis = (username: string, password: string, extra: object = {}): Redis => {
    const r = new Redis({
      host, port, tls: { ca }, username, password, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, ...extra,
    });
    r.on('error', () => {});
    clients.push(r);
    return r;
  };

  /** A connection that has not logged in (the default user until an AUTH). */
  const bare = (): Redis => ioredis('', '', { username: undefined, password: undefined });

  before(async () => {
    svc = await startService(cleanup, { args: ['--iam-connection-max-ms', String(MAX_CONNECTION_MS)] });
    ({ caFile, ca } = await writeClientCa(svc));
    python = await pythonWith('botocore');
    const iam = new IAMClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials });
    cleanup.defer(() => iam.destroy());
    const arnOf = (kind: string, id: string) => `arn:aws:elasticache:us-east-1:*:${kind}:${id}`;
    const userWithKey = async (name: string, policy?: object): Promise<SigningCredentials> => {
      await iam.send(new CreateIamUserCommand({ UserName: name }));
      if (policy) await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'connect', PolicyDocument: JSON.stringify(policy) }));
      const k = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey!;
      return { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
    };
    allowed = await userWithKey('alice', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: [arnOf('replicationgroup', GROUP), arnOf('user', IAM_USER)] }],
    });
    unprivileged = await userWithKey('bob');
    denied = await userWithKey('carol', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' },
        { Effect: 'Deny', Action: 'elasticache:Connect', Resource: arnOf('user', IAM_USER) }],
    });
    blueOnly = await userWithKey('dave', {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } }],
    });
    await svc.client.send(new CreateUserCommand({
      UserId: IAM_USER, UserName: IAM_USER, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' },
    }));
    await svc.client.send(new CreateUserCommand({ UserId: PW_USER, UserName: PW_USER, Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [PW] }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: 'iam-users', Engine: 'redis', UserIds: ['default', IAM_USER, PW_USER] }));
    await waitUserGroupsActive(svc.client, ['iam-users']);
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'IAM auth', NumCacheClusters: 2,
      TransitEncryptionEnabled: true, UserGroupIds: ['iam-users'],
    }));
    await waitAvailable(svc.client, GROUP, 60_000);
    group = await describeGroup(svc.client, GROUP);
    ({ host, port } = endpoint(group, 'PrimaryEndpoint'));
  });
  after(() => { for (const c of clients) c.disconnect(); });

  test('a token from botocore (Python) logs in with redis-cli AUTH; restricted commands stay refused', async (t) => {
    if (!python) return t.skip('python3 with botocore is not installed');
    const token = await pythonToken(python, allowed, GROUP, IAM_USER);
    assert.match(token, new RegExp(`^${GROUP}/\\?Action=connect&User=${IAM_USER}&X-Amz-Algorithm=AWS4-HMAC-SHA256&`));
    // The ACL reaches the node a moment after the group is available: wait for the first login.
    await waitFor(async () => (await cli([IAM_USER, token], 'PING')) === 'PONG', { timeoutMs: 20_000, what: 'an IAM login through the primary endpoint' });
    assert.equal(await cli([IAM_USER, token], 'SET', 'k', 'from-python'), 'OK');
    assert.equal(await cli([IAM_USER, token], 'ACL', 'WHOAMI'), IAM_USER);
    assert.match(await cli([IAM_USER, token], 'CONFIG', 'GET', 'maxmemory'), /NOPERM/);
    assert.match(await cli([IAM_USER, token], 'ACL', 'SETUSER', 'intruder', 'on', 'nopass', '+@all'), /NOPERM/);
    assert.match(await cli([IAM_USER, token], 'SHUTDOWN'), /NOPERM/);
  });

  test('the seed\'s redis-py flow: redis.Redis(password=token, ssl=True) with no username logs in as the token\'s user', async () => {
    const redisPy = await pythonWith('redis');
    assert.ok(redisPy, "no Python with redis-py (Debian's python3-redis)");
    const py = [
      'import redis, sys',
      'r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), password=sys.argv[4], ssl=True, ssl_ca_certs=sys.argv[3], decode_responses=True)',
      'r.set("seed", "py")',
      'print(r.execute_command("ACL", "WHOAMI"), r.get("seed"))',
    ].join('\n');
    const token = await jsToken(allowed, GROUP, IAM_USER);
    const out = await run(redisPy!, ['-c', py, host, String(port), caFile, token], { timeoutMs: 20_000 });
    assert.equal(out.stdout.trim(), `${IAM_USER} py`, out.stderr);
    const refused = await run(redisPy!, ['-c', py, host, String(port), caFile, await jsToken(unprivileged, GROUP, IAM_USER)], { timeoutMs: 20_000 });
    assert.match(refused.stderr, /WRONGPASS|AuthenticationError|invalid username-password/i);
  });

  test('a token from the JS SDK signer logs in with ioredis (AUTH, and HELLO … AUTH)', async () => {
    const token = await jsToken(allowed, GROUP, IAM_USER);
    const r = ioredis(IAM_USER, token);
    await waitFor(async () => {
      try { await r.connect(); return true; } catch { r.disconnect(); return false; }
    }, { timeoutMs: 20_000, what: 'ioredis to log in with IAM' });
    assert.equal(await r.set('js', 'ok'), 'OK');
    assert.equal(await r.call('ACL', 'WHOAMI'), IAM_USER);
    // A pipelined burst: once logged in, the connection is a plain one to the node.
    const p = r.pipeline();
    for (let i = 0; i < 1000; i++) p.incr('counter');
    const out = await p.exec();
    assert.equal(out!.at(-1)![1], 1000);
    r.disconnect();
    // HELLO 2 AUTH (ioredis, connecting above, logged in with HELLO 3 AUTH: next test).
    const hello = ioredis('', '', { username: undefined, password: undefined, protocol: 2 });
    await hello.connect();
    const reply = await hello.call('HELLO', '2', 'AUTH', IAM_USER, token) as unknown[];
    assert.ok(JSON.stringify(reply).includes('"proto",2'), JSON.stringify(reply));
    assert.equal(await hello.call('ACL', 'WHOAMI'), IAM_USER);
    hello.disconnect();
  });

  test('RESP3 with a botocore token: ioredis protocol 3 logs in by HELLO 3 AUTH, gets maps and push messages', async (t) => {
    if (!python) return t.skip('python3 with botocore is not installed');
    const token = await pythonToken(python, allowed, GROUP, IAM_USER);
    const r = ioredis(IAM_USER, token, { protocol: 3, replyMapping: 'resp3' });
    await r.connect();
    assert.deepEqual(await r.call('ACL', 'WHOAMI'), IAM_USER);
    const info = String(await r.call('CLIENT', 'INFO'));
    assert.match(info, / resp=3(\s|$)/, info);
    assert.match(info, / user=iam-app /, info);
    const hello = await r.call('HELLO', '3') as Record<string, unknown>;
    assert.equal(hello['proto'], 3, 'HELLO answers a map');
    // Push messages on a RESP3 subscriber.
    const sub = ioredis(IAM_USER, token, { protocol: 3 });
    await sub.connect();
    const got = new Promise<string>((resolve) => sub.once('message', (_ch: string, msg: string) => resolve(msg)));
    await sub.subscribe('iam-news');
    assert.equal(await r.publish('iam-news', 'hello-resp3'), 1);
    assert.equal(await got, 'hello-resp3');
    // Refused as over AUTH: a key whose policy does not allow Connect (ioredis closes on HELLO's WRONGPASS).
    const refused = ioredis(IAM_USER, await pythonToken(python, unprivileged, GROUP, IAM_USER), { protocol: 3 });
    await assert.rejects(refused.connect());
    for (const c of [r, sub, refused]) c.disconnect();
  });

  test('refused: an expired token, a key whose policy does not allow Connect, an explicit deny, a bad signature', async () => {
    const expired = await jsToken(allowed, GROUP, IAM_USER, { signingDate: new Date(Date.now() - 16 * 60_000) });
    assert.match(await cli([IAM_USER, expired], 'PING'), /WRONGPASS/);
    assert.match(await cli([IAM_USER, await jsToken(unprivileged, GROUP, IAM_USER)], 'PING'), /WRONGPASS/);
    assert.match(await cli([IAM_USER, await jsToken(denied, GROUP, IAM_USER)], 'PING'), /WRONGPASS/);
    const good = await jsToken(allowed, GROUP, IAM_USER);
    const forged = good.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
    assert.notEqual(forged, good);
    assert.match(await cli([IAM_USER, forged], 'PING'), /WRONGPASS/);
    assert.match(await cli([IAM_USER, await jsToken(allowed, 'other-group', IAM_USER)], 'PING'), /WRONGPASS/, 'a token for another cache');
    // A client refused once may try again on the same connection (AUTH is answered, not fatal),
    // also after other commands (ioredis's INFO ready check comes first here).
    const r = bare();
    await r.connect();
    await assert.rejects(r.call('AUTH', IAM_USER, expired), /WRONGPASS/);
    assert.equal(await r.call('AUTH', IAM_USER, good), 'OK');
    assert.equal(await r.call('ACL', 'WHOAMI'), IAM_USER);
    r.disconnect();
  });

  test('refused after expiry: a botocore token with X-Amz-Expires 1', async (t) => {
    if (!python) return t.skip('python3 with botocore is not installed');
    const signedAt = Date.now();
    const token = await pythonToken(python, allowed, GROUP, IAM_USER, 1);
    // X-Amz-Date has whole seconds: past signedAt + 2 s the token has certainly expired.
    await waitFor(() => Date.now() > signedAt + 2_500, { timeoutMs: 5_000, intervalMs: 100, what: 'the token to expire' });
    assert.match(await cli([IAM_USER, token], 'PING'), /WRONGPASS/);
  });

  test('a Connect policy on aws:ResourceTag: refused until both the group and the user carry the tag', async () => {
    assert.match(await cli([IAM_USER, await jsToken(blueOnly, GROUP, IAM_USER)], 'PING'), /WRONGPASS/, 'untagged');
    await svc.client.send(new AddTagsToResourceCommand({ ResourceName: group.ARN!, Tags: [{ Key: 'team', Value: 'blue' }] }));
    // The verifier gets the group's new tags with its next config; the user still has none.
    await waitFor(async () => (await svc.client.send(new ListTagsForResourceCommand({ ResourceName: group.ARN! }))).TagList?.length === 1,
      { timeoutMs: 5_000, what: 'the tag' });
    const userArn = group.ARN!.replace(/replicationgroup:.*$/, `user:${IAM_USER}`);
    await svc.client.send(new AddTagsToResourceCommand({ ResourceName: userArn, Tags: [{ Key: 'team', Value: 'blue' }] }));
    await waitFor(async () => (await cli([IAM_USER, await jsToken(blueOnly, GROUP, IAM_USER)], 'PING')) === 'PONG',
      { timeoutMs: 20_000, what: 'a login allowed by the tags' });
    await svc.client.send(new AddTagsToResourceCommand({ ResourceName: group.ARN!, Tags: [{ Key: 'team', Value: 'red' }] }));
    await waitFor(async () => /WRONGPASS/.test(await cli([IAM_USER, await jsToken(blueOnly, GROUP, IAM_USER)], 'PING')),
      { timeoutMs: 20_000, what: 'a login refused once the group is retagged' });
  });

  test('password users and the default user work through the same endpoint', async () => {
    assert.equal(await cli([PW_USER, PW], 'GET', 'k'), 'from-python');
    assert.match(await cli([PW_USER, 'wrong-password-000000'], 'PING'), /WRONGPASS/);
    assert.equal(await cli(undefined, 'PING'), 'PONG', 'the default user (on, nopass)');
    assert.match(await cli([PW_USER, await jsToken(allowed, GROUP, PW_USER)], 'PING'), /WRONGPASS/, 'a token is no password of a non-IAM user');
  });

  test('a node endpoint takes IAM logins too and refuses bad tokens; replication goes on', async () => {
    const nodes = await Promise.all(group.MemberClusters!.map(async (id) => {
      const c = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }))).CacheClusters![0]!;
      const e = c.CacheNodes![0]!.Endpoint!;
      return { id, host: e.Address!, port: e.Port! };
    }));
    const primaryId = group.NodeGroups![0]!.NodeGroupMembers!.find((m) => m.CurrentRole === 'primary')!.CacheClusterId!;
    const primary = nodes.find((n) => n.id === primaryId)!;
    const replica = nodes.find((n) => n.id !== primaryId)!;
    const token = await jsToken(allowed, GROUP, IAM_USER);
    for (const n of nodes) {
      // The node's IAM auth module checks the token (the verifier answers for it).
      await waitFor(async () => (await cliAt(n, [IAM_USER, token], 'PING')) === 'PONG', { timeoutMs: 20_000, what: `an IAM login at ${n.id}'s endpoint` });
      assert.equal(await cliAt(n, [IAM_USER, token], 'ACL', 'WHOAMI'), IAM_USER);
      const forged = token.replace(/X-Amz-Signature=([0-9a-f])/, (_m, c: string) => `X-Amz-Signature=${c === '0' ? '1' : '0'}`);
      assert.match(await cliAt(n, [IAM_USER, forged], 'PING'), /WRONGPASS/, `a forged token at ${n.id}`);
      assert.match(await cliAt(n, [IAM_USER, await jsToken(unprivileged, GROUP, IAM_USER)], 'PING'), /WRONGPASS/, `a key without Connect at ${n.id}`);
      assert.equal(await cliAt(n, [PW_USER, PW], 'PING'), 'PONG', `a password user at ${n.id}`);
    }
    assert.equal(await cliAt(primary, [IAM_USER, token], 'SET', 'via-node', 'replicated'), 'OK');
    await waitFor(async () => (await cliAt(replica, [IAM_USER, token], 'GET', 'via-node')) === 'replicated',
      { timeoutMs: 10_000, what: 'the write to reach the replica' });
    assert.equal((await describeGroup(svc.client, GROUP)).Status, 'available');
  });

  // The two limits run side by side: each waits out the (shortened) limit, so together they take one.
  describe('the connection limit', { concurrency: 2 }, () => {
    test('an IAM connection is closed after the connection limit (12 hours, shortened here); a password one is not', async () => {
      const r = ioredis(IAM_USER, await jsToken(allowed, GROUP, IAM_USER));
      const pw = ioredis(PW_USER, PW);
      await Promise.all([r.connect(), pw.connect()]);
      const opened = Date.now();
      let closedAt = 0;
      r.once('close', () => { closedAt = Date.now(); });
      await waitFor(() => closedAt > 0, { timeoutMs: MAX_CONNECTION_MS + 10_000, what: 'the IAM connection to be closed' });
      assert.ok(closedAt - opened >= MAX_CONNECTION_MS - 1000, `closed after ${closedAt - opened} ms`);
      assert.equal(await pw.ping(), 'PONG');
      pw.disconnect();
    });

    test('a new AUTH with a new token renews the connection\'s limit; a refused one leaves it as it was', async () => {
      const r = ioredis(IAM_USER, await jsToken(allowed, GROUP, IAM_USER));
      await r.connect();
      const opened = Date.now();
      let closedAt = 0;
      r.once('close', () => { closedAt = Date.now(); });
      await waitFor(() => Date.now() >= opened + MAX_CONNECTION_MS / 2, { timeoutMs: MAX_CONNECTION_MS, intervalMs: 100, what: 'half the limit' });
      await assert.rejects(r.call('AUTH', IAM_USER, await jsToken(unprivileged, GROUP, IAM_USER)), /WRONGPASS/);
      assert.equal(await r.call('ACL', 'WHOAMI'), IAM_USER, 'a refused AUTH keeps the login');
      assert.equal(await r.call('AUTH', IAM_USER, await jsToken(allowed, GROUP, IAM_USER)), 'OK');
      const renewed = Date.now();
      await waitFor(() => Date.now() >= opened + MAX_CONNECTION_MS + 2_000, { timeoutMs: MAX_CONNECTION_MS * 2, intervalMs: 100, what: 'the first limit to pass' });
      assert.equal(closedAt, 0, 'still open past the first limit');
      assert.equal(await r.incr('renewed'), 1);
      await waitFor(() => closedAt > 0, { timeoutMs: MAX_CONNECTION_MS + 10_000, what: 'the renewed connection to be closed' });
      assert.ok(closedAt - renewed >= MAX_CONNECTION_MS - 1000 && closedAt - renewed <= MAX_CONNECTION_MS + 5000,
        `closed ${closedAt - renewed} ms after the renewal`);
    });
  });

  test('kill -9 of the control plane drops no IAM connection, and new IAM logins still work', async () => {
    const token = await jsToken(allowed, GROUP, IAM_USER);
    const r = ioredis(IAM_USER, token);
    await r.connect();
    await svc.kill9();
    assert.equal(await r.incr('after-kill'), 1);
    assert.equal(await cli([IAM_USER, token], 'PING'), 'PONG');
    r.disconnect();
    await svc.restart();
  });
});
