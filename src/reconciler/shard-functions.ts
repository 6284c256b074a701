/**
 * Which primaries of a cluster-mode group need the Redis Functions libraries copied to them before
 * cluster formation gives them slots, pure. A shard added by a reshard (ModifyReplicationGroupShardConfiguration,
 * or a serverless cache's autoscaler) starts with an empty node, and FUNCTION LOAD reached only
 * the primaries there were then: FCALL on a key whose slot moves to it would fail with "Function
 * not found". `redis-cli --cluster add-node` copies them for the same reason.
 */
import { parseSlots, type ClusterNode } from '../engine/cluster-nodes.js';
import type { NodeGroupRecord } from '../store/index.js';

export interface FunctionCopyPlan {
  /** The member cluster whose primary has slots (its libraries are the cluster's). */
  source: string;
  /** Member clusters (shard primaries) that own no slot yet but are to be given some. */
  targets: string[];
}

/**
 * From the seed's view: a shard whose record gives it slots and whose primary owns none yet is a
 * target; the source is the first shard (record order) whose primary owns slots. Undefined when
 * there is nothing to do: no target, or no primary with slots (a new cluster, whose nodes are all
 * empty alike). A shard being removed (no slots in the record) is never a target.
 */
export function functionCopyPlan(shards: readonly Pick<NodeGroupRecord, 'slots' | 'primaryClusterId'>[], view: readonly ClusterNode[],
  ids: ReadonlyMap<string, string>): FunctionCopyPlan | undefined {
  const ownsSlots = new Set(view.filter((n) => n.role === 'primary' && n.slots.length > 0).map((n) => n.id));
  const has = (ng: Pick<NodeGroupRecord, 'primaryClusterId'>) => ownsSlots.has(ids.get(ng.primaryClusterId) ?? '');
  const source = shards.find(has)?.primaryClusterId;
  const targets = shards.filter((ng) => parseSlots(ng.slots).length > 0 && !has(ng)).map((ng) => ng.primaryClusterId);
  return source !== undefined && targets.length > 0 ? { source, targets } : undefined;
}
