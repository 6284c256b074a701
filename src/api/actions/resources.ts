// The resource each ElastiCache action acts on, for policy evaluation (the Service Authorization
// Reference's resource types for ElastiCache: cluster, replicationgroup, parametergroup,
// subnetgroup, securitygroup, user, usergroup, snapshot …). An action is matched by the noun in
// its name and acts on the resource its identifier member names, e.g. ModifyReplicationGroup →
// arn:aws:elasticache:<region>:<account>:replicationgroup:<ReplicationGroupId>. Tag actions act on
// the ARN they are given. An action whose identifier is absent (DescribeReplicationGroups for all
// groups, DescribeEvents, DescribeCacheEngineVersions …) acts on `*`: a policy must allow it
// with `"Resource": "*"`. Only the primary resource is checked (AWS also checks e.g. the parameter
// group a CreateReplicationGroup names).
import type { ArnScope } from '../types.js';

const BY_NOUN: ReadonlyArray<[RegExp, string, string]> = [
  [/Tags(To|From|For)Resource$/, 'ResourceName', ''],
  [/ServerlessCacheSnapshot/, 'ServerlessCacheSnapshotName', 'serverlesscachesnapshot'],
  [/ServerlessCache/, 'ServerlessCacheName', 'serverlesscache'],
  [/GlobalReplicationGroup/, 'GlobalReplicationGroupId', 'globalreplicationgroup'],
  [/ReplicationGroup|Replica|TestFailover|Migration/, 'ReplicationGroupId', 'replicationgroup'],
  [/CacheCluster|AllowedNodeType/, 'CacheClusterId', 'cluster'],
  [/CacheParameter/, 'CacheParameterGroupName', 'parametergroup'],
  [/CacheSubnetGroup/, 'CacheSubnetGroupName', 'subnetgroup'],
  [/CacheSecurityGroup/, 'CacheSecurityGroupName', 'securitygroup'],
  [/UserGroup/, 'UserGroupId', 'usergroup'],
  [/User/, 'UserId', 'user'],
  [/Snapshot/, 'SnapshotName', 'snapshot'],
];

export function elasticacheResources(action: string, input: unknown, scope: ArnScope): string[] {
  const fields = (input ?? {}) as Record<string, unknown>;
  for (const [noun, member, type] of BY_NOUN) {
    if (!noun.test(action)) continue;
    const id = fields[member];
    if (typeof id !== 'string' || id === '') return ['*'];
    // ElastiCache keeps identifiers in lower case, so ARNs name them that way.
    return [type === '' ? id : `arn:aws:elasticache:${scope.region}:${scope.accountId}:${type}:${id.toLowerCase()}`];
  }
  return ['*'];
}
