/**
 * Restores on the real SQLite store with the data side faked: the files of a snapshot (or of a
 * bucket) loaded into the new group's primaries with their slots, any shape; data that does not
 * fit or a tampered file ending the group `restore-failed`, never `available`; a control plane
 * killed mid-restore leaving a restore the next controller runs again from the start.
 */
import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { restoreHoldOps, type RestorePlan } from '../../resources/restore.js';
import { setGroupStatus, type TestServices } from '../../resources/test-services.js';
import { RestoreTooLargeError } from '../../snapshots/types.js';
import { parseSlots } from '../../engine/cluster-nodes.js';
import { getGroup, getSnapshot, groupSpecWrite, type CacheSettings, type RestoreRequest } from '../../store/index.js';
import type { ReconcilerDeps } from '../deps.js';
import { finishGroup } from '../shard-rules.js';
import { waitFor } from '../../util/wait.js';
import { SnapshotController } from './controller.js';
import { backupDeps, backupServices, drain, messages, requestSnapshot, seedGroup } from './test-fixtures.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** An available snapshot `name` of a group `source` with `shards` shards (0: cluster mode disabled). */
async function snapshotOf(source: string, name: string, shards = 0, settings: Partial<CacheSettings> = {}): Promise<void> {
  await seedGroup(t!, source, { shards, settings });
  await requestSnapshot(t!, source, name);
  await drain(new SnapshotController(backupDeps(t!)));
  assert.equal((await getSnapshot(t!.store, name))!.doc.status, 'available');
}

/**
 * What CreateReplicationGroup records for a restore, and what the group controller does once the
 * new nodes run: the request on the spec, the snapshot held, the restore `waiting`.
 */
async function restoring(id: string, request: Omit<RestoreRequest, 'requestedAt'>, shards = 0): Promise<void> {
  await seedGroup(t!, id, { shards });
  const g = (await getGroup(t!.store, id))!;
  const req = { ...request, requestedAt: t!.svc.now().toISOString() };
  const snapshot = req.snapshotName ? await getSnapshot(t!.store, req.snapshotName) : undefined;
  const plan: RestorePlan = { request: req, ...(snapshot ? { snapshot } : {}) };
  await t!.store.commit([...groupSpecWrite(g, { ...g.doc, restore: req }), ...restoreHoldOps(plan, id)]);
  await setGroupStatus(t!.store, id, (x) => { x.status = 'creating'; x.restoreState = { state: 'waiting', attempts: 0 }; });
}

async function group(id: string) {
  return (await getGroup(t!.store, id))!.doc;
}
const primaryOf = async (id: string) => {
  const n = (await t!.store.get('cacheCluster', id))!.doc.nodes[0]!;
  return `${n.address}:${n.port}`;
};

describe('restores', () => {
  it('loads a snapshot into the new group\'s primary, then the snapshot is available again and the group may turn available', async () => {
    t = await backupServices();
    await snapshotOf('orders', 'nightly');
    await restoring('copy', { snapshotName: 'nightly' });
    assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'restoring');
    await drain(new SnapshotController(backupDeps(t)));
    assert.equal(t.io.restores.length, 1);
    const r = t.io.restores[0]!;
    assert.deepEqual(r.shards.map((s) => [`${s.primary.address}:${s.primary.port}`, s.slots]), [[await primaryOf('copy-001'), undefined]]);
    assert.match(r.files[0]!.toString(), /^REDIS0011 data of /, 'the decoded RDB, not the stored file');
    assert.ok(r.limits.maxMemoryBytesPerShard > 0);
    const g = await group('copy');
    assert.deepEqual([g.restoreState?.state, g.status], ['done', 'creating'], 'available is the group controller\'s to say');
    assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'available', 'the hold is released');
    const said = await messages(t);
    assert.ok(said.includes("Restore from snapshot 'nightly' started for replication group with ID 'copy'"), said.join(' | '));
    assert.ok(said.includes("Restore from snapshot 'nightly' succeeded for replication group with ID 'copy': 1 keys loaded"), said.join(' | '));
  });

  it('a 3-shard snapshot loads into 5 shards: every file, every new shard\'s primary with its slots', async () => {
    t = await backupServices();
    await snapshotOf('shop', 'three', 3);
    await restoring('wider', { snapshotName: 'three' }, 5);
    await drain(new SnapshotController(backupDeps(t)));
    const r = t.io.restores[0]!;
    assert.equal(r.files.length, 3);
    const wider = await group('wider');
    assert.deepEqual(r.shards.map((s) => s.slots), wider.nodeGroups!.map((ng) => parseSlots(ng.slots)));
    assert.deepEqual(r.shards.map((s) => `${s.primary.address}:${s.primary.port}`),
      await Promise.all(wider.nodeGroups!.map((ng) => primaryOf(ng.primaryClusterId))));
    assert.equal(r.shards.length, 5);
    assert.equal((await group('wider')).restoreState?.state, 'done');
  });

  it('RDB files from a bucket (SnapshotArns): plain RDB as it is, a framed export decoded', async () => {
    t = await backupServices();
    await t.io.storage.bucket('imports').put('plain.rdb', Readable.from([Buffer.from('REDIS0011 plain')]));
    await t.io.storage.bucket('imports').put('framed.rdb', t.io.encode(Readable.from([Buffer.from('REDIS0011 framed')]), { compress: false }));
    await restoring('seeded', { snapshotArns: ['arn:aws:s3:::imports/plain.rdb', 'arn:aws:s3:::imports/framed.rdb'] }, 2);
    await drain(new SnapshotController(backupDeps(t)));
    assert.deepEqual(t.io.restores[0]!.files.map(String), ['REDIS0011 plain', 'REDIS0011 framed']);
  });

  for (const [what, fault, message] of [
    ['data larger than the new nodes\' memory', new RestoreTooLargeError('the data (3 GB) does not fit 2 shards of 1 GB'), /does not fit/],
    ['a file that was tampered with', 'tamper', /not a snapshot file/],
  ] as const) {
    it(`${what} ends the group restore-failed with an event, never available`, async () => {
      t = await backupServices();
      await snapshotOf('orders', 'nightly');
      if (fault === 'tamper') {
        const key = (await getSnapshot(t.store, 'nightly'))!.doc.work.nodeSnapshots[0]!.objectKey;
        const file = t.io.storage.snapshots.objects.get(key)!;
        file[0] = 0x58; // one flipped byte
      } else {
        t.io.restoreFaults.push(fault);
      }
      await restoring('copy', { snapshotName: 'nightly' });
      await drain(new SnapshotController(backupDeps(t)));
      const g = await group('copy');
      assert.deepEqual([g.status, g.restoreState?.state], ['restore-failed', 'failed']);
      assert.match(g.restoreState!.error!, message);
      assert.match((await messages(t)).at(-1)!, /^Restore from snapshot 'nightly' failed for replication group with ID 'copy': /);
      assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'available', 'the hold is released');
      // The group controller keeps it there.
      const d = { events: t.svc.events } as unknown as ReconcilerDeps;
      assert.equal(await finishGroup(d, g, async () => undefined, true), false);
      assert.equal(g.status, 'restore-failed');
    });
  }

  it('an error that may pass (a node restarting) is retried; the restore then completes', async () => {
    t = await backupServices();
    await snapshotOf('orders', 'nightly');
    t.io.restoreFaults.push(new Error('Connection is closed.'));
    await restoring('copy', { snapshotName: 'nightly' });
    await drain(new SnapshotController(backupDeps(t)));
    assert.deepEqual([(await group('copy')).restoreState?.state, (await group('copy')).restoreState?.attempts], ['done', 2]);
  });
});

describe('a control plane killed in the middle of a restore', () => {
  for (const stopAt of ['restore:loading', 'restore:loaded']) {
    it(`after ${stopAt}: the next controller loads it again from the start and finishes`, async () => {
      t = await backupServices();
      await snapshotOf('orders', 'nightly');
      await restoring('copy', { snapshotName: 'nightly' });
      const reached: string[] = [];
      await new SnapshotController(backupDeps(t, { owner: 'first', stopAt, steps: reached })).reconcile();
      for (let i = 0; i < 100 && !reached.includes(stopAt); i++) await new Promise((r) => setTimeout(r, 5));
      assert.equal((await group('copy')).restoreState?.state, 'loading');
      await drain(new SnapshotController(backupDeps(t, { owner: 'second' })));
      const g = await group('copy');
      assert.deepEqual([g.restoreState?.state, g.restoreState?.attempts], ['done', 2]);
      assert.equal(t.io.restores.length, stopAt === 'restore:loaded' ? 2 : 1, 'loading again replaces the same keys');
      assert.equal((await getSnapshot(t.store, 'nightly'))!.doc.status, 'available');
    });
  }

  it('interrupted more often than allowed: restore-failed, not stuck loading', async () => {
    t = await backupServices();
    await snapshotOf('orders', 'nightly');
    await restoring('copy', { snapshotName: 'nightly' });
    const reached: string[] = [];
    await new SnapshotController(backupDeps(t, { owner: 'first', stopAt: 'restore:loading', steps: reached, maxAttempts: 1 })).reconcile();
    for (let i = 0; i < 100 && !reached.length; i++) await new Promise((r) => setTimeout(r, 5));
    await drain(new SnapshotController(backupDeps(t, { owner: 'second', maxAttempts: 1 })));
    assert.deepEqual([(await group('copy')).status, (await group('copy')).restoreState?.state], ['restore-failed', 'failed']);
  });
});

describe('a snapshot into cluster-mode shards of its own shape: each primary restarted on its file (seeding)', () => {
  /** An encrypted 3-shard snapshot (its files trusted: authenticated as they are decoded). */
  async function encryptedThree(): Promise<void> {
    t = await backupServices();
    await snapshotOf('shop', 'three', 3, { atRestEncryptionEnabled: true, kmsKey: t.io.keys.add('alias/shop') });
  }
  /** BackupDeps whose seed hook records each call, with the group's restore state at that moment. */
  function seeding(o: Parameters<typeof backupDeps>[1] = {}, fail?: () => Error | undefined) {
    const calls: Array<{ member: string; data: string; state: string | undefined; seeding: readonly string[] | undefined }> = [];
    const d = backupDeps(t!, o);
    d.seed = async (member, rdb) => {
      const g = await group('same');
      const chunks: Buffer[] = [];
      for await (const c of rdb) chunks.push(c as Buffer);
      calls.push({ member, data: Buffer.concat(chunks).toString(), state: g.restoreState?.state, seeding: g.restoreState?.seeding });
      const e = fail?.();
      if (e) throw e;
    };
    return { d, calls };
  }

  it('into 3 shards with the same slots: each shard\'s primary is restarted on its own file, recorded as seeding first; done clears it', async () => {
    await encryptedThree();
    await restoring('same', { snapshotName: 'three' }, 3);
    const { d, calls } = seeding();
    await drain(new SnapshotController(d));
    const members = ['same-0001-001', 'same-0002-001', 'same-0003-001'];
    assert.deepEqual(calls.map((c) => c.member), members);
    assert.deepEqual(calls.map((c) => [c.state, c.seeding]), members.map(() => ['loading', members]), 'the group controller is told before any node restarts');
    const snap = (await getSnapshot(t!.store, 'three'))!;
    assert.deepEqual(calls.map((c) => c.data), t!.io.restores[0]!.files.map((f) => f.toString()), 'each its own shard\'s decoded file, in order');
    assert.equal(snap.doc.work.nodeSnapshots.length, 3);
    const g = await group('same');
    assert.deepEqual([g.restoreState?.state, g.restoreState?.seeding], ['done', undefined]);
    assert.deepEqual(t!.io.restores[0]!.shards.map((x) => x.replicas), [1, 1, 1], 'the restore waits for each shard\'s replica');
  });

  for (const [what, shards, encrypted] of [['into 5 shards', 5, true], ['an unencrypted snapshot (files not authenticated here)', 3, false]] as const) {
    it(`${what}: no node is restarted, the keys are moved`, async () => {
      if (encrypted) await encryptedThree();
      else {
        t = await backupServices();
        await snapshotOf('shop', 'three', 3);
      }
      await restoring('same', { snapshotName: 'three' }, shards);
      const { d, calls } = seeding();
      await drain(new SnapshotController(d));
      assert.deepEqual([calls.length, t!.io.restores[0]!.limits.seed], [0, undefined]);
      assert.equal((await group('same')).restoreState?.state, 'done');
    });
  }

  it('a restart that fails (a node restarting) is retried with the members still held; killed while seeding, the next controller seeds again', async () => {
    await encryptedThree();
    await restoring('same', { snapshotName: 'three' }, 3);
    let failures = 1;
    const first = seeding({ owner: 'first' }, () => (failures-- > 0 ? new Error('connection reset') : undefined));
    await new SnapshotController(first.d).reconcile();
    await waitFor(async () => (await group('same')).restoreState?.error === 'connection reset', { timeoutMs: 2000, intervalMs: 5 });
    assert.equal((await group('same')).restoreState?.state, 'waiting');
    assert.deepEqual((await group('same')).restoreState?.seeding, ['same-0001-001', 'same-0002-001', 'same-0003-001'], 'still held between attempts');

    const reached: string[] = [];
    const second = seeding({ owner: 'second', stopAt: 'restore:seeding', steps: reached });
    await new SnapshotController(second.d).reconcile();
    await waitFor(() => reached.includes('restore:seeding'), { timeoutMs: 2000, intervalMs: 5 });
    assert.deepEqual([(await group('same')).restoreState?.seeding?.length, second.calls.length], [3, 0], 'a service killed before any restart leaves them held');
    const third = seeding({ owner: 'third' });
    await drain(new SnapshotController(third.d));
    const g = await group('same');
    assert.deepEqual([g.restoreState?.state, g.restoreState?.attempts, g.restoreState?.seeding, third.calls.length], ['done', 3, undefined, 3]);
  });
});

describe('the group controller and a restore', () => {
  it('a settled group being restored waits for its data: restore waiting, not available; available once done', async () => {
    t = await backupServices();
    await seedGroup(t, 'copy', { spec: { restore: { snapshotName: 'nightly', requestedAt: t.svc.now().toISOString() } } });
    const g = structuredClone(await group('copy'));
    g.status = 'creating';
    const d = { events: t.svc.events } as unknown as ReconcilerDeps;
    assert.equal(await finishGroup(d, g, async () => undefined, true), true);
    assert.deepEqual([g.status, g.restoreState?.state], ['creating', 'waiting']);
    g.restoreState = { state: 'done', attempts: 1 };
    assert.equal(await finishGroup(d, g, async () => undefined, true), false);
    assert.equal(g.status, 'available');
  });
});
