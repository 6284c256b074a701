/**
 * Least privilege on the host, on real redis-server processes started by the provider as the node
 * user (Debian's `redis`) from a root-owned 0700 directory: the node runs as that user, owns its
 * directory and nothing else; every file is 0600 and every directory 0700; another user cannot
 * read a node's data; a replica's full sync is loaded from the socket, leaving no dataset file;
 * a second provider (a restarted control plane) adopts the running node.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { AdminPool, observeNode, replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { looseModes } from '../../src/paths/tighten.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { asNobody, leastPrivilegeMissing, nodeUser, ownerOf, processUid } from '../helpers/host-user.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { testNodeSpec } from '../helpers/redis.js';

const missing = requireOrSkip(leastPrivilegeMissing());
const cleanup = useCleanup();
let provider: LocalProcessProvider;
let nodesDir: string;
const pool = new AdminPool();

describe('nodes run as an unprivileged user', { skip: missing, timeout: 60_000 }, () => {
  const user = missing ? { name: 'redis', uid: -1, gid: -1 } : nodeUser();
  const owner = { uid: user.uid, gid: user.gid };

  before(async () => {
    // mkdtemp: root's, 0700. The node user cannot search it, and need not (its cwd is its directory).
    nodesDir = join(await cleanup.tmpDir('cachefleet-lp-'), 'nodes');
    provider = new LocalProcessProvider({ nodesDir, owner });
    cleanup.defer(() => pool.closeAll());
  });

  async function start(spec: NodeSpec) {
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    return st;
  }
  const admin = (s: NodeSpec) => pool.client(s.address, s.port);
  // A loaded full sync from disk would leave dump.rdb, or temp-*.rdb while it runs.
  const datasetFiles = async (s: NodeSpec) => (await readdir(provider.paths(s.key).dir)).filter((f) => /\.rdb$/.test(f));

  it('a replica\'s full sync leaves no dataset file; the node user owns the node\'s files, others read none', async () => {
    const [primary, replica] = await Promise.all([testNodeSpec(), testNodeSpec()]);
    const [p, r] = await Promise.all([start(primary), start(replica)]);
    assert.equal(await processUid(p.pid!), user.uid, 'redis-server runs as the node user');
    assert.equal(await processUid(r.pid!), user.uid);

    // Enough data for a real transfer, then the replica's full sync.
    await Promise.all([primary, replica].map((s) => pool.ready(s.address, s.port)));
    for (let i = 0; i < 20; i++) {
      await admin(primary).call('EVAL', `for i=1,500 do redis.call('SET', KEYS[1]..i, string.rep('x', 100)) end`, '1', `k${i}:`);
    }
    await replicaOf(admin(replica), primary);
    await waitFor(async () => (await observeNode(admin(replica))).linkUp, { timeoutMs: 10_000, what: 'the replica link up' });
    assert.equal(await admin(replica).call('DBSIZE'), 10_000, 'the whole data set arrived');
    assert.deepEqual(await datasetFiles(replica), [], 'loaded from the socket, not through a file');
    assert.deepEqual(await datasetFiles(primary), [], 'sent over the socket (diskless sync)');

    // A snapshot the customer asks for: the node user's, 0600 (once the sync's fork has exited).
    await waitFor(async () => /rdb_bgsave_in_progress:0/.test(String(await admin(primary).call('INFO', 'persistence'))),
      { timeoutMs: 10_000, what: 'the full sync\'s fork to exit' });
    await admin(primary).call('SAVE');
    const rdb = join(provider.paths(primary.key).dir, 'dump.rdb');
    assert.equal(await ownerOf(rdb), `${user.uid}:${user.gid}`);
    assert.equal(await ownerOf(provider.paths(primary.key).dir), `${user.uid}:${user.gid}`);
    assert.equal(await ownerOf(provider.paths(primary.key).conf), `${user.uid}:${user.gid}`);
    assert.equal(await ownerOf(provider.paths(primary.key).log), `${user.uid}:${user.gid}`, 'Redis appends to its log by name');
    assert.deepEqual(await looseModes(nodesDir), [], 'nothing for group or others');

    // Another user reads nothing, even knowing the names (the node directory is 0700).
    for (const f of [rdb, provider.paths(primary.key).conf, provider.paths(primary.key).log]) {
      const out = await asNobody('cat', [f]);
      assert.notEqual(out.code, 0, `nobody read ${f}`);
      assert.match(out.stderr, /Permission denied/);
    }
  });

  it('a restarted control plane (a new provider) adopts the node through its pidfile', async () => {
    const spec = await testNodeSpec();
    const st = await start(spec);
    const again = new LocalProcessProvider({ nodesDir, owner });
    assert.deepEqual(await again.status(spec.key), { running: true, pid: st.pid });
    await again.stop(spec.key);
    assert.equal((await again.status(spec.key)).running, false);
  });
});
