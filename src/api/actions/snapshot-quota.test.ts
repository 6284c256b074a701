/**
 * The snapshot quota holds under concurrent creates: requests that count the same snapshots at
 * once cannot all pass it (each create rewrites the quota claim at the version it read).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AwsError } from '../../errors/index.js';
import CopySnapshot from './CopySnapshot.js';
import CreateSnapshot from './CreateSnapshot.js';
import { availableSnapshot, cluster, group, snapshotServices } from './snapshot-fixtures.js';

test('concurrent CreateSnapshot and CopySnapshot at the quota\'s edge: exactly one passes, the others get SnapshotQuotaExceededFault', async () => {
  const t = await snapshotServices({ config: { snapshotQuota: 2 } });
  await group(t, 'a');
  await group(t, 'b');
  await cluster(t, 'c');
  await availableSnapshot(t, 'a', 'first');
  // The four requests count the snapshots together: each one's first count waits for the others'.
  const store = t.svc.store;
  const list = store.list.bind(store);
  let waiting: (() => void)[] = [];
  let counted = 0;
  store.list = (async (kind: Parameters<typeof list>[0], page?: Parameters<typeof list>[1]) => {
    const result = await list(kind, page);
    if (kind === 'snapshot' && counted < 4) {
      counted++;
      await new Promise<void>((resolve) => {
        waiting.push(resolve);
        if (waiting.length === 4) { waiting.forEach((r) => r()); waiting = []; }
      });
    }
    return result;
  }) as typeof store.list;
  const outcomes = await Promise.allSettled([
    t.call(CreateSnapshot, { ReplicationGroupId: 'a', SnapshotName: 'from-a' }),
    t.call(CreateSnapshot, { ReplicationGroupId: 'b', SnapshotName: 'from-b' }),
    t.call(CreateSnapshot, { CacheClusterId: 'c', SnapshotName: 'from-c' }),
    t.call(CopySnapshot, { SourceSnapshotName: 'first', TargetSnapshotName: 'copy-of-first' }),
  ]);
  const passed = outcomes.filter((o) => o.status === 'fulfilled');
  const refused = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
  assert.equal(passed.length, 1, JSON.stringify(outcomes.map((o) => o.status)));
  for (const e of refused) {
    assert.ok(e instanceof AwsError, String(e));
    assert.equal(e.code, 'SnapshotQuotaExceededFault');
  }
  assert.equal(counted, 4, 'the requests did not all count before committing');
  assert.equal((await list('snapshot')).length, 2);
});
