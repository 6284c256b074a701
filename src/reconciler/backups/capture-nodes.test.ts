/** Which member each shard of a snapshot is taken from (a pure function of the records). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { CacheClusterRecord, ReplicationGroupRecord, SnapshotSpec } from '../../store/index.js';
import { captureMembers } from './capture-nodes.js';

const member = (id: string, role: 'primary' | 'replica', o: { linkUp?: boolean; down?: boolean } = {}): CacheClusterRecord => ({
  id, nodes: [{ id: '0001', observed: { runId: `r-${id}`, role, ...(role === 'replica' ? { linkUp: o.linkUp ?? true } : {}), ...(o.down ? { lastError: 'ECONNREFUSED' } : {}) } }],
} as unknown as CacheClusterRecord);

const group = { id: 'g', primaryClusterId: 'g-001', memberClusters: ['g-001', 'g-002', 'g-003'] } as unknown as ReplicationGroupRecord;
const spec = (origin: SnapshotSpec['origin']) => ({ origin, config: { shards: [{ id: '0001' }] } } as unknown as SnapshotSpec);
const pick = (s: SnapshotSpec, clusters: CacheClusterRecord[], g: ReplicationGroupRecord | 'standalone' = group) =>
  captureMembers(s, g === 'standalone' ? undefined : g, new Map(clusters.map((c) => [c.id, c]))).get('0001')?.id;

describe('captureMembers', () => {
  const healthy = [member('g-001', 'primary'), member('g-002', 'replica'), member('g-003', 'replica')];
  it('a replica with its link up, the one asked for when it can serve', () => {
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: false }), healthy), 'g-002');
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: false, snapshottingClusterId: 'g-003' }), healthy), 'g-003');
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: false, snapshottingClusterId: 'g-001' }), healthy), 'g-001', 'the primary when asked');
  });
  it('passes over replicas that lag or are down; the primary when no replica can serve', () => {
    const lagging = [member('g-001', 'primary'), member('g-002', 'replica', { linkUp: false }), member('g-003', 'replica', { down: true })];
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: false, snapshottingClusterId: 'g-002' }), lagging), 'g-001');
  });
  it('a final snapshot from the primary, or from no one while the primary is down', () => {
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: true }), healthy), 'g-001');
    assert.equal(pick(spec({ kind: 'capture', fromPrimary: true }), [member('g-001', 'primary', { down: true }), ...healthy.slice(1)]), undefined);
  });
  it('a standalone cluster: itself', () => {
    const s = { origin: { kind: 'capture', fromPrimary: true }, config: { cacheClusterId: 'solo', shards: [{ id: '0001' }] } } as unknown as SnapshotSpec;
    assert.equal(pick(s, [member('solo', 'primary')], 'standalone'), 'solo');
  });
});
