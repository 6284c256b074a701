import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { decode } from './resp.js';
import { clusterInfoText, clusterNodesText, clusterShards, clusterSlots, virtualIds } from './virtual-cluster.js';

const ep = { cacheName: 'c1', host: '127.1.2.3', port: 6379, readerPort: 6380 };
const str = (v: unknown): unknown => (Buffer.isBuffer(v) ? v.toString() : Array.isArray(v) ? v.map(str) : v);

describe('the virtual cluster', () => {
  it('CLUSTER SLOTS: one range 0-16383 served by the endpoint, the reader port as replica', () => {
    const ids = virtualIds(ep);
    assert.match(ids.primary, /^[0-9a-f]{40}$/);
    assert.notEqual(ids.primary, ids.replica);
    assert.deepEqual(str(decode(clusterSlots(ep)).value), [[0, 16383, ['127.1.2.3', 6379, ids.primary, []], ['127.1.2.3', 6380, ids.replica, []]]]);
  });

  it('CLUSTER SHARDS in RESP2 and RESP3', () => {
    const v2 = str(decode(clusterShards(ep, 2)).value) as unknown[][];
    assert.deepEqual(v2[0]!.slice(0, 2), ['slots', [0, 16383]]);
    const nodes = v2[0]![3] as unknown[][];
    assert.equal(nodes.length, 2);
    assert.deepEqual(nodes[0]!.slice(0, 2), ['id', virtualIds(ep).primary]);
    assert.equal(clusterShards(ep, 3).toString().startsWith('*1\r\n%2\r\n'), true);
  });

  it('CLUSTER NODES marks the port asked as myself; CLUSTER INFO is ok with one shard', () => {
    const lines = clusterNodesText(ep, 6380).trim().split('\n');
    assert.equal(lines.length, 2);
    assert.match(lines[0]!, / 127\.1\.2\.3:6379@16379 master - 0 0 1 connected 0-16383$/);
    assert.match(lines[1]!, /myself,slave [0-9a-f]{40} /);
    assert.match(clusterNodesText(ep, 6379), /myself,master/);
    assert.match(clusterInfoText(), /cluster_state:ok\r\n.*cluster_slots_assigned:16384/s);
    assert.match(clusterInfoText(), /cluster_size:1/);
  });
});
