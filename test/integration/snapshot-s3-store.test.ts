/**
 * S3ObjectStore against a real S3-compatible server (s3rver, a child process): put of a body
 * big enough for a multipart upload, get, head, list, delete; a failed upload leaves no object;
 * and a real RDB (from redis-server) encoded, stored, fetched and decoded back, byte for byte,
 * through the storage the service builds from its options.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { AdminPool, whenReady } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import { FileKeyStore } from '../../src/snapshots/keys/index.js';
import {
  decodeSnapshot, encodeSnapshot, s3Client, S3ObjectStore, snapshotStorage, type ClosableSnapshotStorage,
} from '../../src/snapshots/storage/index.js';
import { ObjectNotFoundError } from '../../src/snapshots/types.js';
import { useCleanup } from '../helpers/cleanup.js';
import { testNodeSpec } from '../helpers/redis.js';
import { startS3Server, type TestS3Server } from '../helpers/s3-server.js';

const cleanup = useCleanup();
const MiB = 1024 * 1024;
let s3: TestS3Server;
let store: S3ObjectStore;

async function bytesOf(r: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of r) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

/** `data` as a stream of 1 MiB pieces (an upload never sees it whole). */
function streamOf(data: Buffer): Readable {
  return Readable.from((function* () {
    for (let at = 0; at < data.length; at += MiB) yield data.subarray(at, at + MiB);
  })(), { objectMode: false });
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

before(async () => {
  s3 = await startS3Server(cleanup, ['snapshots', 'exports']);
  const client = s3Client(s3.settings('snapshots'));
  cleanup.defer(() => client.destroy());
  // S3's smallest part, so 12 MiB is a three-part upload.
  store = new S3ObjectStore(client, 'snapshots', 'svc/', { partSize: 5 * MiB, queueSize: 2 });
});

describe('S3ObjectStore on s3rver', { timeout: 120_000 }, () => {
  it('puts a multipart-sized body, then heads, gets, lists and deletes it', async () => {
    const data = randomBytes(12 * MiB + 123);
    assert.deepEqual(await store.put('snap-a/0001.rdb', streamOf(data)), { key: 'snap-a/0001.rdb', bytes: data.length });
    await store.put('snap-a/0002.rdb', streamOf(Buffer.from('small')));
    await store.put('snap-b/0001.rdb', streamOf(Buffer.alloc(0)));
    assert.deepEqual(await store.head('snap-a/0001.rdb'), { key: 'snap-a/0001.rdb', bytes: data.length });
    assert.equal(await store.head('snap-a/0003.rdb'), undefined);
    assert.equal(sha(await bytesOf(await store.get('snap-a/0001.rdb'))), sha(data));
    assert.deepEqual(await store.list('snap-a/'), [{ key: 'snap-a/0001.rdb', bytes: data.length }, { key: 'snap-a/0002.rdb', bytes: 5 }]);
    assert.deepEqual((await store.list('')).map((o) => o.key), ['snap-a/0001.rdb', 'snap-a/0002.rdb', 'snap-b/0001.rdb']);
    // The prefix is the store's: the object is `svc/<key>` in the bucket.
    assert.ok(readdirSync(join(s3.dataDir, 'snapshots', 'svc')).includes('snap-a'));

    await store.delete('snap-a/0001.rdb');
    await store.delete('snap-a/0001.rdb'); // idempotent
    assert.equal(await store.head('snap-a/0001.rdb'), undefined);
    await assert.rejects(store.get('snap-a/0001.rdb'), ObjectNotFoundError);
    assert.deepEqual((await store.list('snap-')).map((o) => o.key), ['snap-a/0002.rdb', 'snap-b/0001.rdb']);
  });

  it('leaves no object when the body fails, in one part or after several', async () => {
    for (const [key, before] of [['failed/small', 100_000], ['failed/multipart', 11 * MiB]] as const) {
      const failing = Readable.from((async function* () {
        for (let sent = 0; sent < before; sent += 64 * 1024) yield randomBytes(Math.min(64 * 1024, before - sent));
        throw new Error('the node went away');
      })(), { objectMode: false });
      await assert.rejects(store.put(key, failing), /the node went away/, key);
      assert.equal(await store.head(key), undefined, key);
      await assert.rejects(store.get(key), ObjectNotFoundError);
    }
    assert.deepEqual(await store.list('failed/'), []);

    await store.put('kept', streamOf(Buffer.from('the old one')));
    const cut = Readable.from((async function* () {
      yield randomBytes(6 * MiB);
      throw new Error('cut');
    })(), { objectMode: false });
    await assert.rejects(store.put('kept', cut), /cut/);
    assert.equal((await bytesOf(await store.get('kept'))).toString(), 'the old one', 'a failed replacement keeps the old object');
  });

  it('says plainly when a bucket does not exist', async () => {
    const missing = new S3ObjectStore(s3Client(s3.settings('no-such-bucket')), 'no-such-bucket');
    await assert.rejects(missing.probe(), /bucket no-such-bucket does not exist/);
    await assert.rejects(missing.put('x', streamOf(Buffer.from('x'))), /bucket no-such-bucket does not exist/);
    await store.probe();
  });

  it('round-trips a real RDB: encode (zstd + AES-256-GCM) → S3 → decode, and a bucket export', async () => {
    const rdb = await realRdb();
    assert.equal(rdb.subarray(0, 5).toString(), 'REDIS');
    const dataDir = await cleanup.tmpDir('cachefleet-s3-svc-');
    const storage: ClosableSnapshotStorage = snapshotStorage({ dataDir, snapshotS3: s3.settings('snapshots', 'cachefleet') });
    cleanup.defer(() => storage.close());
    await storage.probe();
    const keys = new FileKeyStore(join(dataDir, 'keys'), { region: 'us-east-1', accountId: '123456789012' });
    const key = await keys.defaultKey();

    const put = await storage.snapshots.put('real/0001.rdb', encodeSnapshot(streamOf(rdb), { compress: true, key }, keys));
    assert.ok(put.bytes < rdb.length, `compressed ${rdb.length} → ${put.bytes}`);
    const stored = readFileSync(join(s3.dataDir, 'snapshots', 'cachefleet', 'real', '0001.rdb._S3rver_object'));
    assert.equal(stored.subarray(0, 6).toString(), 'CFSNAP', 'what S3 holds is the framed, encrypted file');
    const back = await bytesOf(decodeSnapshot(await storage.snapshots.get('real/0001.rdb'), keys, { requireEncryption: true }));
    assert.ok(back.equals(rdb), 'the same RDB comes back');

    // Export: a plain RDB in another bucket of the same service, read back as a plain RDB.
    const exports = storage.bucket('exports');
    await exports.put('my-backup-0001.rdb', decodeSnapshot(await storage.snapshots.get('real/0001.rdb'), keys));
    const exported = await bytesOf(decodeSnapshot(await exports.get('my-backup-0001.rdb'), keys));
    assert.ok(exported.equals(rdb));
    const file = join(dataDir, 'exported.rdb');
    writeFileSync(file, exported);
    const check = await promisify(execFile)('redis-check-rdb', [file]);
    assert.match(check.stdout, /RDB looks OK/);
  });
});

/** An RDB of a few thousand keys of every type, saved by a real redis-server. */
async function realRdb(): Promise<Buffer> {
  const provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-s3-node-') });
  const spec = await testNodeSpec();
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  const pool = new AdminPool();
  cleanup.defer(() => pool.closeAll());
  const client = pool.client(spec.address, spec.port);
  await whenReady(client);
  const pipe = client.pipeline();
  for (let i = 0; i < 5000; i++) {
    pipe.set(`str:${i}`, `value-${i}-${'x'.repeat(i % 100)}`);
    if (i % 10 === 0) pipe.hset(`hash:${i}`, { a: String(i), b: 'two' });
    if (i % 10 === 1) pipe.rpush(`list:${i}`, 'a', 'b', String(i));
    if (i % 10 === 2) pipe.zadd(`zset:${i}`, i, `m${i}`);
    if (i % 10 === 3) pipe.xadd(`stream:${i}`, '*', 'f', String(i));
  }
  pipe.set('binary', randomBytes(4096));
  await pipe.exec();
  await client.call('SAVE');
  return readFileSync(join(provider.paths(spec.key).dir, 'dump.rdb'));
}
