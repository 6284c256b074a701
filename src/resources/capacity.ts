import { fault } from '../errors/index.js';
import { getNodeType } from '../catalog/node-types.js';
import type { StateStore } from '../store/index.js';

const GiB = 1024 ** 3;

/**
 * A node type's maxmemory is a limit, not a reservation: the service lets limits add up to the
 * host's memory times an over-commit ratio, and refuses beyond that as ElastiCache does when a
 * region has no capacity (InsufficientCacheClusterCapacity).
 */
export async function checkCapacity(store: StateStore, hostMemoryBytes: number, overcommit: number,
  additional: { nodeType: string; count: number }[], exceptClusterIds: string[] = []): Promise<void> {
  let committed = 0;
  for (const { doc } of await store.list('cacheCluster')) {
    if (doc.deleteRequested || exceptClusterIds.includes(doc.id)) continue;
    // A pending node-type change may land at any time: count the larger of the two.
    const types = [doc.cacheNodeType, doc.pending.cacheNodeType].filter((t): t is string => !!t);
    const bytes = Math.max(...types.map((t) => getNodeType(t)?.maxmemoryBytes ?? 0));
    committed += bytes * doc.nodes.length;
  }
  const asked = additional.reduce((sum, a) => sum + (getNodeType(a.nodeType)?.maxmemoryBytes ?? 0) * a.count, 0);
  const limit = hostMemoryBytes * overcommit;
  if (committed + asked > limit) {
    throw fault('InsufficientCacheClusterCapacityFault',
      `Insufficient capacity: the request needs ${(asked / GiB).toFixed(2)} GiB of node memory limits; ` +
      `${(committed / GiB).toFixed(2)} GiB of ${(limit / GiB).toFixed(2)} GiB are taken ` +
      `(host memory ${(hostMemoryBytes / GiB).toFixed(1)} GiB × over-commit ${overcommit}). ` +
      `Choose a smaller node type, delete unused clusters, or start the service with a larger --memory-overcommit.`);
  }
}
