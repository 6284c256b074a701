// The resources each ElastiCache action acts on, for policy evaluation (the Service Authorization
// Reference's resource types for ElastiCache: cluster, replicationgroup, parametergroup,
// subnetgroup, securitygroup, user, usergroup, snapshot …).
// - The primary resource: an action is matched by the noun in its name and acts on the resource
//   its identifier member names, e.g. ModifyReplicationGroup →
//   arn:aws:elasticache:<region>:<account>:replicationgroup:<ReplicationGroupId>. Tag actions act
//   on the ARN they are given. An action whose identifier is absent (DescribeReplicationGroups for
//   all groups, DescribeEvents, DescribeCacheEngineVersions …) acts on `*`: a policy must allow
//   it with `"Resource": "*"`.
// - The other resources the request names, as AWS checks them too: the parameter group, subnet
//   group, user groups and snapshot a CreateReplicationGroup names, the users a user group gets,
//   the group or cluster a snapshot is taken from, the final snapshot of a delete …
//   (SECONDARY below). Each must be allowed, so a policy limited to `parametergroup:team-*`
//   keeps a user from creating a group with another team's parameter group.
import type { ArnScope } from '../types.js';

const BY_NOUN: ReadonlyArray<[RegExp, string, string]> = [
  [/Tags(To|From|For)Resource$/, 'ResourceName', ''],
  [/ServerlessCacheSnapshot/, 'ServerlessCacheSnapshotName', 'serverlesscachesnapshot'],
  [/ServerlessCache/, 'ServerlessCacheName', 'serverlesscache'],
  [/GlobalReplicationGroup/, 'GlobalReplicationGroupId', 'globalreplicationgroup'],
  [/ReplicationGroup|Replica|TestFailover|Migration|PointInTimeRestore/, 'ReplicationGroupId', 'replicationgroup'],
  [/CacheCluster|AllowedNodeType/, 'CacheClusterId', 'cluster'],
  [/CacheParameter/, 'CacheParameterGroupName', 'parametergroup'],
  [/CacheSubnetGroup/, 'CacheSubnetGroupName', 'subnetgroup'],
  [/CacheSecurityGroup/, 'CacheSecurityGroupName', 'securitygroup'],
  [/UserGroup/, 'UserGroupId', 'usergroup'],
  [/User/, 'UserId', 'user'],
  [/^CopySnapshot$/, 'SourceSnapshotName', 'snapshot'],
  [/Snapshot/, 'SnapshotName', 'snapshot'],
];

/** Input members naming further resources of an action: [member, resource type]; a member may hold a list. */
const SECONDARY: Readonly<Record<string, ReadonlyArray<[string, string]>>> = {
  CreateReplicationGroup: [['PrimaryClusterId', 'cluster'], ['CacheParameterGroupName', 'parametergroup'],
    ['CacheSubnetGroupName', 'subnetgroup'], ['CacheSecurityGroupNames', 'securitygroup'], ['UserGroupIds', 'usergroup'],
    ['SnapshotName', 'snapshot'], ['GlobalReplicationGroupId', 'globalreplicationgroup']],
  CreateCacheCluster: [['ReplicationGroupId', 'replicationgroup'], ['CacheParameterGroupName', 'parametergroup'],
    ['CacheSubnetGroupName', 'subnetgroup'], ['CacheSecurityGroupNames', 'securitygroup'], ['SnapshotName', 'snapshot']],
  ModifyReplicationGroup: [['CacheParameterGroupName', 'parametergroup'], ['CacheSecurityGroupNames', 'securitygroup'],
    ['UserGroupIdsToAdd', 'usergroup'], ['UserGroupIdsToRemove', 'usergroup'], ['PrimaryClusterId', 'cluster'],
    ['SnapshottingClusterId', 'cluster']],
  ModifyCacheCluster: [['CacheParameterGroupName', 'parametergroup'], ['CacheSecurityGroupNames', 'securitygroup']],
  DeleteReplicationGroup: [['FinalSnapshotIdentifier', 'snapshot']],
  DeleteCacheCluster: [['FinalSnapshotIdentifier', 'snapshot']],
  CreateSnapshot: [['ReplicationGroupId', 'replicationgroup'], ['CacheClusterId', 'cluster']],
  CopySnapshot: [['TargetSnapshotName', 'snapshot']],
  CreateUserGroup: [['UserIds', 'user']],
  ModifyUserGroup: [['UserIdsToAdd', 'user'], ['UserIdsToRemove', 'user']],
  CreateServerlessCache: [['UserGroupId', 'usergroup']],
  ModifyServerlessCache: [['UserGroupId', 'usergroup']],
};

export function elasticacheResources(action: string, input: unknown, scope: ArnScope): string[] {
  const fields = (input ?? {}) as Record<string, unknown>;
  const arn = (type: string, id: string) =>
    // ElastiCache keeps identifiers in lower case, so ARNs name them that way.
    type === '' ? id : `arn:aws:elasticache:${scope.region}:${scope.accountId}:${type}:${id.toLowerCase()}`;
  let primary = '*';
  for (const [noun, member, type] of BY_NOUN) {
    if (!noun.test(action)) continue;
    const id = fields[member];
    if (typeof id === 'string' && id !== '') primary = arn(type, id);
    break;
  }
  // ListAllowedNodeTypeModifications names a cluster or a replication group.
  const group = fields.ReplicationGroupId;
  if (action === 'ListAllowedNodeTypeModifications' && typeof group === 'string' && group !== '') primary = arn('replicationgroup', group);
  const out = [primary];
  // A point-in-time restore reads another group's data: that group (named by a tag) must be allowed too.
  if (action === 'CreateReplicationGroup' && Array.isArray(fields.Tags)) {
    const source = (fields.Tags as Array<{ Key?: string; Value?: string }>).find((t) => t.Key === 'cachefleet:restore-source-group')?.Value;
    if (source) out.push(arn('replicationgroup', source));
  }
  for (const [member, type] of SECONDARY[action] ?? []) {
    const value = fields[member];
    for (const id of Array.isArray(value) ? value : [value]) {
      if (typeof id !== 'string' || id === '') continue;
      const a = arn(type, id);
      if (!out.includes(a)) out.push(a);
    }
  }
  return out;
}
