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

/**
 * A new snapshot's name (SnapshotName, TargetSnapshotName, FinalSnapshotIdentifier): ElastiCache's
 * identifier rules, 1–40 characters, stored lowercase. Names of existing snapshots are only
 * lowercased ({@link snapshotNameKey}): automatic snapshots' names (`automatic.<id>-<time>`) are
 * made by the service and do not follow these rules.
 */
export function normalizeSnapshotName(member: 'SnapshotName' | 'TargetSnapshotName' | 'FinalSnapshotIdentifier', value: string): string {
  const name = value.toLowerCase();
  const problem = identifierProblem(name);
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ${member} '${value}': it ${problem}.`);
  return name;
}

/** The record key of an existing snapshot's name (names are stored lowercase). */
export function snapshotNameKey(value: string): string {
  return value.toLowerCase();
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

/**
 * What is wrong with a lowercased identifier under ElastiCache's common rules (snapshot names,
 * serverless cache names): 1–40 characters, a letter first, letters, digits and hyphens, no two
 * hyphens in a row, no hyphen at the end. Undefined when nothing is.
 */
export function identifierProblem(name: string): string | undefined {
  return name.length === 0 ? 'must not be blank'
    : name.length > 40 ? 'must be at most 40 characters long'
    : !/^[a-z]/.test(name) ? 'must begin with a letter'
    : !/^[a-z0-9-]+$/.test(name) ? 'must contain only letters, digits and hyphens'
    : name.includes('--') ? 'must not contain two consecutive hyphens'
    : name.endsWith('-') ? 'must not end with a hyphen'
    : undefined;
}
