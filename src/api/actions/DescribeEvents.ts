import { CommonErrors } from '../../errors/index.js';
import type { DescribeEventsMessage, EventsMessage } from '../model/shapes.js';
import { paginate } from '../pagination.js';
import { defineAction } from './define.js';
import { isServerlessBacking } from '../../resources/serverless.js';

/** ElastiCache keeps events for 14 days; Duration is in minutes and defaults to the last hour. */
const MAX_DURATION_MINUTES = 14 * 24 * 60;
const DEFAULT_DURATION_MINUTES = 60;

/**
 * Events newest first. The window is StartTime–EndTime when StartTime is given (Duration then
 * bounds it from StartTime when EndTime is not); otherwise the `Duration` minutes (default 60)
 * before EndTime or now.
 */
export default defineAction<DescribeEventsMessage, EventsMessage>('DescribeEvents', async (input, svc) => {
  const { start, end } = eventWindow(input, svc.now());
  const events = await svc.store.queryEvents({
    // Identifiers are stored lowercase, as ElastiCache stores them.
    sourceIdentifier: input.SourceIdentifier?.toLowerCase(),
    sourceType: input.SourceType,
    startTime: start.toISOString(),
    endTime: end?.toISOString(),
  });
  // A serverless cache's backing group and nodes are the service's, not the customer's: their
  // events stay in the service's log (resources/serverless.ts).
  const shown = events.filter((e) => !((e.sourceType === 'replication-group' || e.sourceType === 'cache-cluster') && isServerlessBacking(e.sourceIdentifier)));
  const { page, marker } = paginate(shown, input.Marker, input.MaxRecords);
  return {
    Events: page.map((e) => ({
      SourceIdentifier: e.sourceIdentifier, SourceType: e.sourceType, Message: e.message, Date: new Date(e.date),
    })),
    ...(marker ? { Marker: marker } : {}),
  };
});

function eventWindow(input: DescribeEventsMessage, now: Date): { start: Date; end?: Date } {
  const duration = input.Duration;
  if (duration !== undefined && (!Number.isInteger(duration) || duration < 1 || duration > MAX_DURATION_MINUTES)) {
    throw CommonErrors.invalidParameterValue(
      `Duration must be a number of minutes between 1 and ${MAX_DURATION_MINUTES} (14 days); got ${duration}.`);
  }
  const startTime = time('StartTime', input.StartTime);
  let end = time('EndTime', input.EndTime);
  if (startTime && end && startTime > end) {
    throw CommonErrors.invalidParameterValue('StartTime must not be later than EndTime.');
  }
  if (startTime) {
    if (!end && duration !== undefined) end = new Date(startTime.getTime() + duration * 60_000);
    return { start: startTime, end };
  }
  const until = end ?? now;
  return { start: new Date(until.getTime() - (duration ?? DEFAULT_DURATION_MINUTES) * 60_000), end };
}

function time(name: string, value: Date | string | undefined): Date | undefined {
  if (value === undefined) return undefined;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw CommonErrors.invalidParameterValue(`${name} is not a valid timestamp: ${String(value)}.`);
  return d;
}
