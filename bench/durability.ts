/**
 * The durable-writes option (parameter cachefleet-durable-writes), measured:
 *   (a) acknowledged writes lost when the primary is killed (SIGKILL) under a fast writer, with and
 *       without the option: two 3-node groups with automatic failover, `kills` kills each, the
 *       writer pipelining SETs over several connections through the primary endpoint; after each
 *       failover every acknowledged key is read back through the endpoint;
 *   (b) what it costs: redis-benchmark SET (-c 50, with and without pipelining) through the durable
 *       primary endpoint (userspace proxy + WAIT) vs the plain one (kernel NAT): throughput and
 *       p50/p99 latency, runs alternating (ABBA) so load drift hits both alike.
 *
 *   const r = await measureDurability(svc.client, svc.dataDir, { kills: 10 });
 *   rows.push(...durabilityRows(r));
 */
import { execFile } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import {
  CreateCacheParameterGroupCommand, CreateReplicationGroupCommand, DeleteCacheParameterGroupCommand,
  ModifyCacheParameterGroupCommand, type ElastiCacheClient, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { waitFor } from '../src/util/wait.js';
import { deleteGroup, describeGroup, waitAvailable, waitGone } from './groups.js';
import { max, median, ms, progress, rps, type Row } from './stats.js';

export interface DurabilityOptions {
  /** Primary kills per group (default 10). */
  kills?: number;
  /** Fewer requests and repetitions for a quick run. */
  quick?: boolean;
  /** Writer connections, each pipelining `pipeline` SETs of `valueBytes` at a time (defaults 8, 32, 512). */
  writers?: number;
  pipeline?: number;
  valueBytes?: number;
  /**
   * Every other kill, the replicas are first stopped (SIGSTOP) this long and resumed right after
   * the kill: a lagging replica, when asynchronous replication loses writes (on one machine a plain
   * kill rarely catches a replica behind). Default 300; 0: plain kills only.
   */
  replicaStallMs?: number;
  /** Run the redis-benchmark part (b) (default true). */
  latency?: boolean;
}

export interface KillRun {
  /** How long the replicas were stopped before the kill (0: a plain kill). */
  stallMs: number;
  acknowledged: number;
  lost: number;
  errors: number;
  /** Kill → first acknowledged write after it (ms). */
  resumedMs: number;
  firstError?: string;
}

export interface LatencyRun {
  endpoint: 'durable' | 'nat';
  pipeline: number;
  rps: number[];
  p50: number[];
  p99: number[];
}

export interface DurabilityResult {
  kills: { durable: KillRun[]; plain: KillRun[] };
  latency: LatencyRun[];
}

const DURABLE_PG = 'bench-durable';
const GROUPS = { durable: 'bench-dur-on', plain: 'bench-dur-off' } as const;
type Mode = keyof typeof GROUPS;

const primaryOf = (g: ReplicationGroup): string | undefined =>
  g.NodeGroups?.[0]?.NodeGroupMembers?.find((m) => m.CurrentRole === 'primary')?.CacheClusterId;
const endpointOf = (g: ReplicationGroup): { host: string; port: number } =>
  ({ host: g.NodeGroups![0]!.PrimaryEndpoint!.Address!, port: g.NodeGroups![0]!.PrimaryEndpoint!.Port! });

/**
 * Writes unique keys as fast as it can: `conns` connections, each with `depth` SETs in flight (one
 * pipeline at a time), reconnecting and retrying as a production client would. Records every key
 * whose SET was acknowledged with OK, and when each pipeline was sent and answered.
 */
class FastWriter {
  readonly acked = new Map<string, string>();
  errors = 0;
  /** The first error a write got (e.g. OOM when the cache is full), for the progress line. */
  firstError: string | undefined;
  /** [sent, answered] of every pipeline that got at least one OK, in answer order per connection. */
  private readonly answered: [number, number][] = [];
  private running = true;
  private readonly clients: Redis[] = [];
  private readonly loops: Promise<void>[] = [];

  constructor(host: string, port: number, prefix: string, conns: number, depth: number, private readonly value: string) {
    for (let c = 0; c < conns; c++) {
      const client = new Redis({ host, port, maxRetriesPerRequest: null, retryStrategy: () => 20, connectTimeout: 1000, enableReadyCheck: false });
      client.on('error', () => {});
      this.clients.push(client);
      this.loops.push(this.loop(client, `${prefix}:${c}`, depth));
    }
  }

  private async loop(client: Redis, prefix: string, depth: number): Promise<void> {
    let seq = 0;
    while (this.running) {
      const p = client.pipeline();
      const keys: string[] = [];
      for (let i = 0; i < depth; i++, seq++) {
        keys.push(`${prefix}:${seq}`);
        p.set(`${prefix}:${seq}`, `${seq}:${this.value}`);
      }
      const sent = Date.now();
      try {
        const res = (await p.exec()) ?? [];
        let ok = 0;
        res.forEach(([err, v], i) => {
          if (err || v !== 'OK') { this.errors++; this.firstError ??= String(err?.message ?? v).slice(0, 60); return; }
          const k = keys[i]!;
          this.acked.set(k, `${k.slice(k.lastIndexOf(':') + 1)}:${this.value}`);
          ok++;
        });
        if (ok > 0) this.answered.push([sent, Date.now()]);
      } catch {
        this.errors += depth;
        await new Promise((r) => setTimeout(r, 5));
      }
    }
  }

  /**
   * When the first write sent at or after `t` was acknowledged (a pipeline sent before a kill may
   * be answered after it, by the old primary: that is not a resumption).
   */
  firstAckSentAfter(t: number): number | undefined {
    let first: number | undefined;
    for (let i = this.answered.length - 1; i >= 0; i--) {
      const [sent, at] = this.answered[i]!;
      if (sent >= t && (first === undefined || at < first)) first = at;
      if (at < t) break;
    }
    return first;
  }

  async stop(): Promise<void> {
    this.running = false;
    await Promise.all(this.loops);
    for (const c of this.clients) c.disconnect();
  }
}

/** Acknowledged keys not readable (or with another value) through the endpoint. */
async function countLost(host: string, port: number, acked: Map<string, string>): Promise<number> {
  const r = new Redis({ host, port, maxRetriesPerRequest: 3 });
  r.on('error', () => {});
  try {
    const keys = [...acked.keys()];
    let lost = 0;
    for (let i = 0; i < keys.length; i += 2000) {
      const chunk = keys.slice(i, i + 2000);
      const values = await r.mget(...chunk);
      values.forEach((v, j) => { if (v !== acked.get(chunk[j]!)) lost++; });
    }
    return lost;
  } finally {
    r.disconnect();
  }
}

/** Empties the group through its primary endpoint (replicated to every replica). */
async function flushAll(host: string, port: number): Promise<void> {
  const r = new Redis({ host, port, maxRetriesPerRequest: 3 });
  r.on('error', () => {});
  try {
    await r.flushall();
  } finally {
    r.disconnect();
  }
}

async function nodePid(dataDir: string, clusterId: string): Promise<number> {
  return Number((await readFile(join(dataDir, 'nodes', `${clusterId}-0001`, 'redis.pid'), 'utf8')).trim());
}

/** The group available again with three members and a primary other than `not`. */
function whole(client: ElastiCacheClient, id: string, not?: string): Promise<ReplicationGroup> {
  return waitFor(async () => {
    const g = await describeGroup(client, id);
    const members = g?.NodeGroups?.[0]?.NodeGroupMembers ?? [];
    const p = primaryOf(g ?? {});
    return g?.Status === 'available' && members.length === 3 && p !== undefined && p !== not &&
      members.filter((m) => m.CurrentRole === 'primary').length === 1 ? g : undefined;
  }, { timeoutMs: 60_000, intervalMs: 20, what: `group ${id} to be whole` });
}

async function killOnce(client: ElastiCacheClient, dataDir: string, id: string, run: number, stallMs: number,
  o: Required<DurabilityOptions>): Promise<KillRun> {
  const g = await whole(client, id);
  const old = primaryOf(g)!;
  const { host, port } = endpointOf(g);
  const writer = new FastWriter(host, port, `${id}:${run}`, o.writers, o.pipeline, 'v'.repeat(o.valueBytes));
  try {
    await waitFor(() => writer.acked.size >= (o.quick ? 5000 : 20_000), { timeoutMs: 30_000, what: 'writes before the kill' });
    const pid = await nodePid(dataDir, old);
    // A lagging replica (a stall, a slow link) is when asynchronous replication loses writes: the
    // replicas are stopped for a moment, the primary dies at its end, and they carry on.
    const replicas = stallMs > 0
      ? await Promise.all((g.NodeGroups![0]!.NodeGroupMembers ?? []).filter((m) => m.CurrentRole === 'replica').map((m) => nodePid(dataDir, m.CacheClusterId!)))
      : [];
    let killedAt: number;
    try {
      for (const r of replicas) process.kill(r, 'SIGSTOP');
      if (replicas.length > 0) await new Promise((r) => setTimeout(r, stallMs));
      killedAt = Date.now();
      process.kill(pid, 'SIGKILL');
    } finally {
      for (const r of replicas) process.kill(r, 'SIGCONT');
    }
    await waitFor(() => writer.firstAckSentAfter(killedAt), { timeoutMs: 30_000, intervalMs: 5, what: 'a write after the kill' });
    const resumedMs = writer.firstAckSentAfter(killedAt)! - killedAt;
    await whole(client, id, old);
    await writer.stop();
    const lost = await countLost(host, port, writer.acked);
    // Each kill writes ~100k keys of 512 bytes: without a flush, ten kills fill a cache.t3.micro's
    // maxmemory and the writes of the last ones fail with OOM (not what this measures).
    await flushAll(host, port);
    return { stallMs, acknowledged: writer.acked.size, lost, errors: writer.errors, resumedMs, ...(writer.firstError ? { firstError: writer.firstError } : {}) };
  } finally {
    await writer.stop();
  }
}

interface BenchOut { rps: number; p50: number; p99: number }

function redisBenchmark(host: string, port: number, requests: number, pipeline: number): Promise<BenchOut> {
  const args = ['-h', host, '-p', String(port), '-c', '50', '-n', String(requests), '-t', 'set', '-r', '100000', '--csv'];
  if (pipeline > 1) args.push('-P', String(pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"SET"'));
      const f = line?.split(',').map((x) => Number(x.replace(/"/g, '')));
      if (!f || !(f[1]! > 0)) return reject(new Error(`no SET result in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve({ rps: f[1]!, p50: f[4]!, p99: f[6]! });
    });
  });
}

async function measureLatency(endpoints: Record<Mode, { host: string; port: number }>, quick: boolean): Promise<LatencyRun[]> {
  const reps = quick ? 2 : 4;
  const out: LatencyRun[] = [];
  for (const pipeline of [1, 16]) {
    const requests = (quick ? 50_000 : 200_000) * (pipeline > 1 ? 4 : 1);
    const durable: LatencyRun = { endpoint: 'durable', pipeline, rps: [], p50: [], p99: [] };
    const nat: LatencyRun = { endpoint: 'nat', pipeline, rps: [], p50: [], p99: [] };
    for (let i = 0; i < reps; i++) {
      const order: [LatencyRun, Mode][] = i % 2 === 0 ? [[nat, 'plain'], [durable, 'durable']] : [[durable, 'durable'], [nat, 'plain']];
      for (const [run, mode] of order) {
        const r = await redisBenchmark(endpoints[mode].host, endpoints[mode].port, requests, pipeline);
        run.rps.push(r.rps);
        run.p50.push(r.p50);
        run.p99.push(r.p99);
      }
      progress(`SET -c 50 -P ${pipeline} ${i + 1}/${reps}: NAT ${rps(nat.rps.at(-1)!)} rps p99 ${ms(nat.p99.at(-1)!, 2)}, ` +
        `durable ${rps(durable.rps.at(-1)!)} rps p99 ${ms(durable.p99.at(-1)!, 2)}`);
    }
    out.push(nat, durable);
  }
  return out;
}

export async function measureDurability(client: ElastiCacheClient, dataDir: string, opts: DurabilityOptions = {}): Promise<DurabilityResult> {
  const o: Required<DurabilityOptions> = {
    kills: opts.kills ?? 10, quick: opts.quick ?? false,
    writers: opts.writers ?? 8, pipeline: opts.pipeline ?? 32, valueBytes: opts.valueBytes ?? 512,
    replicaStallMs: opts.replicaStallMs ?? 300, latency: opts.latency ?? true,
  };
  await client.send(new CreateCacheParameterGroupCommand({
    CacheParameterGroupName: DURABLE_PG, CacheParameterGroupFamily: 'redis7', Description: 'benchmark: durable writes',
  }));
  await client.send(new ModifyCacheParameterGroupCommand({
    CacheParameterGroupName: DURABLE_PG, ParameterNameValues: [{ ParameterName: 'cachefleet-durable-writes', ParameterValue: 'yes' }],
  }));
  const create = (id: string, pg?: string) => client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: id, ReplicationGroupDescription: 'durability bench', CacheNodeType: 'cache.t3.micro',
    NumCacheClusters: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true, ...(pg ? { CacheParameterGroupName: pg } : {}),
  }));
  try {
    await create(GROUPS.durable, DURABLE_PG);
    await create(GROUPS.plain);
    const endpoints = {
      durable: endpointOf(await waitAvailable(client, GROUPS.durable)),
      plain: endpointOf(await waitAvailable(client, GROUPS.plain)),
    };
    const latency = o.latency ? await measureLatency(endpoints, o.quick) : [];
    const kills: DurabilityResult['kills'] = { durable: [], plain: [] };
    for (let run = 1; run <= o.kills; run++) {
      const stallMs = run % 2 === 0 ? o.replicaStallMs : 0;
      for (const mode of ['durable', 'plain'] as const) {
        const r = await killOnce(client, dataDir, GROUPS[mode], run, stallMs, o);
        kills[mode].push(r);
        progress(`kill ${run}/${o.kills} ${mode.padEnd(7)}${stallMs ? ` (replicas stalled ${stallMs} ms)` : ''}: ${r.acknowledged} acknowledged, ` +
          `${r.lost} lost, ${r.errors} errors${r.firstError ? ` (first: ${r.firstError})` : ''}, writes resumed after ${r.resumedMs} ms`);
      }
    }
    return { kills, latency };
  } finally {
    for (const id of Object.values(GROUPS)) await deleteGroup(client, id).catch(() => undefined);
    for (const id of Object.values(GROUPS)) await waitGone(client, id).catch(() => undefined);
    await client.send(new DeleteCacheParameterGroupCommand({ CacheParameterGroupName: DURABLE_PG })).catch(() => undefined);
  }
}

const sum = (xs: number[]): number => xs.reduce((a, b) => a + b, 0);

/** Rows for the benchmark's results table. */
export function durabilityRows(r: DurabilityResult): Row[] {
  const rows: Row[] = [];
  const lost = (runs: KillRun[]) => `${sum(runs.map((x) => x.lost))} of ${sum(runs.map((x) => x.acknowledged)).toLocaleString('en-US')}` +
    ` (${runs.filter((x) => x.lost > 0).length}/${runs.length} kills lost some)`;
  const kinds: [string, (k: KillRun) => boolean][] = [['', (k) => k.stallMs === 0]];
  const stall = r.kills.durable.find((k) => k.stallMs > 0)?.stallMs;
  if (stall) kinds.push([`, replicas stalled ${stall} ms before`, (k) => k.stallMs > 0]);
  for (const [how, which] of kinds) {
    const on = r.kills.durable.filter(which);
    const off = r.kills.plain.filter(which);
    rows.push({ measure: `Acknowledged writes lost, ${on.length} primary kills${how}, durable writes on`, value: lost(on),
      goal: '0', ok: sum(on.map((x) => x.lost)) === 0 });
    rows.push({ measure: `Acknowledged writes lost, ${off.length} primary kills${how}, durable writes off`, value: lost(off), goal: '' });
  }
  rows.push({ measure: 'Writes answered with an error around the kills (not acknowledged), durable on / off',
    value: `${sum(r.kills.durable.map((x) => x.errors))} / ${sum(r.kills.plain.map((x) => x.errors))}`, goal: '' });
  // Durable writes also need a replica in sync after the failover: while the remaining ones resync
  // (a full sync when they lagged past the backlog), writes wait and may get NOREPLICAS.
  const resumed = (runs: KillRun[]) => `${ms(median(runs.map((x) => x.resumedMs)), 0)}, ${ms(max(runs.map((x) => x.resumedMs)), 0)}`;
  rows.push({ measure: 'Kill → first acknowledged write, durable on / off (median, max)',
    value: `${resumed(r.kills.durable)} / ${resumed(r.kills.plain)}`, goal: '' });
  for (const pipeline of [...new Set(r.latency.map((x) => x.pipeline))]) {
    const nat = r.latency.find((x) => x.endpoint === 'nat' && x.pipeline === pipeline)!;
    const dur = r.latency.find((x) => x.endpoint === 'durable' && x.pipeline === pipeline)!;
    const p = pipeline > 1 ? ` -P ${pipeline}` : '';
    rows.push({ measure: `SET -c 50${p}: durable / NAT endpoint throughput`,
      value: `${rps(median(dur.rps))} / ${rps(median(nat.rps))} rps (${(median(dur.rps) / median(nat.rps)).toFixed(2)})`, goal: '' });
    rows.push({ measure: `SET -c 50${p}: durable / NAT endpoint latency p50, p99`,
      value: `${ms(median(dur.p50), 2)}, ${ms(median(dur.p99), 2)} / ${ms(median(nat.p50), 2)}, ${ms(median(nat.p99), 2)}`, goal: '' });
  }
  return rows;
}
