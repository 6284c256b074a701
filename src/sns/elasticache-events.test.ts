import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SqliteStore } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { waitFor } from '../util/wait.js';
import { elastiCacheEventName, elastiCacheNotifier } from './elasticache-events.js';

describe('ElastiCache notifications', () => {
  it('names the events AWS notifies', () => {
    assert.equal(elastiCacheEventName({ sourceType: 'replication-group', message: 'Failover to replica node g-002-0001 completed (primary down, 812 ms)' }), 'ElastiCache:FailoverComplete');
    assert.equal(elastiCacheEventName({ sourceType: 'cache-cluster', message: "Snapshot succeeded for snapshot with ID 's1' of cache cluster c1" }), 'ElastiCache:SnapshotComplete');
    assert.equal(elastiCacheEventName({ sourceType: 'cache-cluster', message: 'Finished recovery for cache nodes 0001' }), 'ElastiCache:CacheNodeReplaceComplete');
    assert.equal(elastiCacheEventName({ sourceType: 'cache-cluster', message: 'Cache cluster c1 modified: port' }), undefined);
  });

  it('publishes to the group topic of a member cluster, and nothing without an active topic', async () => {
    const store = new SqliteStore(':memory:');
    const topic = 'arn:aws:sns:us-east-1:123456789012:ops';
    await store.commit([
      { op: 'create', kind: 'replicationGroup', id: 'g', doc: { notificationTopicArn: topic } as never },
      { op: 'create', kind: 'cacheCluster', id: 'g-001', doc: { replicationGroupId: 'g' } as never },
      { op: 'create', kind: 'cacheCluster', id: 'lone', doc: {} as never },
      { op: 'create', kind: 'cacheCluster', id: 'muted', doc: { notificationTopicArn: topic, notificationTopicStatus: 'inactive' } as never },
    ]);
    const sent: Array<[string, string, string]> = [];
    const notify = elastiCacheNotifier(store, async (a, m, s) => { sent.push([a, m, s]); }, silentLogger);
    notify({ seq: 1, sourceType: 'cache-cluster', sourceIdentifier: 'lone', message: 'Finished recovery for cache nodes 0001', date: '' });
    notify({ seq: 1, sourceType: 'cache-cluster', sourceIdentifier: 'muted', message: 'Finished recovery for cache nodes 0001', date: '' });
    notify({ seq: 2, sourceType: 'cache-cluster', sourceIdentifier: 'g-001', message: 'Finished recovery for cache nodes 0001', date: '' });
    await waitFor(() => sent.length === 1, { timeoutMs: 2000 });
    assert.deepEqual(sent[0], [topic, '{"ElastiCache:CacheNodeReplaceComplete":"g-001"}', 'ElastiCache:CacheNodeReplaceComplete']);
    await store.close();
  });
});
