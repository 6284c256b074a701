import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { DATA_LAYOUT, DIR_MODE, FILE_MODE, dataPaths, layoutEntryOf, nodeCertNames, nodePaths, proxyPaths } from './index.js';
import { looseModes, nodeOwned, tightenDataDir } from './tighten.js';

describe('the data directory layout', () => {
  it('gives every directory 0700 and every file 0600', () => {
    for (const e of DATA_LAYOUT) assert.equal(e.mode, e.kind === 'dir' ? DIR_MODE : FILE_MODE, e.path);
  });

  it('names every path the modules build', () => {
    const d = '/d';
    const rel = (p: string) => p.slice(d.length + 1) || '.';
    const p = dataPaths(d);
    const n = nodePaths(p.nodes, 'g-001-0001');
    const built = [...Object.values(p), ...Object.values(n), ...Object.values(proxyPaths(p.endpoints)),
      join(n.dir, nodeCertNames('ab12').certFile), join(n.dir, nodeCertNames('ab12').keyFile)];
    for (const path of built) assert.ok(layoutEntryOf(rel(path)), `${rel(path)} is in the table`);
  });

  it('names the snapshot stores\' objects at any depth, folder buckets and keys', () => {
    for (const path of ['snapshots/s1/0001.rdb', 'snapshots/a/b/c', 'buckets/my-bucket', 'buckets/my-bucket/x/0001.rdb',
      'keys/0f6b2c1e-9a43-4c1e-8d7f-0b3a5c2e1d44.json']) {
      assert.ok(layoutEntryOf(path), `${path} is in the table`);
    }
    assert.equal(layoutEntryOf('buckets/a/b')?.path, 'buckets/<name>/<object>');
    assert.equal(layoutEntryOf('keys/x/y.json'), undefined, '<id> is one segment');
  });

  it('gives node files to the node user, except the control plane\'s own records', () => {
    assert.equal(nodeOwned('nodes/g-1/redis.conf'), true);
    assert.equal(nodeOwned('nodes/g-1/dump.rdb'), true);
    assert.equal(nodeOwned('nodes/g-1/temp-123.rdb'), true, 'what Redis makes on its own');
    assert.equal(nodeOwned('nodes/g-1/tls/node-ab12.key'), true);
    assert.equal(nodeOwned('nodes/g-1/node.json'), false);
    assert.equal(nodeOwned('nodes/g-1/tls/cert.json'), false);
    assert.equal(nodeOwned('nodes'), false);
    assert.equal(nodeOwned('state.db'), false);
  });

  it('refuses a node key that could leave its directory', () => {
    assert.throws(() => nodePaths('/d/nodes', '../x'), /invalid node key/);
    assert.throws(() => nodePaths('/d/nodes', '.hidden'), /invalid node key/);
  });
});

describe('tightenDataDir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-paths-'));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('tightens whatever group or others could use, and reports it', async () => {
    chmodSync(dir, 0o755);
    mkdirSync(join(dir, 'nodes', 'g-1'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, 'state.db'), '', { mode: 0o644 });
    writeFileSync(join(dir, 'nodes', 'g-1', 'dump.rdb'), '', { mode: 0o640 });
    writeFileSync(join(dir, 'credentials.json'), '', { mode: 0o600 });
    const changed = await tightenDataDir(dir);
    assert.deepEqual(changed.map((c) => `${c.path.slice(dir.length)} ${c.found} -> ${c.now}`).sort(), [
      ' mode 0755 -> mode 0700',
      '/nodes mode 0755 -> mode 0700',
      '/nodes/g-1 mode 0755 -> mode 0700',
      '/nodes/g-1/dump.rdb mode 0640 -> mode 0600',
      '/state.db mode 0644 -> mode 0600',
    ]);
    assert.deepEqual(await looseModes(dir), []);
    assert.equal(statSync(join(dir, 'credentials.json')).mode & 0o777, 0o600);
    assert.deepEqual(await tightenDataDir(dir), [], 'nothing left to do');
  });
});
