import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { restoreRequest } from './restore-shape.js';

describe('cachefleet restore: the new group copies the source', () => {
  it('a cluster-mode-disabled group with a replica, TLS and encryption at rest', () => {
    const r = restoreRequest({
      ReplicationGroupId: 'orders', CacheNodeType: 'cache.r6g.large', ClusterEnabled: false, AutomaticFailover: 'enabled', MultiAZ: 'disabled',
      MemberClusters: ['orders-001', 'orders-002'], NodeGroups: [{ NodeGroupId: '0001', NodeGroupMembers: [{}, {}], PrimaryEndpoint: { Port: 6380 } }],
      TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true, KmsKeyId: 'arn:aws:kms:us-east-1:1:key/k', SnapshotRetentionLimit: 3,
      SnapshotWindow: '03:00-04:00', UserGroupIds: ['app'],
    }, {
      EngineVersion: '7.0.15', CacheParameterGroup: { CacheParameterGroupName: 'custom' }, CacheSubnetGroupName: 'sub',
      SecurityGroups: [{ SecurityGroupId: 'sg-1' }], CacheNodes: [{ Endpoint: { Port: 6380 } }],
    }, 'orders-back', '2024-01-15T12:00:00Z');
    assert.deepEqual(r, {
      ReplicationGroupId: 'orders-back', ReplicationGroupDescription: 'Restored from orders at 2024-01-15T12:00:00Z', Engine: 'redis',
      EngineVersion: '7.0', CacheNodeType: 'cache.r6g.large', CacheParameterGroupName: 'custom', CacheSubnetGroupName: 'sub',
      SecurityGroupIds: ['sg-1'], Port: 6380, NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZEnabled: false,
      TransitEncryptionEnabled: true, AtRestEncryptionEnabled: true, KmsKeyId: 'arn:aws:kms:us-east-1:1:key/k', SnapshotRetentionLimit: 3,
      SnapshotWindow: '03:00-04:00', UserGroupIds: ['app'],
      Tags: [{ Key: 'cachefleet:restore-source-group', Value: 'orders' }, { Key: 'cachefleet:restore-to-time', Value: '2024-01-15T12:00:00Z' }],
    });
  });

  it('a sharded group keeps its shards and replicas unless overridden', () => {
    const source = {
      ReplicationGroupId: 'shop', CacheNodeType: 'cache.t3.micro', ClusterEnabled: true,
      NodeGroups: [{ NodeGroupMembers: [{}, {}] }, { NodeGroupMembers: [{}, {}] }, { NodeGroupMembers: [{}, {}] }],
    };
    const r = restoreRequest(source, undefined, 'shop-back', '1705320000');
    assert.deepEqual([r.NumNodeGroups, r.ReplicasPerNodeGroup, r.AutomaticFailoverEnabled, r.NumCacheClusters], [3, 1, true, undefined]);
    const o = restoreRequest(source, undefined, 'shop-back', '1705320000', { numNodeGroups: 5, replicasPerNodeGroup: 0, cacheNodeType: 'cache.r6g.large' });
    assert.deepEqual([o.NumNodeGroups, o.ReplicasPerNodeGroup, o.AutomaticFailoverEnabled, o.CacheNodeType], [5, 0, true, 'cache.r6g.large']);
  });
});
