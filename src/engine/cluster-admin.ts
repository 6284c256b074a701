/**
 * Redis Cluster admin commands on one node's connection. Thin wrappers that give replies a
 * type; where the raw command is not safe to repeat (ADDSLOTSRANGE, RESET HARD) the wrapper
 * makes it so, because the reconciler re-runs every step after a crash.
 */
import type { Redis } from 'ioredis';
import { whenReady } from './admin.js';
import { parseInfo } from './info.js';
import { SLOT_COUNT, myselfOf, normalizeRanges, parseClusterNodes, rangesToSlots, slotsToRanges, type ClusterNode, type SlotRange } from './cluster-nodes.js';

async function cluster(client: Redis, args: Array<string | number>): Promise<unknown> {
  await whenReady(client);
  return client.call('CLUSTER', args.map(String));
}

export async function clusterNodes(client: Redis): Promise<ClusterNode[]> {
  return parseClusterNodes(String(await cluster(client, ['NODES'])));
}

/** The node's own entry of CLUSTER NODES: its slots, role, and its open (migrating/importing) slots. */
export async function clusterMyself(client: Redis): Promise<ClusterNode> {
  return myselfOf(await clusterNodes(client));
}

/** CLUSTER INFO as key → value (cluster_state, cluster_slots_assigned, cluster_known_nodes, …). */
export async function clusterInfo(client: Redis): Promise<Record<string, string>> {
  return parseInfo(String(await cluster(client, ['INFO'])));
}

/** The node's 40-hex id. Stable across restarts (kept in nodes.conf) until CLUSTER RESET HARD. */
export async function myId(client: Redis): Promise<string> {
  return String(await cluster(client, ['MYID']));
}

/**
 * Introduces the node at address:port to the cluster of `client`. Repeating it is harmless.
 * The handshake completes asynchronously (poll cluster_known_nodes); a MEET to a dead address
 * is dropped after the handshake timeout (node timeout, min 1 s).
 */
export async function meet(client: Redis, address: string, port: number, busPort?: number): Promise<void> {
  await cluster(client, ['MEET', address, port, ...(busPort !== undefined ? [busPort] : [])]);
}

/**
 * Assigns the ranges to the node (CLUSTER ADDSLOTSRANGE), skipping slots it already owns, so a
 * repeated call is a no-op instead of "Slot N is already busy". A slot another node owns (in
 * this node's view) still fails: taking it over needs a migration, never an ADDSLOTS.
 */
export async function addSlotsRange(client: Redis, ranges: SlotRange[]): Promise<void> {
  for (const [a, b] of ranges) {
    if (!Number.isInteger(a) || !Number.isInteger(b) || a < 0 || b >= SLOT_COUNT || a > b) {
      throw new Error(`invalid slot range ${a}-${b} (slots are 0-${SLOT_COUNT - 1})`);
    }
  }
  const mine = new Set(rangesToSlots((await clusterMyself(client)).slots));
  const wanted = rangesToSlots(normalizeRanges(ranges)).filter((s) => !mine.has(s));
  const missing = slotsToRanges(wanted);
  if (missing.length === 0) return;
  await cluster(client, ['ADDSLOTSRANGE', ...missing.flat()]);
}

/** Makes the node a replica of `primaryId` (which it must already know). Repeating it is harmless. */
export async function replicate(client: Redis, primaryId: string): Promise<void> {
  await cluster(client, ['REPLICATE', primaryId]);
}

/**
 * Sent to a replica: promotes it. Default: a coordinated failover (the primary stops writes,
 * the replica catches up, then takes over; no data loss); Redis drops it silently after 5 s if
 * the replica cannot catch up (link still syncing, primary down), so check the outcome and
 * re-send. FORCE: no handshake with the primary, but still elected by the other primaries.
 * TAKEOVER: no election at all; the replica bumps its epoch unilaterally (works without a
 * majority, may lose writes). Returns at once; observe the switch through CLUSTER NODES.
 */
export async function failover(client: Redis, mode?: 'force' | 'takeover'): Promise<void> {
  await cluster(client, ['FAILOVER', ...(mode ? [mode.toUpperCase()] : [])]);
}

/**
 * Removes `id` from the node's table. Redis bans the id for 60 s only, after which gossip from
 * any node still knowing it re-adds it, so send it to every remaining node (and stop or reset
 * the removed one) within that window. A node cannot forget itself nor its own primary.
 */
export async function forget(client: Redis, id: string): Promise<void> {
  try {
    await cluster(client, ['FORGET', id]);
  } catch (e) {
    // Already gone from this node's table: the desired end state.
    if (/Unknown node/i.test((e as Error).message)) return;
    throw e;
  }
}

/** CLUSTER SETSLOT slot NODE id: assigns the slot (and clears this node's open state for it). */
export async function setSlotNode(client: Redis, slot: number, id: string): Promise<void> {
  await cluster(client, ['SETSLOT', slot, 'NODE', id]);
}

export async function setSlotImporting(client: Redis, slot: number, sourceId: string): Promise<void> {
  await cluster(client, ['SETSLOT', slot, 'IMPORTING', sourceId]);
}

export async function setSlotMigrating(client: Redis, slot: number, targetId: string): Promise<void> {
  await cluster(client, ['SETSLOT', slot, 'MIGRATING', targetId]);
}

/** Clears this node's migrating/importing state for the slot (ownership unchanged). */
export async function setSlotStable(client: Redis, slot: number): Promise<void> {
  await cluster(client, ['SETSLOT', slot, 'STABLE']);
}

export async function countKeysInSlot(client: Redis, slot: number): Promise<number> {
  return Number(await cluster(client, ['COUNTKEYSINSLOT', slot]));
}

/** Up to `count` key names stored in the slot on this node. */
export async function getKeysInSlot(client: Redis, slot: number, count: number): Promise<string[]> {
  return ((await cluster(client, ['GETKEYSINSLOT', slot, count])) as unknown[]).map(String);
}

/**
 * Returns a node removed from a cluster to a blank, slot-less primary with a new id and epoch 0,
 * ready to be MEET into a cluster again. Its data set is discarded (RESET refuses a primary
 * holding keys). Refuses while the node still owns slots in its own view, so a mistaken call on
 * a live shard cannot destroy data unless `force` says so.
 */
export async function resetHard(client: Redis, opts: { force?: boolean } = {}): Promise<void> {
  const me = await clusterMyself(client);
  if (me.slots.length > 0 && !opts.force) {
    throw new Error(`node ${me.id} still owns slots; migrate them away first (or pass force)`);
  }
  if (me.role === 'primary') await client.call('FLUSHALL');
  await cluster(client, ['RESET', 'HARD']);
}
