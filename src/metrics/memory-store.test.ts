import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MemoryMetricStore, percentile } from './memory-store.js';

const metric = { namespace: 'N', metricName: 'M', dimensions: [{ name: 'b', value: '2' }, { name: 'a', value: '1' }] };

describe('MemoryMetricStore', () => {
  it('aggregates per aligned period, filters by unit, answers percentiles of raw values', async () => {
    const s = new MemoryMetricStore();
    await s.put([
      { metric, timestampMs: 60_000, unit: 'Count', stats: { sampleCount: 1, sum: 1, minimum: 1, maximum: 1 }, storageResolution: 60 },
      { metric: { ...metric, dimensions: [...metric.dimensions].reverse() }, timestampMs: 90_000, unit: 'Count', stats: { sampleCount: 3, sum: 9, minimum: 2, maximum: 4 }, values: [2, 3, 4], storageResolution: 60 },
      { metric, timestampMs: 130_000, unit: 'Bytes', stats: { sampleCount: 1, sum: 7, minimum: 7, maximum: 7 }, storageResolution: 60 },
    ]);
    const pts = await s.query({ metric, startMs: 0, endMs: 200_000, periodS: 60, unit: 'Count', percentiles: [50] });
    assert.deepEqual(pts, [{ timestampMs: 60_000, unit: 'Count', stats: { sampleCount: 4, sum: 10, minimum: 1, maximum: 4 }, percentiles: { 50: 2 } }]);
    assert.equal((await s.listMetrics({ dimensions: [{ name: 'a' }] })).length, 1);
    assert.equal((await s.listMetrics({ dimensions: [{ name: 'a', value: 'x' }] })).length, 0);
    assert.equal(percentile([1, 2, 3, 4], 99), 4);
  });
});
