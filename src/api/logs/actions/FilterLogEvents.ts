import { compileFilterPattern, FilterPatternError, type Matcher } from '../../../logs/index.js';
import { decodeToken, defineLogsAction, encodeToken, groupNameOf } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { FilterLogEventsRequest, FilterLogEventsResponse, FilteredLogEvent } from '../model/shapes.js';

interface Position { timestamp: number; seq: number }
const isPosition = (v: unknown): v is Position =>
  typeof v === 'object' && v !== null && Number.isFinite((v as Position).timestamp) && Number.isSafeInteger((v as Position).seq);

/** The answer stops at this many bytes of messages, as CloudWatch Logs' 1 MB, with a nextToken. */
const MAX_BYTES = 1024 * 1024;

export default defineLogsAction<FilterLogEventsRequest, FilterLogEventsResponse>('FilterLogEvents', (input, deps) => {
  const group = groupNameOf(input);
  if (input.logStreamNames !== undefined && input.logStreamNamePrefix !== undefined) {
    throw LogsErrors.invalidParameter('logStreamNames and logStreamNamePrefix are mutually exclusive parameters.');
  }
  let match: Matcher;
  try {
    match = compileFilterPattern(input.filterPattern);
  } catch (e) {
    if (e instanceof FilterPatternError) throw LogsErrors.invalidParameter(e.message);
    throw e;
  }
  if (!deps.logs.group(group)) throw LogsErrors.groupNotFound();
  const after = input.nextToken !== undefined ? decodeToken(input.nextToken, isPosition) : undefined;
  const limit = input.limit ?? 10_000;
  const events: FilteredLogEvent[] = [];
  let bytes = 0;
  let more = false;
  let lastPos: Position | undefined;
  for (const e of deps.logs.scan(group, {
    ...(input.logStreamNames ? { streams: input.logStreamNames } : {}),
    ...(input.logStreamNamePrefix !== undefined ? { streamPrefix: input.logStreamNamePrefix } : {}),
    ...(input.startTime !== undefined ? { startTime: Number(input.startTime) } : {}),
    ...(input.endTime !== undefined ? { endTime: Number(input.endTime) } : {}),
    ...(after ? { after } : {}),
  })) {
    if (!match(e.message)) continue;
    if (events.length >= limit || bytes + e.message.length > MAX_BYTES) { more = true; break; }
    events.push({ logStreamName: e.stream, timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime, eventId: String(e.seq) });
    bytes += e.message.length;
    lastPos = { timestamp: e.timestamp, seq: e.seq };
  }
  const streams = deps.logs.streams(group).filter((s) =>
    (input.logStreamNames === undefined || input.logStreamNames.includes(s.name)) &&
    (input.logStreamNamePrefix === undefined || s.name.startsWith(input.logStreamNamePrefix)));
  return {
    events,
    searchedLogStreams: streams.map((s) => ({ logStreamName: s.name, searchedCompletely: !more })),
    ...(more && lastPos ? { nextToken: encodeToken(lastPos) } : {}),
  };
});
