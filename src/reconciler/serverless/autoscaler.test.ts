/** The autoscaler's decision (autoscaler.ts) and the shard bounds of CacheUsageLimits (resources/serverless-scaling.ts), on plain data. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_SERVERLESS_SCALING, type ServerlessScalingSettings } from '../../core/index.js';
import { GB, shardBounds, shardMaxmemory } from '../../resources/serverless-scaling.js';
import { decideScaling, type ScalingInput } from './autoscaler.js';

const MB = 1024 ** 2;
const S: ServerlessScalingSettings = {
  ...DEFAULT_SERVERLESS_SCALING, minShards: 1, maxShards: 6, shardMemoryBytes: 100 * MB,
  scaleOutMemory: 0.75, scaleInMemory: 0.3, scaleOutEcpuPerShard: 50_000, scaleInEcpuPerShard: 10_000,
  scaleOutCooldownMs: 60_000, scaleInCooldownMs: 600_000,
};
const shard = (usedMb: number) => ({ used: usedMb * MB, max: 100 * MB });
const input = (o: Partial<ScalingInput>): ScalingInput => ({ shards: 1, memory: [shard(10)], ecpuPerSecond: 0, limits: undefined, now: 1_000_000, ...o });

test('memory over the threshold scales out by one shard, or by as many as bring it under', () => {
  assert.equal(decideScaling(S, input({ memory: [shard(74)] })).to, 1);
  const d = decideScaling(S, input({ memory: [shard(80)] }));
  assert.equal(d.to, 2);
  assert.match(d.reason, /memory use 80% of a shard's maxmemory \(threshold 75%\)/);
  // 2 shards at 95 MB each: 190 MB needs 3 shards of 75 MB.
  assert.equal(decideScaling(S, input({ shards: 2, memory: [shard(95), shard(95)] })).to, 3);
});

test('ECPU/s per shard over the threshold scales out; under it nothing happens', () => {
  assert.equal(decideScaling(S, input({ ecpuPerSecond: 49_000 })).to, 1);
  const d = decideScaling(S, input({ shards: 2, memory: [shard(10), shard(10)], ecpuPerSecond: 160_000 }));
  assert.equal(d.to, 4);
  assert.match(d.reason, /80000 ECPU\/s per shard \(threshold 50000\)/);
});

test('the scale-out cool-down holds any scaling after the last one', () => {
  const d = decideScaling(S, input({ memory: [shard(90)], lastScaledAt: 1_000_000 - 30_000 }));
  assert.equal(d.to, 1);
  assert.match(d.reason, /cooling down/);
  assert.equal(decideScaling(S, input({ memory: [shard(90)], lastScaledAt: 1_000_000 - 60_000 })).to, 2);
});

test('scale in by one shard only after both measures stayed low for the scale-in cool-down', () => {
  const low = input({ shards: 3, memory: [shard(10), shard(10), shard(10)], ecpuPerSecond: 3000 });
  const first = decideScaling(S, low);
  assert.equal(first.to, 3);
  assert.equal(first.lowSince, 1_000_000);
  assert.equal(decideScaling(S, { ...low, now: 1_000_000 + 599_000, lowSince: 1_000_000 }).to, 3);
  const d = decideScaling(S, { ...low, now: 1_000_000 + 600_000, lowSince: 1_000_000 });
  assert.equal(d.to, 2);
  assert.match(d.reason, /for 600 s/);
  // Either measure high again: no longer low (lowSince forgotten).
  assert.equal(decideScaling(S, { ...low, ecpuPerSecond: 3 * 20_000, lowSince: 1_000_000 }).lowSince, undefined);
  assert.equal(decideScaling(S, { ...low, memory: [shard(40), shard(10), shard(10)], lowSince: 1_000_000 }).lowSince, undefined);
});

test('never scales in below the minimum, nor when the data would not fit in one shard fewer', () => {
  assert.equal(decideScaling(S, input({ shards: 1, memory: [shard(1)], lowSince: 0 })).to, 1);
  // 3 × 29 MB = 87 MB: in 2 shards 43.5 MB each, under 75 MB, so one may go.
  assert.equal(decideScaling(S, input({ shards: 3, memory: [shard(29), shard(29), shard(29)], lowSince: 0 })).to, 2);
  // 2 × 29 MB in one shard of 100 MB would be 58%: fits. A settings minimum of 2 holds it.
  assert.equal(decideScaling({ ...S, minShards: 2 }, input({ shards: 2, memory: [shard(29), shard(29)], lowSince: 0 })).to, 2);
});

test('the settings maximum caps a scale-out, and says so', () => {
  const d = decideScaling(S, input({ shards: 6, memory: Array.from({ length: 6 }, () => shard(99)) }));
  assert.equal(d.to, 6);
  assert.match(d.reason, /6 shards is the most/);
  assert.equal(decideScaling(S, input({ shards: 5, memory: Array.from({ length: 5 }, () => shard(99)) })).to, 6);
});

test('CacheUsageLimits: minimums pre-scale at once (no cool-down), maximums cap the scale-out', () => {
  const big = { ...S, shardMemoryBytes: 1 * GB };
  // DataStorage.Minimum 2 GB with 0.75 GB a shard under the threshold: 3 shards.
  const d = decideScaling(big, input({ limits: { dataStorage: { minimum: 2, unit: 'GB' } }, lastScaledAt: 1_000_000 }));
  assert.equal(d.to, 3);
  assert.match(d.reason, /minimums/);
  // ECPUPerSecond.Minimum 120,000 at 50,000 a shard: 3 shards.
  assert.equal(shardBounds(S, { ecpuPerSecond: { minimum: 120_000 } }).min, 3);
  // DataStorage.Maximum 1 GB holds in 2 shards of 0.75 GB: memory never scales out past 2.
  const capped = { dataStorage: { maximum: 1, unit: 'GB' as const } };
  assert.equal(shardBounds(big, capped).maxForMemory, 2);
  assert.equal(decideScaling(big, input({ shards: 2, memory: [{ used: 0.5 * GB, max: 0.5 * GB }, { used: 0.5 * GB, max: 0.5 * GB }], limits: capped })).to, 2);
  // ECPUPerSecond.Maximum 100,000: 2 shards at most for ECPU/s.
  assert.equal(decideScaling(S, input({ shards: 2, memory: [shard(1), shard(1)], ecpuPerSecond: 200_000, limits: { ecpuPerSecond: { maximum: 100_000 } } })).to, 2);
  // The minimums never exceed the settings maximum.
  assert.equal(shardBounds(S, { ecpuPerSecond: { minimum: 15_000_000 } }).min, 6);
});

test('each shard\'s maxmemory keeps the cache\'s data within DataStorage.Maximum', () => {
  const big = { ...S, shardMemoryBytes: 6 * GB };
  assert.equal(shardMaxmemory(big, undefined, 2), 6 * GB);
  assert.equal(shardMaxmemory(big, { dataStorage: { maximum: 4, unit: 'GB' } }, 1), 4 * GB);
  assert.equal(shardMaxmemory(big, { dataStorage: { maximum: 4, unit: 'GB' } }, 2), 2 * GB);
  assert.equal(shardMaxmemory(big, { dataStorage: { maximum: 20, unit: 'GB' } }, 2), 6 * GB);
});
