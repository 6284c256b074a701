import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FleetNode } from '../metrics/index.js';
import { humanBytes, renderRecent, renderTop } from './metrics-views.js';

const node = (o: Partial<FleetNode>): FleetNode => ({
  replicationGroupId: 'g', cacheClusterId: 'g-001', cacheNodeId: '0001', availabilityZone: 'us-east-1a', endpoint: '127.0.0.1:6379', up: true,
  role: 'primary', opsPerSec: 10, keyspaceHits: 100, keyspaceMisses: 100, usedMemoryBytes: 2 * 1024 * 1024, maxmemoryBytes: 0, connectedClients: 3, ...o,
});

test('renderTop: a row per node, hit rate since the previous frame, down nodes marked', () => {
  const first = [node({}), node({ cacheClusterId: 'g-002', role: 'replica', replicationLagS: 1, keyspaceHits: 0, keyspaceMisses: 0 }), node({ cacheClusterId: 'g-003', up: false, role: undefined })];
  const now = new Date(Date.UTC(2026, 0, 1));
  const a = renderTop(first, undefined, { color: false, now });
  assert.match(a, /groups: 1 {2}nodes: 3 \(2 up\)/);
  assert.match(a, /g-001\s+0001\s+primary\s+10\s+50\.0\s+2\.0MiB\s+3/);
  assert.match(a, /g-002 .* 1s/);
  assert.match(a, /g-003\s+0001\s+DOWN/);
  const b = renderTop([node({ keyspaceHits: 190, keyspaceMisses: 110 })], first, { color: false, now });
  assert.match(b, /primary\s+10\s+90\.0/);
  assert.match(renderTop([], undefined, { color: false, now }), /no cache nodes/);
});

test('renderRecent: metrics by cluster with units', () => {
  const out = renderRecent({
    group: 'g', clusters: ['g-001', 'g-002'], periodS: 60,
    values: [
      { cacheClusterId: 'g-001', metricName: 'CacheHits', unit: 'Count', timestampMs: 0, value: 5 },
      { cacheClusterId: 'g-002', metricName: 'BytesUsedForCache', unit: 'Bytes', timestampMs: 60_000, value: 2048 },
      { cacheClusterId: 'g-001', metricName: 'CacheHitRate', unit: 'Percent', timestampMs: 0, value: 50 },
    ],
  }, ['BytesUsedForCache', 'CacheHits', 'CacheHitRate', 'Evictions']);
  assert.match(out, /^g: latest 60 s period \(1970-01-01T00:01:00.000Z\)/);
  assert.match(out, /BytesUsedForCache\s+-\s+2\.0KiB/);
  assert.match(out, /CacheHits\s+5\s+-/);
  assert.match(out, /CacheHitRate\s+50\.0%/);
  assert.doesNotMatch(out, /Evictions/);
  assert.equal(humanBytes(512), '512B');
});
