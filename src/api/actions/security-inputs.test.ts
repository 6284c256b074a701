/**
 * Security inputs of the API (TLS in transit, AUTH tokens): every bad request gets AWS's error
 * code and changes nothing; good ones record the state the reconciler applies — never the token.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateCacheParameterGroup from './CreateCacheParameterGroup.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import ModifyCacheCluster from './ModifyCacheCluster.js';
import ModifyCacheParameterGroup from './ModifyCacheParameterGroup.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import { assertFaultChangesNothing, fakeEngine, makeTestServices, storeSnapshot, type TestServices } from './test-services.js';
import type { ActionFactory } from './define.js';
import { sha256Hex } from '../../security/auth-token.js';
import { getGroup, type CacheClusterRecord, type ReplicationGroupRecord } from '../../store/index.js';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const TOKEN = 'YourStrongAuthToken123!';
const OTHER = 'Another-Strong-Token-456';
const IVP = 'InvalidParameterValue';
const IPC = 'InvalidParameterCombination';

/** Services with: `secure` (TLS + token), `tls-only` (TLS, no token), `plain` (neither), `solo` (a standalone TLS cluster with a token). */
async function setup(): Promise<TestServices> {
  t = await makeTestServices({ engines: [fakeEngine()] });
  const base = { ReplicationGroupDescription: 'test', NumCacheClusters: 2, CacheNodeType: 'cache.t3.micro' };
  await t.call(CreateReplicationGroup, { ...base, ReplicationGroupId: 'secure', TransitEncryptionEnabled: true, AuthToken: TOKEN });
  await t.call(CreateReplicationGroup, { ...base, ReplicationGroupId: 'tls-only', TransitEncryptionEnabled: true });
  await t.call(CreateReplicationGroup, { ...base, ReplicationGroupId: 'plain' });
  await t.call(CreateCacheCluster, { CacheClusterId: 'solo', CacheNodeType: 'cache.t3.micro', TransitEncryptionEnabled: true, AuthToken: TOKEN });
  await t.call(CreateCacheParameterGroup, { CacheParameterGroupName: 'durable', CacheParameterGroupFamily: 'redis7', Description: 'durable writes' });
  await t.call(ModifyCacheParameterGroup, { CacheParameterGroupName: 'durable', ParameterNameValues: [{ ParameterName: 'cachefleet-durable-writes', ParameterValue: 'yes' }] });
  await markAvailable();
  return t;
}

/** What the reconciler does once nodes run: everything available, every node running the current auth state. */
async function markAvailable(): Promise<void> {
  for (const c of await t!.store.list('cacheCluster')) {
    await setClusterStatus(t!.store, c.id, (x) => { x.status = 'available'; if (c.doc.auth) x.appliedAuthVersion = c.doc.auth.version; });
  }
  for (const g of await t!.store.list('replicationGroup')) {
    await setGroupStatus(t!.store, g.id, (x) => { x.status = 'available'; });
  }
}

const group = async (id: string): Promise<ReplicationGroupRecord> => (await getGroup(t!.store, id))!.doc;
const newGroup = (extra: object) => ({ ReplicationGroupId: 'new-group', ReplicationGroupDescription: 'd', NumCacheClusters: 2, ...extra });
const rotate = (token: string, extra: object = {}) => ({ ReplicationGroupId: 'secure', AuthToken: token, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true, ...extra });

interface BadCase { name: string; action: ActionFactory; input: object | (() => Promise<object>); code: string; message?: RegExp }

const BAD: BadCase[] = [
  { name: 'token of 15 characters', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'a'.repeat(15) }), code: IVP, message: /between 16 and 128/ },
  { name: 'token of 129 characters', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'a'.repeat(129) }), code: IVP, message: /between 16 and 128/ },
  { name: 'empty token', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: '' }), code: IVP },
  { name: 'token with a double quote', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefgh"ijklmnop' }), code: IVP, message: /'\/', '"', or '@'/ },
  { name: 'token with a slash', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefgh/ijklmnop' }), code: IVP },
  { name: 'token with an at sign', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefgh@ijklmnop' }), code: IVP },
  { name: 'token with a space', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefgh ijklmnop' }), code: IVP, message: /spaces/ },
  { name: 'token with a tab (not printable)', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefgh\tijklmnop' }), code: IVP, message: /printable/ },
  { name: 'token with a non-ASCII character', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, AuthToken: 'abcdefghijklmnopé' }), code: IVP, message: /printable ASCII/ },
  { name: 'token without transit encryption', action: CreateReplicationGroup, input: newGroup({ AuthToken: TOKEN }), code: IPC, message: /TransitEncryptionEnabled is true/ },
  { name: 'token with TransitEncryptionEnabled false', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: false, AuthToken: TOKEN }), code: IPC },
  { name: 'token without transit encryption (CreateCacheCluster)', action: CreateCacheCluster, input: { CacheClusterId: 'c1', CacheNodeType: 'cache.t3.micro', AuthToken: TOKEN }, code: IPC },
  { name: 'short token (CreateCacheCluster)', action: CreateCacheCluster, input: { CacheClusterId: 'c1', CacheNodeType: 'cache.t3.micro', TransitEncryptionEnabled: true, AuthToken: 'short' }, code: IVP },
  { name: 'TransitEncryptionMode without TransitEncryptionEnabled', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionMode: 'required' }), code: IPC },
  { name: 'TransitEncryptionMode of an unknown value', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, TransitEncryptionMode: 'sometimes' }), code: IVP },
  { name: 'TLS with a durable-writes parameter group', action: CreateReplicationGroup, input: newGroup({ TransitEncryptionEnabled: true, CacheParameterGroupName: 'durable' }), code: IPC, message: /durable-writes/ },
  { name: 'ROTATE on a group without transit encryption', action: ModifyReplicationGroup, input: rotate(TOKEN, { ReplicationGroupId: 'plain' }), code: IPC, message: /TransitEncryptionEnabled is true/ },
  { name: 'SET without a prior ROTATE', action: ModifyReplicationGroup, input: rotate(OTHER, { AuthTokenUpdateStrategy: 'SET' }), code: IPC, message: /only after ROTATE/ },
  { name: 'SET on a TLS group without a token', action: ModifyReplicationGroup, input: rotate(OTHER, { ReplicationGroupId: 'tls-only', AuthTokenUpdateStrategy: 'SET' }), code: IPC, message: /only after ROTATE/ },
  { name: 'DELETE (no RBAC user groups yet)', action: ModifyReplicationGroup, input: rotate(TOKEN, { AuthTokenUpdateStrategy: 'DELETE' }), code: IVP, message: /RBAC|role-based/ },
  { name: 'DELETE without a token', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'secure', AuthTokenUpdateStrategy: 'DELETE', ApplyImmediately: true }, code: IVP },
  { name: 'strategy without a token', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'secure', AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }, code: IPC, message: /with AuthToken/ },
  { name: 'unknown strategy', action: ModifyReplicationGroup, input: rotate(OTHER, { AuthTokenUpdateStrategy: 'SWAP' }), code: IVP },
  { name: 'ROTATE to the current token', action: ModifyReplicationGroup, input: rotate(TOKEN), code: IVP, message: /same as the current/ },
  { name: 'ROTATE to a short token', action: ModifyReplicationGroup, input: rotate('tooshort'), code: IVP },
  { name: 'ROTATE to a token with a slash', action: ModifyReplicationGroup, input: rotate('abcdefghijklmnop/q'), code: IVP },
  { name: 'turn TLS off in required mode', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'tls-only', TransitEncryptionEnabled: false, ApplyImmediately: true }, code: IPC, message: /preferred first/ },
  { name: 'turn TLS off while an AUTH token is enabled', action: ModifyReplicationGroup, input: async () => {
    await t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'secure', TransitEncryptionMode: 'preferred', ApplyImmediately: true });
    await markAvailable();
    return { ReplicationGroupId: 'secure', TransitEncryptionEnabled: false, ApplyImmediately: true };
  }, code: IPC, message: /AUTH token/ },
  { name: 'turn TLS on without a mode', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'plain', TransitEncryptionEnabled: true, ApplyImmediately: true }, code: IPC, message: /preferred/ },
  { name: 'turn TLS on straight to required', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'plain', TransitEncryptionEnabled: true, TransitEncryptionMode: 'required', ApplyImmediately: true }, code: IPC, message: /preferred/ },
  { name: 'turn TLS off and name a mode', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'tls-only', TransitEncryptionEnabled: false, TransitEncryptionMode: 'preferred', ApplyImmediately: true }, code: IPC },
  { name: 'TransitEncryptionMode of an unknown value on modify', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'tls-only', TransitEncryptionMode: 'optional', ApplyImmediately: true }, code: IVP },
  { name: 'TransitEncryptionMode required on a plaintext group', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'plain', TransitEncryptionMode: 'required', ApplyImmediately: true }, code: IPC },
  { name: 'turn TLS on with a durable-writes parameter group', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'plain', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred', CacheParameterGroupName: 'durable', ApplyImmediately: true }, code: IPC, message: /durable-writes/ },
  { name: 'durable-writes parameter group on a TLS group', action: ModifyReplicationGroup, input: { ReplicationGroupId: 'secure', CacheParameterGroupName: 'durable', ApplyImmediately: true }, code: IPC },
  { name: 'a member cluster\'s token through ModifyCacheCluster', action: ModifyCacheCluster, input: { CacheClusterId: 'secure-001', AuthToken: OTHER, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }, code: IPC, message: /ModifyReplicationGroup/ },
  { name: 'SET before ROTATE on a standalone cluster', action: ModifyCacheCluster, input: { CacheClusterId: 'solo', AuthToken: OTHER, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true }, code: IPC },
];

test(`${BAD.length} bad security inputs get AWS's error code and change nothing`, async () => {
  assert.ok(BAD.length >= 20);
  await setup();
  for (const c of BAD) {
    const input = typeof c.input === 'function' ? await c.input() : c.input;
    const err = await assertFaultChangesNothing(t!.svc, () => t!.call(c.action, input), c.code).catch((e: Error) => {
      throw new Error(`${c.name}: ${e.message}`);
    });
    if (c.message) assert.match(err.message, c.message, c.name);
    for (const token of [TOKEN, OTHER]) assert.ok(!err.message.includes(token), `${c.name}: the error repeats the token`);
  }
});

test('create with TLS and a token: records only its SHA-256; describe shows AuthTokenEnabled, mode, date', async () => {
  await setup();
  const g = await group('secure');
  assert.equal(g.transitEncryptionEnabled, true);
  assert.equal(g.transitEncryptionMode, 'required');
  assert.deepEqual(g.auth?.tokenSha256, [sha256Hex(TOKEN)]);
  assert.ok(!(await storeSnapshot(t!.svc)).includes(TOKEN), 'the store holds the token');
  const out = await t!.call(DescribeReplicationGroups, { ReplicationGroupId: 'secure' });
  const rg = out.ReplicationGroups[0];
  assert.equal(rg.AuthTokenEnabled, true);
  assert.equal(rg.TransitEncryptionEnabled, true);
  assert.equal(rg.TransitEncryptionMode, 'required');
  assert.equal(rg.AuthTokenLastModifiedDate, g.auth!.lastModifiedDate);
  assert.ok(!JSON.stringify(out).includes(TOKEN));
  const plain = (await t!.call(DescribeReplicationGroups, { ReplicationGroupId: 'plain' })).ReplicationGroups[0];
  assert.equal(plain.AuthTokenEnabled, false);
  assert.equal(plain.TransitEncryptionEnabled, false);
  assert.equal(plain.TransitEncryptionMode, undefined);
  // TLS without a token: encrypted, but no AUTH.
  assert.equal((await t!.call(DescribeReplicationGroups, { ReplicationGroupId: 'tls-only' })).ReplicationGroups[0].AuthTokenEnabled, false);
});

test('ROTATE keeps both tokens (status ROTATING until applied), SET leaves only the new one; members follow', async () => {
  await setup();
  const rotated = await t!.call(ModifyReplicationGroup, rotate(OTHER));
  assert.equal(rotated.ReplicationGroup.PendingModifiedValues.AuthTokenStatus, 'ROTATING');
  assert.equal(rotated.ReplicationGroup.Status, 'modifying');
  assert.ok(!JSON.stringify(rotated).includes(OTHER));
  let g = await group('secure');
  assert.deepEqual(g.auth?.tokenSha256, [sha256Hex(TOKEN), sha256Hex(OTHER)]);
  for (const id of g.memberClusters) assert.deepEqual((await t!.store.get('cacheCluster', id))!.doc.auth, g.auth);
  await markAvailable();
  const described = (await t!.call(DescribeReplicationGroups, { ReplicationGroupId: 'secure' })).ReplicationGroups[0];
  assert.equal(described.PendingModifiedValues.AuthTokenStatus, undefined, 'applied on every node: no longer pending');

  // A third token while rotating: the newest previous one stays, the oldest goes (two at most).
  const third = 'Third-Strong-Token-789';
  await t!.call(ModifyReplicationGroup, rotate(third));
  await markAvailable();
  g = await group('secure');
  assert.deepEqual(g.auth?.tokenSha256, [sha256Hex(OTHER), sha256Hex(third)]);

  const set = await t!.call(ModifyReplicationGroup, rotate(third, { AuthTokenUpdateStrategy: 'SET' }));
  assert.equal(set.ReplicationGroup.PendingModifiedValues.AuthTokenStatus, 'SETTING');
  g = await group('secure');
  assert.deepEqual(g.auth?.tokenSha256, [sha256Hex(third)]);
  assert.equal(g.auth?.passwordless, false);
  await markAvailable();
  // SET again needs a new ROTATE first.
  await assertFaultChangesNothing(t!.svc, () => t!.call(ModifyReplicationGroup, rotate(OTHER, { AuthTokenUpdateStrategy: 'SET' })), IPC);
});

test('ROTATE onto a TLS group without a token keeps passwordless access until SET (as on ElastiCache)', async () => {
  await setup();
  await t!.call(ModifyReplicationGroup, rotate(TOKEN, { ReplicationGroupId: 'tls-only' }));
  let g = await group('tls-only');
  assert.equal(g.auth?.passwordless, true);
  assert.deepEqual(g.auth?.tokenSha256, [sha256Hex(TOKEN)]);
  await markAvailable();
  await t!.call(ModifyReplicationGroup, rotate(TOKEN, { ReplicationGroupId: 'tls-only', AuthTokenUpdateStrategy: 'SET' }));
  g = await group('tls-only');
  assert.equal(g.auth?.passwordless, false);
});

test('a replica added with CreateCacheCluster takes its group\'s TLS and token state', async () => {
  await setup();
  await t!.call(CreateCacheCluster, { CacheClusterId: 'secure-replica', ReplicationGroupId: 'secure' });
  const c = (await t!.store.get('cacheCluster', 'secure-replica'))!.doc;
  const g = await group('secure');
  assert.equal(c.transitEncryptionEnabled, true);
  assert.deepEqual(c.auth, g.auth);
});

test('TLS turned on and off in place: preferred first, then required, and back; members follow; pending until every node serves it', async () => {
  await setup();
  const describe = async () => (await t!.call(DescribeReplicationGroups, { ReplicationGroupId: 'plain' })).ReplicationGroups[0];
  /** What the reconciler does once every node serves the group's mode. */
  const nodesServe = async (mode: 'none' | 'preferred' | 'required') => {
    for (const c of await t!.store.list('cacheCluster')) {
      if (c.doc.replicationGroupId !== 'plain') continue;
      await setClusterStatus(t!.store, c.id, (x) => { x.status = 'available'; for (const n of x.nodes) n.transit = mode; });
    }
    await markAvailable();
  };
  await nodesServe('none');
  const on = await t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred', ApplyImmediately: true });
  assert.equal(on.ReplicationGroup.Status, 'modifying');
  assert.equal(on.ReplicationGroup.TransitEncryptionEnabled, true);
  assert.deepEqual(on.ReplicationGroup.PendingModifiedValues, { TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' });
  for (const id of (await group('plain')).memberClusters) {
    const c = (await t!.store.get('cacheCluster', id))!.doc;
    assert.equal(c.transitEncryptionEnabled, true);
    assert.equal(c.transitEncryptionMode, 'preferred');
  }
  await nodesServe('preferred');
  assert.deepEqual((await describe()).PendingModifiedValues, {});
  assert.equal((await describe()).TransitEncryptionMode, 'preferred');

  // Mode alone on a group with TLS: to required, back to preferred.
  await t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', TransitEncryptionMode: 'required', ApplyImmediately: true });
  assert.equal((await group('plain')).transitEncryptionMode, 'required');
  await nodesServe('required');
  // Same mode again: nothing to do.
  await assertFaultChangesNothing(t!.svc, () => t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', TransitEncryptionMode: 'required', ApplyImmediately: true }), IPC);
  await t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred', ApplyImmediately: true });
  await nodesServe('preferred');
  const off = await t!.call(ModifyReplicationGroup, { ReplicationGroupId: 'plain', TransitEncryptionEnabled: false, ApplyImmediately: true });
  assert.equal(off.ReplicationGroup.TransitEncryptionEnabled, false);
  assert.equal(off.ReplicationGroup.TransitEncryptionMode, undefined);
  assert.deepEqual(off.ReplicationGroup.PendingModifiedValues, { TransitEncryptionEnabled: false });
  const member = (await t!.store.get('cacheCluster', 'plain-001'))!.doc;
  assert.equal(member.transitEncryptionEnabled, false);
  assert.equal(member.transitEncryptionMode, undefined);
});

test('create with TransitEncryptionMode preferred', async () => {
  await setup();
  const out = await t!.call(CreateReplicationGroup, newGroup({ TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred', AuthToken: TOKEN }));
  assert.equal(out.ReplicationGroup.TransitEncryptionMode, 'preferred');
  assert.equal((await group('new-group')).transitEncryptionMode, 'preferred');
  assert.equal((await t!.store.get('cacheCluster', 'new-group-002'))!.doc.transitEncryptionMode, 'preferred');
});
