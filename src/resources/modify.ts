import { CommonErrors } from '../errors/index.js';
import { resolveEngine } from '../catalog/engines.js';
import { requireNodeType } from '../catalog/node-types.js';
import type { Services } from '../core/index.js';
import type { CacheSettings, WriteOp } from '../store/index.js';
import { requireParameterGroup } from './lookups.js';
import { requireSecurityGroups } from './security-groups.js';
import { authTokenEnabled, updateAuth } from '../security/auth-token.js';
import { applyLogDelivery, type LogDeliveryRequest } from './log-delivery.js';
import { durableWrites, isClusterModeGroup } from './settings.js';
import { checkWindows, parseMaintenanceWindow, parseSnapshotWindow } from './windows.js';

/** The members ModifyReplicationGroup and ModifyCacheCluster share. */
export interface ModifySettingsInput {
  CacheParameterGroupName?: string;
  CacheNodeType?: string;
  EngineVersion?: string;
  Engine?: string;
  SecurityGroupIds?: string[];
  CacheSecurityGroupNames?: string[];
  PreferredMaintenanceWindow?: string;
  NotificationTopicArn?: string;
  NotificationTopicStatus?: string;
  AutoMinorVersionUpgrade?: boolean;
  SnapshotRetentionLimit?: number;
  SnapshotWindow?: string;
  AuthToken?: string;
  AuthTokenUpdateStrategy?: string;
  TransitEncryptionEnabled?: boolean;
  TransitEncryptionMode?: string;
  LogDeliveryConfigurations?: LogDeliveryRequest[];
  IpDiscovery?: string;
  /** RBAC (ModifyReplicationGroup): user groups added in the same call allow AuthTokenUpdateStrategy DELETE. */
  UserGroupIdsToAdd?: string[];
}

export interface SettingsChange {
  /** Settings with every immediately applicable change made. */
  settings: CacheSettings;
  /** A node type change to apply now (ApplyImmediately) or to leave pending. */
  nodeType?: string;
  changed: string[];
  /** Ops to commit with the change: security groups newly named, unchanged at the versions read (security-groups.ts). */
  guards: WriteOp[];
}

/**
 * Validates the shared modifications and returns the new settings. Node type changes are
 * returned apart: the caller applies them now or records them as pending, as AWS does with
 * ApplyImmediately. Throws the AWS error for an invalid or unsupported request.
 */
export async function applySettingsChanges(svc: Services, current: CacheSettings, input: ModifySettingsInput): Promise<SettingsChange> {
  const transit = transitEncryptionChange(current, input);
  const transitEnabled = transit?.transitEncryptionEnabled ?? current.transitEncryptionEnabled;
  const auth = updateAuth(current.auth, transitEnabled, input, svc.now(), { addingUserGroups: !!input.UserGroupIdsToAdd?.length });
  if (input.CacheSecurityGroupNames?.length) {
    throw CommonErrors.invalidParameterValue('Use of cache security groups is not permitted in this API version for your account; use SecurityGroupIds.');
  }
  // Log delivery changes apply at once (ElastiCache asks for ApplyImmediately on them and applies nothing later).
  const logDelivery = applyLogDelivery(svc, current.logDelivery, input.LogDeliveryConfigurations, false);
  if (input.Engine && input.Engine.toLowerCase() !== 'redis') {
    throw CommonErrors.invalidParameterValue(`Engine '${input.Engine}' is not available: cachefleet runs the redis engine only.`);
  }
  const settings: CacheSettings = { ...current };
  const changed: string[] = [];
  const guards: WriteOp[] = [];
  const set = <K extends keyof CacheSettings>(key: K, value: CacheSettings[K], name: string): void => {
    if (settings[key] !== value) { settings[key] = value; changed.push(name); }
  };
  if (input.CacheParameterGroupName !== undefined) {
    const group = (await requireParameterGroup(svc, input.CacheParameterGroupName)).doc;
    const engine = resolveEngine(current.engineVersion, svc.engines);
    if (group.family !== engine.family) {
      throw CommonErrors.invalidParameterCombination(
        `Cache parameter group ${group.name} is of family ${group.family}; this cluster runs ${engine.family}.`);
    }
    if (isClusterModeGroup(group)) {
      throw CommonErrors.invalidParameterCombination(`Cache parameter group ${group.name} has cluster-enabled yes; it cannot be used with cluster mode disabled.`);
    }
    if (transitEnabled && durableWrites(group)) {
      throw CommonErrors.invalidParameterCombination(
        `Cache parameter group ${group.name} sets cachefleet-durable-writes to yes, which cannot be used with TransitEncryptionEnabled (the endpoint only passes TLS through).`);
    }
    set('cacheParameterGroupName', group.name, 'CacheParameterGroupName');
  }
  if (input.EngineVersion !== undefined) {
    const engine = resolveEngine(input.EngineVersion, svc.engines);
    const currentEngine = resolveEngine(current.engineVersion, svc.engines);
    if (engine.major < currentEngine.major) {
      throw CommonErrors.invalidParameterValue(`Engine version ${input.EngineVersion} is a downgrade from ${current.engineVersion}; ElastiCache does not downgrade engines.`);
    }
    set('engineVersion', input.EngineVersion, 'EngineVersion');
  }
  if (input.SecurityGroupIds !== undefined) {
    guards.push(...await requireSecurityGroups(svc, input.SecurityGroupIds));
    const ids = [...input.SecurityGroupIds];
    if (ids.join() !== settings.securityGroupIds.join()) { settings.securityGroupIds = ids; changed.push('SecurityGroupIds'); }
  }
  if (input.PreferredMaintenanceWindow !== undefined) {
    parseMaintenanceWindow(input.PreferredMaintenanceWindow);
    set('preferredMaintenanceWindow', input.PreferredMaintenanceWindow.toLowerCase(), 'PreferredMaintenanceWindow');
  }
  if (input.SnapshotWindow !== undefined) {
    parseSnapshotWindow(input.SnapshotWindow);
    set('snapshotWindow', input.SnapshotWindow, 'SnapshotWindow');
  }
  if (input.SnapshotWindow !== undefined || input.PreferredMaintenanceWindow !== undefined) {
    checkWindows(settings.snapshotWindow, settings.preferredMaintenanceWindow);
  }
  if (input.SnapshotRetentionLimit !== undefined) {
    if (!Number.isInteger(input.SnapshotRetentionLimit) || input.SnapshotRetentionLimit < 0 || input.SnapshotRetentionLimit > 35) {
      throw CommonErrors.invalidParameterValue(`Invalid SnapshotRetentionLimit ${input.SnapshotRetentionLimit}: it must be between 0 and 35 days.`);
    }
    set('snapshotRetentionLimit', input.SnapshotRetentionLimit, 'SnapshotRetentionLimit');
  }
  if (input.NotificationTopicArn !== undefined) set('notificationTopicArn', input.NotificationTopicArn, 'NotificationTopicArn');
  // As ElastiCache: the topic is kept, `inactive` stops the notifications until `active` again.
  if (input.NotificationTopicStatus !== undefined) {
    if (input.NotificationTopicStatus !== 'active' && input.NotificationTopicStatus !== 'inactive') {
      throw CommonErrors.invalidParameterValue(`Invalid NotificationTopicStatus ${input.NotificationTopicStatus}: it must be active or inactive.`);
    }
    const status = input.NotificationTopicStatus === 'inactive' ? 'inactive' : undefined;
    if (status !== settings.notificationTopicStatus) {
      if (status) settings.notificationTopicStatus = status; else delete settings.notificationTopicStatus;
      changed.push('NotificationTopicStatus');
    }
  }
  if (logDelivery !== current.logDelivery) { settings.logDelivery = logDelivery; changed.push('LogDeliveryConfigurations'); }
  if (input.AutoMinorVersionUpgrade !== undefined) set('autoMinorVersionUpgrade', input.AutoMinorVersionUpgrade, 'AutoMinorVersionUpgrade');
  if (auth) { settings.auth = auth; changed.push('AuthToken'); }
  if (transit) {
    const group = (await requireParameterGroup(svc, settings.cacheParameterGroupName)).doc;
    if (transit.transitEncryptionEnabled && durableWrites(group)) {
      throw CommonErrors.invalidParameterCombination(
        `Cache parameter group ${group.name} sets cachefleet-durable-writes to yes, which cannot be used with TransitEncryptionEnabled (the endpoint only passes TLS through).`);
    }
    settings.transitEncryptionEnabled = transit.transitEncryptionEnabled;
    // Undefined rather than deleted: the caller spreads these settings over the record.
    settings.transitEncryptionMode = transit.transitEncryptionMode;
    changed.push(input.TransitEncryptionEnabled !== undefined && input.TransitEncryptionEnabled !== current.transitEncryptionEnabled
      ? 'TransitEncryptionEnabled' : 'TransitEncryptionMode');
  }
  let nodeType: string | undefined;
  if (input.CacheNodeType !== undefined && input.CacheNodeType !== current.cacheNodeType) {
    if (requireNodeType(input.CacheNodeType).previousGeneration) {
      throw CommonErrors.invalidParameterValue(`Node type ${input.CacheNodeType} is a previous-generation node type; scale to a current-generation type.`);
    }
    nodeType = input.CacheNodeType;
    changed.push('CacheNodeType');
  }
  return { settings, ...(nodeType ? { nodeType } : {}), changed, guards };
}

/**
 * TransitEncryptionEnabled / TransitEncryptionMode on an existing group, as ElastiCache moves
 * them without downtime: TLS is turned on in `preferred` mode (TLS and plaintext clients both
 * served while clients migrate), then `required`; turned off the same way back. Returns the new
 * settings, or undefined when the request does not change them.
 */
export function transitEncryptionChange(current: CacheSettings & { userGroupIds?: string[] },
  input: { TransitEncryptionEnabled?: boolean; TransitEncryptionMode?: string }):
  Pick<CacheSettings, 'transitEncryptionEnabled' | 'transitEncryptionMode'> | undefined {
  const mode = input.TransitEncryptionMode;
  if (mode !== undefined && mode !== 'required' && mode !== 'preferred') {
    throw CommonErrors.invalidParameterValue(`Invalid TransitEncryptionMode ${mode}: it must be required or preferred.`);
  }
  const enabled = input.TransitEncryptionEnabled ?? current.transitEncryptionEnabled;
  if (mode !== undefined && !enabled) {
    throw CommonErrors.invalidParameterCombination('TransitEncryptionMode can be specified only when TransitEncryptionEnabled is true.');
  }
  const currentMode = current.transitEncryptionEnabled ? current.transitEncryptionMode ?? 'required' : undefined;
  if (enabled && !current.transitEncryptionEnabled) {
    if (mode !== 'preferred') {
      throw CommonErrors.invalidParameterCombination(
        'To turn on TransitEncryptionEnabled for an existing replication group, set TransitEncryptionMode to preferred in the same request ' +
        '(TLS and plaintext clients are both accepted while clients move to TLS); once they have, set TransitEncryptionMode to required.');
    }
    return { transitEncryptionEnabled: true, transitEncryptionMode: 'preferred' };
  }
  if (!enabled && current.transitEncryptionEnabled) {
    if (currentMode === 'required') {
      throw CommonErrors.invalidParameterCombination(
        'TransitEncryptionEnabled can be turned off only from TransitEncryptionMode preferred: set the mode to preferred first ' +
        '(plaintext clients are then accepted too), move clients off TLS, then turn TransitEncryptionEnabled off.');
    }
    if (authTokenEnabled(current.auth)) {
      throw CommonErrors.invalidParameterCombination('TransitEncryptionEnabled cannot be turned off while an AUTH token is enabled: AUTH needs TLS in transit.');
    }
    if (current.userGroupIds?.length) {
      throw CommonErrors.invalidParameterCombination(
        `TransitEncryptionEnabled cannot be turned off while user groups are attached (${current.userGroupIds.join(', ')}): role-based access control needs TLS in transit.`);
    }
    return { transitEncryptionEnabled: false };
  }
  if (enabled && mode !== undefined && mode !== currentMode) return { transitEncryptionEnabled: true, transitEncryptionMode: mode };
  return undefined;
}

/** The settings members a replication group hands down to its member clusters. */
export const SHARED_SETTINGS: (keyof CacheSettings)[] = [
  'engineVersion', 'cacheParameterGroupName', 'securityGroupIds', 'preferredMaintenanceWindow', 'snapshotRetentionLimit',
  'snapshotWindow', 'notificationTopicArn', 'notificationTopicStatus', 'autoMinorVersionUpgrade', 'auth', 'transitEncryptionEnabled', 'transitEncryptionMode', 'logDelivery',
];
