/**
 * The point-in-time loader on a real redis-server: run as the node user inside a folder whose
 * parents that user cannot search (as the service's 0700 data directory), it still loads (its
 * config arrives on standard input, its paths are relative); a loader that dies on a damaged AOF
 * fails at once with its log, its process and folder gone.
 */
import assert from 'node:assert/strict';
import { mkdir, readdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { withNodeConnection } from '../../src/engine/connect.js';
import { pidAlive } from '../../src/engine/proc.js';
import { AOF_DIR, AOF_NAME, LoaderFailedError, makeLoaderDir, startLoader } from '../../src/snapshots/pitr/loader.js';
import { useCleanup } from '../helpers/cleanup.js';
import { leastPrivilegeMissing, nodeUser, processUid } from '../helpers/host-user.js';

const cleanup = useCleanup();

/** A loader folder under a 0700 parent, holding an AOF of `incr` (no base). */
async function prepared(incr: string): Promise<string> {
  const parent = await cleanup.tmpDir('cachefleet-pitr-loader-'); // 0700, the service's user
  const dir = await makeLoaderDir(parent);
  await mkdir(join(dir, AOF_DIR), { mode: 0o700 });
  await writeFile(join(dir, AOF_DIR, `${AOF_NAME}.1.incr.aof`), incr, { mode: 0o600 });
  await writeFile(join(dir, AOF_DIR, `${AOF_NAME}.manifest`), `file ${AOF_NAME}.1.incr.aof seq 1 type i\n`, { mode: 0o600 });
  return dir;
}

describe('point-in-time loader', () => {
  it('runs as the node user under a folder it cannot search', { skip: leastPrivilegeMissing() || undefined }, async () => {
    const user = nodeUser();
    const dir = await prepared('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$1\r\nv\r\n');
    const loader = await startLoader(dir, { runAs: { uid: user.uid, gid: user.gid }, timeoutMs: 20_000 });
    cleanup.defer(() => loader.close());
    assert.equal(await processUid(loader.pid), user.uid);
    const value = await withNodeConnection(loader.node.address, loader.node.port, { auth: loader.node.auth }, (c) => c.call('GET', 'k'));
    assert.equal(String(value), 'v');
    await loader.close();
    assert.equal(await pidAlive(loader.pid), false);
    assert.deepEqual(await readdir(join(dir, '..')), []);
  });

  it('a loader that dies on a damaged AOF fails at once, with its log, leaving nothing', async () => {
    const dir = await prepared('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$9\r\nv');
    const started = Date.now();
    await assert.rejects(startLoader(dir, { timeoutMs: 60_000 }), (e: unknown) =>
      e instanceof LoaderFailedError && /exited/.test(e.message) && /Bad file format|truncated|Unexpected/i.test(e.message));
    assert.ok(Date.now() - started < 10_000, `failed after ${Date.now() - started} ms`);
    assert.deepEqual(await readdir(join(dir, '..')), []);
  });
});
