/**
 * Moving one hash slot between primaries of a live cluster with Redis's own protocol (what
 * `redis-cli --cluster reshard` does), written so that it can be re-run at any point after a
 * crash: every call first reads where the slot stands (owner, open migrating/importing state,
 * keys left on the source) and performs only the steps still missing.
 *
 *   1. target: SETSLOT s IMPORTING source   (first: once the source sends ASK redirections the
 *                                             target must accept ASKING, or clients ping-pong)
 *   2. source: SETSLOT s MIGRATING target
 *   3. source: GETKEYSINSLOT + MIGRATE … REPLACE KEYS …   until the slot is empty there
 *   4. target, then source, then every other primary: SETSLOT s NODE target
 *      (target first: it bumps its config epoch, so gossip carries the new owner everywhere even
 *      if later steps never happen, and the source's MOVED never points at a node that does not
 *      serve the slot yet)
 */
import type { Redis } from 'ioredis';
import { delay } from '../util/wait.js';
import { clusterMyself, clusterNodes, countKeysInSlot, setSlotImporting, setSlotMigrating, setSlotNode } from './cluster-admin.js';
import { SLOT_COUNT, myselfOf, rangesContain, slotOwner, type ClusterNode } from './cluster-nodes.js';

export interface MigrationEndpoint {
  client: Redis;
  /** The address:port the source's MIGRATE connects to (the node's announced endpoint). */
  address: string;
  port: number;
  /** Expected cluster node id; a mismatch (node reset or replaced) aborts instead of guessing. */
  id: string;
}

export interface MigrateSlotOptions {
  source: MigrationEndpoint;
  target: MigrationEndpoint;
  /** Every other primary of the cluster, told the new owner right away instead of via gossip. */
  others: Redis[];
  slot: number;
  /** Keys per MIGRATE. Default 100; halved after a timeout (large values). */
  batch?: number;
  /**
   * MIGRATE's own timeout (max idle time talking to the target), ms. Default 10000. A shorter
   * client command timeout (AdminPool: 1 s) firing first is harmless: the server finishes the
   * MIGRATE, and the retry re-reads the slot with a halved batch.
   */
  timeoutMs?: number;
  /** Credentials MIGRATE uses on the target (nodes with an AUTH token / ACL user). */
  auth?: { username?: string; password?: string };
  /** Attempts after a transient error (timeout, TRYAGAIN, LOADING, dropped link). Default 5. */
  retries?: number;
}

export interface SlotMigrationResult {
  keysMoved: number;
  /** The slot was already the target's, with nothing left open, before this call did anything. */
  alreadyDone?: boolean;
}

/** A state this module will not resolve by itself (wrong ids, a different migration in progress). Not retried. */
export class SlotMigrationError extends Error {
  override readonly name = 'SlotMigrationError';
}

/**
 * Moves `slot` from source to target, or finishes a move an earlier call left half done. When the
 * target already owns the slot, nothing is open on any node and the source holds no keys of it,
 * it sends no writes at all.
 */
export async function migrateSlot(opts: MigrateSlotOptions): Promise<SlotMigrationResult> {
  const { slot } = opts;
  if (!Number.isInteger(slot) || slot < 0 || slot >= SLOT_COUNT) throw new SlotMigrationError(`invalid slot ${slot}`);
  if (opts.source.id === opts.target.id) throw new SlotMigrationError(`slot ${slot}: source and target are the same node`);
  const state = { keysMoved: 0, batch: Math.max(1, opts.batch ?? 100), acted: false, alreadyDone: false };
  const retries = opts.retries ?? 5;
  for (let attempt = 0; ; attempt++) {
    try {
      await migrateOnce(opts, state);
      return { keysMoved: state.keysMoved, ...(state.alreadyDone && !state.acted ? { alreadyDone: true } : {}) };
    } catch (e) {
      if (e instanceof SlotMigrationError || attempt >= retries) throw e;
      // A client-side timeout usually means a batch of large values: smaller MIGRATEs finish.
      if (/timed? ?out/i.test((e as Error).message)) state.batch = Math.max(1, Math.floor(state.batch / 2));
      await delay(Math.min(1000, 50 * 2 ** attempt));
    }
  }
}

export interface MigrationProgress {
  slot: number;
  /** Slots finished so far (including this one) out of total. */
  done: number;
  total: number;
  keysMoved: number;
}

/**
 * Moves the slots (each resumable as migrateSlot), reporting after each slot. Sequential by
 * default. A slot costs about ten round trips, and every SETSLOT makes Redis rewrite nodes.conf
 * before it replies (the target's final one also fsyncs it); with `concurrency` > 1 round trips
 * overlap and commands of different slots arriving in the same event-loop turn share one
 * rewrite (5-7x faster for sparse slots in our tests). A failure stops new slots from starting,
 * lets those in flight finish, then throws; slots left open are finished by the next call.
 */
export async function migrateSlots(
  opts: Omit<MigrateSlotOptions, 'slot'> & { concurrency?: number },
  slots: number[],
  onProgress?: (p: MigrationProgress) => void,
): Promise<SlotMigrationResult> {
  let keysMoved = 0;
  let done = 0;
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    while (!failure && next < slots.length) {
      const slot = slots[next++];
      try {
        // Not `keysMoved += await …`: that reads keysMoved before the await and loses the
        // other workers' additions.
        const r = await migrateSlot({ ...opts, slot });
        keysMoved += r.keysMoved;
      } catch (error) {
        failure ??= { error };
        return;
      }
      onProgress?.({ slot, done: ++done, total: slots.length, keysMoved });
    }
  };
  const n = Math.max(1, Math.min(opts.concurrency ?? 1, slots.length));
  await Promise.all(Array.from({ length: n }, worker));
  if (failure) throw failure.error;
  return { keysMoved };
}

function describe(e: MigrationEndpoint): string {
  return `${e.address}:${e.port} (${e.id.slice(0, 8)})`;
}

function checkIdentity(me: ClusterNode, e: MigrationEndpoint, role: string): void {
  if (me.id !== e.id) throw new SlotMigrationError(`${role} ${e.address}:${e.port} is node ${me.id}, expected ${e.id}`);
}

interface MigrationState { keysMoved: number; batch: number; acted: boolean; alreadyDone: boolean }

async function migrateOnce(opts: MigrateSlotOptions, state: MigrationState): Promise<void> {
  const { source, target, slot } = opts;
  const [srcNodes, tgtNodes] = await Promise.all([clusterNodes(source.client), clusterNodes(target.client)]);
  const src = myselfOf(srcNodes);
  const tgt = myselfOf(tgtNodes);
  checkIdentity(src, source, 'source');
  checkIdentity(tgt, target, 'target');
  if (tgt.role !== 'primary') throw new SlotMigrationError(`target ${describe(target)} is a replica`);

  // An open state pointing at a node that has since become a replica of our source / target is
  // the same migration after a failover of that shard (SETSLOT state is not replicated, so the
  // promoted node starts without it): re-point it. Any other peer is a different migration.
  let migrating = src.migrating.find((m) => m.slot === slot);
  let importing = tgt.importing.find((m) => m.slot === slot);
  const openOnTarget = importing !== undefined;
  const views = [srcNodes, tgtNodes];
  if (migrating && migrating.to !== target.id) {
    checkPeer(views, migrating.to, target.id, `slot ${slot}: source ${describe(source)} is migrating it to ${migrating.to}, not to the target`);
    migrating = undefined;
  }
  if (importing && importing.from !== source.id) {
    checkPeer(views, importing.from, source.id, `slot ${slot}: target ${describe(target)} is importing it from ${importing.from}, not from the source`);
    importing = undefined;
  }
  const targetOwns = rangesContain(tgt.slots, slot);

  if (targetOwns && !src.migrating.some((m) => m.slot === slot) && !openOnTarget) {
    // Finished earlier (or interrupted after the target took the slot and the source let go).
    // A source that has become a replica (it gave away its last slot) holds its new primary's
    // keys, which are no concern here.
    const strays = src.role === 'replica' ? 0 : await countKeysInSlot(source.client, slot);
    if (strays === 0) {
      await assertOthersClosed(opts);
      state.alreadyDone = true;
      return;
    }
    // Not reachable through this protocol (the target claims the slot only once the source is
    // empty, and a MIGRATING source creates no new keys). Clients are served by the target, so
    // MIGRATE ... REPLACE would overwrite live values with stale ones: leave it to an operator.
    throw new SlotMigrationError(`slot ${slot} belongs to the target, but the source still holds ${strays} keys of it`);
  }
  if (!targetOwns) {
    if (!rangesContain(src.slots, slot)) {
      const owner = slotOwner(srcNodes, slot);
      throw new SlotMigrationError(
        `slot ${slot} is owned by ${owner ? `${owner.address}:${owner.port} (${owner.id})` : 'no node'} as the source sees it, not by the source or the target`,
      );
    }
    // After a failover of the source shard, a target that is IMPORTING ignores the new primary's
    // claim on this slot (Redis leaves importing slots to the operator) and, once the old primary
    // announces itself a replica, drops its slots: the slot is unbound there, and RESTORE-ASKING
    // fails with CLUSTERDOWN. Tell the target who owns it, as the source itself says.
    state.acted = true;
    if (!slotOwner(tgtNodes, slot)) await setSlotNode(target.client, slot, source.id);
    if (!importing) await setSlotImporting(target.client, slot, source.id);
    if (!migrating) await setSlotMigrating(source.client, slot, target.id);
  }

  // A replica source (it gave its last slot away meanwhile) holds replicated keys, not its own.
  state.acted = true;
  if (src.role === 'primary') await moveKeys(opts, state);

  if (!targetOwns || openOnTarget) await setSlotNode(target.client, slot, target.id);
  if (src.role === 'primary') {
    await setSlotNode(source.client, slot, target.id).catch((e: Error) => {
      // A source that gave away its last slot turns itself into a replica of the target (Redis 7
      // cluster-allow-replica-migration; here through gossip of the target's claim) and drops its
      // open slots doing so: nothing left to clear on it.
      if (!/only with masters/i.test(e.message)) throw e;
    });
  }
  // Best effort: a primary missed here (down, replica now, target not yet known to it) learns the
  // owner from gossip, since the target claimed the slot with the highest config epoch.
  await Promise.all(opts.others.map((c) => setSlotNode(c, slot, target.id).catch(() => undefined)));
}

/**
 * MIGRATE always with REPLACE (no BUSYKEY): a key present on both sides is one whose earlier
 * MIGRATE restored it on the target and then failed before deleting it on the source (timeout,
 * crash), or one written again on a source promoted by a failover (it has no MIGRATING state, so
 * it serves the whole slot). Either way the source copy is the current one: while the slot is
 * MIGRATING the source serves every key it still holds, and only keys it does not hold are
 * written on the target (via ASK).
 */
async function moveKeys(opts: MigrateSlotOptions, state: MigrationState): Promise<void> {
  const { source, target, slot } = opts;
  const auth = opts.auth?.password
    ? opts.auth.username
      ? ['AUTH2', opts.auth.username, opts.auth.password]
      : ['AUTH', opts.auth.password]
    : [];
  let previousFirst: string | undefined;
  for (;;) {
    const keys = (await source.client.callBuffer('CLUSTER', ['GETKEYSINSLOT', String(slot), String(state.batch)])) as Buffer[];
    if (keys.length === 0) return;
    const first = keys[0].toString('hex');
    const reply = String(
      await source.client.call('MIGRATE', [
        target.address,
        String(target.port),
        '',
        '0',
        String(opts.timeoutMs ?? 10_000),
        'REPLACE',
        ...auth,
        'KEYS',
        ...keys,
      ]),
    );
    // NOKEY: every key in the batch expired or was deleted in between; nothing moved, not an error.
    if (reply !== 'NOKEY') state.keysMoved += keys.length;
    // MIGRATE said OK yet the same key is still first: the keys are not leaving the source, and
    // looping on would spin forever.
    if (first === previousFirst && reply === 'OK') {
      throw new Error(`slot ${slot}: key ${keys[0].toString()} is still on the source after MIGRATE`);
    }
    previousFirst = first;
  }
}

/**
 * Returns when the open state's peer `id` is now a replica of `primaryId` (a failover: re-point).
 * A peer that is a slot-owning primary wherever it is known is another migration: not retried.
 * Anything in between (a demoted primary whose new role gossip has not spread yet) is retried.
 */
function checkPeer(views: ClusterNode[][], id: string, primaryId: string, conflict: string): void {
  const seen = views.flatMap((v) => v.filter((n) => n.id === id));
  if (seen.some((n) => n.role === 'replica' && n.primaryId === primaryId)) return;
  if (seen.length > 0 && seen.every((n) => n.role === 'primary' && n.slots.length > 0 && !n.failed)) {
    throw new SlotMigrationError(conflict);
  }
  throw new Error(`${conflict} (not settled yet)`);
}

/** The "already done" path promises nothing open anywhere; another node's open state means a different migration. */
async function assertOthersClosed(opts: MigrateSlotOptions): Promise<void> {
  const views = await Promise.all(opts.others.map((c) => clusterMyself(c).catch(() => undefined)));
  for (const me of views) {
    if (!me) continue;
    const open = [
      ...me.migrating.filter((m) => m.slot === opts.slot).map((m) => `migrating to ${m.to}`),
      ...me.importing.filter((m) => m.slot === opts.slot).map((m) => `importing from ${m.from}`),
    ];
    if (open.length > 0) {
      throw new SlotMigrationError(`slot ${opts.slot} already belongs to the target, but ${me.address}:${me.port} has it open (${open.join(', ')})`);
    }
  }
}
