// The create form's serverless path: its values → CreateServerlessCache's Query parameters, and an
// API error → the field it is about (pure: tested without a browser, against the API's own decoder).
import { tagParams } from './create-params.js';
import type { Params } from './metric-queries.js';
import { fieldOfSnapshotError } from './snapshots.js';

/** What CreateServerlessCache takes, as the form holds it (numbers as typed; '' is "not set"). */
export interface ServerlessValues {
  name: string;
  description: string;
  majorEngineVersion: string;
  /** CacheUsageLimits.DataStorage.Maximum, in GB. */
  dataStorageMax: string;
  /** CacheUsageLimits.ECPUPerSecond.Maximum. */
  ecpuMax: string;
  securityGroups: string[];
  userGroup: string;
  snapshotRetention: string;
  dailySnapshotTime: string;
  tags: string;
}

export const EMPTY_SERVERLESS: ServerlessValues = {
  name: '', description: '', majorEngineVersion: '7', dataStorageMax: '', ecpuMax: '', securityGroups: [], userGroup: '',
  snapshotRetention: '0', dailySnapshotTime: '', tags: '',
};

/** The major versions a serverless cache offers (cachefleet runs redis 7: resources/serverless.ts). */
export const SERVERLESS_MAJOR_VERSIONS = ['7'];

export function serverlessCreateParams(v: ServerlessValues): Params {
  const p: Params = { ServerlessCacheName: v.name.trim(), Engine: 'redis', MajorEngineVersion: v.majorEngineVersion };
  if (v.description.trim()) p.Description = v.description.trim();
  // DataStorage's Unit is required whenever it is given; GB is the only one.
  if (v.dataStorageMax.trim()) {
    p['CacheUsageLimits.DataStorage.Maximum'] = v.dataStorageMax.trim();
    p['CacheUsageLimits.DataStorage.Unit'] = 'GB';
  }
  if (v.ecpuMax.trim()) p['CacheUsageLimits.ECPUPerSecond.Maximum'] = v.ecpuMax.trim();
  // SecurityGroupIdsList's members are named SecurityGroupId in botocore's model, as for a replication group.
  v.securityGroups.forEach((sg, i) => { p[`SecurityGroupIds.SecurityGroupId.${i + 1}`] = sg; });
  // A serverless cache takes one user group, a plain string (not a list as CreateReplicationGroup's UserGroupIds).
  if (v.userGroup) p.UserGroupId = v.userGroup;
  if (v.snapshotRetention.trim() !== '') p.SnapshotRetentionLimit = v.snapshotRetention.trim();
  if (v.dailySnapshotTime.trim()) p.DailySnapshotTime = v.dailySnapshotTime.trim();
  return Object.assign(p, tagParams(v.tags));
}

/** Form field → the API parameters (and fault codes) that put an error beside it. */
export const SERVERLESS_FIELDS: Record<keyof ServerlessValues, string[]> = {
  name: ['ServerlessCacheName', 'ServerlessCacheAlreadyExistsFault'],
  description: ['Description'],
  majorEngineVersion: ['MajorEngineVersion', 'Engine'],
  dataStorageMax: ['CacheUsageLimits\\.DataStorage'],
  ecpuMax: ['CacheUsageLimits\\.ECPUPerSecond'],
  securityGroups: ['SecurityGroupIds', 'security group Id'],
  userGroup: ['UserGroupId', 'UserGroupNotFound', 'InvalidUserGroupStateFault'],
  snapshotRetention: ['SnapshotRetentionLimit'],
  dailySnapshotTime: ['DailySnapshotTime'],
  tags: ['Tags', 'Tag', 'TagQuotaPerResourceExceeded'],
};

/** The serverless form's field an API error is about (its code, else the first parameter its message names), if any. */
export function fieldOfServerlessError(message: string, code = ''): keyof ServerlessValues | undefined {
  return fieldOfSnapshotError(SERVERLESS_FIELDS, message, code);
}
