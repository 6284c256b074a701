import { createHash } from 'node:crypto';
import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import { runQueries } from '../metric-data.js';
import type { GetMetricDataInput, GetMetricDataOutput, MetricDataResult } from '../model/shapes.js';

/** CloudWatch's default (and largest) MaxDatapoints, and its quota of queries per call. */
export const DEFAULT_MAX_DATAPOINTS = 100_800;
export const MAX_QUERIES = 500;

export default defineCloudWatchAction<GetMetricDataInput, GetMetricDataOutput>('GetMetricData', async (input, deps) => {
  const startMs = new Date(input.StartTime).getTime();
  const endMs = new Date(input.EndTime).getTime();
  if (!(startMs < endMs)) throw CloudWatchErrors.invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  if (input.MetricDataQueries.length === 0) throw CloudWatchErrors.missingParameter('MetricDataQueries');
  if (input.MetricDataQueries.length > MAX_QUERIES) {
    throw CloudWatchErrors.invalidParameterValue(`The collection MetricDataQueries must not have a size greater than ${MAX_QUERIES}.`);
  }
  const max = input.MaxDatapoints ?? DEFAULT_MAX_DATAPOINTS;
  if (max < 1) throw CloudWatchErrors.invalidParameterValue('The parameter MaxDatapoints must be at least 1.');
  const descending = (input.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
  const all = await runQueries(input.MetricDataQueries, startMs, endMs, deps);
  // The token is the offset into the call's data points, tied to the call's own parameters.
  const fingerprint = createHash('sha256').update(JSON.stringify([input.MetricDataQueries, startMs, endMs, input.ScanBy ?? ''])).digest('hex').slice(0, 16);
  let offset = 0;
  if (input.NextToken !== undefined) {
    const m = /^([0-9a-f]{16}):(\d+)$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
    if (!m || m[1] !== fingerprint) throw CloudWatchErrors.invalidNextToken();
    offset = Number(m[2]);
  }
  let index = 0;
  const results: MetricDataResult[] = all.map((r) => {
    const order = r.timestamps.map((_, i) => i);
    if (descending) order.reverse();
    const from = Math.max(0, offset - index);
    const to = Math.max(0, Math.min(order.length, offset + max - index));
    index += order.length;
    const picked = order.slice(from, to);
    return {
      Id: r.id, Label: r.label,
      Timestamps: picked.map((i) => new Date(r.timestamps[i]!)), Values: picked.map((i) => r.values[i]!),
      StatusCode: to < order.length ? 'PartialData' : 'Complete',
      ...(r.messages.length ? { Messages: r.messages } : {}),
    };
  });
  const more = offset + max < index;
  return {
    MetricDataResults: results, Messages: [],
    ...(more ? { NextToken: Buffer.from(`${fingerprint}:${offset + max}`).toString('base64url') } : {}),
  };
});
