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
