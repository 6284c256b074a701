/**
 * DescribeCacheClusters and DescribeReplicationGroups page by Marker/MaxRecords reading only the
 * page asked for from the store (issue #10: 1,000 clusters cost one page, not 1,000 records), or,
 * with the views the service keeps between commits, reading nothing the store has not changed.
 */
import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import type { ActionFactory } from './define.js';
import DescribeCacheClusters from './DescribeCacheClusters.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import { assertFault, fakeEngine, insertCacheCluster, makeTestServices, type TestServices } from './test-services.js';
import { CachedReads, MergedViews, type ListPage, type StateStore } from '../../store/index.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

const id = (i: number) => `c-${String(i).padStart(3, '0')}`;

/** Every page of an action, following its Marker; also returns the store reads each page made. */
async function allPages(action: ActionFactory, input: object, key: 'CacheClusters' | 'ReplicationGroups', views?: MergedViews):
  Promise<{ pages: string[][]; lists: (ListPage | undefined)[][] }> {
  const pages: string[][] = [];
  const lists: (ListPage | undefined)[][] = [];
  let marker: string | undefined;
  do {
    const reads: (ListPage | undefined)[] = [];
    const out = await callOn(spying(t!.store, reads), action, { ...input, ...(marker ? { Marker: marker } : {}) }, views);
    lists.push(reads);
    pages.push(out[key].map((r: any) => r.CacheClusterId ?? r.ReplicationGroupId));
    marker = out.Marker;
  } while (marker);
  return { pages, lists };
}

function spying(store: StateStore, reads: (ListPage | undefined)[]): StateStore {
  return new Proxy(store, {
    get(target, prop, receiver) {
      if (prop === 'list') return (kind: never, page?: ListPage) => { reads.push(page); return target.list(kind, page); };
      const v = Reflect.get(target, prop, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

/** Runs an action on `store`, with `views` (none: pages are read from the store). */
function callOn(store: StateStore, action: ActionFactory, input: object, views?: MergedViews): Promise<any> {
  return action({ ...t!.svc, store, views }).handle(input, { requestId: 'pages', action: action(t!.svc).name });
}

test('DescribeCacheClusters pages in id order and reads one page from the store per call', async () => {
  t = await makeTestServices();
  for (const i of [7, 3, 45, 1, 22, ...Array.from({ length: 40 }, (_, k) => 100 + k)]) await insertCacheCluster(t.svc, id(i));
  const { pages, lists } = await allPages(DescribeCacheClusters, { MaxRecords: 20 }, 'CacheClusters');
  assert.deepEqual(pages.map((p) => p.length), [20, 20, 5]);
  const all = pages.flat();
  assert.deepEqual(all, [...all].sort(), 'in id order');
  assert.equal(new Set(all).size, 45);
  for (const reads of lists) {
    assert.equal(reads.length, 1);
    assert.equal(reads[0]?.limit, 21, 'one page (and one record more, to know a next page exists)');
  }
  assert.equal(lists[0]![0]!.afterId, undefined);
  assert.equal(lists[1]![0]!.afterId, pages[0]!.at(-1));
});

test('with the views kept between commits, DescribeCacheClusters pages the same and reads only what commits changed', async () => {
  t = await makeTestServices();
  for (const i of [7, 3, 45, 1, 22, ...Array.from({ length: 40 }, (_, k) => 100 + k)]) await insertCacheCluster(t.svc, id(i));
  const fromStore = await allPages(DescribeCacheClusters, { MaxRecords: 20 }, 'CacheClusters');
  const reads: (ListPage | undefined)[] = [];
  const views = new MergedViews(new CachedReads(spying(t.store, reads)));
  const fromViews = await allPages(DescribeCacheClusters, { MaxRecords: 20 }, 'CacheClusters', views);
  assert.deepEqual(fromViews.pages, fromStore.pages);
  assert.deepEqual(reads, [undefined, undefined], 'each half listed once, at the first page');
  await insertCacheCluster(t.svc, 'c-000');
  const again = await allPages(DescribeCacheClusters, { MaxRecords: 20 }, 'CacheClusters', views);
  assert.deepEqual(again.pages[0]![0], 'c-000', 'a cluster created since is shown');
  assert.equal(reads.length, 2, 'and read alone (by id), not with a list');
});

test('a DescribeCacheClusters Marker holds while clusters come and go between pages', async () => {
  t = await makeTestServices();
  for (let i = 0; i < 30; i++) await insertCacheCluster(t.svc, id(i));
  const first = await t.call(DescribeCacheClusters, { MaxRecords: 20 });
  assert.equal(first.CacheClusters.at(-1).CacheClusterId, id(19));
  await t.store.commit([{ op: 'delete', kind: 'cacheCluster', id: id(3) }, { op: 'delete', kind: 'cacheCluster', id: id(20) }]);
  await insertCacheCluster(t.svc, 'a-before-all');
  await insertCacheCluster(t.svc, 'z-after-all');
  const second = await t.call(DescribeCacheClusters, { MaxRecords: 20, Marker: first.Marker });
  assert.deepEqual(second.CacheClusters.map((c: any) => c.CacheClusterId),
    [...Array.from({ length: 9 }, (_, k) => id(21 + k)), 'z-after-all']);
  assert.equal(second.Marker, undefined);
});

test('DescribeCacheClusters: ShowCacheClustersNotInReplicationGroups and CacheClusterId page the same way', async () => {
  t = await makeTestServices();
  for (let i = 0; i < 50; i++) await insertCacheCluster(t.svc, id(i), i % 2 ? { replicationGroupId: 'rg' } : {});
  const { pages } = await allPages(DescribeCacheClusters, { MaxRecords: 20, ShowCacheClustersNotInReplicationGroups: true }, 'CacheClusters');
  assert.deepEqual(pages.map((p) => p.length), [20, 5]);
  assert.deepEqual(pages.flat(), Array.from({ length: 25 }, (_, k) => id(2 * k)));
  const one = await t.call(DescribeCacheClusters, { CacheClusterId: id(5).toUpperCase() });
  assert.deepEqual(one.CacheClusters.map((c: any) => c.CacheClusterId), [id(5)]);
  const none = await t.call(DescribeCacheClusters, { CacheClusterId: id(5), ShowCacheClustersNotInReplicationGroups: true });
  assert.deepEqual(none.CacheClusters, []);
});

test('DescribeCacheClusters refuses a bad Marker or MaxRecords with InvalidParameterValue (400)', async () => {
  t = await makeTestServices();
  await assertFault(t.call(DescribeCacheClusters, { Marker: 'garbage!' }), 'InvalidParameterValue', 400);
  const offsetMarker = Buffer.from(JSON.stringify({ o: 20 })).toString('base64url');
  await assertFault(t.call(DescribeCacheClusters, { Marker: offsetMarker }), 'InvalidParameterValue', 400);
  await assertFault(t.call(DescribeReplicationGroups, { Marker: Buffer.from('[1]').toString('base64url') }), 'InvalidParameterValue', 400);
  await assertFault(t.call(DescribeCacheClusters, { MaxRecords: 19 }), 'InvalidParameterValue', 400);
  await assertFault(t.call(DescribeReplicationGroups, { MaxRecords: 101 }), 'InvalidParameterValue', 400);
});

test('DescribeReplicationGroups pages groups and reads only their own members', async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  for (let i = 0; i < 23; i++) {
    await t.call(CreateReplicationGroup, {
      ReplicationGroupId: `rg-${String(i).padStart(2, '0')}`, ReplicationGroupDescription: 'd', NumCacheClusters: 2, CacheNodeType: 'cache.t3.micro',
    });
  }
  // A cluster naming a group it is not a member of is not shown as one (as before: members are the group's).
  await insertCacheCluster(t.svc, 'stray', { replicationGroupId: 'rg-01' });
  const { pages, lists } = await allPages(DescribeReplicationGroups, { MaxRecords: 20 }, 'ReplicationGroups');
  assert.deepEqual(pages.map((p) => p.length), [20, 3]);
  assert.deepEqual(pages.flat(), Array.from({ length: 23 }, (_, i) => `rg-${String(i).padStart(2, '0')}`));
  for (const reads of lists) assert.deepEqual(reads.map((r) => r?.limit), [21], 'no read of every cluster');
  const one = await t.call(DescribeReplicationGroups, { ReplicationGroupId: 'RG-01' });
  const [g] = one.ReplicationGroups;
  assert.deepEqual(g.MemberClusters, ['rg-01-001', 'rg-01-002']);
  assert.deepEqual(g.NodeGroups[0].NodeGroupMembers.map((m: any) => m.CacheClusterId), ['rg-01-001', 'rg-01-002']);
});
