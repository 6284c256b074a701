import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { getOperation } from '../codec/model.js';
import CreateCacheSubnetGroup from './CreateCacheSubnetGroup.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import DecreaseReplicaCount from './DecreaseReplicaCount.js';
import IncreaseReplicaCount, { memberNumber, placeNewReplicas } from './IncreaseReplicaCount.js';
import { replicaActions } from './registry-replicas.js';
import {
  assertFaultChangesNothing, fakeEngine, insertCacheCluster, makeTestServices, type TestServices, type TestServicesOptions,
} from './test-services.js';
import { clusterDelete, getCluster, getGroup, presentedCluster, presentedGroup, type CacheClusterRecord, type CacheSubnetGroupRecord, type ReplicationGroupRecord } from '../../store/index.js';
import { setClusterStatus, setGroupStatus } from '../../resources/test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const GROUP = 'orders';
const m = (n: number) => `${GROUP}-${String(n).padStart(3, '0')}`;

/** Services with a subnet group over us-east-1a/b/c and a group created through CreateReplicationGroup. */
async function setup(opts: { clusters?: number; failover?: boolean; services?: TestServicesOptions } = {}): Promise<TestServices> {
  t = await makeTestServices({ engines: [fakeEngine()], ...opts.services });
  await t.call(CreateCacheSubnetGroup, {
    CacheSubnetGroupName: 'three-zones', CacheSubnetGroupDescription: 'a, b and c', SubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
  });
  const failover = opts.failover ?? true;
  // Through the handler itself, as the HTTP layer calls it.
  await CreateReplicationGroup(t.svc).handle({
    ReplicationGroupId: GROUP, ReplicationGroupDescription: 'orders cache', NumCacheClusters: opts.clusters ?? 3,
    CacheNodeType: 'cache.t3.micro', CacheSubnetGroupName: 'three-zones',
    AutomaticFailoverEnabled: failover, MultiAZEnabled: failover,
  }, { requestId: 'test-request', action: 'CreateReplicationGroup' });
  await settle();
  return t;
}

/** What the reconciler does once nodes run: members and the group become available; deleted members go. */
async function settle(): Promise<void> {
  for (const c of await t!.store.list('cacheCluster')) {
    if (c.doc.deleteRequested) {
      await t!.store.commit([...clusterDelete((await getCluster(t!.store, c.id))!),
        ...c.doc.nodes.map((n) => ({ op: 'delete' as const, kind: 'address' as const, id: n.address }))]);
      continue;
    }
    await setClusterStatus(t!.store, c.id, (x) => { x.status = 'available'; for (const n of x.nodes) n.status = 'available'; });
  }
  for (const g of await t!.store.list('replicationGroup')) {
    await setGroupStatus(t!.store, g.id, (x) => { x.status = 'available'; });
  }
}

async function group(): Promise<ReplicationGroupRecord> {
  return presentedGroup((await getGroup(t!.store, GROUP))!.doc);
}
async function cluster(id: string): Promise<CacheClusterRecord | undefined> {
  const c = (await getCluster(t!.store, id))?.doc;
  return c && presentedCluster(c);
}
async function addressOwners(): Promise<Map<string, string>> {
  return new Map((await t!.store.list('address')).map((r) => [r.id, r.doc.owner]));
}
async function messages(): Promise<string[]> {
  return (await t!.store.queryEvents({})).map((e) => e.message);
}
const increase = (input: object) => t!.call(IncreaseReplicaCount, { ReplicationGroupId: GROUP, ApplyImmediately: true, ...input });
const decrease = (input: object) => t!.call(DecreaseReplicaCount, { ReplicationGroupId: GROUP, ApplyImmediately: true, ...input });

test('part B registers both actions, each an operation of the model', async () => {
  t = await makeTestServices();
  const names = replicaActions.map((f) => f(t!.svc).name);
  assert.deepEqual(names, ['IncreaseReplicaCount', 'DecreaseReplicaCount']);
  for (const name of names) assert.ok(getOperation(name), `${name} is not in the model`);
});

test('IncreaseReplicaCount 2 → 4 adds <group>-004 and -005 spread over the least used zones, in one commit', async () => {
  await setup();
  const before = await group();
  assert.deepEqual(before.memberClusters, [m(1), m(2), m(3)]);
  const primary = (await cluster(m(1)))!;
  const kicks = t!.kicks();

  const out = await increase({ NewReplicaCount: 4 });
  assert.equal(out.ReplicationGroup.Status, 'modifying');
  assert.deepEqual(out.ReplicationGroup.MemberClusters, [m(1), m(2), m(3), m(4), m(5)]);
  assert.equal(out.ReplicationGroup.NodeGroups[0].NodeGroupMembers.length, 5);

  const g = await group();
  assert.equal(g.status, 'modifying');
  assert.deepEqual(g.memberClusters, [m(1), m(2), m(3), m(4), m(5)]);
  assert.equal(g.primaryClusterId, m(1));
  // a, b, c hold one member each: the new replicas go to a, then b (ties in the subnet group's order).
  const [c4, c5] = [(await cluster(m(4)))!, (await cluster(m(5)))!];
  assert.deepEqual([c4.preferredAvailabilityZone, c5.preferredAvailabilityZone], ['us-east-1a', 'us-east-1b']);
  for (const c of [c4, c5]) {
    assert.equal(c.replicationGroupId, GROUP);
    assert.equal(c.status, 'creating');
    assert.equal(c.cacheNodeType, primary.cacheNodeType);
    assert.equal(c.cacheParameterGroupName, primary.cacheParameterGroupName);
    assert.equal(c.cacheSubnetGroupName, 'three-zones');
    assert.equal(c.port, primary.port);
    assert.equal(c.engineVersionInstalled, '7.0.15');
    assert.equal(c.nodes.length, 1);
    assert.equal(c.nodes[0]!.availabilityZone, c.preferredAvailabilityZone);
  }
  // Each new node has its own reserved address, distinct from every other.
  const owners = await addressOwners();
  assert.equal(owners.get(c4.nodes[0]!.address), `replicationGroup:${GROUP}:${m(4)}`);
  assert.equal(owners.get(c5.nodes[0]!.address), `replicationGroup:${GROUP}:${m(5)}`);
  assert.equal(owners.size, 2 + 5, 'primary + reader endpoints and five node addresses');
  assert.ok((await messages()).includes(`Replica count of ${GROUP} is being increased from 2 to 4`));
  assert.ok(t!.kicks() > kicks, 'the reconciler was woken');
});

test('new members take the lowest unused numbers, skipping ids still being deleted', async () => {
  await setup({ failover: false });
  await decrease({ ReplicasToRemove: [m(2)] });
  await settle(); // -002 is gone
  await decrease({ ReplicasToRemove: [m(3)] }); // -003 still has its record (being deleted)
  await setGroupStatus(t!.store, GROUP, (g) => { g.status = 'available'; });
  assert.deepEqual((await group()).memberClusters, [m(1)], 'only the primary is left');

  const out = await increase({ NewReplicaCount: 2 });
  assert.deepEqual(out.ReplicationGroup.MemberClusters, [m(1), m(2), m(4)]);
  assert.equal((await cluster(m(3)))!.deleteRequested, true, 'the member being deleted is left alone');
});

test('with ReplicaConfiguration: node group 0001 and its PreferredAvailabilityZones', async () => {
  await setup({ clusters: 2 }); // -001 in a, -002 in b
  await increase({ ReplicaConfiguration: [{ NodeGroupId: '0001', NewReplicaCount: 3,
    PreferredAvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1c'] }] });
  assert.deepEqual([(await cluster(m(3)))!.preferredAvailabilityZone, (await cluster(m(4)))!.preferredAvailabilityZone],
    ['us-east-1c', 'us-east-1c']);
});

test('placement favours the zones with the fewest members', () => {
  const sg = { name: 'sg', subnets: [{ id: 's1', availabilityZone: 'z-a' }, { id: 's2', availabilityZone: 'z-b' }, { id: 's3', availabilityZone: 'z-c' }] } as CacheSubnetGroupRecord;
  assert.deepEqual(placeNewReplicas(sg, ['z-a', 'z-b'], 3, 5), ['z-c', 'z-a', 'z-b']);
  assert.deepEqual(placeNewReplicas(sg, ['z-c', 'z-c'], 2, 4), ['z-a', 'z-b']);
  assert.deepEqual(placeNewReplicas(sg, ['z-a'], 1, 2, ['z-b', 'z-a']), ['z-b']);
  assert.equal(memberNumber('g', 'g-012'), 12);
  assert.equal(memberNumber('g', 'other'), undefined);
  assert.equal(memberNumber('g', 'g-12'), undefined);
});

test('IncreaseReplicaCount errors change nothing', async () => {
  await setup();
  const fails = (input: object, code: string) => assertFaultChangesNothing(t!.svc, () => increase(input), code);
  await fails({ NewReplicaCount: 4, ApplyImmediately: false }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: 6 }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: -1 }, 'InvalidParameterValue');
  const same = await fails({ NewReplicaCount: 2 }, 'InvalidParameterValue');
  assert.match(same.message, /must be greater than the current number of replicas of orders \(2\)/);
  await fails({ NewReplicaCount: 1 }, 'InvalidParameterValue');
  await fails({}, 'InvalidParameterValue');
  await fails({ ReplicaConfiguration: [{ NodeGroupId: '0002', NewReplicaCount: 3 }] }, 'NodeGroupNotFoundFault');
  await fails({ NewReplicaCount: 3, ReplicaConfiguration: [{ NodeGroupId: '0001', NewReplicaCount: 3 }] }, 'InvalidParameterCombination');
  await fails({ ReplicaConfiguration: [{ NodeGroupId: '0001', NewReplicaCount: 3, PreferredAvailabilityZones: ['us-east-1a'] }] },
    'InvalidParameterValue');
  await fails({ ReplicaConfiguration: [{ NodeGroupId: '0001', NewReplicaCount: 3,
    PreferredAvailabilityZones: ['us-east-1a', 'us-east-1b', 'us-east-1c', 'us-east-1f'] }] }, 'InvalidParameterValue');
  await fails({ ReplicationGroupId: 'nope', NewReplicaCount: 3 }, 'ReplicationGroupNotFoundFault');
  // Not available: modifying (e.g. right after another change) or failing over.
  await setGroupStatus(t!.store, GROUP, (g) => { g.status = 'modifying'; });
  await fails({ NewReplicaCount: 3 }, 'InvalidReplicationGroupState');
  await setGroupStatus(t!.store, GROUP, (g) => {
    g.status = 'available';
    g.failover = { state: 'promote', fromClusterId: m(1), toClusterId: m(2), reason: 'primary-down', startedAt: new Date().toISOString() };
  });
  await fails({ NewReplicaCount: 3 }, 'InvalidReplicationGroupState');
});

test('IncreaseReplicaCount beyond the host capacity fails with InsufficientCacheClusterCapacity and changes nothing', async () => {
  // Three 0.5 GiB nodes on a 2 GiB host without over-commit: one more fits, two do not.
  await setup({ services: { config: { hostMemoryBytes: 2 * 1024 ** 3, memoryOvercommit: 1 } } });
  await assertFaultChangesNothing(t!.svc, () => increase({ NewReplicaCount: 4 }), 'InsufficientCacheClusterCapacity');
  await increase({ NewReplicaCount: 3 });
  assert.equal((await group()).memberClusters.length, 4);
});

test('DecreaseReplicaCount without ReplicasToRemove removes the highest-numbered replicas', async () => {
  await setup();
  await increase({ NewReplicaCount: 4 });
  await settle();
  const addressesBefore = await addressOwners();
  const out = await decrease({ NewReplicaCount: 1 });
  assert.equal(out.ReplicationGroup.Status, 'modifying');
  assert.deepEqual(out.ReplicationGroup.MemberClusters, [m(1), m(2)]);
  const g = await group();
  assert.deepEqual(g.memberClusters, [m(1), m(2)]);
  assert.equal(g.status, 'modifying');
  for (const id of [m(3), m(4), m(5)]) {
    const c = (await cluster(id))!;
    assert.equal(c.deleteRequested, true, `${id} marked for deletion`);
    assert.equal(c.status, 'deleting');
  }
  assert.equal((await cluster(m(2)))!.deleteRequested, undefined);
  // Addresses are freed by the reconciler once the processes are stopped, not by the handler.
  assert.deepEqual(await addressOwners(), addressesBefore);
  const msgs = await messages();
  assert.ok(msgs.includes(`Replica count of ${GROUP} is being decreased from 4 to 1 (removing ${m(5)}, ${m(4)}, ${m(3)})`), msgs.join('\n'));
  assert.ok(msgs.includes(`Cache cluster ${m(4)} is being deleted`));
  await settle();
  assert.equal(await cluster(m(5)), undefined);
  assert.equal((await addressOwners()).size, 2 + 2);
});

test('DecreaseReplicaCount with ReplicasToRemove removes those replicas (ids case-insensitive)', async () => {
  await setup();
  const out = await decrease({ ReplicasToRemove: [m(2).toUpperCase()] });
  assert.deepEqual(out.ReplicationGroup.MemberClusters, [m(1), m(3)]);
  assert.equal((await cluster(m(2)))!.deleteRequested, true);
  assert.equal((await cluster(m(3)))!.deleteRequested, undefined);
  // Both: the named replica goes, then the highest-numbered until NewReplicaCount remain.
  await settle();
  await increase({ NewReplicaCount: 4 }); // -002, -003, -004, -005
  await settle();
  const again = await decrease({ NewReplicaCount: 1, ReplicasToRemove: [m(3)] });
  assert.deepEqual(again.ReplicationGroup.MemberClusters, [m(1), m(2)]);
  for (const id of [m(3), m(4), m(5)]) assert.equal((await cluster(id))!.deleteRequested, true, id);
  assert.ok((await messages()).includes(`Replica count of ${GROUP} is being decreased from 4 to 1 (removing ${m(3)}, ${m(5)}, ${m(4)})`));
});

test('DecreaseReplicaCount errors change nothing', async () => {
  await setup();
  await insertCacheCluster(t!.svc, 'standalone');
  const fails = (input: object, code: string) => assertFaultChangesNothing(t!.svc, () => decrease(input), code);
  await fails({ NewReplicaCount: 1, ApplyImmediately: false }, 'InvalidParameterValue');
  await fails({}, 'InvalidParameterValue');
  const primary = await fails({ ReplicasToRemove: [m(1)] }, 'InvalidParameterValue');
  assert.match(primary.message, /is the primary/);
  await fails({ ReplicasToRemove: ['no-such-cluster'] }, 'CacheClusterNotFound');
  await fails({ ReplicasToRemove: ['standalone'] }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: 2 }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: 3 }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: 6 }, 'InvalidParameterValue');
  await fails({ NewReplicaCount: 1, ReplicasToRemove: [m(2), m(3)] }, 'InvalidParameterCombination');
  await fails({ NewReplicaCount: 2, ReplicasToRemove: [m(2)] }, 'InvalidParameterValue'); // 2 of 2 is no decrease
  await fails({ ReplicaConfiguration: [{ NodeGroupId: '0002', NewReplicaCount: 1 }] }, 'NodeGroupNotFoundFault');
  // Automatic failover needs a replica to fail over to.
  const last = await fails({ NewReplicaCount: 0 }, 'InvalidParameterValue');
  assert.match(last.message, /at least 1 replica/);
  await fails({ ReplicasToRemove: [m(2), m(3)] }, 'InvalidParameterValue');
  await fails({ ReplicationGroupId: 'nope', NewReplicaCount: 1 }, 'ReplicationGroupNotFoundFault');
  await setGroupStatus(t!.store, GROUP, (g) => { g.status = 'modifying'; });
  await fails({ NewReplicaCount: 1 }, 'InvalidReplicationGroupState');
});

test('without automatic failover every replica can be removed', async () => {
  await setup({ failover: false });
  const out = await decrease({ ReplicaConfiguration: [{ NodeGroupId: '0001', NewReplicaCount: 0 }] });
  assert.deepEqual(out.ReplicationGroup.MemberClusters, [m(1)]);
  assert.equal((await cluster(m(2)))!.deleteRequested, true);
  assert.equal((await cluster(m(3)))!.deleteRequested, true);
});
