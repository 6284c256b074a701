/**
 * The objects an export writes to a bucket (CopySnapshot TargetBucket), as ElastiCache names
 * them: `<name>-0001.rdb`, `<name>-0002.rdb`, … one RDB file per shard.
 */
export function exportObjectKeys(targetName: string, shards: number): string[] {
  return Array.from({ length: shards }, (_, i) => `${targetName}-${String(i + 1).padStart(4, '0')}.rdb`);
}
