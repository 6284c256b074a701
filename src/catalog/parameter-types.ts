/**
 * One parameter of a cache parameter group family, shaped like the ElastiCache `Parameter`
 * (DescribeEngineDefaultParameters / DescribeCacheParameters) plus cachefleet's own mapping
 * onto redis-server configuration.
 */
export interface ParameterDef {
  ParameterName: string;
  /** The family default. Absent where AWS returns no ParameterValue (notify-keyspace-events). */
  ParameterValue?: string;
  Description: string;
  Source: 'system';
  DataType: 'string' | 'integer';
  /** AWS notation: "yes,no", "0-", "1-1000", "0,20-", "-5,-4,-3,-2,-1,1-". Absent: free-form. */
  AllowedValues?: string;
  IsModifiable: boolean;
  MinimumEngineVersion: string;
  ChangeType: 'immediate' | 'requires-reboot';
  /**
   * The redis-server config directive this parameter sets, or null for parameters only
   * ElastiCache itself interprets (reserved-memory-percent, close-on-replica-write, …).
   * The client-output-buffer-limit-<class>-* parameters all map to `client-output-buffer-limit`,
   * which is assembled per class.
   */
  redis: string | null;
  /** Translates the ElastiCache value into the redis-server value where they differ. */
  toRedis?: (value: string) => string;
  /**
   * redis-server cannot change this at runtime (no CONFIG SET), so although AWS reports it as
   * `immediate`, cachefleet applies it by restarting the node.
   */
  restartToApply?: boolean;
}

/** A `CacheNodeTypeSpecificParameter` as ElastiCache returns it. */
export interface CacheNodeTypeSpecificParameterDef {
  ParameterName: string;
  Description: string;
  Source: 'system';
  DataType: 'integer';
  AllowedValues?: string;
  IsModifiable: boolean;
  MinimumEngineVersion: string;
  ChangeType: 'immediate' | 'requires-reboot';
  CacheNodeTypeSpecificValues: { CacheNodeType: string; Value: string }[];
}
