// The create form's values → CreateReplicationGroup's Query parameters, and an API error → the
// field it is about (pure: tested without a browser, against the API's own decoder).
import type { Params } from './metric-queries.js';

export interface CreateValues {
  engine: string;
  engineVersion: string;
  clusterMode: boolean;
  shards: string;
  name: string;
  description: string;
  nodeType: string;
  replicas: string;
  automaticFailover: boolean;
  subnetGroup: string;
  /** Security group ids (sg-…) as ticked, sent as SecurityGroupIds. */
  securityGroups: string[];
  parameterGroup: string;
  snapshotRetention: string;
  snapshotWindow: string;
  maintenanceWindow: string;
  atRest: boolean;
  inTransit: boolean;
  transitMode: string;
  /** Access control, as the console's Security step offers it: none, one AUTH token, or a user group (RBAC). */
  access: AccessControl;
  authToken: string;
  /** The user group (UserGroupIds) when access is userGroup. */
  userGroup: string;
  tags: string;
}

export type AccessControl = 'none' | 'token' | 'userGroup';

export const EMPTY_CREATE: CreateValues = {
  engine: 'redis', engineVersion: '', clusterMode: false, shards: '2', name: '', description: '', nodeType: 'cache.t3.micro',
  replicas: '1', automaticFailover: true, subnetGroup: '', securityGroups: [], parameterGroup: '', snapshotRetention: '0',
  snapshotWindow: '', maintenanceWindow: '', atRest: false, inTransit: false, transitMode: 'required', access: 'none', authToken: '', userGroup: '', tags: '',
};

/** Form field → the API parameter(s) it sets; an API error naming one is shown beside the field. */
export const FIELD_PARAMS: Record<keyof CreateValues, string[]> = {
  engine: ['Engine'], engineVersion: ['EngineVersion'], clusterMode: ['ClusterMode'], shards: ['NumNodeGroups'],
  name: ['ReplicationGroupId'], description: ['ReplicationGroupDescription'], nodeType: ['CacheNodeType'],
  replicas: ['ReplicasPerNodeGroup', 'NumCacheClusters'], automaticFailover: ['AutomaticFailoverEnabled', 'MultiAZEnabled'],
  subnetGroup: ['CacheSubnetGroupName', 'CacheSubnetGroup'], securityGroups: ['SecurityGroupIds', 'SecurityGroup', 'security group Id'],
  parameterGroup: ['CacheParameterGroupName', 'CacheParameterGroup', 'parameter group'], snapshotRetention: ['SnapshotRetentionLimit'],
  snapshotWindow: ['SnapshotWindow'], maintenanceWindow: ['PreferredMaintenanceWindow'], atRest: ['AtRestEncryptionEnabled'],
  inTransit: ['TransitEncryptionEnabled'], transitMode: ['TransitEncryptionMode'], access: [], authToken: ['AuthToken'],
  userGroup: ['UserGroupIds', 'UserGroupId'], tags: ['Tags', 'Tag'],
};

export function createParams(v: CreateValues): Params {
  const p: Params = {
    ReplicationGroupId: v.name.trim(), ReplicationGroupDescription: v.description.trim() || v.name.trim(),
    Engine: v.engine, CacheNodeType: v.nodeType.trim(), ReplicasPerNodeGroup: v.replicas.trim(),
  };
  if (v.engineVersion) p.EngineVersion = v.engineVersion;
  if (v.clusterMode) {
    p.ClusterMode = 'enabled';
    p.NumNodeGroups = v.shards.trim();
  }
  if (Number(v.replicas) > 0 || v.clusterMode) {
    p.AutomaticFailoverEnabled = String(v.automaticFailover);
    p.MultiAZEnabled = String(v.automaticFailover);
  }
  if (v.subnetGroup) p.CacheSubnetGroupName = v.subnetGroup;
  // The Query name of the list's members is botocore's locationName, SecurityGroupId.
  v.securityGroups.forEach((sg, i) => { p[`SecurityGroupIds.SecurityGroupId.${i + 1}`] = sg; });
  if (v.parameterGroup) p.CacheParameterGroupName = v.parameterGroup;
  if (v.snapshotRetention.trim() !== '') p.SnapshotRetentionLimit = v.snapshotRetention.trim();
  if (v.snapshotWindow.trim()) p.SnapshotWindow = v.snapshotWindow.trim();
  if (v.maintenanceWindow.trim()) p.PreferredMaintenanceWindow = v.maintenanceWindow.trim();
  if (v.atRest) p.AtRestEncryptionEnabled = 'true';
  if (v.inTransit) {
    p.TransitEncryptionEnabled = 'true';
    p.TransitEncryptionMode = v.transitMode;
  }
  // Only the access control chosen is sent: a token typed before switching to a user group is not.
  if (v.access === 'token' && v.authToken) p.AuthToken = v.authToken;
  // UserGroupIds' members have no locationName in botocore's model: UserGroupIds.member.N.
  if (v.access === 'userGroup' && v.userGroup) p['UserGroupIds.member.1'] = v.userGroup;
  return Object.assign(p, tagParams(v.tags));
}

/** One key=value a line → Tags.Tag.N.Key/Value (a line without `=` is a key with no value). */
export function tagParams(text: string): Params {
  const p: Params = {};
  text.split('\n').map((l) => l.trim()).filter(Boolean).forEach((line, i) => {
    const eq = line.indexOf('=');
    p[`Tags.Tag.${i + 1}.Key`] = (eq === -1 ? line : line.slice(0, eq)).trim();
    if (eq !== -1) p[`Tags.Tag.${i + 1}.Value`] = line.slice(eq + 1).trim();
  });
  return p;
}

/**
 * What the form says before asking the API: a user group chosen as the access control but none
 * picked (sent as is, the cache would be made with no access control at all).
 */
export function missingChoices(v: CreateValues): Partial<Record<keyof CreateValues, string>> {
  return v.access === 'userGroup' && !v.userGroup ? { userGroup: 'Choose a user group, or another access control.' } : {};
}

/** Faults that are about one field whatever their message says. */
const FIELD_OF_CODE: Record<string, keyof CreateValues> = {
  ReplicationGroupAlreadyExistsFault: 'name', CacheSubnetGroupNotFoundFault: 'subnetGroup',
  CacheParameterGroupNotFound: 'parameterGroup', CacheSecurityGroupNotFound: 'securityGroups', InvalidSubnet: 'subnetGroup',
  UserGroupNotFound: 'userGroup', InvalidUserGroupStateFault: 'userGroup',
};

/** The form field an API error is about (by its code, else the first parameter its message names), if any. */
export function fieldOfError(message: string, code = ''): keyof CreateValues | undefined {
  if (FIELD_OF_CODE[code]) return FIELD_OF_CODE[code];
  let best: { field: keyof CreateValues; at: number } | undefined;
  for (const [field, names] of Object.entries(FIELD_PARAMS) as Array<[keyof CreateValues, string[]]>) {
    for (const name of names) {
      const at = message.search(new RegExp(`\\b${name}\\b`));
      if (at !== -1 && (!best || at < best.at)) best = { field, at };
    }
  }
  return best?.field;
}
