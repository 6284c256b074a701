import { decodeToken, defineLogsAction, encodeToken, groupNameOf } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { DescribeLogStreamsRequest, DescribeLogStreamsResponse } from '../model/shapes.js';
import { presentLogStream } from '../present.js';

const isOffset = (v: unknown): v is number => Number.isInteger(v) && (v as number) >= 0;

export default defineLogsAction<DescribeLogStreamsRequest, DescribeLogStreamsResponse>('DescribeLogStreams', (input, deps) => {
  const name = groupNameOf(input);
  const orderBy = input.orderBy ?? 'LogStreamName';
  if (orderBy === 'LastEventTime' && input.logStreamNamePrefix !== undefined) {
    throw LogsErrors.invalidParameter('Cannot order by LastEventTime with a logStreamNamePrefix.');
  }
  if (!deps.logs.group(name)) throw LogsErrors.groupNotFound();
  let streams = deps.logs.streams(name).filter((s) => input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix));
  if (orderBy === 'LastEventTime') streams.sort((a, b) => (a.lastEventMs ?? 0) - (b.lastEventMs ?? 0) || (a.name < b.name ? -1 : 1));
  if (input.descending) streams = streams.reverse();
  // The token is the offset into this ordering: stable while no stream is added between pages.
  const start = input.nextToken !== undefined ? decodeToken(input.nextToken, isOffset) : 0;
  const limit = input.limit ?? 50;
  const page = streams.slice(start, start + limit);
  return {
    logStreams: page.map((s) => presentLogStream(deps.scope, s)),
    ...(start + limit < streams.length ? { nextToken: encodeToken(start + limit) } : {}),
  };
});
