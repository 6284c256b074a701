/**
 * A slot two real nodes disagree about (src/reconciler/split-slots.ts): A gave it up in its own
 * view (DELSLOTS, as a failover racing a slot move leaves it), B still sees it as A's. ADDSLOTS of
 * it on B fails with "already busy"; the repair gives it back to A, which everyone then agrees on.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addSlotsRange, clusterMyself, clusterNodes } from '../../src/engine/cluster-admin.js';
import { slotOwner } from '../../src/engine/cluster-nodes.js';
import { OrphanMender, repairSplitSlots } from '../../src/reconciler/split-slots.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestCluster } from '../helpers/redis-cluster.js';

const cleanup = useCleanup();

describe('repairSplitSlots', () => {
  it('gives a slot seen free only by its owner back to it, so ADDSLOTS elsewhere stops failing "already busy"', async () => {
    const tc = await TestCluster.create(cleanup);
    const [a, b] = await tc.startNodes(2);
    await tc.meetAll([a!, b!]);
    await tc.formShards([[a!], [b!]], [[[0, 8192]], [[8193, 16383]]]);
    await a!.client.call('CLUSTER', 'DELSLOTS', '8192');
    assert.equal(slotOwner(await clusterNodes(a!.client), 8192), undefined, 'A sees the slot owned by nobody');
    assert.equal(slotOwner(await clusterNodes(b!.client), 8192)?.id, a!.id, 'B still sees it as A\'s');
    await assert.rejects(addSlotsRange(b!.client, [[8192, 8192]]), /already busy/);

    const warnings: unknown[] = [];
    const repaired = await repairSplitSlots(b!.client, [[8192, 8192]], (id) => (id === a!.id ? a!.client : id === b!.id ? b!.client : undefined),
      { warn: (o: unknown) => void warnings.push(o) } as never, 'g');
    assert.equal(repaired, 1);
    assert.equal(warnings.length, 1);
    assert.ok((await clusterMyself(a!.client)).slots.some(([x, y]) => 8192 >= x && 8192 <= y), 'A owns the slot again');
    await waitFor(async () => slotOwner(await clusterNodes(b!.client), 8192)?.id === a!.id, { timeoutMs: 5000, what: 'B to agree' });
    assert.equal(await repairSplitSlots(b!.client, [[8192, 8192]], () => a!.client, { warn: () => undefined } as never, 'g'), 0, 'nothing left to repair');
  });

  it('mends the split seen from the other side, where no slot is free in the seed\'s view, once it has lasted the grace', async () => {
    const tc = await TestCluster.create(cleanup);
    const [a, b] = await tc.startNodes(2);
    await tc.meetAll([a!, b!]);
    await tc.formShards([[a!], [b!]], [[[0, 8191]], [[8192, 16383]]]);
    // B, the owner, drops its last slot in its own view; A (the seed) still sees it as B's.
    await b!.client.call('CLUSTER', 'DELSLOTS', '16383');
    assert.equal(slotOwner(await clusterNodes(a!.client), 16383)?.id, b!.id);
    const member = (id: string) => (id === a!.id ? a!.client : id === b!.id ? b!.client : undefined);
    let now = 1_000_000;
    const warnings: unknown[] = [];
    const mender = new OrphanMender({ warn: (o: unknown) => void warnings.push(o) } as never, 2000, () => now);
    assert.equal(await mender.step('g', a!.client, member), 0, 'first seen: gossip may just be late');
    now += 1000;
    assert.equal(await mender.step('g', a!.client, member), 0, 'within the grace');
    assert.equal(slotOwner(await clusterNodes(b!.client), 16383), undefined, 'nothing done yet');
    now += 1500;
    assert.equal(await mender.step('g', a!.client, member), 1);
    assert.equal(warnings.length, 1);
    assert.ok((await clusterMyself(b!.client)).slots.some(([x, y]) => 16383 >= x && 16383 <= y), 'B owns its slot again');
    await tc.waitHealthy([a!, b!]);
    assert.equal(await mender.step('g', a!.client, member), 0, 'nothing left');
  });
});
