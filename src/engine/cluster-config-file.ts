/**
 * A cluster-mode node's own cluster state file (`nodes.conf`, Redis's `cluster-config-file`).
 *
 * A node that is no longer its shard's primary (it died, and a replica was promoted in its place)
 * must not come back claiming the slots it served. Redis settles two claims on a slot by config
 * epoch, and the promoted replica's is higher, so that looks harmless; but Redis 7.0.15 also gives
 * a slot to *any* claimant, whatever its epoch, when the current owner's view marks the slot as
 * "not claimed by its owner" (`owner_not_claiming_slot`, set when the owner's message lacks a slot
 * the receiver gives it: two cluster-bus links per pair of nodes, so its messages can arrive out of
 * order). `CLUSTER FAILOVER TAKEOVER` claims the old primary's slots without clearing that mark,
 * so the promoted replica can carry it on a slot of its own. The old primary, restarted empty with
 * its nodes.conf, then claims that slot at its old epoch and gets it, and the promoted replica
 * deletes the slot's keys (a "dirty slot"). Seen in about 1 run in 15 to 40 of a primary killed
 * right after a reshard: always the last slot moved into it.
 *
 * So such a node starts without its slot claims: the `myself` line keeps the node's id, address
 * and flags, and loses its slots and any open migrating/importing marks. It comes back as a
 * master with no slots, learns the shard's real owner from the cluster bus, and formation makes it
 * a replica of it (CLUSTER REPLICATE).
 */
import { readText, writeFileAtomic } from './node-files.js';

/** Rewrites the state file at `file` without the node's own slots; true when it claimed any. */
export async function dropOwnSlotClaims(file: string, owner?: { uid: number; gid: number }): Promise<boolean> {
  const stripped = withoutOwnSlots((await readText(file)) ?? '');
  if (stripped === undefined) return false;
  await writeFileAtomic(file, stripped, owner);
  return true;
}

/** The text with the slots of the `myself` line removed; `undefined` when it claims none (nothing to change). */
export function withoutOwnSlots(text: string): string | undefined {
  let changed = false;
  const lines = text.split('\n').map((line) => {
    const fields = line.split(' ');
    // <id> <ip:port@cport[,hostname]> <flags> <master> <ping-sent> <pong-recv> <config-epoch> <link-state> <slot>...
    if (fields.length <= 8 || !fields[2]!.split(',').includes('myself')) return line;
    changed = true;
    return fields.slice(0, 8).join(' ');
  });
  return changed ? lines.join('\n') : undefined;
}
