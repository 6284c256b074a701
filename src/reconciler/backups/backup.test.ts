/**
 * The snapshot controller taking snapshots on the real SQLite store with the data side faked
 * (snapshots/fake-io.ts): from a replica, one file per shard, encrypted when the source is,
 * failures reported and cleaned up, and a control plane killed between any two steps of a
 * backup leaving work that the next controller finishes or fails cleanly, never `creating`.
 */
import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import type { TestServices } from '../../resources/test-services.js';
import type { NodeInfo } from '../../engine/admin.js';
import { getGroup, getSnapshot, type CacheClusterRecord } from '../../store/index.js';
import { SnapshotController } from './controller.js';
import { backupDeps, backupServices, drain, messages, requestSnapshot, seedCluster, seedGroup } from './test-fixtures.js';
import { readAll } from '../../snapshots/fake-io.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

async function snapshot(name: string) {
  return (await getSnapshot(t!.store, name))?.doc;
}
const nodeAt = async (id: string) => {
  const c = (await t!.store.get('cacheCluster', id))!.doc;
  return `${c.nodes[0]!.address}:${c.nodes[0]!.port}`;
};

describe('backups', () => {
  it('takes a cluster-mode-disabled group from its replica: one compressed file, available, the marker cleared, events', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await requestSnapshot(t, 'orders', 'nightly');
    assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, 'nightly');
    await drain(new SnapshotController(backupDeps(t)));
    const s = (await snapshot('nightly'))!;
    assert.equal(s.status, 'available');
    assert.deepEqual(t.io.captured, [await nodeAt('orders-002')], 'taken from the replica, not the primary');
    assert.equal(s.work.nodeSnapshots.length, 1);
    assert.equal(s.work.nodeSnapshots[0]!.cacheClusterId, 'orders-002');
    const file = await readAll(await t.io.storage.snapshots.get(s.work.nodeSnapshots[0]!.objectKey));
    assert.match(file.toString(), /^FAKE1 z -\nREDIS0011/, 'compressed, not encrypted');
    assert.equal(s.work.nodeSnapshots[0]!.rdbBytes, file.length - 'FAKE1 z -\n'.length);
    assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, undefined);
    assert.deepEqual(await messages(t), [
      "Snapshot started for snapshot with ID 'nightly' of replication group with ID 'orders'",
      "Snapshot succeeded for snapshot with ID 'nightly' of replication group with ID 'orders'",
    ]);
  });

  it('takes one file per shard of a cluster-mode-enabled group, each from that shard\'s replica', async () => {
    t = await backupServices();
    await seedGroup(t, 'shop', { shards: 3 });
    await requestSnapshot(t, 'shop', 'before-sale');
    await drain(new SnapshotController(backupDeps(t)));
    const s = (await snapshot('before-sale'))!;
    assert.equal(s.status, 'available');
    assert.deepEqual(s.work.nodeSnapshots.map((n) => n.nodeGroupId), ['0001', '0002', '0003']);
    assert.deepEqual(t.io.captured.sort(), [await nodeAt('shop-0001-002'), await nodeAt('shop-0002-002'), await nodeAt('shop-0003-002')].sort());
    assert.equal((await t.io.storage.snapshots.list('before-sale/')).length, 3);
  });

  it('a final snapshot and a standalone cluster are taken from the primary', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await seedCluster(t, 'solo');
    await requestSnapshot(t, 'orders', 'last-words', { final: true });
    await requestSnapshot(t, 'solo', 'solo-snap');
    await drain(new SnapshotController(backupDeps(t)));
    assert.deepEqual(t.io.captured.sort(), [await nodeAt('orders-001'), await nodeAt('solo')].sort());
    assert.equal((await snapshot('solo-snap'))!.status, 'available');
    assert.equal((await t.store.get('cacheCluster', 'solo'))!.doc.snapshotting, undefined);
  });

  it('encrypts every file of a group encrypted at rest under the group\'s key', async () => {
    t = await backupServices();
    const key = t.io.keys.add('alias/orders');
    await seedGroup(t, 'orders', { settings: { atRestEncryptionEnabled: true, kmsKey: key } });
    await requestSnapshot(t, 'orders', 'secret');
    await drain(new SnapshotController(backupDeps(t)));
    const s = (await snapshot('secret'))!;
    assert.equal(s.kmsKey?.arn, key.arn);
    const file = await readAll(await t.io.storage.snapshots.get(s.work.nodeSnapshots[0]!.objectKey));
    assert.ok(file.toString().startsWith(`FAKE1 z ${key.id}\n`), file.toString());
  });

  it('a capture that fails leaves the snapshot failed with the reason, no file, the group itself again, an event', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders', { shards: 2 });
    t.io.captureFaults.set(await nodeAt('orders-0002-002'), new Error('Connection reset by peer'));
    await requestSnapshot(t, 'orders', 'doomed');
    await drain(new SnapshotController(backupDeps(t)));
    const s = (await snapshot('doomed'))!;
    assert.equal(s.status, 'failed');
    assert.match(s.work.failureReason!, /node group 0002 \(from orders-0002-002\): Connection reset by peer/);
    assert.deepEqual(await t.io.storage.snapshots.list('doomed/'), [], 'the shard written before the failure is removed too');
    assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, undefined);
    assert.match((await messages(t)).at(-1)!, /^Snapshot failed for snapshot with ID 'doomed' of replication group with ID 'orders': node group 0002/);
  });

  it('a replica that does not answer is passed over: the shard is taken from its primary', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    const down = (await t.store.get('cacheClusterStatus', 'orders-002'))!;
    const nodes = structuredClone(down.doc.nodes);
    nodes['0001']!.observed = { ...nodes['0001']!.observed, lastError: 'connect ECONNREFUSED' };
    await t.store.commit([{ op: 'update', kind: 'cacheClusterStatus', id: 'orders-002', doc: { ...down.doc, nodes }, expectVersion: down.version }]);
    await requestSnapshot(t, 'orders', 'fallback');
    await drain(new SnapshotController(backupDeps(t)));
    assert.equal((await snapshot('fallback'))!.status, 'available');
    assert.deepEqual(t.io.captured, [await nodeAt('orders-001')]);
  });
});

/**
 * Replication offsets as the nodes would report them: each primary at 1000, each replica at
 * `replicaAt(id, reading)` (its n-th reading), following its shard's primary with the link up.
 */
function offsets(replicaAt: (id: string, reading: number) => number | Error) {
  const readings = new Map<string, number>();
  return async (c: CacheClusterRecord): Promise<NodeInfo> => {
    const base = { runId: 'x', version: '7.0.15', connectedReplicas: [], uptimeSeconds: 9, usedMemory: 0, maxmemory: 0, loading: false };
    const g = (await getGroup(t!.store, c.replicationGroupId!))!.doc;
    const primaryId = g.nodeGroups?.find((ng) => ng.memberClusters.includes(c.id))?.primaryClusterId ?? g.primaryClusterId;
    if (c.id === primaryId) return { ...base, role: 'primary', replOffset: 1000 };
    const p = (await t!.store.get('cacheCluster', primaryId))!.doc.nodes[0]!;
    const n = (readings.get(c.id) ?? 0) + 1;
    readings.set(c.id, n);
    const at = replicaAt(c.id, n);
    if (at instanceof Error) throw at;
    return { ...base, role: 'replica', masterHost: p.address, masterPort: p.port, linkUp: true, syncInProgress: false, replOffset: at };
  };
}

describe('a backup from a replica holds every write its primary had', () => {
  it('waits until the replica has processed the primary\'s offset, then takes it', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await requestSnapshot(t, 'orders', 'fresh');
    let reading = 0;
    await drain(new SnapshotController(backupDeps(t, {
      observe: offsets((_id, n) => {
        reading = n;
        return n < 4 ? 990 : 1000;
      }),
    })));
    assert.equal(reading, 4, 'the replica is read until its offset reaches the primary\'s, then no more');
    const s = (await snapshot('fresh'))!;
    assert.equal(s.status, 'available');
    assert.deepEqual(t.io.captured, [await nodeAt('orders-002')]);
    assert.equal(s.work.nodeSnapshots[0]!.cacheClusterId, 'orders-002');
  });

  it('takes a shard from its primary when its replica does not catch up in time, each shard on its own', async () => {
    t = await backupServices();
    await seedGroup(t, 'shop', { shards: 2 });
    await requestSnapshot(t, 'shop', 'lagging');
    await drain(new SnapshotController(backupDeps(t, { catchUpMs: 100, observe: offsets((id) => (id === 'shop-0002-002' ? 10 : 1000)) })));
    const s = (await snapshot('lagging'))!;
    assert.equal(s.status, 'available');
    assert.deepEqual(s.work.nodeSnapshots.map((n) => n.cacheClusterId), ['shop-0001-002', 'shop-0002-001']);
    assert.deepEqual(t.io.captured.sort(), [await nodeAt('shop-0001-002'), await nodeAt('shop-0002-001')].sort());
  });

  it('takes the replica as it is when its primary stops answering while it catches up', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    const observe = offsets(() => 10);
    let primaryReads = 0;
    await requestSnapshot(t, 'orders', 'orphaned');
    await drain(new SnapshotController(backupDeps(t, {
      catchUpMs: 100,
      observe: async (c) => {
        if (c.id === 'orders-001' && ++primaryReads > 1) throw new Error('ECONNREFUSED');
        return observe(c);
      },
    })));
    assert.equal((await snapshot('orphaned'))!.status, 'available');
    assert.deepEqual(t.io.captured, [await nodeAt('orders-002')], 'not the primary that went away');
  });

  it('takes the replica as it is when the primary cannot be read', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    const observe = offsets(() => 10);
    await requestSnapshot(t, 'orders', 'blind');
    await drain(new SnapshotController(backupDeps(t, {
      catchUpMs: 100,
      observe: async (c) => { if (c.id === 'orders-001') throw new Error('ECONNREFUSED'); return observe(c); },
    })));
    assert.equal((await snapshot('blind'))!.status, 'available');
    assert.deepEqual(t.io.captured, [await nodeAt('orders-002')]);
  });
});

describe('a control plane killed in the middle of a backup', () => {
  /** The steps of an uninterrupted backup of a two-shard group. */
  async function steps(): Promise<string[]> {
    const seen: string[] = [];
    const s = await backupServices();
    try {
      await seedGroup(s, 'orders', { shards: 2 });
      await requestSnapshot(s, 'orders', 'nightly');
      await drain(new SnapshotController(backupDeps(s, { steps: seen })));
    } finally {
      await s.close();
    }
    return seen;
  }

  it('is finished by the next controller, whichever step it was killed after', async () => {
    const all = await steps();
    assert.deepEqual(all.filter((s) => !s.includes(':0')), ['backup:started', 'backup:available']);
    assert.equal(all.length, 8, all.join(', '));
    assert.ok(all.includes('backup:source:0001') && all.includes('backup:written:0001') && all.includes('backup:recorded:0002'), all.join(', '));
    for (const stopAt of all) {
      t = await backupServices();
      await seedGroup(t, 'orders', { shards: 2 });
      await requestSnapshot(t, 'orders', 'nightly');
      const reached: string[] = [];
      const first = new SnapshotController(backupDeps(t, { owner: 'first', stopAt, steps: reached }));
      await first.reconcile();
      for (let i = 0; i < 100 && !reached.includes(stopAt); i++) await new Promise((r) => setTimeout(r, 5));
      assert.ok(reached.includes(stopAt), `never reached ${stopAt}`);
      // The process is gone: a new one (another owner) takes over from the records.
      await drain(new SnapshotController(backupDeps(t, { owner: 'second' })));
      const s = (await snapshot('nightly'))!;
      assert.equal(s.status, 'available', `killed after ${stopAt}: ${s.status} ${s.work.failureReason ?? ''}`);
      assert.deepEqual(s.work.nodeSnapshots.map((n) => n.nodeGroupId), ['0001', '0002'], stopAt);
      assert.equal((await t.io.storage.snapshots.list('nightly/')).length, 2, stopAt);
      assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, undefined, stopAt);
      const said = await messages(t);
      assert.equal(said.filter((m) => m.startsWith('Snapshot succeeded')).length, 1, `${stopAt}: ${said.join(' | ')}`);
      await t.close();
      t = undefined;
    }
  });

  it('is failed cleanly once it was interrupted more often than allowed', async () => {
    t = await backupServices();
    await seedGroup(t, 'orders');
    await requestSnapshot(t, 'orders', 'nightly');
    const reached: string[] = [];
    await new SnapshotController(backupDeps(t, { owner: 'first', stopAt: 'backup:started', steps: reached, maxAttempts: 1 })).reconcile();
    for (let i = 0; i < 100 && !reached.length; i++) await new Promise((r) => setTimeout(r, 5));
    await drain(new SnapshotController(backupDeps(t, { owner: 'second', maxAttempts: 1 })));
    const s = (await snapshot('nightly'))!;
    assert.equal(s.status, 'failed');
    assert.match(s.work.failureReason!, /interrupted 1 times/);
    assert.equal((await getGroup(t.store, 'orders'))!.doc.snapshotting, undefined);
  });
});
