import { defineLogsAction, groupNameOf } from '../deps.js';
import { LogsErrors } from '../errors.js';
import type { GetLogEventsRequest, GetLogEventsResponse } from '../model/shapes.js';

/**
 * Tokens as CloudWatch Logs writes them: `f/<position>` reads on after an event, `b/<position>`
 * reads back before one (the position is the event's place in the group, zero-padded like AWS's
 * 56 digits). At the end of a stream the forward token comes back unchanged: that is how clients
 * (boto3's paginator, `aws logs tail`) know they have read everything.
 */
const token = (dir: 'f' | 'b', seq: number) => `${dir}/${String(seq).padStart(56, '0')}`;

function parseToken(t: string): { dir: 'f' | 'b'; seq: number } {
  const m = /^([fb])\/(\d{1,56})$/.exec(t);
  const seq = m ? Number(m[2]) : NaN;
  if (!m || !Number.isSafeInteger(seq)) throw LogsErrors.invalidParameter('The specified nextToken is invalid.');
  return { dir: m[1] as 'f' | 'b', seq };
}

export default defineLogsAction<GetLogEventsRequest, GetLogEventsResponse>('GetLogEvents', (input, deps) => {
  const group = groupNameOf(input);
  if (!deps.logs.group(group)) throw LogsErrors.groupNotFound();
  if (!deps.logs.stream(group, input.logStreamName)) throw LogsErrors.streamNotFound();
  const limit = input.limit ?? 10_000;
  const at = input.nextToken !== undefined ? parseToken(input.nextToken) : input.startFromHead ? { dir: 'f' as const, seq: 0 } : { dir: 'b' as const, seq: Number.MAX_SAFE_INTEGER };
  const range = {
    ...(input.startTime !== undefined ? { startTime: Number(input.startTime) } : {}),
    ...(input.endTime !== undefined ? { endTime: Number(input.endTime) } : {}),
    limit,
  };
  const events = at.dir === 'f'
    ? deps.logs.streamEvents(group, input.logStreamName, { ...range, afterSeq: at.seq, forward: true })
    : deps.logs.streamEvents(group, input.logStreamName, { ...range, beforeSeq: at.seq, forward: false });
  const first = events[0]?.seq;
  const last = events[events.length - 1]?.seq;
  return {
    events: events.map((e) => ({ timestamp: e.timestamp, message: e.message, ingestionTime: e.ingestionTime })),
    nextForwardToken: token('f', last ?? (at.dir === 'f' ? at.seq : Math.max(0, at.seq - 1))),
    nextBackwardToken: token('b', first ?? (at.dir === 'b' ? at.seq : at.seq + 1)),
  };
});
