/**
 * Cluster mode enabled create → available: CreateReplicationGroup of 1 and of 3 node groups with
 * one replica each (`default.redis7.cluster.on`), polled with DescribeReplicationGroups every
 * 20 ms until `available`; then CLUSTER SLOTS through the configuration endpoint must name every
 * node (a client discovering the cluster right then sees its replicas too). Each repetition deletes
 * its group and waits until it is gone.
 */
import { CreateReplicationGroupCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { Redis } from 'ioredis';
import { deleteGroup, describeGroup, waitGone } from './groups.js';
import { median, now, progress, sec, type Row } from './stats.js';
import { delay } from '../src/util/wait.js';

export interface ClusterCreateResult { shards: number; nodes: number; createMs: number[]; slotsComplete: number }

const POLL_MS = 20;

async function nodesInSlots(host: string, port: number): Promise<number> {
  const c = new Redis({ host, port, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
  c.on('error', () => undefined);
  try {
    await c.connect();
    const ids = new Set<string>();
    for (const range of (await c.call('CLUSTER', 'SLOTS')) as unknown[][]) for (const n of range.slice(2) as unknown[][]) ids.add(String(n[2]));
    return ids.size;
  } finally {
    c.disconnect();
  }
}

export async function measureClusterCreate(client: ElastiCacheClient, shards: number, reps: number): Promise<ClusterCreateResult> {
  const createMs: number[] = [];
  let slotsComplete = 0;
  for (let i = 0; i < reps; i++) {
    const id = `bench-cm-${shards}-${i + 1}`;
    const t0 = now();
    await client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: id, ReplicationGroupDescription: `benchmark ${id}`, CacheNodeType: 'cache.t3.micro', Engine: 'redis',
      NumNodeGroups: shards, ReplicasPerNodeGroup: 1, CacheParameterGroupName: 'default.redis7.cluster.on',
    }));
    try {
      for (;;) {
        const g = await describeGroup(client, id);
        if (g?.Status === 'available') {
          createMs.push(now() - t0);
          const ep = g.ConfigurationEndpoint!;
          if ((await nodesInSlots(ep.Address!, ep.Port!)) === shards * 2) slotsComplete++;
          break;
        }
        if (!g || g.Status !== 'creating' || now() - t0 > 60_000) throw new Error(`${id}: ${g ? `${g.Status} after ${sec(now() - t0)}` : 'disappeared while creating'}`);
        await delay(POLL_MS);
      }
    } finally {
      await deleteGroup(client, id).then(() => waitGone(client, id)).catch(() => undefined);
    }
    progress(`cluster mode ${shards} × 2 nodes: create → available ${i + 1}/${reps}: ${sec(createMs[i]!)}`);
  }
  return { shards, nodes: shards * 2, createMs, slotsComplete };
}

export function clusterCreateRows(r: ClusterCreateResult): Row[] {
  return [
    { measure: `Create → available, cluster mode ${r.shards} shard(s) × 1 replica (median of ${r.createMs.length})`, value: sec(median(r.createMs)), goal: '< 5 s', ok: median(r.createMs) < 5000 },
    { measure: `  … CLUSTER SLOTS names all ${r.nodes} nodes when available`, value: `${r.slotsComplete}/${r.createMs.length}`, goal: 'all', ok: r.slotsComplete === r.createMs.length },
  ];
}
