/**
 * The snapshot controller over the real snapshot storage of the data directory, the real key store
 * and the real framing (zstd, AES-256-GCM), with only the nodes faked: an encrypted backup leaves
 * no plaintext on disk and restores byte for byte; a flipped byte, a truncated file, or a plain
 * file put in an encrypted one's place is refused and the group ends `restore-failed`. An
 * unencrypted snapshot's segments are checked as they are decoded: it is restored as trusted.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFile, truncate, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterEach, describe, it } from 'node:test';
import { restoreHoldOps } from '../../resources/restore.js';
import { setGroupStatus, type TestServices } from '../../resources/test-services.js';
import type { SnapshotIO } from '../../snapshots/io.js';
import { FileKeyStore } from '../../snapshots/keys/index.js';
import { decodeSnapshot, encodeSnapshot, LocalSnapshotStorage } from '../../snapshots/storage/index.js';
import { getGroup, getSnapshot, groupSpecWrite } from '../../store/index.js';
import { SnapshotController } from './controller.js';
import type { BackupDeps } from './deps.js';
import { backupDeps, backupServices, drain, requestSnapshot, seedGroup } from './test-fixtures.js';
import { dataPaths } from '../../paths/index.js';

let t: TestServices | undefined;
afterEach(async () => { await t?.close(); t = undefined; });

/** The fake nodes of the test services behind the data directory's real stores and framing. */
function realIO(): { io: SnapshotIO; keys: FileKeyStore; dir: string } {
  const dir = t!.svc.config.dataDir;
  const keys = new FileKeyStore(dataPaths(dir).keys, { region: 'us-east-1', accountId: '123456789012' });
  const storage = new LocalSnapshotStorage(dir);
  const fake = t!.io;
  return {
    dir, keys,
    io: {
      storage, keys,
      capture: (node) => fake.capture(node),
      encode: (rdb, opts) => encodeSnapshot(rdb, opts, keys),
      decode: (file, opts) => decodeSnapshot(file, keys, opts),
      restore: (sources, shards, limits) => fake.restore(sources, shards, limits),
    },
  };
}

function deps(io: SnapshotIO): BackupDeps {
  return { ...backupDeps(t!), io };
}

async function encryptedSnapshot(rdb: Buffer): Promise<{ io: SnapshotIO; file: string }> {
  const { io, keys, dir } = realIO();
  const key = await keys.createKey({ alias: 'alias/orders' });
  await seedGroup(t!, 'orders', { settings: { atRestEncryptionEnabled: true, kmsKey: { id: key.id, arn: key.arn } } });
  const replica = (await t!.store.get('cacheCluster', 'orders-002'))!.doc.nodes[0]!;
  t!.io.data.set(`${replica.address}:${replica.port}`, rdb);
  await requestSnapshot(t!, 'orders', 'nightly');
  await drain(new SnapshotController(deps(io)));
  const s = (await getSnapshot(t!.store, 'nightly'))!.doc;
  assert.equal(s.status, 'available', s.work.failureReason);
  return { io, file: join(dataPaths(dir).snapshots, s.work.nodeSnapshots[0]!.objectKey) };
}

/** A group seeded from the snapshot, its nodes ready: what the restore controller is handed. */
async function restoreFrom(io: SnapshotIO, id = 'copy'): Promise<string | undefined> {
  await seedGroup(t!, id);
  const g = (await getGroup(t!.store, id))!;
  const snapshot = (await getSnapshot(t!.store, 'nightly'))!;
  const request = { snapshotName: 'nightly', requestedAt: t!.svc.now().toISOString() };
  await t!.store.commit([...groupSpecWrite(g, { ...g.doc, restore: request }), ...restoreHoldOps({ request, snapshot }, id)]);
  await setGroupStatus(t!.store, id, (x) => { x.status = 'creating'; x.restoreState = { state: 'waiting', attempts: 0 }; });
  await drain(new SnapshotController(deps(io)));
  const done = (await getGroup(t!.store, id))!.doc;
  return done.restoreState?.state === 'done' ? undefined : `${done.status}: ${done.restoreState?.error}`;
}

describe('backups over the data directory\'s real stores and framing', () => {
  const rdb = Buffer.concat([Buffer.from('REDIS0011'), randomBytes(300_000), Buffer.from('the secret value')]);

  it('an encrypted snapshot holds no plaintext on disk and restores byte for byte', async () => {
    t = await backupServices();
    const { io, file } = await encryptedSnapshot(rdb);
    const stored = await readFile(file);
    assert.equal(stored.includes(Buffer.from('the secret value')), false);
    assert.equal(stored.includes(Buffer.from('REDIS0011')), false);
    assert.equal(await restoreFrom(io), undefined);
    assert.ok(t.io.restores[0]!.files[0]!.equals(rdb));
  });

  it('an unencrypted snapshot of the service\'s own is trusted (each segment checked as it is decoded); a plain RDB put in its place is not', async () => {
    t = await backupServices();
    const { io, dir } = realIO();
    await seedGroup(t, 'orders');
    const replica = (await t.store.get('cacheCluster', 'orders-002'))!.doc.nodes[0]!;
    t.io.data.set(`${replica.address}:${replica.port}`, rdb);
    await requestSnapshot(t, 'orders', 'nightly');
    await drain(new SnapshotController(deps(io)));
    const s = (await getSnapshot(t.store, 'nightly'))!.doc;
    assert.equal(s.status, 'available', s.work.failureReason);
    assert.equal(await restoreFrom(io), undefined);
    assert.equal(t.io.restores[0]!.limits.trustedSources, true, 'read once, straight into the primary');
    assert.ok(t.io.restores[0]!.files[0]!.equals(rdb));
    // A plain RDB is decoded as it is: nothing checked it on its way, so Redis's checker reads it first.
    await writeFile(join(dataPaths(dir).snapshots, s.work.nodeSnapshots[0]!.objectKey), rdb);
    assert.equal(await restoreFrom(io, 'copy-plain'), undefined);
    assert.equal(t.io.restores[1]!.limits.trustedSources, false);
  });

  for (const [what, spoil] of [
    ['a flipped byte', async (f: string) => { const b = await readFile(f); b[b.length >> 1] ^= 0x01; await writeFile(f, b); }],
    ['a truncated file', async (f: string) => { await truncate(f, (await readFile(f)).length - 100); }],
    ['a plain compressed file put in its place', async (f: string, io: SnapshotIO) => {
      const chunks: Buffer[] = [];
      for await (const c of io.encode(Readable.from([rdb]), { compress: true })) chunks.push(c as Buffer);
      await writeFile(f, Buffer.concat(chunks));
    }],
  ] as const) {
    it(`${what} is refused: the group ends restore-failed, nothing loaded`, async () => {
      t = await backupServices();
      const { io, file } = await encryptedSnapshot(rdb);
      await spoil(file, io);
      const failed = await restoreFrom(io);
      assert.match(failed ?? 'restored', /^restore-failed: /);
      assert.equal(t.io.restores.length, 0);
    });
  }
});
