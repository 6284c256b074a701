/**
 * End to end: an availability-zone outage (`cachefleet chaos az-outage`) against a Multi-AZ group
 * of three, then IncreaseReplicaCount / DecreaseReplicaCount on the recovered group, all
 * through the real service, real redis-server nodes and the AWS SDK.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, it } from 'node:test';
import {
  CreateCacheSubnetGroupCommand, CreateReplicationGroupCommand, DecreaseReplicaCountCommand, DescribeCacheClustersCommand,
  DescribeEventsCommand, DescribeReplicationGroupsCommand, IncreaseReplicaCountCommand, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { waitFor } from '../../src/util/wait.js';
import { pidGone, useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';

const run = promisify(execFile);
const cleanup = useCleanup();
const GROUP = 'chaos-rg';
const KEYS = 1000;
const keys = Array.from({ length: KEYS }, (_, i) => `key:${i}`);
const values = keys.map((k) => `value-of-${k}`);

function redis(address: string, port: number): Redis {
  const r = new Redis({ host: address, port, lazyConnect: true, maxRetriesPerRequest: 5, connectTimeout: 2000 });
  r.on('error', () => undefined);
  cleanup.defer(() => r.disconnect());
  return r;
}

async function describe1(svc: TestService): Promise<ReplicationGroup> {
  const out = await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }));
  return out.ReplicationGroups![0]!;
}

const members = (g: ReplicationGroup) => g.NodeGroups![0]!.NodeGroupMembers!;
const primaries = (g: ReplicationGroup) => members(g).filter((m) => m.CurrentRole === 'primary');

/** Waits until the group is available with `count` members, exactly one of them primary. */
async function waitSettled(svc: TestService, count: number, timeoutMs = 60_000): Promise<ReplicationGroup> {
  return waitFor(async () => {
    const g = await describe1(svc);
    return g.Status === 'available' && g.MemberClusters?.length === count && members(g).length === count &&
      primaries(g).length === 1 ? g : undefined;
  }, { timeoutMs, intervalMs: 100, what: `${GROUP} available with ${count} members` });
}

async function pidOf(address: string, port: number): Promise<number> {
  const r = redis(address, port);
  const info = String(await r.call('INFO', 'server'));
  r.disconnect();
  return Number(/process_id:(\d+)/.exec(info)![1]);
}

async function allEventMessages(svc: TestService): Promise<string[]> {
  const out: string[] = [];
  let marker: string | undefined;
  do {
    const page = await svc.client.send(new DescribeEventsCommand({ Duration: 60, Marker: marker }));
    out.push(...(page.Events ?? []).map((e) => e.Message ?? ''));
    marker = page.Marker;
  } while (marker);
  return out;
}

describe('chaos: availability-zone outage and replica count changes', { timeout: 240_000 }, () => {
  let svc: TestService;
  let primaryEndpoint: { address: string; port: number };

  it('survives the loss of the primary\'s AZ: failover, recovery and no lost keys', async () => {
    svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
    await svc.client.send(new CreateCacheSubnetGroupCommand({
      CacheSubnetGroupName: 'three-azs', CacheSubnetGroupDescription: 'us-east-1a, b and c', SubnetIds: ['subnet-a', 'subnet-b', 'subnet-c'],
    }));
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'chaos test', NumCacheClusters: 3, CacheNodeType: 'cache.t3.micro',
      AutomaticFailoverEnabled: true, MultiAZEnabled: true, CacheSubnetGroupName: 'three-azs',
    }));
    const before = await waitSettled(svc, 3);
    const azs = members(before).map((m) => m.PreferredAvailabilityZone).sort();
    assert.deepEqual(azs, ['us-east-1a', 'us-east-1b', 'us-east-1c'], 'Multi-AZ: one member per zone');
    const oldPrimary = primaries(before)[0]!;
    const ep = before.NodeGroups![0]!.PrimaryEndpoint!;
    primaryEndpoint = { address: ep.Address!, port: ep.Port! };

    // 1000 keys through the primary endpoint, acknowledged by both replicas before the outage.
    const writer = redis(primaryEndpoint.address, primaryEndpoint.port);
    const pipeline = writer.pipeline();
    keys.forEach((k, i) => pipeline.set(k, values[i]!));
    const results = await pipeline.exec();
    assert.ok(results!.every(([err]) => !err), 'every SET succeeded');
    assert.equal(await writer.call('WAIT', '2', '1000'), 2, 'both replicas acknowledged the writes');
    writer.disconnect();

    const t0 = performance.now();
    const { stdout } = await run(process.execPath, [CLI, 'chaos', 'az-outage', oldPrimary.PreferredAvailabilityZone!,
      '--endpoint-url', svc.url, '--timeout', '60'], { env: svc.env, timeout: 90_000 });
    console.log(`chaos az-outage took ${(performance.now() - t0).toFixed(0)} ms:\n${stdout}`);
    assert.match(stdout, new RegExp(`killed 1 cache node in ${oldPrimary.PreferredAvailabilityZone}`));
    assert.match(stdout, new RegExp(`${oldPrimary.CacheClusterId}\\s+0001\\s+\\S+\\s+${oldPrimary.PreferredAvailabilityZone}`));
    assert.match(stdout, new RegExp(`${GROUP}: recovered in \\d+ ms; primary \\S+ \\(was ${oldPrimary.CacheClusterId}: failed over\\)`));

    const after = await waitSettled(svc, 3, 10_000);
    assert.equal(primaries(after).length, 1, 'exactly one primary');
    const newPrimary = primaries(after)[0]!;
    assert.notEqual(newPrimary.CacheClusterId, oldPrimary.CacheClusterId, 'a replica took over');
    assert.deepEqual([...after.MemberClusters!].sort(), [...before.MemberClusters!].sort(), 'the same three members');

    const reader = redis(primaryEndpoint.address, primaryEndpoint.port);
    assert.equal((await reader.call('ROLE') as unknown[])[0], 'master', 'the primary endpoint reaches the new primary');
    assert.deepEqual(await reader.mget(...keys), values, 'all 1000 keys survived');
    reader.disconnect();

    const messages = await allEventMessages(svc);
    assert.ok(messages.some((m) => m.startsWith('Failover to replica node')), messages.join('\n'));
    assert.ok(messages.some((m) => m.startsWith('Recovering cache nodes')), messages.join('\n'));
  });

  it('IncreaseReplicaCount 2 → 4: five members, every replica with the keys', async () => {
    const out = await svc.client.send(new IncreaseReplicaCountCommand({ ReplicationGroupId: GROUP, NewReplicaCount: 4, ApplyImmediately: true }));
    assert.equal(out.ReplicationGroup?.Status, 'modifying');
    assert.equal(out.ReplicationGroup?.MemberClusters?.length, 5);
    const g = await waitSettled(svc, 5);
    assert.deepEqual([...g.MemberClusters!].sort(), [1, 2, 3, 4, 5].map((n) => `${GROUP}-00${n}`));
    // Five members over three zones: two, two and one.
    const perZone = new Map<string, number>();
    for (const m of members(g)) perZone.set(m.PreferredAvailabilityZone!, (perZone.get(m.PreferredAvailabilityZone!) ?? 0) + 1);
    assert.deepEqual([...perZone.values()].sort(), [1, 2, 2]);
    const replicas = members(g).filter((m) => m.CurrentRole === 'replica');
    assert.equal(replicas.length, 4);
    for (const m of replicas) {
      const r = redis(m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!);
      assert.deepEqual(await r.mget(...keys), values, `${m.CacheClusterId} has every key`);
      r.disconnect();
    }
  });

  it('DecreaseReplicaCount to 1 naming one replica: two members left, removed processes gone', async () => {
    const g = await describe1(svc);
    const replicas = members(g).filter((m) => m.CurrentRole === 'replica');
    const named = replicas[0]!.CacheClusterId!;
    const pids = new Map(await Promise.all(members(g).map(async (m) =>
      [m.CacheClusterId!, await pidOf(m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!)] as const)));
    const out = await svc.client.send(new DecreaseReplicaCountCommand({
      ReplicationGroupId: GROUP, NewReplicaCount: 1, ReplicasToRemove: [named], ApplyImmediately: true,
    }));
    assert.equal(out.ReplicationGroup?.Status, 'modifying');
    const kept = out.ReplicationGroup!.MemberClusters!;
    assert.equal(kept.length, 2);
    assert.ok(!kept.includes(named), `${named} was removed`);
    const removed = g.MemberClusters!.filter((id) => !kept.includes(id));
    assert.equal(removed.length, 3);

    const after = await waitSettled(svc, 2);
    assert.deepEqual([...after.MemberClusters!].sort(), [...kept].sort());
    for (const id of removed) {
      await waitFor(() => pidGone(pids.get(id)!), { timeoutMs: 10_000, what: `the process of ${id} to be gone` });
    }
    const clusters = (await svc.client.send(new DescribeCacheClustersCommand({}))).CacheClusters ?? [];
    assert.deepEqual(clusters.map((c) => c.CacheClusterId).sort(), [...kept].sort(), 'removed clusters are deleted');
    const reader = redis(primaryEndpoint.address, primaryEndpoint.port);
    assert.deepEqual(await reader.mget(...keys), values, 'the data set is intact');
    reader.disconnect();
  });
});
