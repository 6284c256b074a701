import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  countSlots,
  formatSlots,
  myselfOf,
  normalizeRanges,
  parseClusterNodes,
  parseSlots,
  rangesToSlots,
  slotOwner,
  slotsToRanges,
} from './cluster-nodes.js';

// Captured from redis-server 7.0.15 (node 1 migrating slot 100 to node 2; node 2 importing it).
const A = 'c3092ff3e5a3848a51e22346569b4a6feaae75ff';
const B = '72e45a4073469a59d8e01494e0fda8520d3a849c';
const C = '97d2add9dba2ae5ad0d8a0965b4c5919f74fad98';
const fromA = `${C} 127.151.3.3:6379@16379,host3.example slave ${A} 0 1795412105031 1 connected
${B} 127.151.3.2:6379@16379,host2.example master - 0 1795412105231 2 connected 5462-16383
${A} 127.151.3.1:6379@16379,host1.example myself,master - 0 1795412104000 0 connected 0-5461 [100->-${B}]
`;
const fromB = `${A} 127.151.3.1:6379@16379 master - 0 1795412105281 0 connected 0-5461\r
${B} 127.151.3.2:6379@16379 myself,master - 0 1795412105000 2 connected 5462-16383 [100-<-${A}]\r
`;
// A node seen failing, a handshake in progress, a noaddr node and a 7.2-style aux field.
const degraded = `${B} 127.151.3.2:6379@16379,host2.example master,fail? - 1795412109264 1795412108260 2 disconnected 5462-16383
568230f837ed125f276c270121e70289ed7371e9 127.151.3.9:6379@16379 handshake - 0 0 0 disconnected
e7d1eecce10fd6bb5eb35b9f99a514335d9ba9ca :0@0 master,fail,noaddr - 1 1 3 disconnected
${A} 127.151.3.1:7000@17000,,shard-id=69bc myself,master - 0 0 5 connected 0 2-3 16383
`;

describe('parseClusterNodes', () => {
  it('parses the migrating side, replicas and hostnames', () => {
    const nodes = parseClusterNodes(fromA);
    assert.equal(nodes.length, 3);
    const me = myselfOf(nodes);
    assert.equal(me.id, A);
    assert.equal(me.address, '127.151.3.1');
    assert.equal(me.port, 6379);
    assert.equal(me.busPort, 16379);
    assert.equal(me.hostname, 'host1.example');
    assert.deepEqual(me.flags, ['myself', 'master']);
    assert.equal(me.role, 'primary');
    assert.equal(me.primaryId, undefined);
    assert.deepEqual(me.slots, [[0, 5461]]);
    assert.deepEqual(me.migrating, [{ slot: 100, to: B }]);
    assert.deepEqual(me.importing, []);
    assert.equal(me.configEpoch, 0);
    assert.equal(me.linkState, 'connected');
    const rep = nodes.find((n) => n.id === C)!;
    assert.equal(rep.role, 'replica');
    assert.equal(rep.primaryId, A);
    assert.equal(rep.myself, false);
    assert.deepEqual(rep.slots, []);
    assert.equal(rep.pongRecv, 1795412105031);
    assert.equal(rep.configEpoch, 1);
    assert.equal(slotOwner(nodes, 100)?.id, A);
    assert.equal(slotOwner(nodes, 5462)?.id, B);
  });

  it('parses the importing side (CRLF, no hostname)', () => {
    const me = myselfOf(parseClusterNodes(fromB));
    assert.equal(me.id, B);
    assert.equal(me.hostname, undefined);
    assert.deepEqual(me.importing, [{ slot: 100, from: A }]);
    assert.deepEqual(me.migrating, []);
  });

  it('parses failure, handshake, noaddr, single slots and aux fields', () => {
    const nodes = parseClusterNodes(degraded);
    const [b, hs, gone, me] = nodes;
    assert.equal(b.failed, true);
    assert.equal(b.linkState, 'disconnected');
    assert.equal(b.pingSent, 1795412109264);
    assert.equal(hs.handshake, true);
    assert.equal(hs.role, 'primary');
    assert.equal(hs.failed, false);
    assert.equal(gone.noaddr, true);
    assert.equal(gone.failed, true);
    assert.equal(gone.address, '');
    assert.equal(gone.port, 0);
    assert.equal(me.port, 7000);
    assert.equal(me.busPort, 17000);
    assert.equal(me.hostname, undefined);
    assert.deepEqual(me.slots, [[0, 0], [2, 3], [16383, 16383]]);
  });

  it('rejects garbage', () => {
    assert.throws(() => parseClusterNodes('abc def'), /malformed CLUSTER NODES line/);
    assert.throws(() => myselfOf(parseClusterNodes(fromA.split('\n')[0])), /no myself line/);
  });
});

describe('slot range strings', () => {
  it('formats as ElastiCache shows NodeGroups[].Slots', () => {
    assert.equal(formatSlots([[0, 5461]]), '0-5461');
    assert.equal(formatSlots([[200, 300], [0, 100]]), '0-100,200-300');
    assert.equal(formatSlots([[0, 99], [100, 200]]), '0-200');
    assert.equal(formatSlots([[7, 7]]), '7-7');
    assert.equal(formatSlots([]), '');
  });

  it('parses and round-trips', () => {
    assert.deepEqual(parseSlots('0-5461'), [[0, 5461]]);
    assert.deepEqual(parseSlots('200-300, 0-100'), [[0, 100], [200, 300]]);
    assert.deepEqual(parseSlots('7'), [[7, 7]]);
    assert.deepEqual(parseSlots('0-10,11-20'), [[0, 20]]);
    assert.deepEqual(parseSlots(''), []);
    for (const s of ['0-5461', '5462-10922,10923-16383', '0-100,200-300,16383-16383']) {
      assert.equal(formatSlots(parseSlots(s)), s === '5462-10922,10923-16383' ? '5462-16383' : s);
    }
  });

  it('rejects out-of-range, reversed, malformed and overlapping ranges with a clear message', () => {
    assert.throws(() => parseSlots('0-16384'), /slot 16384 .* out of range 0-16383/);
    assert.throws(() => parseSlots('10-5'), /reversed/);
    assert.throws(() => parseSlots('-1-5'), /expected N or N-M/);
    assert.throws(() => parseSlots('a-b'), /expected N or N-M/);
    assert.throws(() => parseSlots('0-100,,200'), /invalid slot range ""/);
    assert.throws(() => parseSlots('0-100,100-200'), /0-100 and 100-200 .* overlap/);
    assert.throws(() => parseSlots('50,0-100'), /0-100 and 50-50 .* overlap/);
  });

  it('converts between slots and ranges', () => {
    assert.deepEqual(slotsToRanges([5, 1, 2, 3, 9, 10]), [[1, 3], [5, 5], [9, 10]]);
    assert.deepEqual(rangesToSlots([[1, 3], [9, 9]]), [1, 2, 3, 9]);
    assert.deepEqual(normalizeRanges([[5, 9], [0, 4], [20, 30]]), [[0, 9], [20, 30]]);
    assert.equal(countSlots([[0, 5461], [10, 10]]), 5463);
  });
});
