/** A snapshot's two halves merged, the status callers see, and the writes of each half. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import type { SnapshotSpec } from './snapshot-records.js';
import { getSnapshot, mergeSnapshot, presentedSnapshotStatus, snapshotCreate, snapshotSpecWrite, snapshotStatusWrite, initialSnapshotStatus } from './snapshot-views.js';
import { SqliteStore } from './sqlite-store.js';
import { ConflictError } from './types.js';

const dir = mkdtempSync(join(tmpdir(), 'cachefleet-snapshot-views-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const spec = (o: Partial<SnapshotSpec> = {}): SnapshotSpec => ({
  name: 'nightly', arn: 'arn:aws:elasticache:us-east-1:123456789012:snapshot:nightly', uid: 'u1', source: 'manual',
  createdAt: '2024-01-15T03:00:00.000Z', origin: { kind: 'capture', fromPrimary: false },
  config: { cacheNodeType: 'cache.t3.micro', engine: 'redis', engineVersion: '7.0.15', preferredMaintenanceWindow: 'sun:05:00-sun:06:00', port: 6379,
    cacheParameterGroupName: 'default.redis7', cacheSubnetGroupName: 'default', vpcId: 'vpc-1', autoMinorVersionUpgrade: true,
    snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00', clusterEnabled: false, atRestEncryptionEnabled: false, shards: [] },
  ...o,
});

describe('snapshot views', () => {
  it('the status shown: creating until observed; restoring, copying, deleting from the spec\'s requests', () => {
    const work = { ...initialSnapshotStatus('nightly'), status: 'available' as const };
    assert.equal(mergeSnapshot(spec(), undefined).status, 'creating');
    assert.equal(presentedSnapshotStatus(spec(), work), 'available');
    const hold = (kind: 'restore' | 'copy' | 'export') => ({ kind, by: 'x', requestedAt: '' });
    assert.equal(presentedSnapshotStatus(spec({ holds: [hold('copy'), hold('restore')] }), work), 'restoring');
    assert.equal(presentedSnapshotStatus(spec({ holds: [hold('export')] }), work), 'copying');
    assert.equal(presentedSnapshotStatus(spec({ deleteRequested: true, holds: [hold('copy')] }), work), 'deleting');
    assert.equal(presentedSnapshotStatus(spec({ holds: [hold('copy')] }), { ...work, status: 'failed' }), 'failed');
  });

  it('each half is written at its own version; the store refuses a spec carrying the status', async () => {
    const store = new SqliteStore(join(dir, 'state.db'));
    try {
      await store.commit([snapshotCreate(spec())]);
      const v = (await getSnapshot(store, 'nightly'))!;
      await store.commit(snapshotStatusWrite(v, { ...v.doc.work, status: 'available' }));
      await store.commit(snapshotSpecWrite(v, { ...v.spec, deleteRequested: true }));
      await assert.rejects(store.commit(snapshotSpecWrite(v, { ...v.spec, holds: [] })), ConflictError, 'a stale spec write');
      const now = (await getSnapshot(store, 'nightly'))!;
      assert.deepEqual([now.doc.status, now.doc.work.status], ['deleting', 'available']);
      await assert.rejects(store.commit([{ op: 'update', kind: 'snapshot', id: 'nightly', doc: now.doc as unknown as SnapshotSpec }]), /carries the status field/);
    } finally {
      await store.close();
    }
  });
});
