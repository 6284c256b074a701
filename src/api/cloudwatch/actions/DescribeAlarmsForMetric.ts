import { loadAlarms, presentAlarm } from '../alarm-input.js';
import { defineCloudWatchAction } from '../deps.js';
import type { DescribeAlarmsForMetricInput, DescribeAlarmsForMetricOutput } from '../model/shapes.js';

const dimsKey = (d: Array<{ Name: string; Value: string }>) => JSON.stringify([...d].sort((a, b) => (a.Name < b.Name ? -1 : 1)).map((x) => [x.Name, x.Value]));

export default defineCloudWatchAction<DescribeAlarmsForMetricInput, DescribeAlarmsForMetricOutput>('DescribeAlarmsForMetric', async (input, deps) => {
  const alarms = (await loadAlarms(deps.store)).filter(({ spec: { doc: a } }) =>
    a.metricName === input.MetricName && a.namespace === input.Namespace &&
    (input.Statistic === undefined || a.statistic === input.Statistic) &&
    (input.ExtendedStatistic === undefined || a.extendedStatistic === input.ExtendedStatistic) &&
    (input.Period === undefined || a.periodS === input.Period) &&
    (input.Unit === undefined || a.unit === input.Unit) &&
    (input.Dimensions === undefined || dimsKey(a.dimensions) === dimsKey(input.Dimensions)));
  return { MetricAlarms: alarms.map(({ spec, status }) => presentAlarm(spec.doc, status)) };
});
