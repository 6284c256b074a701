/** A node the collector reads, named as ElastiCache names it. */
export interface NodeTarget {
  /** The provider's key of the node (nodeKey(cluster, node)). */
  key: string;
  cacheClusterId: string;
  /** "0001", as ElastiCache numbers nodes. */
  cacheNodeId: string;
  replicationGroupId?: string;
  availabilityZone: string;
  address: string;
  port: number;
}

/** The host's memory (/proc/meminfo) and CPUs, read once per collection for every node. */
export interface HostSample {
  memAvailableBytes: number;
  memTotalBytes: number;
  cpuCount: number;
}
