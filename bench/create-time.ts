/**
 * Create → available: the time from sending CreateReplicationGroup (3 nodes) to the first
 * DescribeReplicationGroups (polled every 20 ms) that reports `available`. Each repetition then
 * checks the primary endpoint answers, deletes the group and waits until it is gone.
 */
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { addressesOf, createGroup, deleteGroup, describeGroup, redisCommand, waitGone } from './groups.js';
import { median, max, now, progress, sec } from './stats.js';
import { delay } from '../src/util/wait.js';

export interface CreateTimeResult {
  /** Create sent → first Describe saying available, per repetition (ms). */
  createMs: number[];
  /** Describe calls made while waiting, per repetition. */
  polls: number[];
  /** Repetitions whose primary endpoint answered PING right when the group became available. */
  endpointReady: number;
  /** Available → first PONG through the primary endpoint (ms), per repetition. */
  endpointLagMs: number[];
  /** DeleteReplicationGroup sent → Describe says ReplicationGroupNotFound (ms). */
  deleteMs: number[];
  medianMs: number;
  maxMs: number;
}

const POLL_MS = 20;

export async function measureCreateTime(client: ElastiCacheClient, reps: number): Promise<CreateTimeResult> {
  const createMs: number[] = [];
  const polls: number[] = [];
  const deleteMs: number[] = [];
  let endpointReady = 0;
  const endpointLagMs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const id = `bench-create-${i + 1}`;
    const t0 = now();
    await createGroup(client, id, 3);
    let n = 0;
    const giveUp = () => deleteGroup(client, id).then(() => waitGone(client, id)).catch(() => undefined);
    for (;;) {
      n++;
      const g = await describeGroup(client, id);
      if (g?.Status === 'available') {
        createMs.push(now() - t0);
        polls.push(n);
        const ep = addressesOf(g).primaryEndpoint;
        // A client that connects as soon as the group is available must get through.
        const w0 = now();
        let first: string | undefined;
        for (;;) {
          const pong = await redisCommand(ep.host, ep.port, ['PING']).catch((e: Error) => e.message);
          if (pong === 'PONG') break;
          first ??= pong;
          if (now() - w0 > 10_000) throw new Error(`${id}: primary endpoint ${ep.host}:${ep.port} not answering 10 s after available: ${pong}`);
          await delay(1);
        }
        if (first === undefined) endpointReady++;
        else progress(`${id}: primary endpoint ${ep.host}:${ep.port} refused when available (${first}); answered ${(now() - w0).toFixed(0)} ms later`);
        endpointLagMs.push(now() - w0);
        break;
      }
      if (!g || g.Status !== 'creating' || now() - t0 > 60_000) {
        await giveUp();
        throw new Error(`${id}: ${g ? `${g.Status} after ${sec(now() - t0)}` : 'disappeared while creating'}`);
      }
      await delay(POLL_MS);
    }
    const d0 = now();
    await deleteGroup(client, id);
    await waitGone(client, id);
    deleteMs.push(now() - d0);
    progress(`create → available ${i + 1}/${reps}: ${sec(createMs[i]!)} (${polls[i]} polls); delete ${sec(deleteMs[i]!)}`);
  }
  return { createMs, polls, endpointReady, endpointLagMs, deleteMs, medianMs: median(createMs), maxMs: max(createMs) };
}
