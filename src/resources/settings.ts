import { CommonErrors } from '../errors/index.js';
import { resolveEngine, type InstalledEngine } from '../catalog/engines.js';
import { requireNodeType } from '../catalog/node-types.js';
import { effectiveParameterValues } from '../catalog/parameters.js';
import { initialAuth } from '../security/auth-token.js';
import type { Services } from '../core/index.js';
import type { CacheParameterGroupRecord, CacheSettings, CacheSubnetGroupRecord, WriteOp } from '../store/index.js';
import { requireParameterGroup, requireSubnetGroup } from './lookups.js';
import { requireSecurityGroups } from './security-groups.js';
import { checkWindows, chooseSnapshotWindow, DEFAULT_MAINTENANCE_WINDOW, parseMaintenanceWindow, parseSnapshotWindow } from './windows.js';
import { resolveKmsKey } from './kms.js';
import { applyLogDelivery, type LogDeliveryRequest } from './log-delivery.js';

/** The members CreateReplicationGroup and CreateCacheCluster share. */
export interface CreateSettingsInput {
  CacheNodeType?: string;
  Engine?: string;
  EngineVersion?: string;
  CacheParameterGroupName?: string;
  CacheSubnetGroupName?: string;
  CacheSecurityGroupNames?: string[];
  SecurityGroupIds?: string[];
  SnapshotArns?: string[];
  SnapshotName?: string;
  PreferredMaintenanceWindow?: string;
  Port?: number;
  NotificationTopicArn?: string;
  AutoMinorVersionUpgrade?: boolean;
  SnapshotRetentionLimit?: number;
  SnapshotWindow?: string;
  AuthToken?: string;
  TransitEncryptionEnabled?: boolean;
  TransitEncryptionMode?: string;
  AtRestEncryptionEnabled?: boolean;
  KmsKeyId?: string;
  LogDeliveryConfigurations?: LogDeliveryRequest[];
  NetworkType?: string;
  IpDiscovery?: string;
}

export interface ResolvedSettings {
  settings: CacheSettings;
  engine: InstalledEngine;
  parameterGroup: CacheParameterGroupRecord;
  subnetGroup: CacheSubnetGroupRecord;
  /** Ops the create commits with its records: its security groups unchanged at the versions read (security-groups.ts). */
  guards: WriteOp[];
}

/** Default node type when none is given. */
export const DEFAULT_NODE_TYPE = 'cache.t3.micro';

/**
 * Validates and resolves the settings of a new cluster or group: node type, engine (served by an
 * installed redis-server of the same major), parameter group (family must match), subnet group,
 * port, windows. Features that arrive with later work are refused with a clear message rather
 * than accepted and ignored.
 */
export async function resolveCreateSettings(svc: Services, input: CreateSettingsInput): Promise<ResolvedSettings> {
  const engineName = (input.Engine ?? 'redis').toLowerCase();
  if (engineName !== 'redis') {
    throw CommonErrors.invalidParameterValue(`Engine '${input.Engine}' is not available: cachefleet runs the redis engine only.`);
  }
  const cacheNodeType = input.CacheNodeType ?? DEFAULT_NODE_TYPE;
  if (requireNodeType(cacheNodeType).previousGeneration) {
    throw CommonErrors.invalidParameterValue(
      `Node type ${cacheNodeType} is a previous-generation node type; new clusters cannot use it. Choose a current-generation type such as cache.r7g.large or cache.t4g.micro.`);
  }
  const engine = resolveEngine(input.EngineVersion, svc.engines);
  const parameterGroup = (await requireParameterGroup(svc, input.CacheParameterGroupName ?? `default.${engine.family}`)).doc;
  if (parameterGroup.family !== engine.family) {
    throw CommonErrors.invalidParameterCombination(
      `Cache parameter group ${parameterGroup.name} is of family ${parameterGroup.family}, but engine version ` +
      `${input.EngineVersion ?? engine.version} needs a ${engine.family} parameter group.`);
  }
  const subnetGroup = (await requireSubnetGroup(svc, input.CacheSubnetGroupName ?? 'default')).doc;
  if (input.CacheSecurityGroupNames?.length) {
    throw CommonErrors.invalidParameterValue('Use of cache security groups is not permitted in this API version for your account; use SecurityGroupIds.');
  }
  const guards = await requireSecurityGroups(svc, input.SecurityGroupIds);
  const transit = resolveTransitEncryption(input.TransitEncryptionEnabled, input.TransitEncryptionMode);
  if (input.AuthToken !== undefined && !transit.enabled) {
    throw CommonErrors.invalidParameterCombination('AuthToken can be specified only when TransitEncryptionEnabled is true.');
  }
  const auth = input.AuthToken !== undefined ? initialAuth(input.AuthToken, svc.now()) : undefined;
  if (transit.enabled && durableWrites(parameterGroup)) {
    throw CommonErrors.invalidParameterCombination(
      `Cache parameter group ${parameterGroup.name} sets cachefleet-durable-writes to yes, which needs an endpoint that reads the Redis protocol; ` +
      'with TransitEncryptionEnabled the endpoint only passes TLS through. Use a parameter group without durable writes.');
  }
  const logDelivery = applyLogDelivery(svc, undefined, input.LogDeliveryConfigurations, true);
  if (input.NetworkType && input.NetworkType !== 'ipv4') {
    throw CommonErrors.invalidParameterValue(`NetworkType ${input.NetworkType} is not supported: endpoints are IPv4 loopback addresses.`);
  }
  const port = input.Port ?? 6379;
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw CommonErrors.invalidParameterValue(`Invalid Port ${input.Port}: it must be between 1 and 65535.`);
  }
  const retention = input.SnapshotRetentionLimit ?? 0;
  if (!Number.isInteger(retention) || retention < 0 || retention > 35) {
    throw CommonErrors.invalidParameterValue(`Invalid SnapshotRetentionLimit ${input.SnapshotRetentionLimit}: it must be between 0 and 35 days.`);
  }
  const maintenance = (input.PreferredMaintenanceWindow ?? DEFAULT_MAINTENANCE_WINDOW).toLowerCase();
  parseMaintenanceWindow(maintenance);
  // ElastiCache chooses a window when none is given; one given must not overlap the maintenance window.
  const snapshotWindow = input.SnapshotWindow ?? chooseSnapshotWindow(maintenance);
  parseSnapshotWindow(snapshotWindow);
  checkWindows(snapshotWindow, maintenance);
  const atRest = input.AtRestEncryptionEnabled ?? false;
  if (input.KmsKeyId !== undefined && !atRest) {
    throw CommonErrors.invalidParameterCombination('KmsKeyId can be specified only when AtRestEncryptionEnabled is true.');
  }
  const kmsKey = atRest ? await resolveKmsKey(svc, input.KmsKeyId) : undefined;
  const settings: CacheSettings = {
    engine: 'redis',
    engineVersion: input.EngineVersion ?? `${engine.major}.${engine.minor}`,
    cacheNodeType,
    cacheParameterGroupName: parameterGroup.name,
    cacheSubnetGroupName: subnetGroup.name,
    port,
    securityGroupIds: input.SecurityGroupIds ?? [],
    preferredMaintenanceWindow: maintenance,
    snapshotRetentionLimit: retention,
    snapshotWindow,
    ...(input.NotificationTopicArn ? { notificationTopicArn: input.NotificationTopicArn } : {}),
    autoMinorVersionUpgrade: input.AutoMinorVersionUpgrade ?? true,
    transitEncryptionEnabled: transit.enabled,
    ...(transit.enabled ? { transitEncryptionMode: transit.mode } : {}),
    ...(auth ? { auth } : {}),
    atRestEncryptionEnabled: atRest,
    ...(kmsKey ? { kmsKey } : {}),
    ...(logDelivery?.length ? { logDelivery } : {}),
  };
  return { settings, engine, parameterGroup, subnetGroup, guards };
}

/**
 * TransitEncryptionEnabled and TransitEncryptionMode of a create request: `required` (TLS only)
 * unless `preferred` (TLS and plaintext clients on the same endpoints) is asked for.
 */
export function resolveTransitEncryption(enabled: boolean | undefined, mode: string | undefined): { enabled: boolean; mode: 'preferred' | 'required' } {
  if (mode !== undefined) {
    if (mode !== 'required' && mode !== 'preferred') {
      throw CommonErrors.invalidParameterValue(`Invalid TransitEncryptionMode ${mode}: it must be required or preferred.`);
    }
    if (enabled !== true) {
      throw CommonErrors.invalidParameterCombination('TransitEncryptionMode can be specified only when TransitEncryptionEnabled is true.');
    }
  }
  return { enabled: enabled === true, mode: mode === 'preferred' ? 'preferred' : 'required' };
}

/** True when the parameter group turns on cachefleet-durable-writes (an endpoint that parses the Redis protocol). */
export function durableWrites(group: CacheParameterGroupRecord): boolean {
  try {
    return effectiveParameterValues(group.family, group.values)['cachefleet-durable-writes'] === 'yes';
  } catch {
    return false;
  }
}

/** True when the parameter group turns Redis Cluster on (cluster mode enabled). */
export function isClusterModeGroup(group: CacheParameterGroupRecord): boolean {
  return group.values['cluster-enabled'] === 'yes';
}
