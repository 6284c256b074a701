import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESTRICTION_RULES as R } from '../security/restricted-commands.js';
import { renderRedisConf } from '../engine/config.js';
import { sha256Hex } from '../security/auth-token.js';
import type { NodeAcl } from '../security/node-acl.js';
import { ADMIN_USER } from '../security/node-security.js';
import type { UserGroupSpec, UserSpec } from '../store/index.js';
import { AclApplier, aclConfigLines, desiredAcl, parseAclList, planAcl } from './acl.js';

const H1 = sha256Hex('first-password-0001');
const H2 = sha256Hex('second-password-002');

function user(userId: string, userName: string, accessString: string, passwords: string[] | 'none', extra: Partial<UserSpec> = {}): UserSpec {
  return {
    userId, userName, engine: 'redis', accessString,
    authentication: passwords === 'none' ? { type: 'no-password-required', passwordHashes: [] } : { type: 'password', passwordHashes: passwords },
    userGroupIds: [], arn: `arn:aws:elasticache:us-east-1:123456789012:user:${userId}`, minimumEngineVersion: '6.0',
    createdAt: '2026-01-01T00:00:00.000Z', ...extra,
  };
}

function group(userGroupId: string, userIds: string[]): UserGroupSpec {
  return { userGroupId, engine: 'redis', userIds, replicationGroups: [], arn: `arn:x:${userGroupId}`, minimumEngineVersion: '6.0', createdAt: 'x' };
}

const USERS = new Map([
  ['default', user('default', 'default', 'on ~* +@all', 'none', { builtIn: true })],
  ['my-default', user('my-default', 'default', 'off', [H1])],
  ['app-reader', user('app-reader', 'app-reader', 'on ~app::* -@all +@read', [H1])],
  ['app-writer', user('app-writer', 'app-writer', 'on ~app::* +@all', [H1, H2])],
  ['gone', user('gone', 'gone', 'on ~* +@all', [H1], { deleteRequested: true })],
]);
const GROUPS = new Map([
  ['ug', group('ug', ['default', 'app-reader', 'app-writer'])],
  ['ug-custom', group('ug-custom', ['app-writer', 'my-default', 'gone'])],
]);

describe('desired ACL of a node', () => {
  it('without user groups: no users (default follows the AUTH token state)', () => {
    const none = desiredAcl(undefined, GROUPS, USERS);
    assert.deepEqual(none, { rbac: false, users: [], iamUsers: [], fingerprint: none.fingerprint });
    assert.equal(desiredAcl({ userGroupIds: [] }, GROUPS, USERS).fingerprint, none.fingerprint);
  });

  it("with a user group: its default user's rules as `default`, then every other user by name", () => {
    const acl = desiredAcl({ userGroupIds: ['ug'] }, GROUPS, USERS);
    assert.equal(acl.rbac, true);
    assert.deepEqual(acl.users, [
      { name: 'default', rules: ['reset', 'on', '~*', '+@all', 'nopass', ...R] },
      { name: 'app-reader', rules: ['reset', 'on', '~app::*', '-@all', '+@read', `#${H1}`, ...R] },
      { name: 'app-writer', rules: ['reset', 'on', '~app::*', '+@all', `#${H1}`, `#${H2}`, ...R] },
    ]);
  });

  it('a custom default user (off, with a password) replaces the built-in one; users being deleted are left out', () => {
    const acl = desiredAcl({ userGroupIds: ['ug-custom'] }, GROUPS, USERS);
    assert.deepEqual(acl.users.map((u) => [u.name, u.rules.join(' ')]), [
      ['default', `reset off #${H1} ${R.join(' ')}`],
      ['app-writer', `reset on ~app::* +@all #${H1} #${H2} ${R.join(' ')}`],
    ]);
  });

  it('the fingerprint changes with any rule, password or membership, and only then', () => {
    const base = desiredAcl({ userGroupIds: ['ug'] }, GROUPS, USERS).fingerprint;
    assert.equal(desiredAcl({ userGroupIds: ['ug'] }, new Map(GROUPS), new Map(USERS)).fingerprint, base);
    const modified = new Map(USERS).set('app-reader', { ...USERS.get('app-reader')!, accessString: 'on ~app::* -@all +@read +@write' });
    assert.notEqual(desiredAcl({ userGroupIds: ['ug'] }, GROUPS, modified).fingerprint, base);
    const repassed = new Map(USERS).set('app-reader', { ...USERS.get('app-reader')!, authentication: { type: 'password', passwordHashes: [H2] } });
    assert.notEqual(desiredAcl({ userGroupIds: ['ug'] }, GROUPS, repassed).fingerprint, base);
    const smaller = new Map(GROUPS).set('ug', group('ug', ['default', 'app-reader']));
    assert.notEqual(desiredAcl({ userGroupIds: ['ug'] }, smaller, USERS).fingerprint, base);
  });

  it('never lets a group without a default user leave `default` open', () => {
    const acl = desiredAcl({ userGroupIds: ['odd'] }, new Map([['odd', group('odd', ['app-reader'])]]), USERS);
    assert.deepEqual(acl.users[0], { name: 'default', rules: ['reset', 'off', ...R] });
  });

  it('renders as redis.conf user lines that keep every rule a token', () => {
    const acl = desiredAcl({ userGroupIds: ['ug'] }, GROUPS, USERS);
    const conf = renderRedisConf({ key: 'k', binary: 'redis-server', address: '127.0.0.1', port: 6379, config: { user: aclConfigLines(acl.users) } },
      { dir: '/d', conf: '/d/redis.conf', pid: '/d/redis.pid', log: '/d/redis.log' });
    assert.match(conf, /^user default reset on ~\* \+@all nopass -bgrewriteaof .* -cluster\|setslot$/m);
    assert.match(conf, new RegExp(`^user app-reader reset on ~app::\\* -@all \\+@read #${H1} -bgrewriteaof .*$`, 'm'));
  });
});

describe('bringing a node to the desired ACL', () => {
  const acl: NodeAcl = desiredAcl({ userGroupIds: ['ug'] }, GROUPS, USERS);

  it('plans: missing users set, unknown users deleted, never the admin user or default', () => {
    const live = parseAclList([
      `user ${ADMIN_USER} on #abc ~* &* +@all`, 'user default on nopass ~* &* +@all', 'user old-user on #abc ~* +@all',
    ]);
    const plan = planAcl(acl, live, new Map());
    assert.deepEqual(plan.set.map((u) => u.name), ['default', 'app-reader', 'app-writer']);
    assert.deepEqual(plan.del, ['old-user']);
    const none = desiredAcl(undefined, GROUPS, USERS);
    assert.deepEqual(planAcl(none, live, new Map()), { set: [], del: ['old-user'] });
  });

  /** A node's ACL as far as ACL LIST / SETUSER / DELUSER go: Redis prints rules its own way (here: upper case). */
  function fakeNode(users: Record<string, string>) {
    const calls: string[][] = [];
    const acl = new Map(Object.entries(users));
    return {
      calls, acl,
      async call(cmd: string, args: string[]) {
        calls.push([cmd, ...args]);
        const [sub, ...rest] = args;
        if (sub === 'LIST') return [...acl.entries()].map(([n, r]) => `user ${n} ${r}`);
        if (sub === 'SETUSER') { acl.set(rest[0]!, rest.slice(1).filter((r) => r !== 'reset').join(' ').toUpperCase()); return 'OK'; }
        if (sub === 'DELUSER') { for (const n of rest) acl.delete(n); return rest.length; }
        throw new Error(`unexpected ${cmd} ${args.join(' ')}`);
      },
    };
  }

  it('applies once, then a steady node gets only ACL LIST; drift and changes are set again', async () => {
    const node = fakeNode({ [ADMIN_USER]: 'on #abc ~* &* +@all', default: 'on nopass ~* &* +@all', 'old-user': 'on ~* +@all' });
    const applier = new AclApplier();
    const first = await applier.apply(node, 'n1', acl);
    assert.deepEqual(first.set.map((u) => u.name), ['default', 'app-reader', 'app-writer']);
    assert.deepEqual(first.del, ['old-user']);
    assert.deepEqual([...node.acl.keys()].sort(), ['app-reader', 'app-writer', ADMIN_USER, 'default'].sort());

    node.calls.length = 0;
    const steady = await applier.apply(node, 'n1', acl);
    assert.deepEqual(steady, { set: [], del: [] });
    assert.deepEqual(node.calls, [['ACL', 'LIST']]);

    // Someone changed a user behind cachefleet's back: set again.
    node.acl.set('app-reader', 'ON ~* +@ALL');
    assert.deepEqual((await applier.apply(node, 'n1', acl)).set.map((u) => u.name), ['app-reader']);

    // The records changed: only the changed user is set.
    const users = new Map(USERS).set('app-writer', { ...USERS.get('app-writer')!, accessString: 'on ~app::* -@all +@write' });
    const next = desiredAcl({ userGroupIds: ['ug'] }, GROUPS, users);
    assert.deepEqual((await applier.apply(node, 'n1', next)).set.map((u) => u.name), ['app-writer']);

    // User groups detached: every RBAC user goes; admin and default stay.
    const detached = await applier.apply(node, 'n1', desiredAcl(undefined, GROUPS, USERS));
    assert.deepEqual(detached.del, ['app-reader', 'app-writer']);
    assert.deepEqual([...node.acl.keys()].sort(), [ADMIN_USER, 'default'].sort());

    // Another applier (a restarted control plane) sets each user once, then is steady.
    const again = new AclApplier();
    await again.apply(node, 'n1', acl);
    assert.deepEqual((await again.apply(node, 'n1', acl)), { set: [], del: [] });
  });
});
