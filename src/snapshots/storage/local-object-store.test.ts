import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, describe, it } from 'node:test';
import { waitFor } from '../../util/wait.js';
import { ObjectNotFoundError } from '../types.js';
import { LocalObjectStore } from './local-object-store.js';
import { bucketNameProblem, InvalidObjectKeyError } from './names.js';
import { LocalSnapshotStorage } from './snapshot-storage.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-local-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));

async function text(r: Readable): Promise<string> {
  let s = '';
  for await (const c of r) s += (c as Buffer).toString();
  return s;
}

/** Every file and folder under `root`, relative, sorted. */
function tree(root: string): string[] {
  return (readdirSync(root, { recursive: true }) as string[]).sort();
}

describe('LocalObjectStore', () => {
  const root = join(dir, 'store');
  const store = new LocalObjectStore(root, 'test store');

  it('puts, heads, gets, lists and deletes objects, keys with / as folders', async () => {
    assert.deepEqual(await store.list(''), [], 'a store not yet made is empty');
    assert.deepEqual(await store.put('snap-1/0001.rdb', Readable.from([Buffer.from('hello '), Buffer.from('world')])), { key: 'snap-1/0001.rdb', bytes: 11 });
    await store.put('snap-1/0002.rdb', Readable.from([Buffer.from('second')]));
    await store.put('snap-10/0001.rdb', Readable.from([Buffer.from('x')]));
    await store.put('top', Readable.from([]));
    assert.equal(await text(await store.get('snap-1/0001.rdb')), 'hello world');
    assert.deepEqual(await store.head('snap-1/0002.rdb'), { key: 'snap-1/0002.rdb', bytes: 6 });
    assert.deepEqual(await store.head('top'), { key: 'top', bytes: 0 });
    assert.equal(await store.head('snap-1'), undefined, 'a folder is not an object');
    assert.equal(await store.head('nope'), undefined);
    await assert.rejects(store.get('nope/x'), ObjectNotFoundError);
    await assert.rejects(store.get('snap-1'), ObjectNotFoundError);
    assert.deepEqual((await store.list('')).map((o) => o.key), ['snap-1/0001.rdb', 'snap-1/0002.rdb', 'snap-10/0001.rdb', 'top']);
    assert.deepEqual((await store.list('snap-1/')).map((o) => o.key), ['snap-1/0001.rdb', 'snap-1/0002.rdb']);
    assert.deepEqual((await store.list('snap-1')).map((o) => o.key), ['snap-1/0001.rdb', 'snap-1/0002.rdb', 'snap-10/0001.rdb'], 'a prefix, as S3 has it');
    assert.deepEqual((await store.list('snap-1/0002')).map((o) => `${o.key}=${o.bytes}`), ['snap-1/0002.rdb=6']);
    assert.deepEqual(await store.list('missing/'), []);

    await store.delete('snap-1/0001.rdb');
    await store.delete('snap-1/0001.rdb'); // idempotent
    await store.delete('never/was');
    assert.equal(await store.head('snap-1/0001.rdb'), undefined);
    await store.delete('snap-1/0002.rdb');
    assert.deepEqual(tree(root), ['snap-10', 'snap-10/0001.rdb', 'top'], 'a folder left empty is removed');
  });

  it('replaces an object whole', async () => {
    await store.put('replace', Readable.from([Buffer.from('first version, longer')]));
    await store.put('replace', Readable.from([Buffer.from('second')]));
    assert.equal(await text(await store.get('replace')), 'second');
  });

  it('writes 0600 files in 0700 folders, whatever the umask', async () => {
    const old = process.umask(0o022);
    try {
      await store.put('modes/deep/file', Readable.from([Buffer.from('x')]));
    } finally {
      process.umask(old);
    }
    assert.equal(statSync(join(root, 'modes', 'deep', 'file')).mode & 0o777, 0o600);
    assert.equal(statSync(join(root, 'modes', 'deep')).mode & 0o777, 0o700);
    assert.equal(statSync(join(root, 'modes')).mode & 0o777, 0o700);
  });

  it('leaves nothing behind when the body fails midway', async () => {
    const failing = Readable.from((async function* () {
      yield Buffer.alloc(100_000, 1);
      yield Buffer.alloc(100_000, 2);
      throw new Error('the node went away');
    })());
    await assert.rejects(store.put('failed/0001.rdb', failing), /the node went away/);
    assert.equal(await store.head('failed/0001.rdb'), undefined);
    assert.deepEqual((await store.list('failed')), []);
    assert.ok(!tree(root).some((p) => p.startsWith('failed/')), `nothing under failed/: ${tree(root).join(', ')}`);

    await store.put('kept', Readable.from([Buffer.from('the old one')]));
    await assert.rejects(store.put('kept', Readable.from((async function* () {
      yield Buffer.from('half of the new');
      throw new Error('cut');
    })())), /cut/);
    assert.equal(await text(await store.get('kept')), 'the old one', 'a failed replacement keeps the old object');
  });

  it('never lists a write in progress', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => { release = r; });
    const slow = Readable.from((async function* () {
      yield Buffer.from('part one');
      await gate;
      yield Buffer.from(' and two');
    })());
    const writing = store.put('slow/obj', slow);
    // The temporary file exists meanwhile, but no key names it.
    await waitForTemp(join(root, 'slow'));
    assert.deepEqual(await store.list('slow/'), []);
    assert.equal(await store.head('slow/obj'), undefined);
    release();
    assert.deepEqual(await writing, { key: 'slow/obj', bytes: 16 });
    assert.deepEqual((await store.list('slow/')).map((o) => o.key), ['slow/obj']);
  });

  it('refuses keys that are absolute, climb out or hide', async () => {
    for (const key of ['', '/etc/passwd', '../x', 'a/../../x', 'a/./b', 'a//b', 'a/', '.hidden', 'a/.tmp-x', 'a\\b', 'nul\0']) {
      await assert.rejects(store.put(key, Readable.from([Buffer.from('x')])), InvalidObjectKeyError, JSON.stringify(key));
      await assert.rejects(store.get(key), InvalidObjectKeyError);
      await assert.rejects(store.head(key), InvalidObjectKeyError);
      await assert.rejects(store.delete(key), InvalidObjectKeyError);
    }
    await assert.rejects(store.list('../'), InvalidObjectKeyError);
    await assert.rejects(store.list('/'), InvalidObjectKeyError);
    assert.equal(existsSync(join(dir, 'x')), false, 'nothing written outside the store');
  });

  it('says so when a key clashes with a folder of other keys', async () => {
    await store.put('clash/inner', Readable.from([Buffer.from('x')]));
    await assert.rejects(store.put('clash', Readable.from([Buffer.from('y')])), /clashes with another object/);
    await assert.rejects(store.put('clash/inner/deeper', Readable.from([Buffer.from('y')])), /clashes with another object/);
  });
});

describe('LocalSnapshotStorage', () => {
  const data = join(dir, 'data');
  const storage = new LocalSnapshotStorage(data);

  it('keeps snapshots in snapshots/ and a bucket in buckets/<name>/', async () => {
    await storage.snapshots.put('s/0001', Readable.from([Buffer.from('a')]));
    await storage.bucket('my-exports.2024').put('backup-0001.rdb', Readable.from([Buffer.from('b')]));
    assert.deepEqual(tree(data), ['buckets', 'buckets/my-exports.2024', 'buckets/my-exports.2024/backup-0001.rdb', 'snapshots', 'snapshots/s', 'snapshots/s/0001']);
    assert.match(storage.bucket('my-exports.2024').where, /my-exports\.2024/);
  });

  it('validates bucket names as S3 does', () => {
    for (const bad of ['ab', 'A-bucket', 'bucket_name', '-start', 'end-', 'two..dots', '192.168.1.1', 'x'.repeat(64), 'xn--bucket', 'b-s3alias']) {
      assert.ok(bucketNameProblem(bad), bad);
      assert.throws(() => storage.bucket(bad), /bucket name/);
    }
    for (const good of ['abc', 'my-bucket', 'my.bucket.2024', 'x'.repeat(63)]) assert.equal(bucketNameProblem(good), undefined, good);
  });
});

async function waitForTemp(folder: string): Promise<void> {
  await waitFor(() => {
    try {
      return readdirSync(folder).some((n) => n.startsWith('.obj.tmp-'));
    } catch {
      return false;
    }
  }, { timeoutMs: 5000, what: 'the temporary file' });
}

// A file that is not ours in the folder is neither listed nor harmed.
describe('LocalObjectStore beside foreign files', () => {
  it('skips dot files it did not write', async () => {
    const root = join(dir, 'foreign');
    const store = new LocalObjectStore(root);
    await store.put('a', Readable.from([Buffer.from('x')]));
    writeFileSync(join(root, '.DS_Store'), 'junk');
    assert.deepEqual((await store.list('')).map((o) => o.key), ['a']);
  });
});
