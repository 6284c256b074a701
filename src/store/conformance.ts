import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConflictError, type StateStore } from './types.js';
import type { CacheSubnetGroupRecord } from './records.js';

function subnetGroup(name: string, description = 'd'): CacheSubnetGroupRecord {
  return { name, arn: `arn:x:${name}`, description, vpcId: 'vpc-1', subnets: [], createdAt: '2026-01-01T00:00:00.000Z' };
}

/**
 * The behaviour every StateStore must have. Run it against each implementation
 * (SQLite here; a PostgreSQL or etcd store would call it too).
 */
export function runStoreConformance(name: string, open: () => Promise<StateStore>): void {
  test(`${name}: create, get, list, update with version, delete`, async () => {
    const s = await open();
    try {
      await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'b', doc: subnetGroup('b') },
        { op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') }]);
      const got = await s.get('cacheSubnetGroup', 'a');
      assert.equal(got?.version, 1);
      assert.equal(got?.doc.name, 'a');
      assert.deepEqual((await s.list('cacheSubnetGroup')).map((r) => r.id), ['a', 'b']);
      await s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a', 'new'), expectVersion: 1 }]);
      const updated = await s.get('cacheSubnetGroup', 'a');
      assert.equal(updated?.version, 2);
      assert.equal(updated?.doc.description, 'new');
      await s.commit([{ op: 'delete', kind: 'cacheSubnetGroup', id: 'a' }]);
      assert.equal(await s.get('cacheSubnetGroup', 'a'), undefined);
    } finally {
      await s.close();
    }
  });

  test(`${name}: paged list: ids in order after a key, at most a limit, of one kind only`, async () => {
    const s = await open();
    try {
      const ids = ['c', 'a', 'e', 'b', 'd', 'a-1', 'B'];
      await s.commit(ids.map((id) => ({ op: 'create', kind: 'cacheSubnetGroup', id, doc: subnetGroup(id) })));
      // Another kind's ids interleave with these: a page never crosses into it.
      await s.commit([{ op: 'create', kind: 'cacheParameterGroup', id: 'bb', doc: {
        name: 'bb', arn: 'arn:x:bb', family: 'redis7', description: 'd', isGlobal: false, builtIn: false, values: {}, version: 1,
        createdAt: '2026-01-01T00:00:00.000Z',
      } }]);
      await s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'b', doc: subnetGroup('b', 'new') }]);
      const page = async (afterId?: string, limit?: number) =>
        (await s.list('cacheSubnetGroup', { ...(afterId !== undefined ? { afterId } : {}), ...(limit !== undefined ? { limit } : {}) })).map((r) => r.id);
      // Byte order of the ids' UTF-8: upper case before lower case, a prefix before its extensions.
      const all = ['B', 'a', 'a-1', 'b', 'c', 'd', 'e'];
      assert.deepEqual((await s.list('cacheSubnetGroup')).map((r) => r.id), all);
      assert.deepEqual(await page(undefined, 3), ['B', 'a', 'a-1']);
      assert.deepEqual(await page('a-1', 3), ['b', 'c', 'd']);
      assert.deepEqual(await page('d', 3), ['e']);
      assert.deepEqual(await page('e', 3), []);
      assert.deepEqual(await page('a'), ['a-1', 'b', 'c', 'd', 'e'], 'afterId without a limit: every later record');
      assert.deepEqual(await page('bb', 2), ['c', 'd'], 'afterId need not name an existing record');
      assert.deepEqual(await page(undefined, 100), all);
      const b = (await s.list('cacheSubnetGroup', { afterId: 'a-1', limit: 1 }))[0];
      assert.equal(b?.version, 2, 'a paged record carries its version');
      assert.equal(b?.doc.description, 'new', 'and its document');
      // Walking page by page while records come and go: a record is never seen twice, and every
      // record that exists for the whole walk is seen once.
      const seen: string[] = [];
      let after: string | undefined;
      for (let i = 0; ; i++) {
        const got = await s.list('cacheSubnetGroup', { ...(after !== undefined ? { afterId: after } : {}), limit: 2 });
        if (got.length === 0) break;
        seen.push(...got.map((r) => r.id));
        after = got.at(-1)!.id;
        if (i === 0) {
          await s.commit([{ op: 'delete', kind: 'cacheSubnetGroup', id: 'a' },
            { op: 'create', kind: 'cacheSubnetGroup', id: 'A', doc: subnetGroup('A') },
            { op: 'create', kind: 'cacheSubnetGroup', id: 'f', doc: subnetGroup('f') }]);
        }
      }
      assert.deepEqual(seen, ['B', 'a', 'a-1', 'b', 'c', 'd', 'e', 'f']);
      await assert.rejects(s.list('cacheSubnetGroup', { limit: 0 }), RangeError);
    } finally {
      await s.close();
    }
  });

  test(`${name}: a failed precondition applies nothing`, async () => {
    const s = await open();
    try {
      await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') }]);
      await assert.rejects(
        s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'c', doc: subnetGroup('c') },
          { op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') }]),
        (e: unknown) => e instanceof ConflictError && e.reason === 'exists');
      assert.equal(await s.get('cacheSubnetGroup', 'c'), undefined, 'nothing half-created');
      await assert.rejects(
        s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a'), expectVersion: 7 }]),
        (e: unknown) => e instanceof ConflictError && e.reason === 'stale');
      await assert.rejects(s.commit([{ op: 'delete', kind: 'cacheSubnetGroup', id: 'zz' }]),
        (e: unknown) => e instanceof ConflictError && e.reason === 'missing');
    } finally {
      await s.close();
    }
  });

  test(`${name}: change notifications and events newest first with filters`, async () => {
    const s = await open();
    try {
      const seen: string[][] = [];
      const keys: string[][] = [];
      const off = s.onChange((k, changed) => { seen.push(k); keys.push(changed.map((c) => `${c.kind}:${c.id}`)); });
      await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') },
        { op: 'create', kind: 'cacheSubnetGroup', id: 'c', doc: subnetGroup('c') }]);
      off();
      await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'b', doc: subnetGroup('b') }]);
      assert.deepEqual(seen, [['cacheSubnetGroup']]);
      assert.deepEqual(keys, [['cacheSubnetGroup:a', 'cacheSubnetGroup:c']], 'the records each commit wrote');
      for (let i = 0; i < 5; i++) {
        await s.commit([], { events: [{ sourceIdentifier: i % 2 ? 'x' : 'y', sourceType: 'replication-group', message: `m${i}`, date: `2026-01-01T00:00:0${i}.000Z` }] });
      }
      assert.deepEqual((await s.queryEvents({})).map((e) => e.message), ['m4', 'm3', 'm2', 'm1', 'm0']);
      assert.deepEqual((await s.queryEvents({ sourceIdentifier: 'x' })).map((e) => e.message), ['m3', 'm1']);
      assert.deepEqual((await s.queryEvents({ limit: 2, offset: 1 })).map((e) => e.message), ['m3', 'm2']);
      assert.deepEqual((await s.queryEvents({ startTime: '2026-01-01T00:00:03.000Z' })).map((e) => e.message), ['m4', 'm3']);
    } finally {
      await s.close();
    }
  });

  test(`${name}: events are appended in the commit of the writes they go with, numbered, or not at all`, async () => {
    const s = await open();
    try {
      const event = (message: string, level?: 'warn') => ({
        sourceIdentifier: 'g', sourceType: 'replication-group' as const, message, date: '2026-01-01T00:00:00.000Z', ...(level ? { level } : {}),
      });
      const notified: number[][] = [];
      const changed: string[][] = [];
      s.onEvents((es) => notified.push(es.map((e) => e.seq)));
      s.onChange((k) => changed.push(k));
      assert.equal(await s.lastEventSeq(), 0);
      await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') }], { events: [event('one'), event('two', 'warn')] });
      await assert.rejects(
        s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a'), expectVersion: 9 }], { events: [event('lost')] }),
        ConflictError);
      await s.commit([], { events: [event('three')] });
      const all = await s.eventsAfter(0);
      assert.deepEqual(all.map((e) => [e.message, e.level]), [['one', 'info'], ['two', 'warn'], ['three', 'info']], 'a failed commit appends nothing');
      const seqs = all.map((e) => e.seq);
      assert.ok(seqs[0]! < seqs[1]! && seqs[1]! < seqs[2]!, 'numbered in commit order');
      assert.deepEqual(notified, [[seqs[0], seqs[1]], [seqs[2]]]);
      assert.deepEqual(changed, [['cacheSubnetGroup']], 'a commit of events alone changes no record');
      assert.deepEqual((await s.eventsAfter(seqs[0]!, 1)).map((e) => e.message), ['two']);
      assert.equal(await s.lastEventSeq(), seqs[2]);
      assert.deepEqual((await s.queryEvents({}))[0], all[2], 'queried events carry their seq');
    } finally {
      await s.close();
    }
  });
}
