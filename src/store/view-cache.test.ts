/**
 * Reads kept between commits (CachedReads, MergedViews) on the real SQLite store: a list after
 * commits is what the store holds, only the records a commit touched are read again, a list with
 * nothing changed reads nothing, a merged view is made again only when one of its halves
 * changed, and what is handed out cannot be changed in place.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { CacheClusterSpec, CacheSubnetGroupRecord } from './records.js';
import { SqliteStore } from './sqlite-store.js';
import type { StateStore } from './types.js';
import { CachedReads, MergedViews } from './view-cache.js';
import { clusterCreate, clusterStatusWrite, getCluster, listClusters } from './index.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function store(): SqliteStore {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-view-cache-'));
  dirs.push(dir);
  return new SqliteStore(join(dir, 'state.db'));
}

/** The store, counting the records each kind of read returned. */
function counting(inner: StateStore): { store: StateStore; reads: { list: number; get: number } } {
  const reads = { list: 0, get: 0 };
  const store = new Proxy(inner, {
    get: (target, prop) => {
      if (prop === 'list') return async (...a: Parameters<StateStore['list']>) => { const r = await target.list(...a); reads.list += r.length; return r; };
      if (prop === 'get') return async (...a: Parameters<StateStore['get']>) => { const r = await target.get(...a); reads.get++; return r; };
      const v: unknown = Reflect.get(target, prop);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { store, reads };
}

const subnetGroup = (name: string, description = 'd'): CacheSubnetGroupRecord =>
  ({ name, arn: `arn:x:${name}`, description, vpcId: 'vpc-1', subnets: [], createdAt: '2026-01-01T00:00:00.000Z' });

const clusterSpec = (id: string): CacheClusterSpec => ({
  id, arn: `arn:${id}`, createdAt: '', engine: 'redis', engineVersion: '7.0', engineVersionInstalled: '7.0.15', cacheNodeType: 'cache.t3.micro',
  cacheParameterGroupName: 'default.redis7', cacheSubnetGroupName: 'default', port: 6379, securityGroupIds: [],
  preferredMaintenanceWindow: 'sun:05:00-sun:06:00', snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00', autoMinorVersionUpgrade: true,
  transitEncryptionEnabled: false, atRestEncryptionEnabled: false, preferredAvailabilityZone: 'us-east-1a',
  nodes: [{ id: '0001', address: '127.0.0.5', port: 6379, availabilityZone: 'us-east-1a', createdAt: '' }], pending: {},
});

test('a list follows every commit, reading again only the records a commit touched', async () => {
  const s = store();
  const { store: counted, reads } = counting(s);
  const cache = new CachedReads(counted);
  await s.commit(['b', 'a', 'c'].map((id) => ({ op: 'create' as const, kind: 'cacheSubnetGroup' as const, id, doc: subnetGroup(id) })));
  const names = async () => (await cache.list('cacheSubnetGroup')).map((r) => `${r.id}:${r.version}:${r.doc.description}`);
  assert.deepEqual(await names(), ['a:1:d', 'b:1:d', 'c:1:d']);
  assert.deepEqual(reads, { list: 3, get: 0 });
  assert.deepEqual(await names(), ['a:1:d', 'b:1:d', 'c:1:d']);
  assert.deepEqual(reads, { list: 3, get: 0 }, 'nothing changed: nothing read');
  await s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'b', doc: subnetGroup('b', 'new'), expectVersion: 1 },
    { op: 'delete', kind: 'cacheSubnetGroup', id: 'c' }, { op: 'create', kind: 'cacheSubnetGroup', id: 'aa', doc: subnetGroup('aa') }]);
  assert.deepEqual(await names(), ['a:1:d', 'aa:1:d', 'b:2:new']);
  assert.deepEqual(reads, { list: 3, get: 3 }, 'the three records written, one read each');
  assert.equal((await cache.get('cacheSubnetGroup', 'b'))?.version, 2);
  assert.equal(await cache.get('cacheSubnetGroup', 'c'), undefined);
  assert.deepEqual(reads, { list: 3, get: 3 }, 'gets of a listed kind come from memory');
  // A page is read from the store, as a describe reads it.
  assert.deepEqual((await cache.list('cacheSubnetGroup', { limit: 1 })).map((r) => r.id), ['a']);
  cache.close();
  await s.close();
});

test('a commit landing while a kind is being read is seen by the next list', async () => {
  const s = store();
  let during: (() => Promise<void>) | undefined;
  const slow = new Proxy(s, {
    get: (target, prop) => prop !== 'list' ? (Reflect.get(target, prop) as (...a: unknown[]) => unknown).bind(target)
      : async (...a: Parameters<StateStore['list']>) => { const r = await target.list(...a); await during?.(); during = undefined; return r; },
  });
  const cache = new CachedReads(slow);
  await s.commit([{ op: 'create', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a') }]);
  during = () => s.commit([{ op: 'update', kind: 'cacheSubnetGroup', id: 'a', doc: subnetGroup('a', 'meanwhile') }]);
  assert.equal((await cache.list('cacheSubnetGroup'))[0]!.doc.description, 'd', 'the list as it was read');
  assert.equal((await cache.list('cacheSubnetGroup'))[0]!.doc.description, 'meanwhile');
  cache.close();
  await s.close();
});

test('merged views: the same view while neither half changed, a new one when either did, equal to listClusters', async () => {
  const s = store();
  const views = new MergedViews(new CachedReads(s));
  await s.commit([clusterCreate(clusterSpec('c1')), clusterCreate(clusterSpec('c2'))]);
  const [a1, a2] = await views.clusters();
  const [b1, b2] = await views.clusters();
  assert.ok(a1 === b1 && a2 === b2, 'unchanged: not merged again');
  const v = (await getCluster(s, 'c2'))!;
  await s.commit(clusterStatusWrite(v, { ...v.doc, status: 'available' }));
  const [c1, c2] = await views.clusters();
  assert.ok(c1 === a1, 'c1 untouched');
  assert.ok(c2 !== a2);
  assert.equal(c2!.doc.status, 'available');
  assert.deepEqual(JSON.parse(JSON.stringify(await views.clusters())), JSON.parse(JSON.stringify(await listClusters(s))));
  await s.close();
});

test('what is handed out is frozen: a reader cannot change what the next reader sees', async () => {
  const s = store();
  const views = new MergedViews(new CachedReads(s));
  await s.commit([clusterCreate(clusterSpec('c1'))]);
  const [v] = await views.clusters();
  assert.throws(() => { (v!.doc as { status: string }).status = 'available'; }, TypeError);
  assert.throws(() => { v!.doc.nodes[0]!.status = 'available'; }, TypeError);
  assert.throws(() => { (v!.spec.nodes as unknown[]).push({}); }, TypeError);
  const copy = structuredClone(v!.doc);
  copy.status = 'available';
  assert.equal((await views.clusters())[0]!.doc.status, 'creating');
  await s.close();
});
