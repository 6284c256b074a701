import { CommonErrors } from '../errors/index.js';

/**
 * ElastiCache's identifier rules. Replication group and cache cluster ids: 1–40 (clusters 50)
 * letters, digits or hyphens, starting with a letter, no two consecutive hyphens, not ending
 * with a hyphen; AWS stores them lowercase. Parameter group names follow the same shape up to 255.
 */
export function normalizeIdentifier(kind: 'ReplicationGroupId' | 'CacheClusterId' | 'CacheParameterGroupName',
  value: string): string {
  const max = kind === 'ReplicationGroupId' ? 40 : kind === 'CacheClusterId' ? 50 : 255;
  const id = value.toLowerCase();
  const problem =
    id.length === 0 ? 'must not be blank'
    : id.length > max ? `must be at most ${max} characters long`
    : !/^[a-z]/.test(id) ? 'must begin with a letter'
    : !/^[a-z0-9-]+$/.test(id) ? 'must contain only letters, digits and hyphens'
    : id.includes('--') ? 'must not contain two consecutive hyphens'
    : id.endsWith('-') ? 'must not end with a hyphen'
    : undefined;
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ${kind} '${value}': it ${problem}.`);
  return id;
}

/** Subnet group names: up to 255 letters, digits, periods, underscores, spaces or hyphens; stored lowercase. */
export function normalizeSubnetGroupName(value: string): string {
  const name = value.toLowerCase();
  if (!/^[a-z0-9._ -]{1,255}$/.test(name)) {
    throw CommonErrors.invalidParameterValue(
      `Invalid CacheSubnetGroupName '${value}': use 1 to 255 letters, digits, periods, underscores, spaces or hyphens.`);
  }
  return name;
}

/** Member cluster ids of a replication group, as ElastiCache names them: <group>-001, <group>-002, … */
export function memberClusterId(groupId: string, index: number): string {
  return `${groupId}-${String(index + 1).padStart(3, '0')}`;
}

/** Cache node ids: 0001, 0002, … */
export function cacheNodeId(index: number): string {
  return String(index + 1).padStart(4, '0');
}

/** Filesystem-safe key the node provider uses for a node. */
export function nodeKey(cacheClusterId: string, nodeId: string): string {
  return `${cacheClusterId}-${nodeId}`;
}
