/**
 * Serverless scaling under load (issue 14): a service of its own with small shards
 * (--serverless-shard-memory-mb) and a fast evaluation, one serverless cache, and through its
 * endpoint (ioredis Cluster over TLS) a filler writing 1 KB values and a reader/writer checking
 * every reply. Measured: from the moment the backing primary's memory crosses the scale-out
 * threshold (75 %, watched over the service's admin connection) to the autoscaler's decision
 * (its event), and from the decision to the cache settled on its new shards (`cachefleet usage`);
 * the reader/writer's errors, stale reads and latency during the scaling. Every key is read back.
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { CreateServerlessCacheCommand, DescribeEventsCommand, DescribeServerlessCachesCommand } from '@aws-sdk/client-elasticache';
import { Cluster } from 'ioredis';
import { waitFor } from '../src/util/wait.js';
import { ADMIN_USER, adminSecret } from '../test/helpers/node-admin.js';
import { callFrom, managementAddress } from '../test/helpers/backing.js';
import { startService, type Cleanup } from './service.js';
import { now, percentile, progress, sec, ms, type Row } from './stats.js';

const CLI = new URL('../../bin/cachefleet.js', import.meta.url).pathname;

export interface ServerlessScalingResult {
  shardMb: number;
  keys: number;
  shards: number;
  crossToDecisionMs: number;
  decisionToDoneMs: number;
  loopOps: number;
  loopErrors: number;
  staleReads: number;
  latency: { p50: number; p99: number; max: number };
  missing: number;
}

export async function measureServerlessScaling(cleanup: Cleanup, quick: boolean): Promise<ServerlessScalingResult> {
  const shardMb = quick ? 16 : 64;
  const svc = await startService(cleanup, {
    serverArgs: ['--serverless-shard-memory-mb', String(shardMb), '--serverless-scaling-interval-ms', '250', '--serverless-scale-out-cooldown-ms', '0'],
  });
  await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: 'bench', Engine: 'redis' }));
  const describe = async () => (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: 'bench' }))).ServerlessCaches![0]!;
  await waitFor(async () => (await describe()).Status === 'available', { timeoutMs: 60_000, intervalMs: 200, what: 'the serverless cache' });
  const endpoint = (await describe()).Endpoint!;
  const ca = execFileSync(process.execPath, [CLI, 'ca', '--data-dir', svc.dataDir], { encoding: 'utf8' });
  // Asynchronously: a blocked event loop would show as stalls of the reader/writer measured here.
  const usage = async () => JSON.parse((await promisify(execFile)(process.execPath, [CLI, 'usage', 'bench', '--data-dir', svc.dataDir, '--json'], { encoding: 'utf8' })).stdout) as
    { Shards: number; Scaling?: unknown; LastScaling?: string | null };

  // The backing primary's memory, over the service's own admin login (observation only).
  const key = (await readdir(join(svc.dataDir, 'nodes'))).find((k) => k.startsWith('serverless--bench-0001-001'));
  if (!key) throw new Error('the backing primary serverless--bench-0001-001 was not found');
  const node = JSON.parse(await readFile(join(svc.dataDir, 'nodes', key, 'node.json'), 'utf8')) as { address: string; port: number };
  // Asked from the service's management address, as the service asks it.
  const from = await managementAddress(svc.dataDir, 'bench');
  const login = { user: ADMIN_USER, password: await adminSecret(svc.dataDir) };
  const usedMemory = async () => Number(/used_memory:(\d+)/.exec(String(await callFrom(from, node, ['INFO', 'memory'], login)))![1]);

  const open = async () => {
    const c = new Cluster([{ host: endpoint.Address!, port: endpoint.Port! }], {
      redisOptions: { tls: { ca, servername: endpoint.Address! } }, dnsLookup: (a, cb) => cb(null, a), enableOfflineQueue: false,
    });
    c.on('error', () => undefined);
    cleanup.defer(() => c.disconnect());
    await waitFor(async () => c.status === 'ready', { timeoutMs: 10_000, what: 'a client of the endpoint' });
    return c;
  };
  const filler = await open();
  const loop = await open();

  // The reader/writer: one command at a time, each timed, until told to stop.
  const last = new Map<string, string>();
  const latencies: number[] = [];
  let loopErrors = 0;
  let staleReads = 0;
  let measuring = false;
  let running = true;
  const loopDone = (async () => {
    for (let n = 0; running && n < 10_000_000; n++) {
      const key = `loop:{${n % 128}}`;
      const t0 = now();
      try {
        if (n % 2 === 0) {
          await loop.set(key, String(n));
          last.set(key, String(n));
        } else if (await loop.get(key) !== (last.get(key) ?? null)) staleReads++;
      } catch {
        loopErrors++;
      }
      if (measuring) latencies.push(now() - t0);
    }
  })();

  // Fill until the threshold is crossed, then keep writing until the autoscaler decides.
  const value = (i: number) => `v${i}:`.padEnd(1024, String(i % 10));
  let written = 0;
  const threshold = 0.75 * shardMb * 1024 * 1024;
  let crossedAt: number | undefined;
  progress(`serverless scaling: filling 1 shard of ${shardMb} MB through the endpoint`);
  while (crossedAt === undefined || (await usage()).LastScaling == null) { // null in the JSON until a decision
    const batch = Array.from({ length: 200 }, (_, k) => written + k);
    await Promise.all(batch.map((i) => filler.set(`key:${i}`, value(i))));
    written += batch.length;
    if (crossedAt === undefined && await usedMemory() >= threshold) {
      crossedAt = Date.now();
      measuring = true;
    }
    if (written > 4 * shardMb * 1024) throw new Error(`no scaling decision after ${written} keys`);
  }
  const decisionEvent = async () => (await svc.client.send(new DescribeEventsCommand({ SourceType: 'serverless-cache', SourceIdentifier: 'bench', Duration: 60 })))
    .Events!.find((e) => /scaling out from 1 to \d+ shards/.test(e.Message ?? ''));
  await waitFor(async () => (await decisionEvent())?.Date !== undefined, { timeoutMs: 10_000, intervalMs: 100, what: 'the scale-out event' })
    .catch(async (e: unknown) => {
      const all = (await svc.client.send(new DescribeEventsCommand({ SourceType: 'serverless-cache', SourceIdentifier: 'bench', Duration: 60 }))).Events!;
      throw new Error(`${(e as Error).message}; the autoscaler's last decision: ${(await usage()).LastScaling}; the cache's events: ${all.map((x) => x.Message).join(' | ')}`);
    });
  const decided = (await decisionEvent())!;
  const decidedAt = new Date(decided.Date!).getTime();
  // As many shards as bring the memory back under the threshold: 2, or more when the filler overshot.
  const shards = Number(/to (\d+) shards/.exec(decided.Message!)![1]);
  progress(`serverless scaling: decided ${sec(decidedAt - crossedAt!)} after the crossing; ${written} keys`);
  await waitFor(async () => { const u = await usage(); return u.Shards === shards && u.Scaling == null; },
    { timeoutMs: 300_000, intervalMs: 100, what: 'the scale-out to finish' });
  const doneAt = Date.now();
  measuring = false;
  running = false;
  await loopDone;
  progress(`serverless scaling: ${shards} shards ${sec(doneAt - decidedAt)} after the decision`);

  let missing = 0;
  for (let start = 0; start < written; start += 1000) {
    const ids = Array.from({ length: Math.min(written, start + 1000) - start }, (_, k) => start + k);
    const got = await Promise.all(ids.map((i) => filler.get(`key:${i}`)));
    missing += got.filter((v, j) => v !== value(ids[j]!)).length;
  }
  return {
    shardMb, keys: written, shards, crossToDecisionMs: decidedAt - crossedAt!, decisionToDoneMs: doneAt - decidedAt,
    loopOps: latencies.length, loopErrors, staleReads, missing,
    latency: { p50: percentile(latencies, 50), p99: percentile(latencies, 99), max: Math.max(...latencies) },
  };
}

export function serverlessScalingRows(r: ServerlessScalingResult): Row[] {
  return [
    { measure: `Serverless scale-out under load (${r.shardMb} MB shards, ${r.keys.toLocaleString('en-US')} keys of 1 KB): threshold crossed → decision`, value: sec(r.crossToDecisionMs), goal: '' },
    { measure: `Serverless scale-out: decision → 1 → ${r.shards} shards, slots moved online`, value: sec(r.decisionToDoneMs), goal: '' },
    { measure: 'Serverless scale-out: reader/writer errors / stale reads during it', value: `${r.loopErrors} / ${r.staleReads} of ${r.loopOps.toLocaleString('en-US')}`, goal: '0 / 0', ok: r.loopErrors === 0 && r.staleReads === 0 },
    { measure: 'Serverless scale-out: reader/writer latency p50 / p99 / max', value: `${ms(r.latency.p50, 2)} / ${ms(r.latency.p99, 2)} / ${ms(r.latency.max, 0)}`, goal: '' },
    { measure: 'Serverless scale-out: keys missing or wrong afterwards', value: String(r.missing), goal: '0', ok: r.missing === 0 },
  ];
}
