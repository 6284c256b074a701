/**
 * Failover time as a client sees it: a writer loops SETs through the primary endpoint; the
 * primary's redis-server is killed with SIGKILL; the measure is the time from the kill to the
 * first acknowledged write after it (served by the promoted replica). Repeated `runs` times on
 * one group (each run kills whichever node is primary then), waiting for the group to be whole
 * again between runs.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { CreateReplicationGroupCommand, DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { LoopWriter } from '../test/helpers/writer.js';
import { waitFor } from '../src/util/wait.js';
import { deleteGroup, waitGone } from './groups.js';
import { max, median, progress } from './stats.js';

export interface FailoverResult {
  /** Kill → first acknowledged write, per run (ms). */
  resumeMs: number[];
  /** Kill → group available again with every member (ms), per run. */
  wholeMs: number[];
  medianMs: number;
  maxMs: number;
  readonlyErrors: number;
  otherErrors: number;
}

async function describe(client: ElastiCacheClient, id: string) {
  return (await client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))).ReplicationGroups![0]!;
}

const primaryOf = (g: Awaited<ReturnType<typeof describe>>) =>
  g.NodeGroups![0]!.NodeGroupMembers!.filter((m) => m.CurrentRole === 'primary').map((m) => m.CacheClusterId!);

export async function measureFailover(client: ElastiCacheClient, dataDir: string, runs: number): Promise<FailoverResult> {
  const id = `bench-failover`;
  await client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: id, ReplicationGroupDescription: 'failover bench', CacheNodeType: 'cache.t3.micro',
    NumCacheClusters: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true,
  }));
  const whole = async (notPrimary?: string) => waitFor(async () => {
    const g = await describe(client, id);
    const p = primaryOf(g);
    return g.Status === 'available' && p.length === 1 && p[0] !== notPrimary ? g : undefined;
  }, { timeoutMs: 60_000, intervalMs: 20, what: 'the group to be whole' });
  let g = await whole();
  const ep = g.NodeGroups![0]!.PrimaryEndpoint!;
  const writer = new LoopWriter(ep.Address!, ep.Port!, 'fo');
  const resumeMs: number[] = [];
  const wholeMs: number[] = [];
  let totals = { readonly: 0, errors: 0 };
  try {
    for (let run = 1; run <= runs; run++) {
      const primary = primaryOf(g)[0]!;
      // A kill storm: each kill as soon as the group is whole again and writes flow (no pause).
      await waitFor(() => writer.ackTimes.length > 0 && Date.now() - writer.ackTimes.at(-1)! < 50, { what: 'writes to flow' });
      const pid = Number((await readFile(join(dataDir, 'nodes', `${primary}-0001`, 'redis.pid'), 'utf8')).trim());
      const killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
      await waitFor(() => writer.firstAckAfter(killedAt + 1), { timeoutMs: 30_000, intervalMs: 2, what: 'a write after the kill' });
      resumeMs.push(writer.firstAckAfter(killedAt + 1)! - killedAt);
      g = await whole(primary);
      wholeMs.push(Date.now() - killedAt);
      progress(`failover ${run}/${runs}: writes resumed after ${resumeMs.at(-1)} ms, group whole after ${wholeMs.at(-1)} ms`);
      // Replicas must have resynced before the next kill, or it would test a half-recovered group.
      await waitFor(async () => (await describe(client, id)).Status === 'available', { timeoutMs: 30_000 });
    }
  } finally {
    const report = await writer.stop();
    await deleteGroup(client, id).catch(() => undefined);
    await waitGone(client, id).catch(() => undefined);
    totals = { readonly: report.readonly, errors: report.errors - report.readonly };
  }
  return {
    resumeMs, wholeMs, medianMs: median(resumeMs), maxMs: max(resumeMs),
    readonlyErrors: totals.readonly, otherErrors: totals.errors,
  };
}
