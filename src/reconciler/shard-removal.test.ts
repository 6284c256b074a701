import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mergeCluster, type CacheClusterRecord, type ClusterView, type ReplicationGroupRecord } from '../store/index.js';
import { planShardRemoval, strayClusters } from './shard-removal.js';

const member = (g: string, shard: string, k: number) => `${g}-${shard}-00${k}`;

const group = (id: string, shards: string[], removing: string[]): ReplicationGroupRecord => ({
  id, status: 'modifying', clusterEnabled: true,
  primaryClusterId: member(id, shards[0]!, 1),
  memberClusters: shards.flatMap((s) => [member(id, s, 1), member(id, s, 2)]),
  nodeGroups: shards.map((s) => ({ id: s, slots: '', primaryClusterId: member(id, s, 1), memberClusters: [member(id, s, 1), member(id, s, 2)] })),
  resharding: { startedAt: '', totalSlots: 10, movedSlots: 10, keysMoved: 3, removing },
} as unknown as ReplicationGroupRecord);

const cluster = (id: string, rg: string | undefined, extra: Partial<CacheClusterRecord> = {}): CacheClusterRecord => ({
  ...mergeCluster({ id, replicationGroupId: rg, nodes: [] } as never, undefined), status: 'available', ...extra,
} as unknown as CacheClusterRecord);

const stored = (...cs: [CacheClusterRecord, number][]): Map<string, ClusterView> =>
  new Map(cs.map(([doc, version]) => [doc.id, { id: doc.id, version, statusVersion: 1, spec: specOf(doc), status: undefined, doc }]));

/** The spec half of these test records (their status fields dropped). */
const specOf = (c: CacheClusterRecord) => { const { status: _s, ...rest } = c as CacheClusterRecord & { status?: string }; return rest as never; };

describe('removing emptied shards', () => {
  it('the group stops naming the shards, and their clusters are marked deleting at the versions read', () => {
    const g = group('g', ['0001', '0002', '0003'], ['0002']);
    const { group: next, ops, deleting } = planShardRemoval(g, stored(
      [cluster('g-0002-001', 'g'), 4], [cluster('g-0002-002', 'g'), 7]));
    assert.deepEqual(next.nodeGroups!.map((ng) => ng.id), ['0001', '0003']);
    assert.deepEqual(next.memberClusters, ['g-0001-001', 'g-0001-002', 'g-0003-001', 'g-0003-002']);
    assert.deepEqual(next.resharding?.removing, []);
    assert.equal(next.resharding?.movedSlots, 10, 'progress kept for the completion event');
    assert.deepEqual(deleting, ['g-0002-001', 'g-0002-002']);
    assert.deepEqual(ops, [
      { op: 'update', kind: 'cacheCluster', id: 'g-0002-001', expectVersion: 4, doc: { id: 'g-0002-001', replicationGroupId: 'g', nodes: [], deleteRequested: true } },
      { op: 'update', kind: 'cacheCluster', id: 'g-0002-002', expectVersion: 7, doc: { id: 'g-0002-002', replicationGroupId: 'g', nodes: [], deleteRequested: true } },
    ]);
    assert.equal(g.nodeGroups!.length, 3, 'the input is not changed');
  });

  it('removing the first shard moves the group primary to the first shard kept', () => {
    const g = group('g', ['0001', '0002'], ['0001']);
    const { group: next } = planShardRemoval(g, stored([cluster('g-0001-001', 'g'), 1], [cluster('g-0001-002', 'g'), 1]));
    assert.equal(next.primaryClusterId, 'g-0002-001');
  });

  it('never marks a cluster whose record names another group (or none), nor one already deleting or gone', () => {
    const g = group('g', ['0001', '0002'], ['0002']);
    const { group: next, ops, deleting } = planShardRemoval(g, stored(
      [cluster('g-0002-001', 'other'), 2],
      [cluster('g-0002-002', 'g', { deleteRequested: true }), 3]));
    assert.deepEqual(ops, []);
    assert.deepEqual(deleting, []);
    assert.deepEqual(next.memberClusters, ['g-0001-001', 'g-0001-002'], 'the group still stops naming them');
    const none = planShardRemoval(g, new Map());
    assert.deepEqual(none.ops, [], 'records already deleted');
  });

  it('nothing to remove: the same group, no writes', () => {
    const g = group('g', ['0001', '0002'], []);
    const { group: next, ops } = planShardRemoval(g, new Map());
    assert.deepEqual(next, g);
    assert.deepEqual(ops, []);
  });
});

describe('stray clusters', () => {
  it('a cluster naming the group that the group does not name, not being deleted', () => {
    const g = group('g', ['0001'], []);
    const found = strayClusters(g, [
      cluster('g-0001-001', 'g'),
      cluster('g-0002-001', 'g'),
      cluster('g-0002-002', 'g', { deleteRequested: true }),
      cluster('h-0001-001', 'h'),
      cluster('solo', undefined),
    ]);
    assert.deepEqual(found, ['g-0002-001']);
  });
});
