import { loadAlarms, presentAlarm } from '../alarm-input.js';
import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import type { DescribeAlarmsInput, DescribeAlarmsOutput } from '../model/shapes.js';

export default defineCloudWatchAction<DescribeAlarmsInput, DescribeAlarmsOutput>('DescribeAlarms', async (input, deps) => {
  if (input.AlarmNames !== undefined && input.AlarmNamePrefix !== undefined) {
    throw CloudWatchErrors.invalidParameterCombination('AlarmNames and AlarmNamePrefix cannot be given together.');
  }
  // Only metric alarms exist here: a request for composite alarms alone gets none.
  if (input.AlarmTypes !== undefined && !input.AlarmTypes.includes('MetricAlarm')) return { MetricAlarms: [], CompositeAlarms: [] };
  const names = input.AlarmNames ? new Set(input.AlarmNames) : undefined;
  const all = (await loadAlarms(deps.store)).filter(({ spec, status }) =>
    (!names || names.has(spec.id)) &&
    (input.AlarmNamePrefix === undefined || spec.id.startsWith(input.AlarmNamePrefix)) &&
    (input.StateValue === undefined || (status?.stateValue ?? 'INSUFFICIENT_DATA') === input.StateValue) &&
    (input.ActionPrefix === undefined || [...spec.doc.alarmActions, ...spec.doc.okActions, ...spec.doc.insufficientDataActions]
      .some((a) => a.startsWith(input.ActionPrefix!))));
  let start = 0;
  if (input.NextToken !== undefined) {
    const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    start = all.findIndex((a) => a.spec.id > after);
    if (start === -1) start = all.length;
  }
  const max = input.MaxRecords ?? 50;
  const page = all.slice(start, start + max);
  const more = start + max < all.length;
  return {
    MetricAlarms: page.map(({ spec, status }) => presentAlarm(spec.doc, status)), CompositeAlarms: [],
    ...(more ? { NextToken: Buffer.from(page[page.length - 1]!.spec.id).toString('base64url') } : {}),
  };
});
