import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LogStore } from './log-store.js';

const group = (name: string, retentionDays?: number) => ({
  name, createdMs: 0, logGroupClass: 'STANDARD' as const, deletionProtection: false, tags: {}, ...(retentionDays ? { retentionDays } : {}),
});

describe('LogStore', () => {
  it('appends only to an existing group, and moves the cursor in the same transaction', () => {
    const s = new LogStore(':memory:');
    const cursor = { nodeKey: 'n-0001', logType: 'slow-log', source: 'run', position: 7 };
    assert.equal(s.append('missing', 'st', [{ timestamp: 1, message: 'x' }], 10, cursor), false);
    assert.equal(s.deliveries.cursor('n-0001', 'slow-log'), undefined, 'no group: the cursor stays');
    assert.ok(s.createGroup(group('g')));
    assert.equal(s.createGroup(group('g')), false);
    assert.equal(s.append('g', 'st', [{ timestamp: 1, message: 'abc' }], 10, cursor), true);
    assert.deepEqual(s.deliveries.cursor('n-0001', 'slow-log'), cursor);
    assert.equal(s.group('g')?.storedBytes, 3);
    assert.equal(s.stream('g', 'st')?.firstEventMs, 1);
    s.close();
  });

  it('scans a group in (timestamp, seq) order across batches and streams, resuming after a position', () => {
    const s = new LogStore(':memory:');
    s.createGroup(group('g'));
    s.append('g', 'a', [{ timestamp: 5, message: 'a5' }, { timestamp: 1, message: 'a1' }, { timestamp: 3, message: 'a3' }], 10);
    s.append('g', 'b', [{ timestamp: 2, message: 'b2' }, { timestamp: 3, message: 'b3' }], 10);
    const all = [...s.scan('g', {}, 2)];
    assert.deepEqual(all.map((e) => e.message), ['a1', 'b2', 'a3', 'b3', 'a5']);
    const after = all[2]!;
    assert.deepEqual([...s.scan('g', { after: { timestamp: after.timestamp, seq: after.seq } }, 2)].map((e) => e.message), ['b3', 'a5']);
    assert.deepEqual([...s.scan('g', { streamPrefix: 'b' }, 2)].map((e) => e.message), ['b2', 'b3']);
    assert.deepEqual([...s.scan('g', { startTime: 2, endTime: 3 })].map((e) => e.message), ['b2', 'a3', 'b3']);
    s.close();
  });

  it('expires events past retention and keeps stored bytes right; deleting a group removes its events', () => {
    const s = new LogStore(':memory:');
    const day = 86_400_000;
    s.createGroup(group('kept', 1));
    s.createGroup(group('forever'));
    s.append('kept', 's', [{ timestamp: 0, message: 'old' }, { timestamp: 3 * day, message: 'newer' }], 0);
    s.append('forever', 's', [{ timestamp: 0, message: 'old' }], 0);
    assert.equal(s.expire(3 * day + 1), 1);
    assert.equal(s.group('kept')?.storedBytes, 5);
    assert.equal(s.stream('kept', 's')?.firstEventMs, 3 * day);
    assert.equal(s.group('forever')?.storedBytes, 3);
    assert.ok(s.deleteGroup('forever'));
    assert.equal(s.deleteGroup('forever'), false);
    assert.deepEqual([...s.scan('forever', {})], []);
    s.close();
  });
});
