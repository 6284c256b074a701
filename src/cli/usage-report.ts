/**
 * What `cachefleet usage <cache>` prints (usage-command.ts), read from the data directory: the
 * totals the control plane keeps in its state plus what the endpoint's workers counted since, the
 * backing group's shard count and the autoscaler's last decision. Works beside a running service
 * (SQLite in WAL mode) and on a stopped one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { dataPaths, serverlessPaths } from '../paths/index.js';
import { readWorkerUsage } from '../reconciler/serverless/engine-process.js';
import { emptyUsage, usageAsOf } from '../reconciler/serverless/usage.js';
import { getGroup, getServerlessCache, SqliteStore } from '../store/index.js';

export interface UsageReport {
  ServerlessCacheName: string;
  Status: string;
  WaitingFor?: string;
  Since: string;
  ECPUs: number;
  ComputeECPUs: number;
  Commands: number;
  ReadCommands: number;
  WriteCommands: number;
  ThrottledCommands: number;
  BytesIn: number;
  BytesOut: number;
  DataStorageGBHours: number;
  BytesUsedForCache: number | null;
  SampledAt: string | null;
  Shards: number | null;
  /** While the backing group reshards: how many slots have moved. */
  Scaling?: string;
  LastScaling: string | null;
}

export async function usageReport(dataDir: string, name: string): Promise<UsageReport> {
  const paths = dataPaths(resolve(dataDir));
  if (!existsSync(paths.state)) throw new Error(`no cachefleet installation in ${paths.dataDir}`);
  const store = new SqliteStore(paths.state);
  try {
    const key = name.toLowerCase();
    const cache = await getServerlessCache(store, key);
    if (!cache) throw new Error(`serverless cache ${name} not found`);
    const now = new Date();
    const stored = (await store.get('serverlessUsage', key))?.doc ?? emptyUsage(key, new Date(cache.doc.createdAt));
    const u = usageAsOf(stored, readWorkerUsage(serverlessPaths(paths.serverless, key).dir), now);
    const group = await getGroup(store, cache.doc.backingGroupId);
    const last = u.scaling?.lastDecision;
    return {
      ServerlessCacheName: key, Status: cache.doc.status, ...(cache.doc.waitingFor ? { WaitingFor: cache.doc.waitingFor } : {}),
      Since: u.since, ECPUs: round(u.ecpu), ComputeECPUs: round(u.computeEcpu ?? 0), Commands: u.commands, ReadCommands: u.readCommands, WriteCommands: u.writeCommands,
      ThrottledCommands: u.throttledCommands, BytesIn: u.bytesIn, BytesOut: u.bytesOut,
      DataStorageGBHours: round(u.gbHours), BytesUsedForCache: u.lastBytes ?? null, SampledAt: u.lastSampleAt ?? null,
      Shards: group?.doc.nodeGroups?.filter((ng) => !group.doc.resharding?.removing.includes(ng.id)).length ?? null,
      ...(group?.doc.resharding ? { Scaling: `${group.doc.resharding.movedSlots}/${group.doc.resharding.totalSlots} slots moved` } : {}),
      LastScaling: last ? `${last.at}: ${last.from} → ${last.to} shards (${last.reason})` : null,
    };
  } finally {
    await store.close();
  }
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
