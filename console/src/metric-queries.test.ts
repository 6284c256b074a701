import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createCloudWatchApis } from '../../src/api/cloudwatch/model.js';
import { align, CHARTS, metricQueries, valueRange } from './metric-queries.js';

test("the charts' GetMetricData parameters decode with CloudWatch's own Query decoder", () => {
  const start = new Date('2026-01-01T00:00:00Z');
  const end = new Date('2026-01-01T01:00:00Z');
  const { params, ids } = metricQueries(['g-001', 'g-002'], 60, start, end);
  const perCluster = CHARTS.reduce((n, c) => n + c.metrics.length, 0);
  assert.equal(ids.size, perCluster * 2);
  const input = createCloudWatchApis(new Map()).query.decode('GetMetricData', Object.entries(params)) as {
    MetricDataQueries: Array<{ Id: string; MetricStat: { Metric: { MetricName: string; Dimensions: Array<{ Name: string; Value: string }> }; Period: number; Stat: string } }>;
    StartTime: Date; EndTime: Date;
  };
  assert.equal(input.MetricDataQueries.length, perCluster * 2);
  const q1 = input.MetricDataQueries[0]!;
  assert.equal(q1.Id, 'q1');
  assert.equal(q1.MetricStat.Metric.MetricName, 'EngineCPUUtilization');
  assert.deepEqual(q1.MetricStat.Metric.Dimensions, [{ Name: 'CacheClusterId', Value: 'g-001' }]);
  assert.equal(q1.MetricStat.Period, 60);
  assert.equal(new Date(input.StartTime).toISOString(), start.toISOString());
  assert.deepEqual(ids.get('q2'), { chart: 0, label: 'g-002' });
});

test('series on different timestamps are aligned on one axis, gaps as null', () => {
  assert.deepEqual(align([
    { label: 'a', times: [10, 20], values: [1, 2] },
    { label: 'b', times: [20, 30], values: [5, 6] },
  ]), [[10, 20, 30], [1, 2, null], [null, 5, 6]]);
  assert.deepEqual(align([]), [[]]);
});

test('the value axis keeps every point off the plot\'s edges, 0 included', () => {
  assert.deepEqual(valueRange(0, 0), [-1, 1]);
  assert.deepEqual(valueRange(null, null), [-1, 1]);
  const [lo, hi] = valueRange(0.27, 0.27);
  assert.ok(lo < 0 && hi > 0.27, `${lo}..${hi}`);
  const [lo2, hi2] = valueRange(-5, 10);
  assert.ok(lo2 < -5 && hi2 > 10);
});
