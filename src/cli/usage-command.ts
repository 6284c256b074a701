/**
 * `cachefleet usage <cache>`: what a serverless cache has used, as ElastiCache Serverless bills it —
 * ECPUs (1 per KB transferred for simple commands, more for commands that use more CPU: ComputeECPUs
 * is that part, reconciler/serverless/compute-ecpu.ts), commands, bytes in and out, and GB-hours of data
 * stored — read from the data directory (the totals the control plane keeps in its state, plus
 * what the endpoint's workers counted since), with the backing group's shard count and the
 * autoscaler's last decision. Works beside a running service, and on a stopped one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataPaths, serverlessPaths } from '../paths/index.js';
import { readWorkerUsage } from '../reconciler/serverless/engine-process.js';
import { emptyUsage, usageAsOf } from '../reconciler/serverless/usage.js';
import { getGroup, getServerlessCache, SqliteStore } from '../store/index.js';

export function registerUsageCommand(program: Command): void {
  program.command('usage <cache>')
    .description("a serverless cache's metered usage: ECPUs, commands, bytes, GB-hours of data stored (and its endpoint's state)")
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('--json', 'print JSON instead of lines', false)
    .action(async (name: string, o: { dataDir: string; json: boolean }) => {
      const paths = dataPaths(resolve(o.dataDir));
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
        const report = {
          ServerlessCacheName: key, Status: cache.doc.status, ...(cache.doc.waitingFor ? { WaitingFor: cache.doc.waitingFor } : {}),
          Since: u.since, ECPUs: round(u.ecpu), ComputeECPUs: round(u.computeEcpu ?? 0), Commands: u.commands, ReadCommands: u.readCommands, WriteCommands: u.writeCommands,
          ThrottledCommands: u.throttledCommands, BytesIn: u.bytesIn, BytesOut: u.bytesOut,
          DataStorageGBHours: round(u.gbHours), BytesUsedForCache: u.lastBytes ?? null, SampledAt: u.lastSampleAt ?? null,
          Shards: group?.doc.nodeGroups?.filter((ng) => !group.doc.resharding?.removing.includes(ng.id)).length ?? null,
          ...(group?.doc.resharding ? { Scaling: `${group.doc.resharding.movedSlots}/${group.doc.resharding.totalSlots} slots moved` } : {}),
          LastScaling: last ? `${last.at}: ${last.from} → ${last.to} shards (${last.reason})` : null,
        };
        if (o.json) { console.log(JSON.stringify(report, null, 2)); return; }
        const rows = Object.entries(report).map(([k, v]) => [k, String(v ?? '-')] as const);
        const width = Math.max(...rows.map(([k]) => k.length));
        console.log(rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join('\n'));
      } finally {
        await store.close();
      }
    });
}

function round(x: number): number {
  return Math.round(x * 1000) / 1000;
}
