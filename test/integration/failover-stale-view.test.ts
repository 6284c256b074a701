/**
 * What an unplanned cluster-mode failover waits for (failover/machine.ts, shard-ops.ts
 * `staleSlots`), on real nodes: primary A with replica RA, primary B. A slot moves A → B while
 * nothing B sends reaches RA (an nftables rule drops it), so RA still sees A owning the slot: a
 * TAKEOVER now would claim it back from B at a higher epoch, and B would delete its keys. The
 * count says so, and falls to 0 once B's messages get through again.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { clusterNodes } from '../../src/engine/cluster-admin.js';
import { rangesContain, slotOwner } from '../../src/engine/cluster-nodes.js';
import { migrateSlot } from '../../src/engine/slot-migration.js';
import { clusterOps } from '../../src/failover/shard-ops.js';
import type { CacheClusterRecord } from '../../src/store/index.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster, type TestNode } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();
const nft = (script: string) => execFileSync('nft', ['-f', '-'], { input: script, stdio: ['pipe', 'pipe', 'pipe'] });

describe('failover: a replica that has not heard of a slot its primary gave away (real nodes)', { timeout: 60_000 }, () => {
  it('staleSlots counts the slot while B\'s messages cannot reach the replica, and 0 once they can', async () => {
    const tc = await TestCluster.create(cleanup, 'cachefleet-stale-');
    const nodes = await tc.startNodes(3);
    const [a, ra, b] = nodes as [TestNode, TestNode, TestNode];
    await tc.meetAll(nodes, 'mesh');
    await tc.waitKnown(nodes, 3);
    await tc.formShards([[a, ra], [b]], [[[0, 8191]], [[8192, 16383]]]);

    const table = `cf_stale_${process.pid}`;
    nft(`add table ip ${table}\nadd chain ip ${table} out { type filter hook output priority 0 ; }\nadd rule ip ${table} out ip saddr ${b.address} ip daddr ${ra.address} drop\n`);
    cleanup.defer(() => { try { nft(`delete table ip ${table}\n`); } catch { /* gone */ } });

    const end = (n: TestNode) => ({ client: n.client, address: n.address, port: n.port, id: n.id });
    await migrateSlot({ source: end(a), target: end(b), others: [], slot: 100 });
    assert.ok(rangesContain((await clusterNodes(b.client)).find((n) => n.myself)!.slots, 100), 'B owns slot 100');
    assert.equal(slotOwner(await clusterNodes(ra.client), 100)?.id, a.id, 'RA still sees A owning it');

    const ops = clusterOps(tc.pool);
    const replica = { id: 'ra', nodes: [{ address: ra.address, port: ra.port }] } as unknown as CacheClusterRecord;
    assert.equal(await ops.staleSlots!(replica), 1);
    // A primary is never asked: only a replica can take over with a stale view.
    assert.equal(await ops.staleSlots!({ id: 'a', nodes: [{ address: a.address, port: a.port }] } as unknown as CacheClusterRecord), 0);

    nft(`delete table ip ${table}\n`);
    await waitFor(async () => (await ops.staleSlots!(replica)) === 0, { timeoutMs: 15_000, intervalMs: 100, what: 'RA to hear of B\'s slot' });
    assert.equal(slotOwner(await clusterNodes(ra.client), 100)?.id, b.id);
  });
});
