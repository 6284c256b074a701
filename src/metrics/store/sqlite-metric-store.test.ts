import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import type { MetricDatum, MetricId } from '../types.js';
import { SqliteMetricStore } from './sqlite-metric-store.js';

const dir = mkdtempSync(join(tmpdir(), 'cf-metric-store-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

const MIN = 60_000;
const HOUR = 60 * MIN;
const DAY = 24 * HOUR;
// A fixed epoch, aligned to the hour, so tier boundaries are easy to reason about.
const T0 = Date.UTC(2026, 0, 1);

function open(clock: { now: number }) {
  return new SqliteMetricStore(join(dir, `m${++n}.db`), { now: () => clock.now });
}

const cpu: MetricId = {
  namespace: 'AWS/ElastiCache', metricName: 'CPUUtilization',
  dimensions: [{ name: 'CacheNodeId', value: '0001' }, { name: 'CacheClusterId', value: 'c-001' }],
};

function datum(ts: number, value: number, extra: Partial<MetricDatum> = {}): MetricDatum {
  return { metric: cpu, timestampMs: ts, unit: 'Percent', stats: { sampleCount: 1, sum: value, minimum: value, maximum: value }, storageResolution: 60, ...extra };
}

test('the file is 0600, and metrics are listed with filters', async () => {
  const clock = { now: T0 };
  const store = open(clock);
  await store.put([datum(T0, 1), { ...datum(T0, 2), metric: { ...cpu, metricName: 'FreeableMemory' }, unit: 'Bytes' }]);
  assert.equal(statSync(join(dir, `m${n}.db`)).mode & 0o777, 0o600);
  assert.equal((await store.listMetrics({})).length, 2);
  assert.deepEqual((await store.listMetrics({ metricName: 'CPUUtilization' })).map((m) => m.dimensions.map((d) => d.name)), [['CacheClusterId', 'CacheNodeId']]);
  assert.equal((await store.listMetrics({ dimensions: [{ name: 'CacheClusterId' }] })).length, 2);
  assert.equal((await store.listMetrics({ dimensions: [{ name: 'CacheClusterId', value: 'other' }] })).length, 0);
  assert.equal((await store.listMetrics({ activeSinceMs: T0 + 1 })).length, 0);
  await store.close();
});

test('raw tier: sub-minute periods over high-resolution data, with exact percentiles from Values/Counts', async () => {
  const clock = { now: T0 + MIN };
  const store = open(clock);
  for (let s = 0; s < 60; s++) await store.put([datum(T0 + s * 1000, s, { storageResolution: 1 })]);
  await store.put([datum(T0 + 5000, 0, { storageResolution: 1, values: [10, 20, 1000], counts: [1, 1, 2], stats: { sampleCount: 4, sum: 2030, minimum: 10, maximum: 1000 } })]);
  const pts = await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 10, percentiles: [50, 99] });
  assert.equal(pts.length, 6);
  assert.deepEqual(pts[0]!.stats, { sampleCount: 14, sum: 45 + 2030, minimum: 0, maximum: 1000 });
  assert.deepEqual(pts[0]!.percentiles, { 50: 6, 99: 1000 });
  assert.deepEqual(pts[5]!.stats, { sampleCount: 10, sum: 545, minimum: 50, maximum: 59 });
  await store.close();
});

test('standard-resolution data is kept by the minute: datums of one minute merge, their values kept for percentiles', async () => {
  const clock = { now: T0 + MIN };
  const store = open(clock);
  await store.put([datum(T0 + 1000, 4)]);
  await store.put([datum(T0 + 20_000, 8), datum(T0 + 40_000, 6)]);
  const [p] = await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 60, percentiles: [50, 100] });
  assert.deepEqual(p!.stats, { sampleCount: 3, sum: 18, minimum: 4, maximum: 8 });
  assert.deepEqual(p!.percentiles, { 50: 6, 100: 8 });
  // Sub-minute periods read high-resolution data only.
  assert.deepEqual(await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 10 }), []);
  await store.close();
});

test('a statistic set of several samples without values answers no percentile', async () => {
  const clock = { now: T0 + MIN };
  const store = open(clock);
  await store.put([datum(T0, 0, { stats: { sampleCount: 3, sum: 30, minimum: 5, maximum: 15 } })]);
  const [p] = await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 60, percentiles: [50] });
  assert.equal(p!.stats.sampleCount, 3);
  assert.equal(p!.percentiles, undefined);
  await store.close();
});

test('1-minute tier: rollup of raw points, kept 15 days after the raw tier is gone; late data still counted', async () => {
  const clock = { now: T0 };
  const store = open(clock);
  // 10 minutes of one point every 10 s, value = minute index.
  for (let s = 0; s < 600; s += 10) await store.put([datum(T0 + s * 1000, Math.floor(s / 60), { storageResolution: 1 })]);
  clock.now = T0 + 10 * MIN;
  await store.compact(clock.now);
  const before = await store.query({ metric: cpu, startMs: T0, endMs: T0 + 10 * MIN, periodS: 60, percentiles: [50] });
  assert.equal(before.length, 10);
  assert.deepEqual(before[3]!.stats, { sampleCount: 6, sum: 18, minimum: 3, maximum: 3 });
  // A late datum (PutMetricData with an old timestamp) goes straight into the rolled tiers too.
  await store.put([datum(T0 + 3 * MIN + 1000, 100)]);
  clock.now = T0 + 4 * HOUR;
  await store.compact(clock.now);
  // The raw tier is gone (3 hours): sub-minute periods answer nothing, 1-minute ones still do.
  assert.deepEqual(await store.query({ metric: cpu, startMs: T0, endMs: T0 + 10 * MIN, periodS: 10 }), []);
  const after1 = await store.query({ metric: cpu, startMs: T0, endMs: T0 + 10 * MIN, periodS: 60, percentiles: [100] });
  assert.equal(after1.length, 10);
  assert.deepEqual(after1[3]!.stats, { sampleCount: 7, sum: 118, minimum: 3, maximum: 100 });
  assert.ok(Math.abs(after1[3]!.percentiles![100]! - 100) <= 1, 'rollup percentiles are within 1 %');
  clock.now = T0 + 16 * DAY;
  await store.compact(clock.now);
  assert.deepEqual(await store.query({ metric: cpu, startMs: T0, endMs: T0 + 10 * MIN, periodS: 60 }), []);
  await store.close();
});

test('5-minute and 1-hour tiers: kept 63 and 455 days', async () => {
  const clock = { now: T0 };
  const store = open(clock);
  for (let m = 0; m < 120; m++) await store.put([datum(T0 + m * MIN, m)]);
  clock.now = T0 + 2 * HOUR;
  await store.compact(clock.now);
  clock.now = T0 + 20 * DAY;
  await store.compact(clock.now);
  const five = await store.query({ metric: cpu, startMs: T0, endMs: T0 + 2 * HOUR, periodS: 300, percentiles: [50] });
  assert.equal(five.length, 24);
  assert.deepEqual(five[0]!.stats, { sampleCount: 5, sum: 10, minimum: 0, maximum: 4 });
  assert.ok(Math.abs(five[1]!.percentiles![50]! - 7) <= 0.07);
  clock.now = T0 + 70 * DAY;
  await store.compact(clock.now);
  assert.deepEqual(await store.query({ metric: cpu, startMs: T0, endMs: T0 + 2 * HOUR, periodS: 300 }), []);
  const hour = await store.query({ metric: cpu, startMs: T0, endMs: T0 + 2 * HOUR, periodS: 3600 });
  assert.deepEqual(hour.map((p) => p.stats), [
    { sampleCount: 60, sum: (59 * 60) / 2, minimum: 0, maximum: 59 },
    { sampleCount: 60, sum: (60 + 119) * 30, minimum: 60, maximum: 119 },
  ]);
  clock.now = T0 + 456 * DAY;
  await store.compact(clock.now);
  assert.deepEqual(await store.query({ metric: cpu, startMs: T0, endMs: T0 + 2 * HOUR, periodS: 3600 }), []);
  assert.deepEqual(await store.listMetrics({}), []);
  await store.close();
});

test('a query spanning tiers counts every datum once: rolled hours, unrolled minutes, raw seconds', async () => {
  const clock = { now: T0 };
  const store = open(clock);
  // 2.5 hours of 1-minute data, then 30 s of 1-second data; compaction runs at 02:30:00.
  for (let m = 0; m < 150; m++) await store.put([datum(T0 + m * MIN, 1)]);
  clock.now = T0 + 150 * MIN;
  await store.compact(clock.now);
  for (let s = 0; s < 30; s++) await store.put([datum(clock.now + s * 1000, 1, { storageResolution: 1 })]);
  const day = await store.query({ metric: cpu, startMs: T0, endMs: T0 + DAY, periodS: 86_400 });
  assert.equal(day.length, 1);
  assert.equal(day[0]!.stats.sampleCount, 150 + 30);
  assert.equal(day[0]!.stats.sum, 180);
  const hours = await store.query({ metric: cpu, startMs: T0, endMs: T0 + DAY, periodS: 3600 });
  assert.deepEqual(hours.map((p) => p.stats.sampleCount), [60, 60, 60]);
  await store.close();
});

test('alsoAs: one copy of the data answers under every dimension set; a set with data of its own gets it too', async () => {
  const clock = { now: T0 + MIN };
  const store = open(clock);
  const cluster = [{ name: 'CacheClusterId', value: 'c-001' }];
  await store.put([datum(T0, 3, { alsoAs: [cluster] }), datum(T0 + 1000, 5, { alsoAs: [cluster] })]);
  const byCluster = await store.query({ metric: { ...cpu, dimensions: cluster }, startMs: T0, endMs: T0 + MIN, periodS: 60 });
  assert.deepEqual(byCluster[0]!.stats, { sampleCount: 2, sum: 8, minimum: 3, maximum: 5 });
  assert.equal((await store.listMetrics({ metricName: 'CPUUtilization' })).length, 2);
  const other = { ...cpu, metricName: 'Other' };
  await store.put([{ ...datum(T0, 1), metric: { ...other, dimensions: cluster } }]);
  await store.put([{ ...datum(T0, 2, { alsoAs: [cluster] }), metric: other }]);
  const own = await store.query({ metric: { ...other, dimensions: cluster }, startMs: T0, endMs: T0 + MIN, periodS: 60 });
  assert.equal(own[0]!.stats.sum, 3);
  await store.close();
});

test('the unit filter, and data of two units answer apart', async () => {
  const clock = { now: T0 + MIN };
  const store = open(clock);
  await store.put([datum(T0, 1), datum(T0, 2, { unit: 'Count' })]);
  assert.equal((await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 60 })).length, 2);
  const [only] = await store.query({ metric: cpu, startMs: T0, endMs: T0 + MIN, periodS: 60, unit: 'Count' });
  assert.equal(only!.stats.sum, 2);
  await store.close();
});
