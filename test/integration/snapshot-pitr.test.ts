/**
 * Point-in-time restore on real nodes: an archiver follows a shard's replica (PSYNC) into a
 * folder store, and restores replay its archive to a second into a loader redis-server.
 * - a restore to a moment between two writes holds the first and not the second, exactly the
 *   primary's data set at that moment (every type, binary values, TTLs);
 * - restores across segment boundaries and from a base cut while writes flow agree with a replay
 *   of the whole stream from the first base (a counter INCRed throughout proves no command is
 *   lost or replayed twice at the cut);
 * - the archiver resumes its line by PSYNC after a restart and when it must follow another node;
 *   a node that cannot continue (backlog overrun) starts a new line, and the gap is refused;
 * - a time before the archive, after it, or in a gap is refused with a clear error;
 * - retention deletes what no restore within it needs;
 * - nothing is left behind: loader processes and folders are gone after close, also when refused.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { gunzipSync } from 'node:zlib';
import { pidAlive } from '../../src/engine/proc.js';
import { archiveCoverage, PointInTimeNotCoveredError, removeStaleLoaders, restoreToTime, type PointInTimeReplay } from '../../src/snapshots/pitr/index.js';
import type { ObjectStore } from '../../src/snapshots/types.js';
import { useCleanup } from '../helpers/cleanup.js';
import { waitFor } from '../../src/util/wait.js';
import {
  archivedPast, archivedTo, dataSet, decode, FolderObjectStore, loaderClient, nextSecond, replOffset, startArchiver, startShard, type Shard,
} from '../helpers/pitr.js';

const cleanup = useCleanup();
let shard: Shard;
let storeDir: string;
let store: FolderObjectStore;
let workDir: string;
/** A moment the first test's archive can restore. */
let restorableAt: number;

before(async () => {
  shard = await startShard(cleanup, { 'repl-backlog-size': '16384' });
  storeDir = await cleanup.tmpDir('cachefleet-pitr-store-');
  store = new FolderObjectStore(storeDir);
  workDir = await cleanup.tmpDir('cachefleet-pitr-work-');
});

/** Restores to `time` from `from` (default: the test store); the loader is closed by the cleanup too. */
async function restore(prefix: string, time: number | Date, from: ObjectStore = store): Promise<PointInTimeReplay> {
  const r = await restoreToTime({ store: from, prefix, decode, time: new Date(time), workDir });
  cleanup.defer(() => r.close());
  return r;
}

/** A view of the store without the objects `hide` matches (to force a restore from an older base). */
function without(hide: (key: string) => boolean): ObjectStore {
  return {
    where: store.where, put: (k, b) => store.put(k, b), get: (k) => store.get(k), head: (k) => store.head(k),
    delete: (k) => store.delete(k), list: async (p) => (await store.list(p)).filter((o) => !hide(o.key)),
  };
}

describe('point-in-time restore', () => {
  it('a restore to a moment between two writes holds the first and not the second', async () => {
    const prefix = 'pitr/between/0001/';
    const primary = shard.client(shard.primary);
    await primary.flushall();
    const archiver = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica) });
    // w1: one of each type, a binary value, a key with a TTL.
    await primary.set('str', 'one');
    await primary.hset('hash', { f1: 'v1', f2: 'v2' });
    await primary.rpush('list', 'a', 'b', 'c');
    await primary.zadd('zset', 1, 'x', 2, 'y');
    await primary.xadd('stream', '1-1', 'field', 'value');
    await primary.set(Buffer.from('bin\x00key'), Buffer.from([0, 255, 13, 10, 42]));
    await primary.set('ttl', 'soon', 'PX', 600_000);
    await primary.set('doomed', 'x');
    await archivedTo(archiver, await replOffset(primary));
    const atT = await dataSet(primary);
    const T = Date.now();
    await nextSecond();
    // w2: overwrite, add, delete, in a later second than T.
    await primary.set('str', 'two');
    await primary.hset('hash', 'f3', 'v3');
    await primary.set('later', 'x');
    await primary.del('doomed');
    const afterW2 = await dataSet(primary);
    const tW2 = Date.now();
    await archivedPast(archiver, primary);

    const r = await restore(prefix, T);
    assert.equal(r.second.getTime(), Math.floor(T / 1000) * 1000);
    const at = loaderClient(cleanup, r.loader);
    assert.deepEqual(await dataSet(at), atT, 'the loader holds exactly the data set at T');
    assert.equal(await at.get('str'), 'one');
    assert.equal(await at.get('later'), null);
    assert.equal(await at.get('doomed'), 'x');
    assert.ok((await at.pttl('ttl')) > 500_000);
    assert.deepEqual(await at.getBuffer(Buffer.from('bin\x00key')), Buffer.from([0, 255, 13, 10, 42]));

    const r2 = await restore(prefix, tW2);
    restorableAt = tW2;
    assert.deepEqual(await dataSet(loaderClient(cleanup, r2.loader)), afterW2);

    // Framed by the caller's encode: segments in the store are gzip, never plain AOF.
    const segs = (await store.list(`${prefix}segments/`)).map((o) => o.key);
    assert.ok(segs.length > 0);
    for (const k of segs) {
      const raw = await readFile(join(storeDir, k));
      assert.deepEqual([...raw.subarray(0, 2)], [0x1f, 0x8b], `${k} is gzip`);
      assert.ok(!raw.includes('doomed'), `${k} holds no plain command`);
      if (k === segs[segs.length - 1]) assert.match(gunzipSync(raw).toString('latin1'), /^(#TS:\d+\r\n|$)/);
    }

    // Nothing left: the loaders' processes and folders are gone once closed.
    assert.ok(await pidAlive(r.loaderPid));
    await r.close();
    await r2.close();
    assert.equal(await pidAlive(r.loaderPid), false);
    assert.equal(await pidAlive(r2.loaderPid), false);
    assert.deepEqual(await readdir(workDir), []);
    await archiver.stop();
  });

  it('restores across segment boundaries and from a base cut while writes flow, with no command lost or doubled', async () => {
    const prefix = 'pitr/bases/0001/';
    const primary = shard.client(shard.primary);
    await primary.flushall();
    const archiver = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica) });
    await archivedTo(archiver, await replOffset(primary));
    // A writer INCRs a counter and appends to a list without pause: each command is either in the
    // base or in the segments after it, never both, never neither.
    let writing = true;
    let n = 0;
    const writer = (async () => {
      while (writing) {
        n++;
        await primary.multi().incr('counter').rpush('log', String(n)).exec();
      }
    })();
    const wrote = (more: number) => { const goal = n + more; return waitFor(() => n >= goal, { what: `${more} more writes` }); };
    await wrote(300);
    await archiver.flush(); // a segment boundary before the base
    await wrote(300);
    await archiver.takeBase();
    await wrote(300);
    await archiver.flush(); // and one after it
    await wrote(300);
    writing = false;
    await writer;
    // T in a second after every write (the recording stamps a write when it receives it), and
    // an archive that reaches past it.
    await archivedPast(archiver, primary);
    const T = Date.now();
    await archivedPast(archiver, primary);

    const bases = (await store.list(`${prefix}bases/`)).map((o) => o.key);
    assert.equal(bases.length, 2, 'the first line\'s base and the one cut while writing');
    const fromNew = await restore(prefix, T);
    assert.equal(fromNew.baseKey, bases[1]);
    const fromOld = await restore(prefix, T, without((k) => k === bases[1]));
    assert.equal(fromOld.baseKey, bases[0]);
    assert.ok(fromOld.segments >= 3, `the old base's chain crosses segment boundaries (${fromOld.segments} segments)`);
    const a = await dataSet(loaderClient(cleanup, fromNew.loader));
    const b = await dataSet(loaderClient(cleanup, fromOld.loader));
    assert.deepEqual(a, b);
    const counter = Number(await loaderClient(cleanup, fromNew.loader).get('counter'));
    const log = await loaderClient(cleanup, fromNew.loader).lrange('log', 0, -1);
    assert.equal(counter, n);
    assert.deepEqual(log, Array.from({ length: n }, (_, i) => String(i + 1)));
    await archiver.stop();
  });

  it('resumes its line after a restart and on another node, and refuses a gap after a lost backlog', async () => {
    const prefix = 'pitr/resume/0001/';
    const primary = shard.client(shard.primary);
    await primary.flushall();
    const first = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica) });
    await primary.set('a', '1');
    await archivedTo(first, await replOffset(primary));
    const line = first.status().line;
    await first.stop();

    // Written while no archiver runs: a restarted one continues the line by PSYNC, from the primary now.
    await primary.set('b', '2');
    const second = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.primary) });
    await archivedTo(second, await replOffset(primary));
    assert.equal(second.status().line, line, 'the same line: resumed, not a new full sync');
    assert.equal((await store.list(`${prefix}bases/`)).length, 1);
    await nextSecond();
    await primary.set('c', '3');
    const tC = Date.now();
    await archivedPast(second, primary);
    await second.stop();
    const r = await restore(prefix, tC);
    assert.equal(await loaderClient(cleanup, r.loader).get('b'), '2');

    // More than the 16 KiB backlog written meanwhile: the node cannot continue; a new line begins.
    await nextSecond();
    for (let i = 0; i < 50; i++) await primary.set(`filler:${i}`, 'x'.repeat(1000));
    await nextSecond();
    const gapAt = Date.now();
    await nextSecond();
    const third = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica) });
    await archivedTo(third, await replOffset(primary));
    assert.notEqual(third.status().line, line);
    await nextSecond();
    await primary.set('d', '4');
    const tD = Date.now();
    await archivedPast(third, primary);
    await assert.rejects(restore(prefix, gapAt), (e: unknown) =>
      e instanceof PointInTimeNotCoveredError && e.reason === 'gap' && /gap/.test(e.message));
    const after = await restore(prefix, tD);
    assert.equal(await loaderClient(cleanup, after.loader).get('d'), '4');
    assert.equal(await loaderClient(cleanup, after.loader).get('filler:49'), 'x'.repeat(1000));
    await third.stop();
  });

  it('a quiet archive reaches within the flush interval of now (its tail mark), not only to its last segment', async () => {
    const prefix = 'pitr/quiet/0001/';
    const primary = shard.client(shard.primary);
    // A minute between idle segments, as the service has it: without the mark, coverage would
    // stop at the last segment with writes until the next idle flush.
    const archiver = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica), flushIntervalMs: 500, idleFlushIntervalMs: 60_000 });
    await primary.set('quiet', 'one');
    await archivedTo(archiver, await replOffset(primary));
    const lastSegmentEnd = Math.max(...(await store.list(`${prefix}segments/`)).map((o) => Number(o.key.split('/').pop()!.split('-')[1])));
    const reach = async () => (await archiveCoverage(store, prefix)).at(-1)?.to.getTime() ?? 0;
    // Past the last segment by two seconds, with no new segment: only the mark can say so.
    await waitFor(async () => (await reach()) >= lastSegmentEnd + 2000, { timeoutMs: 10_000, what: 'the coverage to pass the last segment' });
    assert.equal(Math.max(...(await store.list(`${prefix}segments/`)).map((o) => Number(o.key.split('/').pop()!.split('-')[1]))), lastSegmentEnd,
      'no segment was added meanwhile');
    const r = await restore(prefix, await reach());
    assert.equal(await loaderClient(cleanup, r.loader).get('quiet'), 'one');
    await r.close();
    // A write ends the mark's reach: a restore to a second after it waits for its segment.
    await primary.set('quiet', 'two');
    await archivedPast(archiver, primary);
    const r2 = await restore(prefix, await reach());
    assert.equal(await loaderClient(cleanup, r2.loader).get('quiet'), 'two');
    await r2.close();
    await archiver.stop();
  });

  it('refuses a time before the archive begins, and one it does not reach yet, with a clear error', async () => {
    const prefix = 'pitr/edges/0001/';
    const archiver = startArchiver(cleanup, { store, prefix, source: () => shard.target(shard.replica) });
    const primary = shard.client(shard.primary);
    const folders = await readdir(workDir);
    await archivedTo(archiver, await replOffset(primary));
    // The current second is never restorable: the archive cannot hold its end yet.
    await assert.rejects(restore(prefix, Date.now()), (e: unknown) =>
      e instanceof PointInTimeNotCoveredError && (e.reason === 'empty' || e.reason === 'after-archive'));
    await archivedPast(archiver, primary);
    const anHourAgo = Date.now() - 3_600_000;
    await assert.rejects(restore(prefix, anHourAgo), (e: unknown) => {
      assert.ok(e instanceof PointInTimeNotCoveredError);
      assert.equal(e.reason, 'before-archive');
      assert.match(e.message, /before the point-in-time archive begins \(earliest restorable time \d{4}-\d\d-\d\dT/);
      return true;
    });
    await assert.rejects(restore(prefix, Date.now() + 60_000), (e: unknown) =>
      e instanceof PointInTimeNotCoveredError && e.reason === 'after-archive' && /reaches only to/.test(e.message));
    await assert.rejects(restore('pitr/nothing/0001/', Date.now()), (e: unknown) =>
      e instanceof PointInTimeNotCoveredError && e.reason === 'empty');
    assert.deepEqual(await readdir(workDir), folders, 'a refused restore leaves no folder');
    await archiver.stop();
  });

  it('expires what no restore within the retention needs, after a new base', async () => {
    const prefix = 'pitr/retention/0001/';
    const primary = shard.client(shard.primary);
    let clock = Date.now();
    const archiver = startArchiver(cleanup, {
      store, prefix, source: () => shard.target(shard.replica), retentionMs: 60_000, now: () => clock,
    });
    const step = async (key: string) => {
      await primary.set(key, '1');
      await archivedTo(archiver, await replOffset(primary));
      return new Set((await store.list(prefix)).map((o) => o.key));
    };
    const first = await step('first'); // the line's base (at t0) and a segment
    clock += 120_000;
    await archiver.takeBase(); // t0 + 2 min: restores to t0 + 1 min still need the first base
    const second = await step('second');
    for (const k of first) assert.ok(second.has(k), `${k} kept while a restore within the retention needs it`);
    clock += 120_000;
    await archiver.takeBase(); // t0 + 4 min: a restore to t0 + 3 min starts from the second base
    const left = new Set((await store.list(prefix)).map((o) => o.key));
    for (const k of first) assert.ok(!left.has(k), `${k} expired`);
    assert.equal([...left].filter((k) => k.includes('/bases/')).length, 2);
    await archiver.stop();
  });


  it('removes a loader a crashed control plane left behind', async () => {
    const own = await cleanup.tmpDir('cachefleet-pitr-stale-');
    const r = await restoreToTime({ store, prefix: 'pitr/between/0001/', decode, time: new Date(restorableAt), workDir: own });
    assert.ok(await pidAlive(r.loaderPid));
    // Never closed (the control plane "crashed"); the next one sweeps its work folder at start.
    assert.equal(await removeStaleLoaders(own), 1);
    assert.equal(await pidAlive(r.loaderPid), false);
    assert.deepEqual(await readdir(own), []);
  });

  it('continues its line through a failover: the promoted replica accepts the old replication id (psync2)', async () => {
    // Last: it changes the shard's roles.
    const prefix = 'pitr/failover/0001/';
    const primary = shard.client(shard.primary);
    const replica = shard.client(shard.replica);
    let follow = shard.replica;
    const archiver = startArchiver(cleanup, { store, prefix, source: () => shard.target(follow) });
    await primary.set('before', '1');
    await archivedTo(archiver, await replOffset(primary));
    const { line, replid } = archiver.status();
    await waitFor(async () => (await replOffset(replica)) >= (await replOffset(primary)), { what: 'the replica caught up' });
    await archiver.stop();
    await replica.replicaof('NO', 'ONE'); // promoted: a new replid, the old one kept as its second
    follow = shard.replica;
    await replica.set('after', '2');
    const again = startArchiver(cleanup, { store, prefix, source: () => shard.target(follow) });
    await archivedTo(again, await replOffset(replica));
    assert.equal(again.status().line, line);
    assert.notEqual(again.status().replid, replid);
    const tAfter = Date.now();
    await archivedPast(again, replica);
    const r = await restore(prefix, tAfter);
    const c = loaderClient(cleanup, r.loader);
    assert.equal(await c.get('before'), '1');
    assert.equal(await c.get('after'), '2');
    await again.stop();
  });
});
