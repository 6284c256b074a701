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
 *
 * The same split with the seed on the other side (the seed sees the slot owned by the promoted
 * replica, which sees it free) leaves no slot free in the seed's view and no move to make, yet
 * the group never settles: the owner serves 16383 slots and reports the cluster down. Seen once
 * in a fresh-clone CI run: a serverless cache's new shard's primary killed during its first
 * reshard, the test waiting five minutes for a scale-out that never came. {@link OrphanMender}
 * mends it when a pass ends unsettled with nothing to move.
 */
import type { Redis } from 'ioredis';
import { addSlotsRange, clusterNodes } from '../engine/cluster-admin.js';
import { SLOT_COUNT, rangesContain, slotOwner, type SlotRange } from '../engine/cluster-nodes.js';
import type { Logger } from '../util/logger.js';

/** Slots of `free` that `wanted` (the node refusing ADDSLOTS) sees owned by a member which itself sees them free. */
export async function repairSplitSlots(wanted: Redis, free: readonly SlotRange[], memberByNodeId: (id: string) => Redis | undefined,
  log: Pick<Logger, 'warn'>, resource: string): Promise<number> {
  return giveBack(await findOrphanedSlots(wanted, free, memberByNodeId), log, resource);
}

/** ADDSLOTS of each orphaned slot on the primary its peers name; the number given back. */
async function giveBack(found: OrphanedSlots[], log: Pick<Logger, 'warn'>, resource: string): Promise<number> {
  let repaired = 0;
  for (const o of found) {
    await addSlotsRange(o.client, o.slots.map((s): SlotRange => [s, s]));
    log.warn({ resource, node: o.id, slots: o.slots }, 'slots its peers saw this primary own, and it saw owned by nobody, given back to it (a failover raced a slot move)');
    repaired += o.slots.length;
  }
  return repaired;
}

export interface OrphanedSlots {
  /** The primary the peer names as owner. */
  id: string;
  client: Redis;
  /** The slots it sees owned by nobody. */
  slots: number[];
}

/** Slots of `ranges` that `peer` sees owned by a member primary which itself sees them owned by nobody. */
export async function findOrphanedSlots(peer: Redis, ranges: readonly SlotRange[], memberByNodeId: (id: string) => Redis | undefined): Promise<OrphanedSlots[]> {
  const view = await clusterNodes(peer);
  const claims = new Map<string, number[]>();
  for (const [a, b] of ranges) {
    for (let slot = a; slot <= b; slot++) {
      const owner = slotOwner(view, slot);
      if (!owner || owner.myself) continue;
      const list = claims.get(owner.id) ?? [];
      list.push(slot);
      claims.set(owner.id, list);
    }
  }
  const out: OrphanedSlots[] = [];
  for (const [id, slots] of claims) {
    const client = memberByNodeId(id);
    if (!client) continue;
    // One not answering (restarting, failing over) is looked at again next pass.
    const own = await clusterNodes(client).catch(() => undefined);
    if (!own) continue;
    const me = own.find((n) => n.myself);
    if (me?.id !== id || me.role !== 'primary') continue;
    // Free in its own view: not its own, and not anyone else's either (that is a disagreement
    // the epochs settle, not one to take sides in).
    const orphaned = slots.filter((s) => !rangesContain(me.slots, s) && slotOwner(own, s) === undefined);
    if (orphaned.length) out.push({ id, client, slots: orphaned });
  }
  return out;
}

/**
 * Mends slots split the other way round (see the top): when a formation pass ends unsettled with
 * nothing to move, it looks over every slot from the seed's view, and gives a slot back to the
 * primary the seed names once the same split has lasted `graceMs` (gossip may just be late).
 */
export class OrphanMender {
  private readonly seen = new Map<string, { key: string; since: number }>();

  constructor(private readonly log: Pick<Logger, 'warn'>, private readonly graceMs = 2000, private readonly now = () => Date.now()) {}

  /** Slots given back this call. */
  async step(resource: string, seed: Redis, memberByNodeId: (id: string) => Redis | undefined): Promise<number> {
    const found = await findOrphanedSlots(seed, [[0, SLOT_COUNT - 1]], memberByNodeId);
    const key = found.map((o) => `${o.id}:${o.slots.join(',')}`).join('|');
    const before = this.seen.get(resource);
    if (!key) {
      this.seen.delete(resource);
      return 0;
    }
    if (before?.key !== key) {
      this.seen.set(resource, { key, since: this.now() });
      return 0;
    }
    if (this.now() - before.since < this.graceMs) return 0;
    this.seen.delete(resource);
    return giveBack(found, this.log, resource);
  }
}
