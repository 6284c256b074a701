import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import type { AlarmHistoryItem, DescribeAlarmHistoryInput, DescribeAlarmHistoryOutput } from '../model/shapes.js';

export default defineCloudWatchAction<DescribeAlarmHistoryInput, DescribeAlarmHistoryOutput>('DescribeAlarmHistory', async (input, deps) => {
  const start = input.StartDate !== undefined ? new Date(input.StartDate).getTime() : -Infinity;
  const end = input.EndDate !== undefined ? new Date(input.EndDate).getTime() : Infinity;
  if (start > end) throw CloudWatchErrors.invalidParameterValue('The parameter StartDate must not be after EndDate.');
  if (input.AlarmTypes !== undefined && !input.AlarmTypes.includes('MetricAlarm')) return { AlarmHistoryItems: [] };
  // Records come in id order: alarm, time, then write order within a millisecond.
  const items = (await deps.store.list('alarmHistory')).map((r) => r.doc).filter((h) =>
    (input.AlarmName === undefined || h.alarmName === input.AlarmName) &&
    (input.HistoryItemType === undefined || h.historyItemType === input.HistoryItemType) &&
    Date.parse(h.timestamp) >= start && Date.parse(h.timestamp) <= end);
  const ascending = input.ScanBy === 'TimestampAscending';
  items.sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp)); // stable: ties keep the id order
  if (!ascending) items.reverse();
  let offset = 0;
  if (input.NextToken !== undefined) {
    const m = /^h:(\d+)$/.exec(Buffer.from(input.NextToken, 'base64url').toString('utf8'));
    if (!m) throw CloudWatchErrors.invalidNextToken();
    offset = Number(m[1]);
  }
  const max = input.MaxRecords ?? 50;
  const page = items.slice(offset, offset + max);
  const out: AlarmHistoryItem[] = page.map((h) => ({
    AlarmName: h.alarmName, AlarmType: 'MetricAlarm', Timestamp: h.timestamp,
    HistoryItemType: h.historyItemType, HistorySummary: h.historySummary, HistoryData: h.historyData,
  }));
  return { AlarmHistoryItems: out, ...(offset + max < items.length ? { NextToken: Buffer.from(`h:${offset + max}`).toString('base64url') } : {}) };
});
