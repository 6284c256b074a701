/**
 * EC2 writes racing one another through the real handlers on the real SQLite store, under the one
 * conflict policy of API writes (store.ts ec2Write): no InternalError, no lost rule or tag, no
 * check slipped past (a name or an address taken twice, a group deleted under a new dependent);
 * a race lost on every attempt is RequestLimitExceeded (503), which the SDKs retry.
 */
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { AwsError } from '../../errors/index.js';
import { CONFLICT_ATTEMPTS } from '../../resources/commit.js';
import { ConflictError, type StateStore, type WriteOp } from '../../store/index.js';
import type { ActionFactory } from '../actions/define.js';
import { assertFault, assertFaultChangesNothing, fakeEngine, makeTestServices, storeSnapshot, type TestServices } from '../actions/test-services.js';
import AuthorizeSecurityGroupEgress from './actions/AuthorizeSecurityGroupEgress.js';
import AuthorizeSecurityGroupIngress from './actions/AuthorizeSecurityGroupIngress.js';
import CreateNetworkInterface from './actions/CreateNetworkInterface.js';
import CreateSecurityGroup from './actions/CreateSecurityGroup.js';
import CreateTags from './actions/CreateTags.js';
import CreateCacheCluster from '../actions/CreateCacheCluster.js';
import ModifyCacheCluster from '../actions/ModifyCacheCluster.js';
import DeleteSecurityGroup from './actions/DeleteSecurityGroup.js';
import DeleteTags from './actions/DeleteTags.js';
import RevokeSecurityGroupEgress from './actions/RevokeSecurityGroupEgress.js';
import RevokeSecurityGroupIngress from './actions/RevokeSecurityGroupIngress.js';
import { setClusterStatus } from '../../resources/test-services.js';
import { createEc2Api } from './api.js';
import { ec2ConflictFault } from './errors.js';
import { flattenRules, ruleKey } from './permissions.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices({ engines: [fakeEngine()] }); });
afterEach(async () => { await t.close(); });

const tcp = (port: number, sources: object) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...sources });
const range = (from: number, n: number) => Array.from({ length: n }, (_, i) => from + i);
const createGroup = async (name: string): Promise<string> =>
  (await t.call(CreateSecurityGroup, { GroupName: name, Description: `${name} hosts` })).GroupId;

/** The store as the handlers see it, counting the commits that lost a race. */
function countingConflicts(store: StateStore): { store: StateStore; conflicts: () => number } {
  let conflicts = 0;
  return {
    conflicts: () => conflicts,
    store: new Proxy(store, {
      get(target, prop, receiver) {
        if (prop === 'commit') {
          return async (ops: WriteOp[]) => {
            try { return await target.commit(ops); } catch (e) { if (e instanceof ConflictError) conflicts++; throw e; }
          };
        }
        const v = Reflect.get(target, prop, receiver);
        return typeof v === 'function' ? v.bind(target) : v;
      },
    }),
  };
}

/** A store whose commits are each preceded by `other` (a concurrent writer landing in the race window). */
function racing(store: StateStore, other: (commit: number) => Promise<void>): StateStore {
  let commits = 0;
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'commit') return async (ops: WriteOp[]) => { await other(++commits); return target.commit(ops); };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

function callOn(store: StateStore, action: ActionFactory, input: object): Promise<any> {
  return action({ ...t.svc, store }).handle(input, { requestId: 'race', action: action(t.svc).name });
}

/** Every call fulfilled; otherwise the failures, with their codes and statuses. */
function assertAllFulfilled(results: PromiseSettledResult<unknown>[]): void {
  const failed = results.flatMap((r, i) => (r.status === 'rejected'
    ? [`#${i}: ${r.reason instanceof AwsError ? `${r.reason.code} ${r.reason.httpStatus}: ${r.reason.message}` : String(r.reason)}`] : []));
  assert.deepEqual(failed, [], 'every call succeeds');
}

test('parallel Authorize/Revoke (ingress and egress) and CreateTags/DeleteTags on one group lose nothing', async () => {
  const g = await createGroup('contended');
  const source = await createGroup('source');
  await t.call(AuthorizeSecurityGroupIngress, { GroupId: g, IpPermissions: range(7000, 10).map((p) => tcp(p, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })) });
  const egress = await t.call(AuthorizeSecurityGroupEgress, { GroupId: g, IpPermissions: range(8000, 5).map((p) => tcp(p, { IpRanges: [{ CidrIp: '10.1.0.0/16' }] })) });
  await t.call(CreateTags, { Resources: [g], Tags: [{ Key: 'old', Value: '1' }] });
  const before = (await t.store.get('securityGroup', g))!.doc;

  const spy = countingConflicts(t.store);
  const call = (action: ActionFactory, input: object) => callOn(spy.store, action, input);
  const results = await Promise.allSettled([
    // 20 ingress rules added one call each, half from address blocks, half from the other group.
    ...range(6000, 20).map((p) => call(AuthorizeSecurityGroupIngress, p % 2
      ? { GroupId: g, IpPermissions: [tcp(p, { IpRanges: [{ CidrIp: '127.0.0.0/24' }] })] }
      : { GroupName: 'contended', IpPermissions: [tcp(p, { UserIdGroupPairs: [{ GroupId: source }] })] })),
    // The 10 ingress rules of before revoked one call each, by permission.
    ...range(7000, 10).map((p) => call(RevokeSecurityGroupIngress, { GroupId: g, IpPermissions: [tcp(p, { IpRanges: [{ CidrIp: '10.0.0.0/8' }] })] })),
    // The 5 egress rules of before revoked by rule id, 5 new ones added.
    ...egress.SecurityGroupRules.map((r: any) => call(RevokeSecurityGroupEgress, { GroupId: g, SecurityGroupRuleIds: [r.SecurityGroupRuleId] })),
    ...range(9000, 5).map((p) => call(AuthorizeSecurityGroupEgress, { GroupId: g, IpPermissions: [tcp(p, { IpRanges: [{ CidrIp: '10.2.0.0/16' }] })] })),
    // Tags of this group (and of the source group, which the rules above name) change meanwhile.
    ...range(0, 10).map((i) => call(CreateTags, { Resources: i % 3 ? [g] : [g, source], Tags: [{ Key: `k${i}`, Value: `v${i}` }] })),
    call(DeleteTags, { Resources: [g], Tags: [{ Key: 'old' }] }),
  ]);
  assertAllFulfilled(results);
  assert.ok(spy.conflicts() > 0, 'the calls did race (some commits lost and ran again)');

  const after = (await t.store.get('securityGroup', g))!.doc;
  const keys = (perms: typeof after.ingress) => flattenRules(perms).map(ruleKey).sort();
  const key = (port: number, source: { cidrIp: string } | { groupId: string }) => ruleKey({ ipProtocol: 'tcp', fromPort: port, toPort: port, ...source });
  assert.deepEqual(keys(after.ingress), range(6000, 20).map((p) => key(p, p % 2 ? { cidrIp: '127.0.0.0/24' } : { groupId: source })).sort(),
    'exactly the rules authorized: none of those revoked, none lost');
  const revokedEgress = new Set(range(8000, 5).map((p) => key(p, { cidrIp: '10.1.0.0/16' })));
  assert.deepEqual(keys(after.egress),
    [...keys(before.egress).filter((k) => !revokedEgress.has(k)), ...range(9000, 5).map((p) => key(p, { cidrIp: '10.2.0.0/16' }))].sort());
  assert.equal(flattenRules(after.egress).length, 6, 'the default egress rule and the 5 new ones');
  assert.deepEqual(after.tags.map((tag) => tag.Key).sort(), range(0, 10).map((i) => `k${i}`).sort());
  assert.deepEqual((await t.store.get('securityGroup', source))!.doc.tags.map((tag) => tag.Key).sort(), ['k0', 'k3', 'k6', 'k9']);
});

test('parallel CreateSecurityGroup of one name: one group, the others InvalidGroup.Duplicate; the name is free again once it is deleted', async () => {
  const results = await Promise.allSettled(range(0, 8).map((i) => t.call(CreateSecurityGroup, { GroupName: i % 2 ? 'Web' : 'web', Description: 'd' })));
  const made = results.filter((r) => r.status === 'fulfilled');
  assert.equal(made.length, 1);
  for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as AwsError).code, 'InvalidGroup.Duplicate');
  assert.equal((await t.store.list('securityGroup')).filter((g) => g.doc.groupName.toLowerCase() === 'web').length, 1);
  const id = (made[0] as PromiseFulfilledResult<any>).value.GroupId;
  await t.call(DeleteSecurityGroup, { GroupId: id });
  assert.deepEqual(await t.store.list('claim'), [], 'the name claim went with the group');
  await createGroup('web');
});

test('parallel CreateNetworkInterface: one address is taken once, allocated addresses are distinct', async () => {
  const results = await Promise.allSettled(range(0, 6).map(() => t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', PrivateIpAddress: '127.0.0.77' })));
  assert.equal(results.filter((r) => r.status === 'fulfilled').length, 1);
  for (const r of results) if (r.status === 'rejected') assert.equal((r.reason as AwsError).code, 'InvalidIPAddress.InUse');
  const auto = await Promise.all(range(0, 6).map(() => t.call(CreateNetworkInterface, { SubnetId: 'subnet-1' })));
  const addresses = auto.map((o) => o.NetworkInterface.PrivateIpAddress);
  assert.equal(new Set(addresses).size, 6, `distinct: ${addresses.join(', ')}`);
});

test('a rule naming a group committed between DeleteSecurityGroup\'s check and its commit: the delete runs again and refuses', async () => {
  const app = await createGroup('app');
  const redis = await createGroup('redis');
  const store = racing(t.store, async (n) => {
    if (n === 1) await t.call(AuthorizeSecurityGroupIngress, { GroupId: redis, IpPermissions: [tcp(6379, { UserIdGroupPairs: [{ GroupId: app }] })] });
  });
  await assertFault(callOn(store, DeleteSecurityGroup, { GroupId: app }), 'DependencyViolation', 400);
  assert.ok(await t.store.get('securityGroup', app), 'the group a rule names is still there');
});

test('a delete committed between Authorize\'s check and its commit: the authorize runs again and answers InvalidGroup.NotFound', async () => {
  const app = await createGroup('app');
  const redis = await createGroup('redis');
  const store = racing(t.store, async (n) => { if (n === 1) await t.call(DeleteSecurityGroup, { GroupId: app }); });
  await assertFault(callOn(store, AuthorizeSecurityGroupIngress, { GroupId: redis, IpPermissions: [tcp(6379, { UserIdGroupPairs: [{ GroupId: app }] })] }),
    'InvalidGroup.NotFound', 400);
  assert.deepEqual((await t.store.get('securityGroup', redis))!.doc.ingress, []);
});

test('a network interface joining a group as it is deleted: never both', async () => {
  const app = await createGroup('app');
  const store = racing(t.store, async (n) => { if (n === 1) await t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', Groups: [app] }); });
  await assertFault(callOn(store, DeleteSecurityGroup, { GroupId: app }), 'DependencyViolation', 400);
  const other = await createGroup('other');
  const deleting = racing(t.store, async (n) => { if (n === 1) await t.call(DeleteSecurityGroup, { GroupId: other }); });
  await assertFault(callOn(deleting, CreateNetworkInterface, { SubnetId: 'subnet-1', Groups: [other] }), 'InvalidGroup.NotFound', 400);
});

test('a cache cluster created or modified as its security group is deleted: never a cluster naming a deleted group', async () => {
  const app = await createGroup('app');
  const creating = racing(t.store, async (n) => { if (n === 1) await t.call(DeleteSecurityGroup, { GroupId: app }); });
  await assertFault(callOn(creating, CreateCacheCluster, { CacheClusterId: 'c1', CacheNodeType: 'cache.t3.micro', SecurityGroupIds: [app] }),
    'InvalidParameterValue', 400);
  assert.equal(await t.store.get('cacheCluster', 'c1'), undefined, 'no cluster names the deleted group');

  const other = await createGroup('other');
  const deleting = racing(t.store, async (n) => {
    if (n === 1) await t.call(CreateCacheCluster, { CacheClusterId: 'c2', CacheNodeType: 'cache.t3.micro', SecurityGroupIds: [other] });
  });
  await assertFault(callOn(deleting, DeleteSecurityGroup, { GroupId: other }), 'DependencyViolation', 400);
  assert.ok(await t.store.get('securityGroup', other), 'the group the new cluster names is still there');

  await setClusterStatus(t.store, 'c2', (c) => { c.status = 'available'; });
  const third = await createGroup('third');
  const modifying = racing(t.store, async (n) => { if (n === 1) await t.call(DeleteSecurityGroup, { GroupId: third }); });
  await assertFault(callOn(modifying, ModifyCacheCluster, { CacheClusterId: 'c2', SecurityGroupIds: [third], ApplyImmediately: true }),
    'InvalidParameterValue', 400);
  assert.deepEqual((await t.store.get('cacheCluster', 'c2'))!.doc.securityGroupIds, [other]);
});

test(`a race lost ${CONFLICT_ATTEMPTS} times is RequestLimitExceeded (503, retried by the SDKs), never an InternalError, and applies nothing`, async () => {
  const g = await createGroup('busy');
  let writes = 0;
  const store = racing(t.store, async () => {
    writes++;
    await t.call(CreateTags, { Resources: [g], Tags: [{ Key: 'other', Value: String(writes) }] });
  });
  const err = await assertFault(callOn(store, AuthorizeSecurityGroupIngress, { GroupId: g, IpPermissions: [tcp(6379, { IpRanges: [{ CidrIp: '127.0.0.0/8' }] })] }),
    'RequestLimitExceeded', 503);
  assert.equal(writes, CONFLICT_ATTEMPTS);
  assert.match(err.message, /try again/);
  assert.deepEqual((await t.store.get('securityGroup', g))!.doc.ingress, []);
  // Answered the EC2 way: 503 with the code in EC2's error document.
  const { status, body } = createEc2Api(new Map()).encodeError(err, 'req-1');
  assert.equal(status, 503);
  assert.match(body, /<Code>RequestLimitExceeded<\/Code>/);
  assert.equal(ec2ConflictFault(new ConflictError('claim', 'security-group-name:vpc-1:web', 'exists')).httpStatus, 503);
});

test('a failed EC2 write changes nothing (claims included)', async () => {
  await createGroup('taken');
  await assertFaultChangesNothing(t.svc, () => t.call(CreateSecurityGroup, { GroupName: 'TAKEN', Description: 'd' }), 'InvalidGroup.Duplicate');
  const before = await storeSnapshot(t.svc);
  await assertFault(t.call(CreateSecurityGroup, { GroupName: 'dry', Description: 'd', DryRun: true }), 'DryRunOperation', 412);
  assert.equal(await storeSnapshot(t.svc), before);
});
