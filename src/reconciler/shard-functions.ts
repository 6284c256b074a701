/**
 * Keeping the Redis Functions libraries of a cluster-mode group's primaries alike, pure (the I/O
 * is functions-sync.ts, cluster formation's step 2). Every primary holds its own copy (FCALL runs where the key
 * lives) and nothing carries them between nodes, so a library loaded while a shard was being added
 * could miss it: a new shard owns no slot until the first one moves, and neither the serverless
 * endpoint's fan-out (it sends FUNCTION LOAD to the shards of its slot map) nor a client that
 * lists the nodes by CLUSTER SLOTS reaches it. FCALL on a key whose slot moves there then fails
 * with "Function not found". So the libraries are level-triggered: on every formation pass, each
 * primary is compared with the reference (the first shard, in record order, whose primary owns
 * slots) and brought to it, whatever the timing of the load.
 *
 * - A shard about to be given slots (the record gives it slots its primary does not own yet) is
 *   brought to the reference at once, and no slot moves while that fails, so it has the libraries
 *   before it serves a key (as `redis-cli --cluster add-node` copies them).
 * - A primary that already serves its slots is brought to the reference only when the same
 *   difference is seen on two passes in a row: a FUNCTION LOAD fanned out to every primary reaches
 *   them one after another, and a pass that read in between must not act on that moment.
 * - A serverless cache's backing group ('exact'): the endpoint is the only way in, and its
 *   fan-out always reaches the reference (it owns slots), so the reference's libraries are the
 *   cache's, and a primary is made to hold exactly them (a FUNCTION DELETE that missed a new
 *   shard is carried out there too). A provisioned group ('add'): its customer manages each
 *   primary, so a primary only gets what the reference has and it lacks or holds in another
 *   version; what only it holds is left alone.
 *
 * What remains: a FUNCTION LOAD that lands between a pass's copy to a new shard and its first
 * slot's move reaches the new shard on the next pass (the group's reconcile period).
 */
import { createHash } from 'node:crypto';
import { parseSlots, rangesContain, type ClusterNode, type SlotRange } from '../engine/cluster-nodes.js';
import type { FunctionSyncMode, LibraryDiff } from '../engine/functions.js';
import { isServerlessBacking } from '../resources/serverless.js';
import type { NodeGroupRecord } from '../store/index.js';

export interface FunctionSyncTarget {
  /** The member cluster of the shard's primary. */
  clusterId: string;
  /** The record gives its shard slots its primary does not own yet: they are about to move to it. */
  gaining: boolean;
}

export interface FunctionSyncPlan {
  /** The member cluster whose primary's libraries are the group's: the first shard's (record order) with slots. */
  source: string;
  /** Every other shard's primary, including those being removed (they serve their slots until moved). */
  targets: FunctionSyncTarget[];
}

/**
 * From the seed's view. Undefined when there is nothing to compare: no primary owns a slot (a new
 * cluster, whose nodes are all empty alike), or there is only the one shard.
 */
export function functionSyncPlan(shards: readonly Pick<NodeGroupRecord, 'slots' | 'primaryClusterId'>[], view: readonly ClusterNode[],
  ids: ReadonlyMap<string, string>): FunctionSyncPlan | undefined {
  const owned = new Map(view.filter((n) => n.role === 'primary').map((n) => [n.id, n.slots]));
  const ownedBy = (ng: Pick<NodeGroupRecord, 'primaryClusterId'>) => owned.get(ids.get(ng.primaryClusterId) ?? '') ?? [];
  const source = shards.find((ng) => ownedBy(ng).length > 0)?.primaryClusterId;
  if (source === undefined) return undefined;
  const targets = shards.filter((ng) => ng.primaryClusterId !== source)
    .map((ng) => ({ clusterId: ng.primaryClusterId, gaining: !covers(ownedBy(ng), parseSlots(ng.slots)) }));
  return targets.length > 0 ? { source, targets } : undefined;
}

/** Whether every slot of `wanted` is in `owned`. */
function covers(owned: readonly SlotRange[], wanted: readonly SlotRange[]): boolean {
  for (const [a, b] of wanted) {
    for (let s = a; s <= b; s++) if (!rangesContain(owned as SlotRange[], s)) return false;
  }
  return true;
}

/** See the module's comment. */
export function functionSyncMode(groupId: string): FunctionSyncMode {
  return isServerlessBacking(groupId) ? 'exact' : 'add';
}

/** A short digest of what a pass saw of the reference and of one target (two passes alike: the same difference). */
export function librariesSignature(wanted: ReadonlyMap<string, string>, held: ReadonlyMap<string, string>): string {
  const h = createHash('sha256');
  for (const m of [wanted, held]) {
    for (const [name, code] of [...m].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) h.update(`${name.length}:${name}${code.length}:${code}`);
    h.update('|');
  }
  return h.digest('hex').slice(0, 32);
}

export type FunctionSyncStep =
  | { kind: 'alike' }
  /** A difference seen for the first time on a primary that serves its slots: remembered, acted on if seen again. */
  | { kind: 'suspect'; signature: string }
  | { kind: 'apply' };

/**
 * What to do with one target this pass: `diff` is libraryDiff(reference, target), `signature`
 * librariesSignature of the same reading, `suspected` the signature remembered from the pass before.
 */
export function functionSyncStep(mode: FunctionSyncMode, diff: LibraryDiff, gaining: boolean, signature: string, suspected: string | undefined): FunctionSyncStep {
  const differs = diff.missing.length > 0 || (mode === 'exact' && diff.extra.length > 0);
  if (!differs) return { kind: 'alike' };
  if (gaining || suspected === signature) return { kind: 'apply' };
  return { kind: 'suspect', signature };
}
