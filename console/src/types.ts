// The parts of the API's output shapes the console shows (names as in botocore's model).
export interface Endpoint { Address?: string; Port?: number }

export interface NodeGroupMember {
  CacheClusterId?: string;
  CacheNodeId?: string;
  ReadEndpoint?: Endpoint;
  PreferredAvailabilityZone?: string;
  CurrentRole?: string;
}

export interface NodeGroup {
  NodeGroupId?: string;
  Status?: string;
  PrimaryEndpoint?: Endpoint;
  ReaderEndpoint?: Endpoint;
  Slots?: string;
  NodeGroupMembers?: NodeGroupMember[];
}

export interface ReplicationGroup {
  ReplicationGroupId?: string;
  Description?: string;
  Status?: string;
  Engine?: string;
  CacheNodeType?: string;
  ClusterEnabled?: boolean;
  NodeGroups?: NodeGroup[];
  MemberClusters?: string[];
  ConfigurationEndpoint?: Endpoint;
  TransitEncryptionEnabled?: boolean;
  AuthTokenEnabled?: boolean;
  AutomaticFailover?: string;
  MultiAZ?: string;
}

export interface CacheNode {
  CacheNodeId?: string;
  CacheNodeStatus?: string;
  Endpoint?: Endpoint;
  CustomerAvailabilityZone?: string;
}

export interface CacheCluster {
  CacheClusterId?: string;
  CacheClusterStatus?: string;
  Engine?: string;
  EngineVersion?: string;
  CacheNodeType?: string;
  NumCacheNodes?: number;
  PreferredAvailabilityZone?: string;
  ReplicationGroupId?: string;
  CacheNodes?: CacheNode[];
  TransitEncryptionEnabled?: boolean;
}

export interface ServerlessCache {
  ServerlessCacheName?: string;
  Description?: string;
  Status?: string;
  Engine?: string;
  MajorEngineVersion?: string;
  FullEngineVersion?: string;
  Endpoint?: Endpoint;
  ReaderEndpoint?: Endpoint;
  CacheUsageLimits?: { DataStorage?: { Maximum?: number; Unit?: string }; ECPUPerSecond?: { Maximum?: number } };
}

export interface CacheEvent {
  SourceIdentifier?: string;
  SourceType?: string;
  Message?: string;
  Date?: string;
}

export function endpointText(e: Endpoint | undefined): string | undefined {
  return e?.Address ? `${e.Address}:${e.Port ?? 6379}` : undefined;
}
