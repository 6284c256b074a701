import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { DescribeEventsCommand, ModifyReplicationGroupCommand, TestFailoverCommand } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService } from '../helpers/service.js';
import { createGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import { LoopWriter } from '../helpers/writer.js';
import { waitFor } from '../../src/util/wait.js';

const cleanup = useCleanup();
const svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
const HA = { NumCacheClusters: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true };

async function keyCount(host: string, port: number): Promise<number> {
  const r = new Redis({ host, port, lazyConnect: true });
  try { await r.connect(); return await r.dbsize(); } finally { r.disconnect(); }
}

/** Waits until the group is available again with a primary other than `old`, every replica in sync. */
async function recovered(id: string, old?: string) {
  return waitAvailable(svc.client, id, 20_000, (g) => {
    const ms = members(g);
    const primaries = ms.filter((m) => m.CurrentRole === 'primary');
    return ms.length === 3 && primaries.length === 1 && (old === undefined || primaries[0]!.CacheClusterId !== old);
  });
}

test('kill -9 of the primary under a writer: a replica takes over, no READONLY, writes resume within 2 s', async () => {
  const g = await createGroup(svc.client, { ReplicationGroupId: 'fo-primary', ...HA });
  const old = primaryOf(g);
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const writer = new LoopWriter(host, port);
  await waitFor(() => writer.report.acknowledged > 200, { what: 'writes before the kill' });
  const pid = await nodePid(svc.dataDir, old);
  const killedAt = Date.now();
  process.kill(pid, 'SIGKILL');
  await waitFor(() => writer.firstAckAfter(killedAt + 50), { timeoutMs: 10_000, what: 'a write after the failover' });
  const resumedMs = writer.firstAckAfter(killedAt + 50)! - killedAt;
  const after = await recovered('fo-primary', old);
  const report = await writer.stop();
  console.log(`failover: first write ${resumedMs} ms after kill; longest stall ${report.maxGapMs} ms; ${report.acknowledged} writes`);
  assert.equal(report.readonly, 0, 'no client ever sees READONLY');
  assert.equal(report.errors, 0, `errors: ${report.errorKinds.join('; ')}`);
  assert.ok(resumedMs < 2000, `writes resumed ${resumedMs} ms after the kill`);
  // The old primary came back as a replica of the new one and never takes writes.
  const oldMember = members(after).find((m) => m.CacheClusterId === old)!;
  assert.equal(oldMember.CurrentRole, 'replica');
  const r = new Redis({ host: oldMember.ReadEndpoint!.Address!, port: oldMember.ReadEndpoint!.Port! });
  await assert.rejects(r.set('x', 'y'), /READONLY/);
  r.disconnect();
  const events = await svc.client.send(new DescribeEventsCommand({ SourceIdentifier: 'fo-primary', SourceType: 'replication-group' }));
  assert.ok(events.Events?.some((e) => /Failover to replica node .* completed/.test(e.Message ?? '')));
});

test('killing each replica in turn: each is recovered and resyncs; the primary never changes', async () => {
  const g = await createGroup(svc.client, { ReplicationGroupId: 'fo-replicas', ...HA });
  const primary = primaryOf(g);
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const w = new Redis({ host, port });
  w.on('error', () => {});
  for (let i = 0; i < 500; i++) await w.set(`k${i}`, String(i));
  for (const m of members(g).filter((x) => x.CurrentRole === 'replica')) {
    const before = await nodePid(svc.dataDir, m.CacheClusterId!);
    process.kill(before, 'SIGKILL');
    await waitFor(async () => (await nodePid(svc.dataDir, m.CacheClusterId!).catch(() => before)) !== before, { timeoutMs: 10_000, what: 'a new process' });
    const back = await recovered('fo-replicas');
    assert.equal(primaryOf(back), primary);
    await waitFor(async () => (await keyCount(m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!)) === 500, { what: `${m.CacheClusterId} to resync` });
  }
  w.disconnect();
});

test('two nodes at once (primary and a replica), then the new primary again: ends available with all data', async () => {
  const g = await createGroup(svc.client, { ReplicationGroupId: 'fo-double', ...HA });
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const w = new Redis({ host, port, maxRetriesPerRequest: null, retryStrategy: () => 20 });
  w.on('error', () => {});
  for (let i = 0; i < 300; i++) await w.set(`k${i}`, String(i));
  await w.call('WAIT', '2', '2000');
  const first = primaryOf(g);
  const replica = members(g).find((m) => m.CurrentRole === 'replica')!.CacheClusterId!;
  process.kill(await nodePid(svc.dataDir, first), 'SIGKILL');
  process.kill(await nodePid(svc.dataDir, replica), 'SIGKILL');
  const mid = await recovered('fo-double', first);
  await w.call('WAIT', '2', '2000');
  const second = primaryOf(mid);
  process.kill(await nodePid(svc.dataDir, second), 'SIGKILL');
  const end = await recovered('fo-double', second);
  assert.equal(await w.dbsize(), 300, 'every key written before the kills survives');
  for (const m of members(end)) {
    await waitFor(async () => (await keyCount(m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!)) === 300, { what: `${m.CacheClusterId} to hold every key` });
  }
  w.disconnect();
});

test('TestFailover and a planned switchover (--primary-cluster-id) lose no write', async () => {
  const g = await createGroup(svc.client, { ReplicationGroupId: 'fo-planned', ...HA });
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const writer = new LoopWriter(host, port, 'p');
  await waitFor(() => writer.report.acknowledged > 100, { what: 'writes' });
  const first = primaryOf(g);
  await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: 'fo-planned', NodeGroupId: '0001' }));
  const afterTest = await recovered('fo-planned', first);
  const target = members(afterTest).find((m) => m.CurrentRole === 'replica')!.CacheClusterId!;
  await svc.client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: 'fo-planned', PrimaryClusterId: target, ApplyImmediately: true }));
  await waitAvailable(svc.client, 'fo-planned', 20_000, (x) => primaryOf(x) === target);
  await waitFor(() => writer.report.acknowledged > 0 && Date.now() - writer.ackTimes.at(-1)! < 100, { what: 'writes flowing' });
  const report = await writer.stop();
  assert.equal(report.readonly, 0);
  assert.equal(report.errors, 0, report.errorKinds.join('; '));
  const check = new Redis({ host, port });
  const values = await check.mget(...[...report.acked.keys()]);
  check.disconnect();
  const lost = values.filter((v) => v === null).length;
  assert.equal(lost, 0, `${lost} acknowledged writes lost in a planned failover`);
});
