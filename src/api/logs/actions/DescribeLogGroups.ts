import { decodeToken, defineLogsAction, encodeToken } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { DescribeLogGroupsRequest, DescribeLogGroupsResponse } from '../model/shapes.js';
import { presentLogGroup } from '../present.js';

const isName = (v: unknown): v is string => typeof v === 'string';

export default defineLogsAction<DescribeLogGroupsRequest, DescribeLogGroupsResponse>('DescribeLogGroups', (input, deps) => {
  if (input.logGroupNamePrefix !== undefined && input.logGroupNamePattern !== undefined) {
    throw LogsErrors.invalidParameter('LogGroup name prefix and LogGroup name pattern are mutually exclusive parameters.');
  }
  if (input.logGroupIdentifiers !== undefined && (input.logGroupNamePrefix !== undefined || input.logGroupNamePattern !== undefined)) {
    throw LogsErrors.invalidParameter('logGroupIdentifiers cannot be combined with logGroupNamePrefix or logGroupNamePattern.');
  }
  const pattern = input.logGroupNamePattern?.toLowerCase();
  const ids = input.logGroupIdentifiers?.map((id) => id.replace(/^arn:[^:]+:logs:[^:]*:[^:]*:log-group:/, '').replace(/:\*$/, ''));
  const after = input.nextToken !== undefined ? decodeToken(input.nextToken, isName) : undefined;
  const limit = input.limit ?? 50;
  const all = deps.logs.groups().filter((g) =>
    (input.logGroupNamePrefix === undefined || g.name.startsWith(input.logGroupNamePrefix)) &&
    (pattern === undefined || g.name.toLowerCase().includes(pattern)) &&
    (ids === undefined || ids.includes(g.name)) &&
    (input.logGroupClass === undefined || g.logGroupClass === input.logGroupClass) &&
    (after === undefined || g.name > after));
  const page = all.slice(0, limit);
  return {
    logGroups: page.map((g) => presentLogGroup(deps.scope, g)),
    ...(all.length > limit ? { nextToken: encodeToken(page[page.length - 1]!.name) } : {}),
  };
});
