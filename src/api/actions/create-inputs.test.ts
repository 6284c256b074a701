/**
 * Create requests ElastiCache refuses (a missing node type, Outpost placement), answered with its
 * error codes and changing nothing; and the replica that may leave its node type out.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import type { ActionFactory } from './define.js';
import { assertFaultChangesNothing, fakeEngine, makeTestServices, type TestServices } from './test-services.js';
import { setGroupStatus } from '../../resources/test-services.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const IVP = 'InvalidParameterValue';
const OUTPOST = 'arn:aws:outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0';
const cluster = (extra: object) => ({ CacheClusterId: 'new-cluster', CacheNodeType: 'cache.t3.micro', ...extra });
const group = (extra: object) => ({ ReplicationGroupId: 'new-group', ReplicationGroupDescription: 'd', CacheNodeType: 'cache.t3.micro', ...extra });

interface BadCase { name: string; action: ActionFactory; input: object; code: string; message: RegExp }

const BAD: BadCase[] = [
  // ElastiCache's own words for it.
  { name: 'CreateCacheCluster without CacheNodeType', action: CreateCacheCluster, input: { CacheClusterId: 'new-cluster' }, code: IVP,
    message: /^The parameter CacheNodeType must be provided and must not be null\.$/ },
  { name: 'CreateCacheCluster with an empty CacheNodeType', action: CreateCacheCluster, input: cluster({ CacheNodeType: '' }), code: IVP,
    message: /CacheNodeType must be provided/ },
  { name: 'PreferredOutpostArn', action: CreateCacheCluster, input: cluster({ PreferredOutpostArn: OUTPOST }), code: IVP, message: /Outposts.*PreferredOutpostArn/ },
  { name: 'PreferredOutpostArns', action: CreateCacheCluster, input: cluster({ PreferredOutpostArns: [OUTPOST] }), code: IVP, message: /Outposts.*PreferredOutpostArns/ },
  { name: 'OutpostMode', action: CreateCacheCluster, input: cluster({ OutpostMode: 'single-outpost' }), code: IVP, message: /Outposts.*OutpostMode/ },
  { name: 'NodeGroupConfiguration PrimaryOutpostArn', action: CreateReplicationGroup,
    input: group({ NodeGroupConfiguration: [{ ReplicaCount: 1, PrimaryOutpostArn: OUTPOST }] }), code: IVP, message: /Outposts.*PrimaryOutpostArn/ },
  { name: 'NodeGroupConfiguration ReplicaOutpostArns', action: CreateReplicationGroup,
    input: group({ NumCacheClusters: 2, NodeGroupConfiguration: [{ ReplicaCount: 1, ReplicaOutpostArns: [OUTPOST] }] }), code: IVP, message: /Outposts.*ReplicaOutpostArns/ },
];

test(`${BAD.length} create requests ElastiCache refuses get its error code and change nothing`, async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  for (const c of BAD) {
    const err = await assertFaultChangesNothing(t.svc, () => t!.call(c.action, c.input), c.code).catch((e: Error) => {
      throw new Error(`${c.name}: ${e.message}`);
    });
    assert.match(err.message, c.message, c.name);
  }
});

test('a replica added to a group (ReplicationGroupId) may leave CacheNodeType out: it takes the group\'s', async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  await t.call(CreateReplicationGroup, group({ ReplicationGroupId: 'big', CacheNodeType: 'cache.m7g.large' }));
  await setGroupStatus(t.store, 'big', (g) => { g.status = 'available'; });
  await t.call(CreateCacheCluster, { CacheClusterId: 'big-replica', ReplicationGroupId: 'big' });
  assert.equal((await t.store.get('cacheCluster', 'big-replica'))!.doc.cacheNodeType, 'cache.m7g.large');
});
