import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import { metricId } from '../metric-input.js';
import type { Datapoint, GetMetricStatisticsInput, GetMetricStatisticsOutput } from '../model/shapes.js';
import { checkPeriod, parseStat, statValue } from '../statistics.js';

/** CloudWatch answers at most 1,440 data points per call. */
export const MAX_DATAPOINTS = 1440;

export default defineCloudWatchAction<GetMetricStatisticsInput, GetMetricStatisticsOutput>('GetMetricStatistics', async (input, deps) => {
  const stats = input.Statistics ?? [];
  const extended = input.ExtendedStatistics ?? [];
  if (stats.length === 0 && extended.length === 0) throw CloudWatchErrors.missingParameter('Statistics or ExtendedStatistics');
  const startMs = new Date(input.StartTime).getTime();
  const endMs = new Date(input.EndTime).getTime();
  if (!(startMs < endMs)) throw CloudWatchErrors.invalidParameterValue('The parameter StartTime must be less than the parameter EndTime.');
  checkPeriod(input.Period, startMs, deps.now().getTime());
  const points = Math.ceil((endMs - startMs) / (input.Period * 1000));
  if (points > MAX_DATAPOINTS) {
    throw CloudWatchErrors.invalidParameterCombination(`You have requested up to ${points} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}. You may reduce the datapoints requested by increasing Period, or decreasing the time range.`);
  }
  const percentiles = extended.map((e, i) => {
    const s = parseStat(e, `ExtendedStatistics.member.${i + 1}`);
    if (!('percentile' in s)) throw CloudWatchErrors.invalidParameterValue(`The value ${e} for parameter ExtendedStatistics.member.${i + 1} is not an extended statistic.`);
    return { name: e, stat: s };
  });
  const data = await deps.metrics.query({
    metric: metricId(input.Namespace, input.MetricName, input.Dimensions), startMs, endMs, periodS: input.Period,
    ...(input.Unit ? { unit: input.Unit } : {}), ...(percentiles.length ? { percentiles: percentiles.map((p) => p.stat.percentile) } : {}),
  });
  const Datapoints: Datapoint[] = data.map((pt) => {
    const dp: Datapoint = { Timestamp: new Date(pt.timestampMs), Unit: pt.unit };
    for (const s of stats) (dp as Record<string, unknown>)[s] = statValue(pt, { standard: s });
    if (percentiles.length) {
      dp.ExtendedStatistics = Object.fromEntries(percentiles.flatMap((p) => {
        const v = statValue(pt, p.stat);
        return v === undefined ? [] : [[p.name, v]];
      }));
    }
    return dp;
  });
  return { Label: input.MetricName, Datapoints };
});
