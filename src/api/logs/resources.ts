// The resource each Logs action acts on (Service Authorization Reference for CloudWatch Logs): the
// log group `arn:aws:logs:<region>:<account>:log-group:<name>`, `*` for DescribeLogGroups.
import type { ArnScope } from '../types.js';

export function logGroupArn(scope: ArnScope, name: string): string {
  return `arn:aws:logs:${scope.region}:${scope.accountId}:log-group:${name}`;
}

export function logsResources(action: string, input: unknown, scope: ArnScope): string[] {
  if (action === 'DescribeLogGroups') return ['*'];
  const f = (input ?? {}) as { logGroupName?: string; logGroupIdentifier?: string };
  const id = f.logGroupName ?? f.logGroupIdentifier;
  if (id === undefined) return ['*'];
  return [id.startsWith('arn:') ? id.replace(/:\*$/, '') : logGroupArn(scope, id)];
}
