/**
 * Expiry of archives on a store in memory: a recording shard keeps the newest base at or before
 * the retention's start and everything after; a removed shard's archive expires the same way while
 * any of it is within the retention, and goes whole once all of it is older.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { MemoryObjectStore } from '../fake-io.js';
import { expireArchive, expireRemovedShard } from './expire.js';
import { baseKey, DAY_MS, segmentKey } from './names.js';

const P = '_pitr/g/1/0002/';
const NOW = Date.UTC(2026, 11, 5, 12);
const RETENTION = DAY_MS;
const LINE = 'ab12cd34ef56';
const REPLID = 'a'.repeat(40);

async function archive(store: MemoryObjectStore, bases: number[], segments: Array<[number, number]>): Promise<void> {
  const put = (key: string) => store.put(key, Readable.from([Buffer.from('x')]));
  for (const ms of bases) await put(baseKey(P, { ms, line: LINE, offset: 1, replid: REPLID }));
  for (const [i, [startMs, endMs]] of segments.entries()) {
    await put(segmentKey(P, { startMs, endMs, line: LINE, startOffset: i * 10, endOffset: i * 10 + 9, replid: REPLID }));
  }
}

test('a recording shard: the newest base before the cutoff and what follows stay', async () => {
  const store = new MemoryObjectStore('m');
  const h = 3_600_000;
  await archive(store, [NOW - 3 * DAY_MS, NOW - 2 * DAY_MS, NOW - 2 * h], [[NOW - 3 * DAY_MS, NOW - 3 * DAY_MS + h], [NOW - 2 * DAY_MS, NOW - h]]);
  assert.deepEqual(await expireArchive(store, P, RETENTION, NOW), { bases: 1, segments: 1 });
  assert.equal((await store.list(P)).length, 3);
});

test('a removed shard: expired while some of it is within the retention, deleted whole once all of it is older', async () => {
  const store = new MemoryObjectStore('m');
  const h = 3_600_000;
  // Removed 2 h ago: its last segment ended then.
  await archive(store, [NOW - 3 * DAY_MS, NOW - 2 * DAY_MS], [[NOW - 3 * DAY_MS, NOW - 3 * DAY_MS + h], [NOW - 2 * DAY_MS, NOW - 2 * h]]);
  assert.deepEqual(await expireRemovedShard(store, P, RETENTION, NOW), { bases: 1, segments: 1 });
  assert.equal((await store.list(P)).length, 2, 'the base a restore within the retention starts from, and its segment');
  // A day and more later nothing in it is within the retention.
  const later = NOW + DAY_MS;
  assert.deepEqual(await expireRemovedShard(store, P, RETENTION, later), { bases: 0, segments: 0, deleted: 2 });
  assert.deepEqual(await store.list(P), []);
  // Another shard's objects under the same root are not touched.
  await store.put('_pitr/g/1/0001/bases/x', Readable.from([Buffer.from('x')]));
  assert.deepEqual(await expireRemovedShard(store, P, RETENTION, later), { bases: 0, segments: 0, deleted: 0 });
  assert.equal((await store.list('_pitr/g/1/')).length, 1);
});
