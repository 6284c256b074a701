/**
 * A slot two nodes disagree about, left behind by a failover that raced a slot's move: the seed
 * (the node whose view formation plans from) sees the slot owned by nobody, while the other
 * nodes still see it as the seed's. Seen after a shard's primary was killed just after its shard
 * had taken its first slot: the promoted replica claimed its old primary's slots as it last knew
 * them, without that one, and the node that had given it away saw its owner turn replica.
 *
 * Formation's ADDSLOTS on the slot's intended owner then fails with "already busy" (that node
 * believes the seed owns it), and no move can start either (the source must own the slot in its
 * own view). The repair: the node the others name as owner, which sees the slot free, takes it
 * back with ADDSLOTS, which is what everyone else already believes. No key moves; the next pass
 * sees the slot owned and moves it on as usual.
 */
import type { Redis } from 'ioredis';
import { addSlotsRange, clusterMyself, clusterNodes } from '../engine/cluster-admin.js';
import { rangesContain, slotOwner, type SlotRange } from '../engine/cluster-nodes.js';
import type { Logger } from '../util/logger.js';

/** Slots of `free` that `wanted` (the node refusing ADDSLOTS) sees owned by a member which itself sees them free. */
export async function repairSplitSlots(wanted: Redis, free: readonly SlotRange[], memberByNodeId: (id: string) => Redis | undefined,
  log: Pick<Logger, 'warn'>, resource: string): Promise<number> {
  const view = await clusterNodes(wanted);
  const claims = new Map<string, number[]>();
  for (const [a, b] of free) {
    for (let slot = a; slot <= b; slot++) {
      const owner = slotOwner(view, slot);
      if (!owner || owner.myself) continue;
      const list = claims.get(owner.id) ?? [];
      list.push(slot);
      claims.set(owner.id, list);
    }
  }
  let repaired = 0;
  for (const [id, slots] of claims) {
    const client = memberByNodeId(id);
    if (!client) continue;
    const me = await clusterMyself(client);
    if (me.id !== id || me.role !== 'primary') continue;
    const orphaned = slots.filter((s) => !rangesContain(me.slots, s));
    if (orphaned.length === 0) continue;
    await addSlotsRange(client, orphaned.map((s): SlotRange => [s, s]));
    log.warn({ resource, node: id, slots: orphaned }, 'slots its peers saw this primary own, and it saw owned by nobody, given back to it (a failover raced a slot move)');
    repaired += orphaned.length;
  }
  return repaired;
}
