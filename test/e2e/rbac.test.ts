/**
 * Role-based access control end to end: users and a user group made through the API, a TLS
 * replication group created with the user group, then real clients (redis-cli --tls --user
 * --pass, ioredis) on the primary endpoint and on every node endpoint: a user with
 * `on ~app::* -@all +@read` reads app::x and is refused a write and any other key; a custom
 * default user that is `off` lets no unauthenticated client in. The same holds on the new primary
 * after a kill -9 of the old one, and on a replica added later. ModifyUser applies live to an open
 * connection; removing the user from the group revokes it everywhere.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeEventsCommand, DescribeUserGroupsCommand,
  DescribeUsersCommand, IncreaseReplicaCountCommand, ModifyReplicationGroupCommand, ModifyUserCommand, ModifyUserGroupCommand, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';
import { run } from '../helpers/e2e-exec.js';
import { describeGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import { waitFor } from '../../src/util/wait.js';
import { sha256Hex } from '../../src/security/auth-token.js';

const GROUP = 'rbac-group';
const READER_PW = 'App-Reader-Password-0001';
const ADMIN_PW = 'App-Admin-Password-00001';
const DEFAULT_PW = 'Custom-Default-Password-1';

describe('RBAC: users, user groups and Redis ACLs on every node', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;
  let group: ReplicationGroup;
  const clients: Redis[] = [];

  /** redis-cli over TLS; `user` undefined: no AUTH. Returns trimmed output (stdout and stderr) and the exit code. */
  const cli = async (host: string, port: number, user: [string, string] | undefined, ...args: string[]) => {
    const auth = user ? ['--user', user[0], '--pass', user[1]] : [];
    const r = await run('redis-cli', ['--tls', '--cacert', caFile, '-h', host, '-p', String(port), '--no-auth-warning', ...auth, ...args], { timeoutMs: 10_000 });
    return `${r.stdout}${r.stderr}`.trim();
  };
  const reader: [string, string] = ['app-reader', READER_PW];
  const admin: [string, string] = ['app-admin', ADMIN_PW];
  /** Every endpoint of the group: the primary endpoint and each node's own. */
  const endpoints = (g: ReplicationGroup) => [
    { name: 'primary endpoint', ...endpoint(g, 'PrimaryEndpoint') },
    ...members(g).map((m) => ({ name: `${m.CacheClusterId} (${m.CurrentRole})`, host: m.ReadEndpoint!.Address!, port: m.ReadEndpoint!.Port! })),
  ];
  const userStatus = async (id: string) => (await svc.client.send(new DescribeUsersCommand({ UserId: id }))).Users![0]!.Status;
  const userGroupStatus = async () => (await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: 'app-users' }))).UserGroups![0]!.Status;
  /**
   * GET as `user` at an endpoint, waiting (with a deadline) for `want`: replication is asynchronous,
   * so a replica may answer with the value from before a write made on the primary a moment ago.
   */
  const readAs = async (e: { host: string; port: number; name: string }, user: [string, string], key: string, want: string): Promise<void> => {
    let got = '';
    await waitFor(async () => (got = await cli(e.host, e.port, user, 'GET', key)) === want, { timeoutMs: 10_000, intervalMs: 50, what: `${key} = ${want} at ${e.name}` })
      .catch(() => undefined);
    assert.equal(got, want, e.name);
  };

  /** app-reader reads app::x and nothing else, writes nothing; unauthenticated clients get nowhere. */
  async function readerIsReadOnly(host: string, port: number, where: string): Promise<void> {
    await waitFor(async () => (await cli(host, port, reader, 'GET', 'app::x')) === 'hello', { timeoutMs: 10_000, what: `GET app::x as app-reader on ${where}` });
    assert.match(await cli(host, port, reader, 'SET', 'app::x', '1'), /NOPERM/, `SET app::x on ${where}`);
    assert.match(await cli(host, port, reader, 'GET', 'other'), /NOPERM/, `GET other on ${where}`);
    assert.match(await cli(host, port, undefined, 'GET', 'app::x'), /NOAUTH|WRONGPASS|NOPERM/, `no AUTH on ${where}`);
  }

  before(async () => {
    svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
    ({ caFile, ca } = await writeClientCa(svc));
  });
  after(() => { for (const c of clients) c.disconnect(); });

  test('users (the aws CLI with --passwords) and a user group with a custom default user', async () => {
    const r = await run('aws', ['elasticache', 'create-user', '--endpoint-url', svc.url, '--output', 'json', '--user-id', 'app-reader',
      '--user-name', 'app-reader', '--engine', 'redis', '--access-string', 'on ~app::* -@all +@read', '--passwords', READER_PW],
    { env: svc.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const created = JSON.parse(r.stdout);
    assert.equal(created.Status, 'active');
    assert.deepEqual(created.Authentication, { Type: 'password', PasswordCount: 1 });
    assert.ok(!r.stdout.includes(READER_PW));
    await svc.client.send(new CreateUserCommand({
      UserId: 'app-admin', UserName: 'app-admin', Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [ADMIN_PW] }));
    await svc.client.send(new CreateUserCommand({
      UserId: 'custom-default', UserName: 'default', Engine: 'redis', AccessString: 'off ~* +@all', Passwords: [DEFAULT_PW] }));
    const ug = await svc.client.send(new CreateUserGroupCommand({
      UserGroupId: 'app-users', Engine: 'redis', UserIds: ['custom-default', 'app-reader', 'app-admin'] }));
    assert.equal(ug.Status, 'creating');
    await waitFor(async () => (await userGroupStatus()) === 'active', { what: 'the user group to be active' });
  });

  test('a 3-node TLS group with the user group becomes available', async () => {
    const out = await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'RBAC', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 3,
      AutomaticFailoverEnabled: true, MultiAZEnabled: true, TransitEncryptionEnabled: true, UserGroupIds: ['app-users'],
    }));
    assert.deepEqual(out.ReplicationGroup!.UserGroupIds, ['app-users']);
    group = await waitAvailable(svc.client, GROUP, 30_000);
    assert.deepEqual(group.UserGroupIds, ['app-users']);
    assert.equal(group.AuthTokenEnabled, false);
    const ug = (await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: 'app-users' }))).UserGroups![0]!;
    assert.deepEqual(ug.ReplicationGroups, [GROUP]);
  });

  test('app-reader reads app::x and is refused writes and other keys, on the primary endpoint and every node', async () => {
    const p = endpoint(group, 'PrimaryEndpoint');
    assert.equal(await cli(p.host, p.port, admin, 'SET', 'app::x', 'hello'), 'OK');
    assert.equal(await cli(p.host, p.port, admin, 'SET', 'other', 'secret'), 'OK');
    for (const e of endpoints(group)) await readerIsReadOnly(e.host, e.port, e.name);
    // The custom default user is off: even its password does not authenticate.
    assert.match(await cli(p.host, p.port, ['default', DEFAULT_PW], 'PING'), /WRONGPASS|disabled|AUTH failed/);
  });

  test('nodes keep only password hashes, and the admin user is still there', async () => {
    for (const key of await readdir(join(svc.dataDir, 'nodes'))) {
      const conf = await readFile(join(svc.dataDir, 'nodes', key, 'redis.conf'), 'utf8');
      for (const pw of [READER_PW, ADMIN_PW, DEFAULT_PW]) assert.ok(!conf.includes(pw), `${key}/redis.conf holds a password`);
      assert.ok(conf.includes(`user app-reader reset on ~app::* -@all +@read #${sha256Hex(READER_PW)}`), conf);
      assert.match(conf, /^user default reset off ~\* \+@all #[0-9a-f]{64} -bgrewriteaof .* -cluster\|setslot$/m);
      assert.match(conf, /^user cachefleet-admin on #[0-9a-f]{64} ~\* &\* \+@all$/m);
    }
    const db = await readFile(join(svc.dataDir, 'state.db'));
    for (const pw of [READER_PW, ADMIN_PW, DEFAULT_PW]) assert.equal(db.indexOf(Buffer.from(pw)), -1, 'state.db holds a password');
    assert.ok(!svc.logs.some((l) => l.includes(READER_PW) || l.includes(ADMIN_PW)), 'a log line holds a password');
  });

  test('kill -9 of the primary: the new primary (and the old one, back as a replica) enforce the same ACL', async () => {
    const old = primaryOf(group);
    process.kill(await nodePid(svc.dataDir, old), 'SIGKILL');
    const after = await waitAvailable(svc.client, GROUP, 40_000, (g) => {
      const ms = members(g);
      return ms.filter((m) => m.CurrentRole === 'primary').length === 1 && primaryOf(g) !== old;
    });
    const p = endpoint(after, 'PrimaryEndpoint');
    await waitFor(async () => (await cli(p.host, p.port, admin, 'SET', 'after-failover', '1')) === 'OK', { timeoutMs: 15_000, what: 'a write through the new primary' });
    const newPrimary = members(after).find((m) => m.CurrentRole === 'primary')!;
    await readerIsReadOnly(newPrimary.ReadEndpoint!.Address!, newPrimary.ReadEndpoint!.Port!, `new primary ${newPrimary.CacheClusterId}`);
    await readerIsReadOnly(p.host, p.port, 'primary endpoint after failover');
    const oldMember = members(after).find((m) => m.CacheClusterId === old)!;
    await waitFor(async () => /master_link_status:up/.test(await cli(oldMember.ReadEndpoint!.Address!, oldMember.ReadEndpoint!.Port!, admin, 'INFO', 'replication')),
      { timeoutMs: 30_000, what: 'the old primary to rejoin as a replica' });
    await readerIsReadOnly(oldMember.ReadEndpoint!.Address!, oldMember.ReadEndpoint!.Port!, `recovered ${old}`);
    group = await waitAvailable(svc.client, GROUP, 30_000);
  });

  test('a replica added later (IncreaseReplicaCount) starts with the ACL', async () => {
    await svc.client.send(new IncreaseReplicaCountCommand({ ReplicationGroupId: GROUP, NewReplicaCount: 3, ApplyImmediately: true }));
    group = await waitAvailable(svc.client, GROUP, 40_000, (g) => g.MemberClusters!.length === 4);
    const added = members(group).find((m) => m.CacheClusterId === `${GROUP}-004`)!;
    await readerIsReadOnly(added.ReadEndpoint!.Address!, added.ReadEndpoint!.Port!, 'the new replica');
  });

  test('ModifyUser applies live, to a connection already open, on every node', async () => {
    const p = endpoint(group, 'PrimaryEndpoint');
    const open = new Redis({ host: p.host, port: p.port, tls: { ca }, username: 'app-reader', password: READER_PW,
      maxRetriesPerRequest: 1, enableReadyCheck: false }); // the ready check's INFO is not a permission app-reader has
    open.on('error', () => undefined);
    clients.push(open);
    let closes = 0;
    open.on('close', () => { closes++; });
    assert.equal(await open.get('app::x'), 'hello');
    await assert.rejects(open.set('app::x', 'from-reader'), /NOPERM/);

    const out = await svc.client.send(new ModifyUserCommand({ UserId: 'app-reader', AccessString: 'on ~app::* -@all +@read +@write' }));
    assert.equal(out.Status, 'modifying');
    await waitFor(async () => (await userStatus('app-reader')) === 'active', { timeoutMs: 15_000, what: 'the user to be active again' });
    assert.equal(await open.set('app::x', 'from-reader'), 'OK', 'the open connection may write now');
    await assert.rejects(open.get('other'), /NOPERM/);
    assert.equal(closes, 0, 'the connection was never dropped');
    for (const e of endpoints(group)) {
      assert.match(await cli(e.host, e.port, reader, 'GET', 'other'), /NOPERM/, e.name);
      if (e.name.includes('replica')) {
        // A replica refuses the write for being a replica, not for lack of permission.
        assert.match(await cli(e.host, e.port, reader, 'SET', 'app::y', '1'), /READONLY/, e.name);
      }
    }
    assert.equal(await cli(p.host, p.port, reader, 'SET', 'app::y', '1'), 'OK');
  });

  test('removing the user from the group revokes it on every node, closing its connections', async () => {
    const p = endpoint(group, 'PrimaryEndpoint');
    const open = clients[0]!;
    assert.equal(await open.get('app::x'), 'from-reader');
    const out = await svc.client.send(new ModifyUserGroupCommand({ UserGroupId: 'app-users', UserIdsToRemove: ['app-reader'] }));
    assert.equal(out.Status, 'modifying');
    assert.deepEqual(out.PendingChanges, { UserIdsToAdd: [], UserIdsToRemove: ['app-reader'] });
    await waitFor(async () => (await userGroupStatus()) === 'active', { timeoutMs: 15_000, what: 'the user group to be active again' });
    for (const e of endpoints(group)) {
      assert.match(await cli(e.host, e.port, reader, 'GET', 'app::x'), /WRONGPASS|AUTH failed/, e.name);
      await readAs(e, admin, 'app::x', 'from-reader');
    }
    await assert.rejects(open.call('GET', 'app::x'), 'the open connection of the removed user is closed or refused');
    assert.equal(await cli(p.host, p.port, admin, 'ACL', 'WHOAMI'), 'app-admin');

    const events = await svc.client.send(new DescribeEventsCommand({ SourceType: 'user-group', Duration: 60 }));
    const messages = events.Events!.map((e) => e.Message!);
    assert.ok(messages.some((m) => /User group app-users modified: live on every node of rbac-group/.test(m)), messages.join('\n'));
  });

  test('after a kill -9 of the control plane, the ACL stays and changes still reach every node', async () => {
    await svc.kill9();
    await svc.restart();
    const out = await svc.client.send(new ModifyUserCommand({ UserId: 'app-admin', AccessString: 'on ~* +@all -flushall' }));
    assert.equal(out.Status, 'modifying');
    await waitFor(async () => (await userStatus('app-admin')) === 'active', { timeoutMs: 20_000, what: 'app-admin to be active again' });
    group = await waitAvailable(svc.client, GROUP, 20_000);
    for (const e of endpoints(group)) {
      await readAs(e, admin, 'app::x', 'from-reader');
      assert.match(await cli(e.host, e.port, admin, 'FLUSHALL'), /NOPERM/, e.name);
      assert.match(await cli(e.host, e.port, reader, 'GET', 'app::x'), /WRONGPASS|AUTH failed/, e.name);
    }
  });

  test('from an AUTH token to RBAC (DELETE with UserGroupIdsToAdd) and back (RemoveUserGroups with ROTATE), live', async () => {
    const TOKEN = 'YourStrongAuthToken123!';
    const NEW_TOKEN = 'An0ther-Strong-Token-456';
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'tokened', ReplicationGroupDescription: 'AUTH', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2,
      TransitEncryptionEnabled: true, AuthToken: TOKEN,
    }));
    let g = await waitAvailable(svc.client, 'tokened', 30_000);
    const p = endpoint(g, 'PrimaryEndpoint');
    const token = (t: string) => ['default', t] as [string, string];
    assert.equal(await cli(p.host, p.port, token(TOKEN), 'SET', 'app::x', 'tok'), 'OK');

    const moved = await svc.client.send(new ModifyReplicationGroupCommand({
      ReplicationGroupId: 'tokened', UserGroupIdsToAdd: ['app-users'], AuthTokenUpdateStrategy: 'DELETE', ApplyImmediately: true }));
    assert.deepEqual(moved.ReplicationGroup!.PendingModifiedValues!.UserGroups, { UserGroupIdsToAdd: ['app-users'], UserGroupIdsToRemove: [] });
    g = await waitAvailable(svc.client, 'tokened', 20_000, (x) => !x.PendingModifiedValues?.UserGroups);
    assert.deepEqual(g.UserGroupIds, ['app-users']);
    assert.equal(g.AuthTokenEnabled, false);
    for (const e of endpoints(g)) {
      assert.match(await cli(e.host, e.port, token(TOKEN), 'GET', 'app::x'), /WRONGPASS|AUTH failed/, `the token is gone on ${e.name}`);
      await readAs(e, admin, 'app::x', 'tok');
      assert.match(await cli(e.host, e.port, undefined, 'GET', 'app::x'), /NOAUTH/, e.name);
    }

    await svc.client.send(new ModifyReplicationGroupCommand({
      ReplicationGroupId: 'tokened', RemoveUserGroups: true, AuthToken: NEW_TOKEN, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }));
    g = await waitAvailable(svc.client, 'tokened', 20_000, (x) => !x.PendingModifiedValues?.UserGroups && !x.PendingModifiedValues?.AuthTokenStatus);
    assert.equal(g.UserGroupIds, undefined);
    assert.equal(g.AuthTokenEnabled, true);
    for (const e of endpoints(g)) {
      assert.equal(await cli(e.host, e.port, token(NEW_TOKEN), 'GET', 'app::x'), 'tok', e.name);
      assert.match(await cli(e.host, e.port, admin, 'GET', 'app::x'), /WRONGPASS|AUTH failed/, `RBAC users are gone from ${e.name}`);
    }
    const ug = (await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: 'app-users' }))).UserGroups![0]!;
    assert.deepEqual(ug.ReplicationGroups, [GROUP]);
  });
});
