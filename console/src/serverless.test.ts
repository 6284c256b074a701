import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeInput } from '../../src/api/codec/query-decode.js';
import { fieldOfSnapshotError } from './snapshots.js';
import {
  bytesText, createServerlessSnapshotParams, DELETE_SERVERLESS_FIELDS, deleteServerlessParams, SERVERLESS_SNAPSHOT_FIELDS,
  serverlessSnapshotsNewestFirst, serverlessUsageParams, usageLimitRows, usageRows,
} from './serverless.js';

test("a serverless cache's usage limits read as ranges, or no limit", () => {
  assert.deepEqual(usageLimitRows({ CacheUsageLimits: { DataStorage: { Maximum: 10, Unit: 'GB' }, ECPUPerSecond: { Minimum: 1000, Maximum: 5000 } } }), [
    ['Data storage', 'at most 10 GB'], ['ECPU per second', 'at least 1000 ECPU/s, at most 5000 ECPU/s'],
  ]);
  assert.deepEqual(usageLimitRows({}), [['Data storage', 'no limit'], ['ECPU per second', 'no limit']]);
});

test("snapshot and delete requests decode with the API's own Query decoder", () => {
  assert.deepEqual(decodeInput('CreateServerlessCacheSnapshot', Object.entries(createServerlessSnapshotParams('sl', ' nightly '))),
    { ServerlessCacheName: 'sl', ServerlessCacheSnapshotName: 'nightly' });
  assert.deepEqual(decodeInput('DeleteServerlessCache', Object.entries(deleteServerlessParams('sl', 'sl-final'))),
    { ServerlessCacheName: 'sl', FinalSnapshotName: 'sl-final' });
  assert.deepEqual(decodeInput('DeleteServerlessCache', Object.entries(deleteServerlessParams('sl', ' '))), { ServerlessCacheName: 'sl' });
});

test('snapshots newest first, and errors beside the field they name', () => {
  const names = serverlessSnapshotsNewestFirst([
    { ServerlessCacheSnapshotName: 'a', CreateTime: '2026-12-05T08:00:00.000Z' },
    { ServerlessCacheSnapshotName: 'b' },
    { ServerlessCacheSnapshotName: 'c', CreateTime: '2026-12-05T09:00:00.000Z' },
  ]).map((s) => s.ServerlessCacheSnapshotName);
  assert.deepEqual(names, ['b', 'c', 'a']);
  assert.equal(fieldOfSnapshotError(SERVERLESS_SNAPSHOT_FIELDS, "Invalid ServerlessCacheSnapshotName '1x': it must begin with a letter."), 'name');
  assert.equal(fieldOfSnapshotError(DELETE_SERVERLESS_FIELDS, 'Snapshot x exists.', 'ServerlessCacheSnapshotAlreadyExistsFault'), 'finalSnapshot');
});

test("usage is asked of CloudWatch per cache (dimension clusterId) and shown as the latest gauge and the hour's totals", () => {
  const p = serverlessUsageParams('sl', new Date('2026-12-05T09:00:00.000Z'));
  assert.equal(p.StartTime, '2026-12-05T08:00:00.000Z');
  assert.equal(p['MetricDataQueries.member.1.MetricStat.Metric.MetricName'], 'BytesUsedForCache');
  assert.equal(p['MetricDataQueries.member.3.MetricStat.Metric.Dimensions.member.1.Name'], 'clusterId');
  assert.equal(p['MetricDataQueries.member.3.MetricStat.Metric.Dimensions.member.1.Value'], 'sl');
  assert.deepEqual(usageRows([
    { Id: 'bytes', Values: [3 * 1024 * 1024, 1024] }, { Id: 'ecpu', Values: [1000, 2500.4] }, { Id: 'cmds', Values: [] },
  ]), [['Data stored', '3.0 MB'], ['Connections', '—'], ['ECPUs, last hour', '3,500'], ['Commands, last hour', '—']]);
  assert.equal(bytesText(512), '512 B');
});
