import type { InstallationRecord } from '../store/index.js';

export type ArnResourceType =
  | 'cluster' | 'replicationgroup' | 'parametergroup' | 'subnetgroup' | 'securitygroup'
  | 'snapshot' | 'user' | 'usergroup' | 'reserved-instance' | 'serverlesscache';

export function arn(installation: InstallationRecord, type: ArnResourceType, id: string): string {
  return `arn:aws:elasticache:${installation.region}:${installation.accountId}:${type}:${id}`;
}

/** Splits an ElastiCache ARN; undefined when it is not one. */
export function parseArn(value: string): { region: string; accountId: string; type: string; id: string } | undefined {
  const m = /^arn:aws[a-z-]*:elasticache:([a-z0-9-]+):(\d{12}):([a-z-]+):(.+)$/.exec(value);
  return m ? { region: m[1]!, accountId: m[2]!, type: m[3]!, id: m[4]! } : undefined;
}
