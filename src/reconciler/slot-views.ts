/**
 * Slot ownership as each node of a cluster sees it, and the one rule Redis 7.0 needs from whoever
 * moves slots: **a node that gave slots away must not get a higher config epoch than their new
 * owners while some node still sees it as their owner.**
 *
 * Why: a node learns a slot's new owner only from that owner's own pings (SETSLOT NODE reaches the
 * primaries we tell; replicas and the rest learn by gossip, within `cluster-node-timeout / 2`).
 * Until then it keeps the old owner, and Redis 7.0 (unlike 7.2, with its `owner_not_claiming_slot`)
 * goes on believing it even once the old owner stops claiming the slot. If the old owner's epoch
 * then rises above the new owner's (it imports a slot of its own: SETSLOT NODE bumps the epoch of
 * an importing node), the stale node answers the new owner's next ping with an UPDATE naming the
 * old owner at that higher epoch. The new owner obeys: it gives the slot back in its view and, as
 * it still holds keys of it, deletes them ("dirty slots"). Old and new owner then each name the
 * other (MOVED back and forth), and the slot's keys are gone. Measured on 6 raw 7.0 nodes, a
 * slot moved B → C while B imported another from A: 2 trials in 12 ended so.
 *
 * So formation never moves a slot into a node that is itself the source of a pending move, nor
 * into one some member still sees as owner of a slot it gave away (`heldTargets`); a cluster
 * counts as settled only once every member sees every slot where the seed does (`ownership`);
 * an unplanned failover waits a moment for a replica that still sees its dead primary owning
 * slots it gave away (failover/machine.ts, `staleSlots`): TAKEOVER would claim them back; and a
 * new node takes an epoch of its own before it meets anyone (`giveFreshEpochs`), so that no
 * epoch collision between nodes moves an old owner's epoch up.
 */
import type { Redis } from 'ioredis';
import { clusterInfo } from '../engine/cluster-admin.js';
import type { ClusterNode, SlotRange } from '../engine/cluster-nodes.js';
import { normalizeRanges, rangesContain, slotOwner } from '../engine/cluster-nodes.js';

/** Who owns what in one node's view, as a comparable string (primaries with slots, by id): two views agree when theirs are equal. */
export function ownership(view: readonly ClusterNode[]): string {
  return view
    .filter((n) => n.role === 'primary' && n.slots.length > 0)
    .map((n) => `${n.id}:${rangesText(n.slots)}`)
    .sort()
    .join(' ');
}

/**
 * Slots `viewer` still attributes to `id` that `id` itself sees owned by another node: the views
 * an epoch bump of `id` would turn into UPDATE messages against the new owners.
 */
export function staleExports(id: string, ownView: readonly ClusterNode[], viewer: readonly ClusterNode[]): number[] {
  const seen = viewer.find((n) => n.id === id && n.role === 'primary');
  const me = ownView.find((n) => n.myself);
  if (!seen || !me || me.id !== id) return [];
  const out: number[] = [];
  for (const [a, b] of seen.slots) {
    for (let s = a; s <= b; s++) {
      if (rangesContain(me.slots, s)) continue;
      const owner = slotOwner(ownView, s);
      if (owner && owner.id !== id) out.push(s);
    }
  }
  return out;
}

export interface PlannedMove { slot: number; from: string; to: string }

/**
 * The targets no slot may move into this pass, and why: each is the source of a pending move, or
 * some member still sees it owning a slot it gave away (`views`: every member's CLUSTER NODES, by
 * node id). Their moves wait for a later pass; the others go ahead.
 */
export function heldTargets(moves: readonly PlannedMove[], views: ReadonlyMap<string, readonly ClusterNode[]>): Map<string, string> {
  const held = new Map<string, string>();
  const sources = new Set(moves.map((m) => m.from));
  for (const to of new Set(moves.map((m) => m.to))) {
    if (sources.has(to)) {
      held.set(to, 'it still has slots to give away');
      continue;
    }
    const own = views.get(to);
    if (!own) continue;
    for (const [viewerId, view] of views) {
      if (viewerId === to) continue;
      const stale = staleExports(to, own, view);
      if (stale.length > 0) {
        held.set(to, `node ${viewerId} still sees it own slot ${stale[0]}${stale.length > 1 ? ` and ${stale.length - 1} more` : ''} it gave away`);
        break;
      }
    }
  }
  return held;
}

/** Slot ranges as a short text ("0-5460,5462"). */
export function rangesText(ranges: readonly SlotRange[]): string {
  return normalizeRanges([...ranges]).map(([a, b]) => (a === b ? `${a}` : `${a}-${b}`)).join(',');
}

/**
 * A node that knows no other node yet, at config epoch 0, gets an epoch of its own before it meets
 * anyone (CLUSTER SET-CONFIG-EPOCH, as redis-cli --cluster create does): above every epoch the
 * cluster has used (`view`, and each node's current epoch), one each. Left at 0, new nodes settle
 * their epochs by colliding, and a collision can give an existing primary a new, highest epoch in
 * the middle of a reshard: the epoch bump of a node that gave slots away, described above.
 */
export async function giveFreshEpochs(nodes: readonly Redis[], view: readonly ClusterNode[]): Promise<number> {
  const infos = await Promise.all(nodes.map(async (client) => ({ client, info: await clusterInfo(client).catch(() => undefined) })));
  let next = Math.max(0, ...view.map((n) => n.configEpoch), ...infos.map(({ info }) => Number(info?.cluster_current_epoch ?? 0)));
  let given = 0;
  for (const { client, info } of infos) {
    if (info?.cluster_known_nodes !== '1' || info.cluster_my_epoch !== '0') continue;
    // Refused once it has met someone (a MEET of an earlier pass under way): collisions settle it then.
    if (await client.call('CLUSTER', 'SET-CONFIG-EPOCH', String(++next)).then(() => true, () => false)) given++;
  }
  return given;
}
