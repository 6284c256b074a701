/**
 * kill -9 of the control plane in the middle of a backup and in the middle of a restore (the JS
 * SDK): after a restart each one either finishes or fails cleanly. No snapshot stays `creating`,
 * no group stays waiting for its data, each outcome is told once, and no restore loader a killed
 * service started is left running. A cluster-mode restore into the snapshot's own shape is killed
 * while a primary is being fed its shard's file: the node, its feed cut short, is restarted on it
 * again by the next service, and no FIFO is left in place of a node's RDB file.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CreateReplicationGroupCommand, CreateSnapshotCommand, DescribeSnapshotsCommand } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { readdir, lstat } from 'node:fs/promises';
import { clusterClient, groupEvents, memberEndpoints } from '../helpers/cluster-mode.js';
import { pidsReferencing, useCleanup } from '../helpers/cleanup.js';
import { describeGroup, endpoint, waitAvailable } from '../helpers/groups.js';
import { startService, type TestService } from '../helpers/service.js';
import { waitFor } from '../../src/util/wait.js';

/** 300 values of 1 MiB: a backup and a restore of it take long enough to be killed in the middle. */
const VALUES = 300;
/** 200 values of 1 MiB over 2 shards: a primary loads its half for a fraction of a second. */
const SHARDED_VALUES = 200;

describe('kill -9 of the control plane during a backup and during a restore', { timeout: 300_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;

  const snapshotStatus = async (name: string) =>
    (await svc.client.send(new DescribeSnapshotsCommand({ SnapshotName: name }))).Snapshots![0]!.SnapshotStatus;
  const messages = async (id: string) => (await groupEvents(svc.client, id)).map((e) => e.message);

  /** Kills the service as soon as `started` holds, then starts it again; true when the work was still under way then. */
  async function killWhen(started: () => Promise<boolean>, underWay: () => Promise<boolean>): Promise<boolean> {
    await waitFor(started, { timeoutMs: 60_000, intervalMs: 20, what: 'the work to start' });
    const during = await underWay();
    await svc.kill9();
    await svc.restart();
    return during;
  }

  before(async () => {
    svc = await startService(cleanup);
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'big', ReplicationGroupDescription: 'big values', CacheNodeType: 'cache.m7g.large', NumCacheClusters: 2,
    }));
    await waitAvailable(svc.client, 'big', 60_000);
    const ep = endpoint(await describeGroup(svc.client, 'big'), 'PrimaryEndpoint');
    const c = new Redis({ host: ep.host, port: ep.port });
    cleanup.defer(() => c.disconnect());
    for (let i = 0; i < VALUES; i++) await c.set(`big:${i}`, randomBytes(1 << 20));
  });

  test('a backup: the restarted service finishes it (or fails it), never leaves it creating', async () => {
    await svc.client.send(new CreateSnapshotCommand({ ReplicationGroupId: 'big', SnapshotName: 'big-snap' }));
    const during = await killWhen(
      async () => (await messages('big')).some((m) => m.startsWith("Snapshot started for snapshot with ID 'big-snap'")),
      async () => (await snapshotStatus('big-snap')) === 'creating');
    const outcome = await waitFor(async () => {
      const s = await snapshotStatus('big-snap');
      return s === 'available' || s === 'failed' ? s : undefined;
    }, { timeoutMs: 120_000, intervalMs: 250, what: 'the snapshot to finish or fail' });
    console.log(`killed ${during ? 'during' : 'after'} the backup; after the restart it is ${outcome}`);
    assert.equal(outcome, 'available', 'a backup cut short is taken again');
    await waitAvailable(svc.client, 'big', 30_000);
    const said = await messages('big');
    assert.equal(said.filter((m) => /^Snapshot (succeeded|failed) for snapshot with ID 'big-snap'/.test(m)).length, 1, said.join('\n'));
  });

  test('a restore: the restarted service loads it again from the start, or fails it; the group never waits for ever', async () => {
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'big-copy', ReplicationGroupDescription: 'restored', CacheNodeType: 'cache.m7g.large', SnapshotName: 'big-snap',
    }));
    const during = await killWhen(
      async () => (await messages('big-copy')).some((m) => m.startsWith("Restore from snapshot 'big-snap' started")),
      async () => (await describeGroup(svc.client, 'big-copy')).Status === 'creating');
    const status = await waitFor(async () => {
      const s = (await describeGroup(svc.client, 'big-copy')).Status;
      return s === 'available' || s === 'restore-failed' ? s : undefined;
    }, { timeoutMs: 180_000, intervalMs: 250, what: 'the restore to finish or fail' });
    console.log(`killed ${during ? 'during' : 'after'} the restore; after the restart the group is ${status}`);
    assert.equal(status, 'available');
    const ep = endpoint(await describeGroup(svc.client, 'big-copy'), 'PrimaryEndpoint');
    const c = new Redis({ host: ep.host, port: ep.port });
    cleanup.defer(() => c.disconnect());
    assert.equal(await c.dbsize(), VALUES);
    assert.equal(await snapshotStatus('big-snap'), 'available', 'the restore\'s hold on the snapshot is released');
    assert.deepEqual(await pidsReferencing(`${join(svc.dataDir, 'restores')}/`), [], 'no restore loader left running');
    const said = await messages('big-copy');
    assert.equal(said.filter((m) => /^Restore from snapshot 'big-snap' (succeeded|failed)/.test(m)).length, 1, said.join('\n'));
  });

  test('a cluster-mode restore into its own shape, killed while a primary is fed its file: seeded again, every key, replicas too', async () => {
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'bigc', ReplicationGroupDescription: 'big values, sharded', CacheNodeType: 'cache.m7g.large',
      CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 2, ReplicasPerNodeGroup: 1,
    }));
    await waitAvailable(svc.client, 'bigc', 120_000);
    const cfg = (await describeGroup(svc.client, 'bigc')).ConfigurationEndpoint!;
    const cluster = clusterClient(cleanup, { address: cfg.Address!, port: cfg.Port! });
    for (let i = 0; i < SHARDED_VALUES; i++) await cluster.set(`bigc:${i}`, randomBytes(1 << 20));
    await svc.client.send(new CreateSnapshotCommand({ ReplicationGroupId: 'bigc', SnapshotName: 'bigc-snap' }));
    await waitFor(async () => (await snapshotStatus('bigc-snap')) === 'available', { timeoutMs: 120_000, intervalMs: 250, what: 'the snapshot' });

    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'bigc-copy', ReplicationGroupDescription: 'restored', CacheNodeType: 'cache.m7g.large',
      CacheParameterGroupName: 'default.redis7.cluster.on', NumNodeGroups: 2, ReplicasPerNodeGroup: 1, SnapshotName: 'bigc-snap',
    }));
    // Killed as soon as a primary of the copy is started on its file (the feed follows at once).
    const fedStart = () => {
      const from = svc.logs.findIndex((l) => l.includes("Restore from snapshot 'bigc-snap' started"));
      return from >= 0 && svc.logs.slice(from).some((l) => l.includes('redis-server spawned') && l.includes('bigc-copy'));
    };
    await waitFor(fedStart, { timeoutMs: 120_000, intervalMs: 5, what: 'a primary of the copy restarted on its file' });
    await svc.kill9();
    await svc.restart();
    const status = await waitFor(async () => {
      const st = (await describeGroup(svc.client, 'bigc-copy')).Status;
      return st === 'available' || st === 'restore-failed' ? st : undefined;
    }, { timeoutMs: 180_000, intervalMs: 250, what: 'the restore to finish or fail' });
    assert.equal(status, 'available', (await messages('bigc-copy')).join('\n'));
    const g = await describeGroup(svc.client, 'bigc-copy');
    const nodes = new Map<string, { role: string; keys: number }>();
    for (const [id, ep] of await memberEndpoints(svc.client, g)) {
      const c = new Redis({ host: ep.address, port: ep.port, lazyConnect: true });
      try {
        await c.connect();
        nodes.set(id, { role: String(await c.call('ROLE')).split(',')[0]!, keys: await c.dbsize() });
      } finally { c.disconnect(); }
    }
    let total = 0;
    for (const ng of g.NodeGroups!) {
      const members = ng.NodeGroupMembers!.map((m) => nodes.get(m.CacheClusterId!)!);
      const primary = members.find((m) => m.role === 'master');
      assert.ok(primary, `node group ${ng.NodeGroupId} has a primary: ${JSON.stringify(members)}`);
      total += primary.keys;
      assert.deepEqual(members.map((m) => m.keys), members.map(() => primary.keys), `node group ${ng.NodeGroupId}: the replica holds its primary's keys`);
    }
    assert.equal(total, SHARDED_VALUES);
    const said = await messages('bigc-copy');
    assert.equal(said.filter((m) => /^Restore from snapshot 'bigc-snap' (succeeded|failed)/.test(m)).length, 1, said.join('\n'));
    // The restarted service fed the primaries again (its log is this launch's lines only after the restart's mark).
    const launches = svc.logs.flatMap((l, i) => (l.includes('cachefleet listening on') ? [i] : []));
    const after = svc.logs.slice(launches.at(-1));
    assert.ok(after.some((l) => l.includes('redis-server started on the data it was fed') && l.includes('bigc-copy')), 'seeded again after the restart');
    for (const node of (await readdir(join(svc.dataDir, 'nodes'))).filter((n) => n.startsWith('bigc-copy'))) {
      const rdb = await lstat(join(svc.dataDir, 'nodes', node, 'dump.rdb')).catch(() => undefined);
      assert.ok(!rdb?.isFIFO(), `no FIFO left in ${node}`);
    }
  });
});
