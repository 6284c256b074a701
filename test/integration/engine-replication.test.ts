/**
 * Admin helpers on real nodes: replication between processes started by the provider, and how
 * fast a 3-node group (primary + 2 replicas) gets all its replication links up.
 */
import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { AdminPool, configGet, configSet, observeNode, replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { freePort } from '../helpers/net.js';
import { testNodeSpec } from '../helpers/redis.js';

const cleanup = useCleanup();
let provider: LocalProcessProvider;
const pool = new AdminPool();

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-repl-') });
  cleanup.defer(() => pool.closeAll());
});

async function start(spec: NodeSpec) {
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return st;
}
const admin = (s: NodeSpec) => pool.client(s.address, s.port);

describe('replication between engine nodes', () => {
  it('a 3-node group has every replica linked well under a second after ensureRunning', async () => {
    const [primary, r1, r2] = await Promise.all([testNodeSpec(), testNodeSpec(), testNodeSpec()]);
    const t0 = performance.now();
    await Promise.all([primary, r1, r2].map((s) => start(s)));
    const tStarted = performance.now();
    await Promise.all([r1, r2].map((r) => replicaOf(admin(r), primary)));
    await waitFor(
      async () => {
        const infos = await Promise.all([r1, r2].map((r) => observeNode(admin(r))));
        return infos.every((i) => i.linkUp);
      },
      { timeoutMs: 5000, intervalMs: 5, what: 'replica links up' },
    );
    const elapsed = performance.now() - t0;
    console.log(
      `engine: 3 nodes spawned in ${(tStarted - t0).toFixed(0)} ms, all replica links up ${elapsed.toFixed(0)} ms after ensureRunning`,
    );
    assert.ok(elapsed < 1000, `replicas took ${elapsed.toFixed(0)} ms to link up`);

    // A replica reports its link up a moment before its primary marks it online: wait for both views.
    const p = await waitFor(async () => {
      const info = await observeNode(admin(primary));
      return info.connectedReplicas.length === 2 && info.connectedReplicas.every((c) => c.state === 'online') ? info : undefined;
    }, { timeoutMs: 5000, what: "the primary to see both replicas online" });
    assert.equal(p.role, 'primary');
    assert.match(p.version, /^\d+\.\d+\.\d+$/);
    assert.match(p.runId, /^[0-9a-f]{40}$/);
    // Replicas are seen under their own addresses (bind-source-addr / replica-announce-ip).
    const seen = p.connectedReplicas.map((c) => `${c.ip}:${c.port}`).sort();
    assert.deepEqual(seen, [r1, r2].map((r) => `${r.address}:${r.port}`).sort());
    assert.ok(p.connectedReplicas.every((c) => c.state === 'online'));
    const rep = await observeNode(admin(r1));
    assert.equal(rep.role, 'replica');
    assert.equal(rep.masterHost, primary.address);
    assert.equal(rep.masterPort, primary.port);

    // Writes on the primary reach both replicas.
    await (await pool.ready(primary.address, primary.port)).set('greeting', 'hello');
    for (const r of [r1, r2]) {
      await waitFor(async () => (await admin(r).get('greeting')) === 'hello', { timeoutMs: 2000, what: 'replicated key' });
    }
    await assert.rejects(admin(r1).set('x', '1'), /READONLY/);

    // Promotion: REPLICAOF NO ONE makes r1 a writable primary that keeps the data.
    await replicaOf(admin(r1), null);
    const promoted = await observeNode(admin(r1));
    assert.equal(promoted.role, 'primary');
    assert.equal(await admin(r1).get('greeting'), 'hello');
    assert.equal(await admin(r1).set('x', '1'), 'OK');
  });

  it('configSet applies several directives at once; observeNode reports maxmemory', async () => {
    const spec = await testNodeSpec();
    await start(spec);
    const c = admin(spec);
    await configSet(c, { maxmemory: '10mb', 'maxmemory-policy': 'allkeys-lfu' });
    assert.equal(await configGet(c, 'maxmemory-policy'), 'allkeys-lfu');
    assert.equal((await observeNode(c)).maxmemory, 10 * 1024 * 1024);
    assert.ok((await observeNode(c)).usedMemory > 0);
    // All or nothing: one bad value leaves the others unchanged.
    await assert.rejects(configSet(c, { maxmemory: '20mb', 'maxmemory-policy': 'bogus' }));
    assert.equal(await configGet(c, 'maxmemory'), String(10 * 1024 * 1024));
    assert.equal(await configGet(c, 'no-such-directive'), undefined);
  });

  it('an unreachable node fails admin commands fast and quietly', async () => {
    const port = await freePort('127.0.0.1');
    const quick = new AdminPool({ connectTimeoutMs: 200 });
    cleanup.defer(() => quick.closeAll());
    const c = quick.client('127.0.0.1', port);
    let errors = 0;
    c.on('error', () => errors++);
    const t0 = Date.now();
    await assert.rejects(observeNode(c), /not reachable within 200 ms/);
    await assert.rejects(replicaOf(c, null), /not reachable/);
    assert.ok(Date.now() - t0 < 1000);
    assert.ok(errors > 0, 'connection errors arrive as (handled) error events');
    // Once the node appears, the same client connects on its own (it keeps retrying).
    const spec = await testNodeSpec({ address: '127.0.0.1', port });
    await start(spec);
    assert.equal((await observeNode(c)).role, 'primary');
    quick.release('127.0.0.1', port);
  });
});
