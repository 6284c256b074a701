import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ServerlessUsage } from '../../serverless/proxy/config.js';
import { addStorageSample, addWorkerUsage, emptyUsage } from './usage.js';

const worker = (pid: number, startedAt: string, ecpu: number, commands: number): ServerlessUsage => ({
  worker: 0, pid, startedAt, writtenAt: startedAt, ecpu, commands, readCommands: commands, writeCommands: 0, throttledCommands: 0,
  currConnections: 0, newConnections: 0, readLatencyMicrosSum: 0, writeLatencyMicrosSum: 0, bytesIn: commands * 10, bytesOut: commands * 20,
});

test('worker counters are summed as deltas, and a restarted worker counts from zero again', () => {
  let u = emptyUsage('c', new Date(0));
  u = addWorkerUsage(u, [worker(10, 'a', 3.2, 1)]);
  u = addWorkerUsage(u, [worker(10, 'a', 3.2, 1)]); // read again: nothing new
  u = addWorkerUsage(u, [worker(10, 'a', 6.4, 2)]);
  assert.equal(u.ecpu, 6.4);
  assert.equal(u.commands, 2);
  u = addWorkerUsage(u, [worker(11, 'b', 1, 1)]); // restarted: its 1 ECPU is new
  assert.equal(u.ecpu, 7.4);
  assert.equal(u.commands, 3);
  assert.equal(u.bytesOut, 60);
  u = addWorkerUsage(u, [worker(11, 'b', 0.5, 1)]); // a counter never goes backwards
  assert.equal(u.ecpu, 7.4);
});

test('data storage is integrated into GB-hours from samples (each held until the next)', () => {
  const GB = 1024 ** 3;
  let u = emptyUsage('c', new Date(0));
  u = addStorageSample(u, 2 * GB, new Date(0));
  assert.equal(u.gbHours, 0);
  u = addStorageSample(u, 4 * GB, new Date(3_600_000)); // 2 GB for an hour
  assert.equal(u.gbHours, 2);
  u = addStorageSample(u, 0, new Date(3_600_000 + 1_800_000)); // 4 GB for half an hour
  assert.equal(u.gbHours, 4);
});

test('usageAsOf adds what workers counted since the last sum and the storage held until now, without moving the sample', async () => {
  const { usageAsOf } = await import('./usage.js');
  let u = emptyUsage('c', new Date(0));
  u = addStorageSample(addWorkerUsage(u, [worker(10, 'a', 1, 1)]), 1024 ** 3, new Date(0));
  const shown = usageAsOf(u, [worker(10, 'a', 3, 2)], new Date(7_200_000));
  assert.equal(shown.ecpu, 3);
  assert.equal(shown.gbHours, 2);
  assert.equal(shown.lastSampleAt, new Date(0).toISOString());
});

test('a period\'s metrics: AWS/ElastiCache with the dimension clusterId, counts as differences, latency as the period\'s average', async () => {
  const { serverlessMetricData } = await import('./metrics.js');
  const before = addWorkerUsage(emptyUsage('c', new Date(0)), [{ ...worker(10, 'a', 2, 2), readLatencyMicrosSum: 200 }]);
  const now = addWorkerUsage(before, [{ ...worker(10, 'a', 7, 6), readLatencyMicrosSum: 1400 }]);
  const data = serverlessMetricData('orders', before, now, { bytesUsed: 4096, connections: 3 }, 60_000);
  const by = new Map(data.map((d) => [d.metric.metricName, d]));
  assert.ok(data.every((d) => d.metric.namespace === 'AWS/ElastiCache' && d.metric.dimensions[0]!.name === 'clusterId' && d.metric.dimensions[0]!.value === 'orders'));
  assert.equal(by.get('ElastiCacheProcessingUnits')!.stats.sum, 5);
  assert.equal(by.get('TotalCmdsCount')!.stats.sum, 4);
  assert.equal(by.get('BytesUsedForCache')!.stats.sum, 4096);
  assert.equal(by.get('CurrConnections')!.stats.sum, 3);
  const read = by.get('SuccessfulReadRequestLatency')!;
  assert.equal(read.stats.sampleCount, 4);
  assert.equal(read.stats.sum / read.stats.sampleCount, 300);
  assert.equal(by.has('SuccessfulWriteRequestLatency'), false, 'no writes in the period');
});
