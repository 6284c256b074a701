/**
 * Cascading failures on one group: ten primary kills in a row, each as soon as the group is whole
 * again (a shard is never left without a primary to wait out a timer), and a primary frozen with
 * SIGSTOP past the down-after time, then resumed, with durable writes on (the old primary never
 * takes an acknowledged write that is then lost).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { CreateCacheParameterGroupCommand, ModifyCacheParameterGroupCommand, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService } from '../helpers/service.js';
import { createGroup, describeGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import { LoopWriter, lostWrites } from '../helpers/writer.js';
import { waitFor } from '../../src/util/wait.js';

const cleanup = useCleanup();
const svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
const HA = { NumCacheClusters: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true };

/** Whole: available, three members, one primary (other than `not`). */
const whole = (id: string, not?: string) => waitAvailable(svc.client, id, 30_000, (g) => {
  const ms = members(g);
  const primaries = ms.filter((m) => m.CurrentRole === 'primary');
  return ms.length === 3 && primaries.length === 1 && primaries[0]!.CacheClusterId !== not;
});

/** Samples describe until `until()` holds; returns every (status, primary) seen. */
async function watchDescribe(id: string, until: () => boolean): Promise<{ at: number; status: string; primary: string | undefined }[]> {
  const seen: { at: number; status: string; primary: string | undefined }[] = [];
  const deadline = Date.now() + 30_000;
  while (!until() && Date.now() < deadline) {
    const at = Date.now();
    const g: ReplicationGroup = await describeGroup(svc.client, id);
    seen.push({ at, status: g.Status!, primary: members(g).find((m) => m.CurrentRole === 'primary')?.CacheClusterId });
    await new Promise((r) => setTimeout(r, 10));
  }
  return seen;
}

/** A service log line (pino JSON) written at `at` - 200 ms or later. */
function sinceKill(line: string, at: number): boolean {
  try {
    return ((JSON.parse(line) as { time?: number }).time ?? 0) >= at - 200;
  } catch {
    return false;
  }
}

test('ten primary kills in a row, each once the group is whole: writes resume within 1 s every time, never READONLY', async () => {
  let g = await createGroup(svc.client, { ReplicationGroupId: 'storm', ...HA });
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const writer = new LoopWriter(host, port, 'storm');
  const resumed: number[] = [];
  try {
    for (let kill = 1; kill <= 10; kill++) {
      const old = primaryOf(g);
      await waitFor(() => writer.ackTimes.length > 0 && Date.now() - writer.ackTimes.at(-1)! < 100, { what: `writes before kill ${kill}` });
      const killedAt = Date.now();
      process.kill(await nodePid(svc.dataDir, old), 'SIGKILL');
      let wholeAgain = false;
      const seen = watchDescribe('storm', () => wholeAgain);
      await waitFor(() => writer.firstAckAfter(killedAt + 50), { timeoutMs: 15_000, what: `a write after kill ${kill}` });
      resumed.push(writer.firstAckAfter(killedAt + 50)! - killedAt);
      g = await whole('storm', old);
      wholeAgain = true;
      const samples = await seen;
      // Between the kill and the group being whole, describe says the group is not available (the
      // killed primary no longer serves; its replacement's replicas are still resyncing).
      assert.ok(samples.some((s) => s.status === 'modifying'), `kill ${kill}: describe showed ${JSON.stringify(samples.slice(0, 5))}…`);
      // Until the monitor has seen the kill (a few pings), describe may still show the old state;
      // after that, never `available` with the dead primary.
      const stale = samples.filter((s) => s.status === 'available' && s.primary === old && s.at - killedAt > 1000);
      // Seen once in CI (kill 6 of 10: failed over 1.08 s after the kill, as if only the 1 s idle
      // ping had found it): what the service did from the kill on says why, next time.
      if (stale.length) console.log(`kill ${kill} at ${killedAt}; the service's log since:\n${svc.logs.filter((l) => sinceKill(l, killedAt)).join('\n')}`);
      assert.deepEqual(stale, [], `kill ${kill}: available with the dead primary`);
    }
  } finally {
    const report = await writer.stop();
    console.log(`kill storm: writes resumed after ${resumed.join(', ')} ms; ${report.acknowledged} writes, ${report.errors} errors`);
    assert.equal(report.readonly, 0, 'no client ever sees READONLY');
  }
  assert.equal(resumed.length, 10);
  for (const [i, ms] of resumed.entries()) assert.ok(ms < 1000, `kill ${i + 1}: writes resumed ${ms} ms after the kill`);
});

test('a primary frozen (SIGSTOP) past the down-after time, then resumed: it is demoted and no acknowledged write is lost (durable writes)', async () => {
  await svc.client.send(new CreateCacheParameterGroupCommand({
    CacheParameterGroupName: 'storm-durable', CacheParameterGroupFamily: 'redis7', Description: 'durable writes',
  }));
  await svc.client.send(new ModifyCacheParameterGroupCommand({
    CacheParameterGroupName: 'storm-durable', ParameterNameValues: [{ ParameterName: 'cachefleet-durable-writes', ParameterValue: 'yes' }],
  }));
  const g = await createGroup(svc.client, { ReplicationGroupId: 'frozen', ...HA, CacheParameterGroupName: 'storm-durable' });
  const old = primaryOf(g);
  const oldNode = members(g).find((m) => m.CacheClusterId === old)!.ReadEndpoint!;
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const writer = new LoopWriter(host, port, 'frozen');
  let report;
  try {
    await waitFor(() => writer.report.acknowledged > 300, { timeoutMs: 20_000, what: 'writes before the freeze' });
    const pid = await nodePid(svc.dataDir, old);
    const frozenAt = Date.now();
    process.kill(pid, 'SIGSTOP');
    try {
      await waitFor(() => writer.firstAckAfter(frozenAt + 50), { timeoutMs: 15_000, what: 'a write after the freeze' });
      await waitFor(async () => primaryOf(await describeGroup(svc.client, 'frozen')) !== old, { timeoutMs: 10_000, what: 'a new primary' });
    } finally {
      process.kill(pid, 'SIGCONT');
    }
    // The old primary wakes up believing it is the primary: the service makes it a replica again.
    const probe = new Redis({ host: oldNode.Address!, port: oldNode.Port!, maxRetriesPerRequest: 1 });
    probe.on('error', () => undefined);
    try {
      await waitFor(async () => /role:slave/.test(await probe.info('replication').catch(() => '')), { timeoutMs: 15_000, what: 'the old primary demoted' });
    } finally {
      probe.disconnect();
    }
    await whole('frozen', old);
    await waitFor(() => Date.now() - writer.ackTimes.at(-1)! < 200, { what: 'writes flowing after the resume' });
  } finally {
    report = await writer.stop();
  }
  const lost = await lostWrites(host, port, report.acked);
  console.log(`frozen primary: ${report.acknowledged} acknowledged, ${lost.length} lost, ${report.errors} errors`);
  assert.equal(lost.length, 0, `acknowledged writes lost: ${lost.slice(0, 10).join(', ')}`);
  assert.equal(report.readonly, 0);
});
