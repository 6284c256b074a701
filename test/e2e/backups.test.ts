/**
 * The seeds' two backup commands verbatim with the aws CLI (`--endpoint-url` added): a snapshot of
 * a group holding every Redis type, binary keys and values, keys with TTLs; then a new group
 * restored from it, holding exactly the data at the snapshot (types, values, TTLs within the time
 * elapsed) and no write made after it; the events ElastiCache words; the snapshot's record. And
 * a write made just before CreateSnapshot, on a group that has just turned available, restored.
 */
import assert from 'node:assert/strict';
import { chmod, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CreateReplicationGroupCommand, CreateSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { awsElastiCache, groupEvents } from '../helpers/cluster-mode.js';
import { useCleanup } from '../helpers/cleanup.js';
import { run } from '../helpers/e2e-exec.js';
import { describeGroup, primaryClient, waitAvailable } from '../helpers/groups.js';
import { startService, type TestService } from '../helpers/service.js';
import { compareData, readNode, writeDataset, type KeyState } from '../helpers/snapshot-data.js';
import { waitFor } from '../../src/util/wait.js';

const SOURCE = 'my-redis-cluster';
const RESTORED = 'my-redis-restored';
const SNAPSHOT = 'my-redis-backup-20240115';

describe('aws CLI: the seeds\' backup and restore, verbatim', { timeout: 240_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let atSnapshot: Map<string, KeyState>;
  let snapshotTakenAt: number;

  /** One of the seeds' commands, run by bash as typed, with `--endpoint-url` and a `date` that says 2024-01-15. */
  async function seedCommand(command: string): Promise<any> {
    const bin = await cleanup.tmpDir('cachefleet-fake-date-');
    // The seed names its snapshot with $(date +%Y%m%d); the restore names my-redis-backup-20240115.
    await writeFile(join(bin, 'date'), '#!/bin/sh\n[ "$1" = "+%Y%m%d" ] && { echo 20240115; exit 0; }\nexec /bin/date "$@"\n');
    await chmod(join(bin, 'date'), 0o700);
    const r = await run('bash', ['-c', `${command} --endpoint-url ${svc.url} --output json`],
      { env: { ...svc.env, PATH: `${bin}:${process.env.PATH}` }, timeoutMs: 120_000 });
    if (r.code !== 0) throw new Error(`${command} exited with ${r.code}: ${r.stderr}`);
    return JSON.parse(r.stdout);
  }

  const client = (id: string): Promise<Redis> => primaryClient(cleanup, svc.client, id);

  before(async () => {
    svc = await startService(cleanup);
    await awsElastiCache(svc, 'create-replication-group', '--replication-group-id', SOURCE,
      '--replication-group-description', 'Production Redis cluster', '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '2');
    await waitAvailable(svc.client, SOURCE, 60_000);
    // Written right after the group turned available, and snapshotted at once (no WAIT for the
    // replica): the backup itself waits until the replica it is taken from has every write.
    await writeDataset(await client(SOURCE), 3000);
  });

  test('create-snapshot: the group snapshotting, then the snapshot available with its node\'s CacheSize', async () => {
    const source = await client(SOURCE);
    atSnapshot = await readNode(source);
    snapshotTakenAt = Date.now();
    // The group's statuses, watched from before the call until the snapshot is done: a small data
    // set is captured in well under the aws CLI's own start-up time, so one describe after the
    // command could come too late to see it.
    const seen = new Set<string>();
    let watching = true;
    const watcher = (async () => {
      const deadline = Date.now() + 60_000;
      while (watching && Date.now() < deadline) seen.add((await describeGroup(svc.client, SOURCE)).Status ?? '');
    })();
    const out = await seedCommand(`aws elasticache create-snapshot --replication-group-id ${SOURCE} --snapshot-name my-redis-backup-$(date +%Y%m%d)`)
      .finally(() => { if (seen.has('snapshotting')) watching = false; });
    assert.deepEqual([out.Snapshot.SnapshotName, out.Snapshot.SnapshotStatus, out.Snapshot.SnapshotSource], [SNAPSHOT, 'creating', 'manual']);
    const s = await waitFor(async () => {
      const r = await awsElastiCache(svc, 'describe-snapshots', '--snapshot-name', SNAPSHOT);
      const snap = r.Snapshots[0];
      if (snap.SnapshotStatus === 'failed') throw new Error(`the snapshot failed: ${JSON.stringify(await groupEvents(svc.client, SOURCE))}`);
      return snap.SnapshotStatus === 'available' ? snap : undefined;
    }, { timeoutMs: 60_000, intervalMs: 500, what: 'the snapshot to be available' });
    watching = false;
    await watcher;
    assert.ok(seen.has('snapshotting'), `the group showed snapshotting while the backup ran (seen: ${[...seen].join(', ')})`);
    assert.equal(s.NodeSnapshots.length, 1);
    assert.equal(s.NodeSnapshots[0].CacheClusterId, `${SOURCE}-002`, 'taken from the replica');
    assert.match(s.NodeSnapshots[0].CacheSize, /^\d+ MB$/);
    await waitAvailable(svc.client, SOURCE, 30_000);
    // A write after the snapshot: the restored group must not have it.
    await source.set('written-after-the-snapshot', 'x');
  });

  test('create-replication-group --snapshot-name: the data at the snapshot, nothing after it', async () => {
    const out = await seedCommand(`aws elasticache create-replication-group --replication-group-id ${RESTORED} \\
      --replication-group-description "Restored Redis cluster" --snapshot-name ${SNAPSHOT} \\
      --cache-node-type cache.r6g.large --engine redis`);
    assert.deepEqual([out.ReplicationGroup.ReplicationGroupId, out.ReplicationGroup.Status], [RESTORED, 'creating']);
    await waitFor(async () => (await awsElastiCache(svc, 'describe-snapshots', '--snapshot-name', SNAPSHOT)).Snapshots[0].SnapshotStatus === 'restoring' ||
      (await describeGroup(svc.client, RESTORED)).Status === 'available', { timeoutMs: 30_000, intervalMs: 100, what: 'the snapshot restoring' });
    const r = await run('aws', ['elasticache', 'wait', 'replication-group-available', '--replication-group-id', RESTORED, '--endpoint-url', svc.url],
      { env: svc.env, timeoutMs: 180_000 });
    assert.equal(r.code, 0, r.stderr);
    const g = await describeGroup(svc.client, RESTORED);
    assert.equal(g.CacheNodeType, 'cache.r6g.large');
    const restored = await readNode(await client(RESTORED));
    assert.deepEqual(compareData(restored, atSnapshot, Date.now() - snapshotTakenAt + 1000), []);
    assert.equal(restored.has(Buffer.from('written-after-the-snapshot').toString('hex')), false);
    const snap = (await awsElastiCache(svc, 'describe-snapshots', '--snapshot-name', SNAPSHOT)).Snapshots[0];
    assert.equal(snap.SnapshotStatus, 'available', 'the hold of the restore is released');
  });

  test('a write acknowledged just before CreateSnapshot is in it, on a group that has just turned available (JS SDK)', async () => {
    // Right after its full sync, Redis 7.0 streams nothing to a replica until the replica's first
    // ACK reaches the primary (up to a second later): a snapshot taken from the replica at once
    // held none of those writes until backups waited for the replica's offset.
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'just-made', ReplicationGroupDescription: 'just made', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2,
    }));
    await waitAvailable(svc.client, 'just-made', 60_000);
    await (await client('just-made')).set('acknowledged', 'before the snapshot');
    await svc.client.send(new CreateSnapshotCommand({ ReplicationGroupId: 'just-made', SnapshotName: 'just-made-snap' }));
    const snap = await waitFor(async () => {
      const s = (await svc.client.send(new DescribeSnapshotsCommand({ SnapshotName: 'just-made-snap' }))).Snapshots![0]!;
      if (s.SnapshotStatus === 'failed') throw new Error('the snapshot failed');
      return s.SnapshotStatus === 'available' ? s : undefined;
    }, { timeoutMs: 30_000, intervalMs: 50, what: 'the snapshot available' });
    assert.equal(snap.NodeSnapshots![0]!.CacheClusterId, 'just-made-002', 'taken from the replica');
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'just-made-restored', ReplicationGroupDescription: 'restored', CacheNodeType: 'cache.t3.micro', SnapshotName: 'just-made-snap',
    }));
    await waitAvailable(svc.client, 'just-made-restored', 60_000);
    assert.equal(await (await client('just-made-restored')).get('acknowledged'), 'before the snapshot');
  });

  test('events in ElastiCache\'s words, on each group', async () => {
    const source = (await groupEvents(svc.client, SOURCE)).map((e) => e.message);
    assert.ok(source.includes(`Snapshot succeeded for snapshot with ID '${SNAPSHOT}' of replication group with ID '${SOURCE}'`), source.join('\n'));
    const restored = (await groupEvents(svc.client, RESTORED)).map((e) => e.message);
    assert.ok(restored.some((m) => m.startsWith(`Restore from snapshot '${SNAPSHOT}' succeeded for replication group with ID '${RESTORED}'`)), restored.join('\n'));
  });
});
