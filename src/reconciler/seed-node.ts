/**
 * A restore's way of restarting a cluster-mode primary on its shard's snapshot file (the
 * restore's SeedHooks, snapshots/engine/seed.ts): the node's own spec, as the reconciler renders
 * it, and the provider's restartOnData. The group controller leaves the node alone meanwhile
 * (RestoreState.seeding).
 */
import type { Readable } from 'node:stream';
import type { NodeProvider, NodeSpec } from '../engine/types.js';
import { getCluster, type CacheClusterRecord, type CacheNodeRecord, type StateStore } from '../store/index.js';

export type SeedNode = (clusterId: string, data: Readable, signal: AbortSignal) => Promise<void>;

/** Undefined when the provider cannot restart a node on data. */
export function seedNode(store: StateStore, provider: NodeProvider,
  specOf: (c: CacheClusterRecord, n: CacheNodeRecord) => Promise<NodeSpec | undefined>): SeedNode | undefined {
  if (!provider.restartOnData) return undefined;
  return async (clusterId, data, signal) => {
    try {
      const c = (await getCluster(store, clusterId))?.doc;
      const n = c?.nodes[0];
      if (!c || !n || c.deleteRequested) throw new Error(`cache cluster ${clusterId} is gone or being deleted`);
      const spec = await specOf(c, n);
      if (!spec) throw new Error(`cache cluster ${clusterId}'s parameters are incompatible with its node type`);
      await provider.restartOnData!(spec, data, { signal });
    } catch (e) {
      data.destroy();
      throw e;
    }
  };
}
