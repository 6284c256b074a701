/**
 * Redis-side helpers of the cluster-mode benchmark (bench/cluster.ts): hash slots, the cluster's
 * topology as its nodes report it, bulk loading with `redis-cli --pipe` (one pipe per primary,
 * each carrying only keys of that primary's slots), DBSIZE sums, a GET+SET client loop through
 * ioredis' cluster client, a sampled value check, and redis-benchmark runs.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { Cluster } from 'ioredis';
import type { ReplicationGroup } from '@aws-sdk/client-elasticache';
import { countSlots, formatSlots, parseClusterNodes, parseSlots, SLOT_COUNT, type ClusterNode } from '../src/engine/cluster-nodes.js';
import { delay, waitFor } from '../src/util/wait.js';
import { redisCommand } from './groups.js';
import { now, type Summary } from './stats.js';

export interface Endpoint { host: string; port: number }

// ---------------------------------------------------------------------------------------------
// Keys: `ck:<i>` holds `val:<i>`, so every read has exactly one right answer.

export const keyName = (i: number): string => `ck:${i}`;
export const valueOf = (i: number): string => `val:${i}`;

/** Redis Cluster hash slot of a key: the test helpers' CRC16/XMODEM (checked against the server). */
export { keySlot } from '../test/helpers/cluster-mode.js';
import { keySlot } from '../test/helpers/cluster-mode.js';

// ---------------------------------------------------------------------------------------------
// Topology.

export interface Primary {
  id: string;
  host: string;
  port: number;
  /** "0-3276,…" as NodeGroups[].Slots writes it. */
  slots: string;
  replicas: Endpoint[];
}

export interface Topology {
  primaries: Primary[];
  /** slot → index into primaries. */
  owner: Int16Array;
  /** What waitConverged() saw while it waited (distinct reasons, first seen first), e.g. a node in handshake. */
  waitedFor: string[];
}

async function nodesAt(ep: Endpoint): Promise<ClusterNode[]> {
  return parseClusterNodes(await redisCommand(ep.host, ep.port, ['CLUSTER', 'NODES'], 5000));
}

/** Why the views are not one settled cluster matching the description, or undefined when they are. */
function disagreement(views: Map<string, ClusterNode[]>, g: ReplicationGroup): string | undefined {
  let reference: string | undefined;
  let referenceWho = '';
  const owned = (view: ClusterNode[]) => {
    const primaries = view.filter((n) => n.role === 'primary' && n.slots.length);
    return `${primaries.length} primaries owning ${primaries.reduce((a, p) => a + countSlots(p.slots), 0)} slots`;
  };
  for (const [who, view] of views) {
    const me = view.find((n) => n.myself);
    const role = me?.role ?? 'node';
    if (me && (me.migrating.length || me.importing.length)) return `a ${role} has open slots`;
    if (view.some((n) => n.handshake || n.failed || n.noaddr)) return `a ${role} sees a node in handshake/fail/noaddr`;
    const map = view.filter((n) => n.role === 'primary' && n.slots.length).map((n) => `${n.id}=${formatSlots(n.slots)}`).sort().join(' ');
    if (reference === undefined) { reference = map; referenceWho = who; }
    else if (map !== reference) {
      return `a ${role}'s slot map differs from the configuration endpoint's (${owned(view)} vs ${owned(views.get(referenceWho)!)})`;
    }
  }
  const described = (g.NodeGroups ?? []).map((ng) => formatSlots(parseSlots(ng.Slots ?? ''))).sort().join(' ');
  const actual = (reference ?? '').split(' ').map((e) => e.slice(e.indexOf('=') + 1)).sort().join(' ');
  if (described !== actual) return `described slots [${described}] ≠ cluster slots [${actual}]`;
  return undefined;
}

/**
 * Waits until every node of the cluster (as the configuration endpoint lists it) reports
 * cluster_state:ok, no open slots, and the same slot map, equal to the group's NodeGroups[].Slots;
 * returns the topology. Needed after `available`: gossip takes a moment to reach every node.
 */
export async function waitConverged(config: Endpoint, describe: () => Promise<ReplicationGroup>, timeoutMs = 60_000):
  Promise<Topology> {
  let why = 'not checked yet';
  const seen = new Set<string>();
  const not = (reason: string) => { why = reason; seen.add(reason.replace(/\b\d+\.\d+\.\d+\.\d+(:\d+)?/g, 'a node').replace(/\[.*\]/g, '[…]')); return undefined; };
  return waitFor(async () => {
    const g = await describe();
    const seedView = await nodesAt(config);
    const nodes = seedView.filter((n) => !n.failed && !n.handshake && !n.noaddr);
    const views = new Map<string, ClusterNode[]>();
    for (const n of nodes) {
      const ep = { host: n.address, port: n.port };
      const info = await redisCommand(ep.host, ep.port, ['CLUSTER', 'INFO'], 5000);
      if (!/cluster_state:ok/.test(info)) return not(`a ${n.role} reports cluster_state:${/cluster_state:(\w+)/.exec(info)?.[1] ?? '?'}`);
      views.set(`${ep.host}:${ep.port}`, await nodesAt(ep));
    }
    const d = disagreement(views, g);
    if (d) return not(d);
    const primaries: Primary[] = nodes.filter((n) => n.role === 'primary' && n.slots.length).map((n) => ({
      id: n.id, host: n.address, port: n.port, slots: formatSlots(n.slots),
      replicas: nodes.filter((r) => r.role === 'replica' && r.primaryId === n.id).map((r) => ({ host: r.address, port: r.port })),
    }));
    const owner = new Int16Array(SLOT_COUNT).fill(-1);
    primaries.forEach((p, i) => { for (const [a, b] of parseSlots(p.slots)) owner.fill(i, a, b + 1); });
    if (owner.includes(-1)) return not('slots without an owner');
    return { primaries, owner, waitedFor: [...seen] };
  }, { timeoutMs, intervalMs: 200, what: 'the Redis Cluster to converge' }).catch((e: Error) => {
    throw new Error(`${e.message} (last: ${why})`, { cause: e });
  });
}

/** Compares our CRC16 with the server's CLUSTER KEYSLOT on a few keys (a wrong slot would send keys to the wrong pipe). */
export async function checkKeySlot(ep: Endpoint): Promise<void> {
  for (const i of [0, 1, 12_345, 999_999]) {
    const server = Number(await redisCommand(ep.host, ep.port, ['CLUSTER', 'KEYSLOT', keyName(i)]));
    if (server !== keySlot(keyName(i))) throw new Error(`slot of ${keyName(i)}: server ${server}, ours ${keySlot(keyName(i))}`);
  }
}

export async function dbsize(ep: Endpoint): Promise<number> {
  return Number(await redisCommand(ep.host, ep.port, ['DBSIZE'], 10_000));
}

/** DBSIZE of every primary, by node id. */
export async function primarySizes(t: Topology): Promise<Map<string, number>> {
  const sizes = await Promise.all(t.primaries.map((p) => dbsize(p)));
  return new Map(t.primaries.map((p, i) => [p.id, sizes[i]!]));
}

/** Waits until every replica holds as many keys as its primary; returns the shards that did not within the time. */
export async function replicasCaughtUp(t: Topology, timeoutMs = 10_000): Promise<string[]> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const behind: string[] = [];
    for (const p of t.primaries) {
      const want = await dbsize(p);
      for (const r of p.replicas) {
        const have = await dbsize(r);
        if (have !== want) behind.push(`${r.host} ${have}/${want}`);
      }
      if (p.replicas.length === 0) behind.push(`${p.host} has no replica`);
    }
    if (behind.length === 0 || Date.now() > deadline) return behind;
    await delay(200);
  }
}

// ---------------------------------------------------------------------------------------------
// Children (redis-cli, redis-benchmark) are killed if the benchmark exits while they run.

const children = new Set<ChildProcess>();
const killChildren = () => { for (const c of children) { try { c.kill('SIGKILL'); } catch { /* gone */ } } };
function track(c: ChildProcess): ChildProcess {
  if (children.size === 0) process.on('exit', killChildren);
  children.add(c);
  c.once('exit', () => {
    children.delete(c);
    if (children.size === 0) process.off('exit', killChildren);
  });
  return c;
}

// ---------------------------------------------------------------------------------------------
// Loading.

const resp = (k: string, v: string) => `*3\r\n$3\r\nSET\r\n$${k.length}\r\n${k}\r\n$${v.length}\r\n${v}\r\n`;

interface Pipe { write(chunk: Buffer): Promise<void>; end(): Promise<number> }

/** `redis-cli --pipe` to one node: write RESP chunks (with backpressure), then end() resolves with the replies it counted. */
function pipeTo(ep: Endpoint): Pipe {
  const c = track(spawn('redis-cli', ['-h', ep.host, '-p', String(ep.port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] }));
  let out = '';
  c.stdout!.on('data', (d: Buffer) => { out += d.toString(); });
  c.stderr!.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number>((resolve, reject) => {
    c.on('error', reject);
    c.on('exit', (code) => {
      const m = /errors: (\d+), replies: (\d+)/.exec(out);
      if (code !== 0 || !m || m[1] !== '0') return reject(new Error(`redis-cli --pipe to ${ep.host}:${ep.port} exited ${code}: ${out.trim()}`));
      resolve(Number(m[2]));
    });
  });
  exited.catch(() => undefined); // observed by end()
  c.stdin!.on('error', () => { /* reported through the exit */ });
  return {
    write: async (chunk) => {
      if (!c.stdin!.write(chunk)) await Promise.race([new Promise((r) => c.stdin!.once('drain', r)), exited]);
    },
    end: () => { c.stdin!.end(); return exited; },
  };
}

export interface LoadResult { ms: number; perPrimary: number[] }

/**
 * SETs keys 0..n-1, each sent straight to the primary owning its slot: one redis-cli --pipe per
 * primary, all fed while the commands are generated.
 */
export async function loadKeys(t: Topology, n: number): Promise<LoadResult> {
  const t0 = now();
  const pipes = t.primaries.map((p) => pipeTo(p));
  const pending: string[][] = t.primaries.map(() => []);
  const perPrimary = t.primaries.map(() => 0);
  for (let i = 0; i < n; i++) {
    const k = keyName(i);
    const p = t.owner[keySlot(k)]!;
    pending[p]!.push(resp(k, valueOf(i)));
    perPrimary[p]!++;
    if (pending[p]!.length === 10_000) await pipes[p]!.write(Buffer.from(pending[p]!.splice(0).join('')));
  }
  await Promise.all(pending.map((rest, p) => (rest.length ? pipes[p]!.write(Buffer.from(rest.join(''))) : undefined)));
  const replies = await Promise.all(pipes.map((p) => p.end()));
  replies.forEach((r, i) => {
    if (r !== perPrimary[i]) throw new Error(`${t.primaries[i]!.host}: ${r} replies for ${perPrimary[i]} SETs`);
  });
  return { ms: now() - t0, perPrimary };
}

// ---------------------------------------------------------------------------------------------
// Cluster client.

/** ioredis' cluster client seeded with the configuration endpoint only (it discovers the nodes). */
export async function clusterClient(config: Endpoint): Promise<Cluster> {
  const c = new Cluster([{ host: config.host, port: config.port }], {
    slotsRefreshTimeout: 2000,
    redisOptions: { connectTimeout: 2000, commandTimeout: 10_000 },
  });
  c.on('error', () => { /* a failed command is counted where it fails */ });
  c.on('node error', () => { /* idem */ });
  if (c.status !== 'ready') {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`cluster client not ready after 15 s (status ${c.status})`)), 15_000);
      c.once('ready', () => { clearTimeout(timer); resolve(); });
    });
  }
  return c;
}

export interface LoopReport {
  ops: number;
  gets: number;
  sets: number;
  errors: number;
  /** GETs that returned nothing (the key was lost, or not found where the client was sent). */
  missing: number;
  /** GETs that returned another value. */
  wrong: number;
  /** Distinct error messages (digits folded) with counts, and the first few with a timestamp. */
  errorKinds: Map<string, number>;
  samples: string[];
  latency: Summary;
  /** Longest time between two completed commands of the whole loop, ms. */
  maxGapMs: number;
  elapsedMs: number;
}

/**
 * `workers` concurrent loops, each: a random key of 0..keys-1, GET (checked against its only
 * right value), then SET of that same value (so the data set never changes). Every rejected
 * command is an error; MOVED/ASK redirections are followed inside the client and are not.
 */
export class GetSetLoop {
  private running = true;
  private readonly done: Promise<void>;
  private readonly lat: number[] = [];
  private lastOk = now();
  private readonly started = now();
  private stoppedAt = 0;
  readonly r: Omit<LoopReport, 'latency' | 'elapsedMs'> = {
    ops: 0, gets: 0, sets: 0, errors: 0, missing: 0, wrong: 0, errorKinds: new Map(), samples: [], maxGapMs: 0,
  };

  constructor(private readonly cluster: Cluster, private readonly keys: number, workers = 8) {
    this.done = Promise.all(Array.from({ length: workers }, () => this.worker())).then(() => undefined);
  }

  private ok(t0: number): void {
    const t = now();
    this.lat.push(t - t0);
    this.r.maxGapMs = Math.max(this.r.maxGapMs, t - this.lastOk);
    this.lastOk = t;
    this.r.ops++;
  }

  private async fail(op: string, key: string, e: unknown): Promise<void> {
    this.r.errors++;
    const msg = String((e as Error).message ?? e).slice(0, 160);
    const kind = `${op} ${msg.replace(/\d+/g, 'N')}`;
    this.r.errorKinds.set(kind, (this.r.errorKinds.get(kind) ?? 0) + 1);
    if (this.r.samples.length < 8) this.r.samples.push(`${new Date().toISOString().slice(11, 23)} ${op} ${key} (slot ${keySlot(key)}): ${msg}`);
    await delay(5);
  }

  private async worker(): Promise<void> {
    while (this.running) {
      const i = Math.floor(Math.random() * this.keys);
      const key = keyName(i);
      let t0 = now();
      try {
        const got = await this.cluster.get(key);
        this.ok(t0);
        this.r.gets++;
        if (got === null) this.r.missing++;
        else if (got !== valueOf(i)) this.r.wrong++;
        if (got !== valueOf(i) && this.r.samples.length < 8) this.r.samples.push(`${new Date().toISOString().slice(11, 23)} GET ${key} (slot ${keySlot(key)}) → ${got}`);
      } catch (e) {
        await this.fail('GET', key, e);
        continue;
      }
      t0 = now();
      try {
        const r = await this.cluster.set(key, valueOf(i));
        if (r !== 'OK') throw new Error(`SET replied ${String(r)}`);
        this.ok(t0);
        this.r.sets++;
      } catch (e) {
        await this.fail('SET', key, e);
      }
    }
  }

  async stop(): Promise<LoopReport> {
    this.running = false;
    await this.done;
    this.stoppedAt = now();
    return { ...this.r, latency: summary(this.lat), elapsedMs: this.stoppedAt - this.started };
  }
}

/**
 * Percentiles like stats.ts summarize(), for samples of millions (its max() spreads the array
 * into Math.max, which overflows the call stack above ~100k values).
 */
function summary(values: number[]): Summary {
  if (values.length === 0) return { n: 0, p50: NaN, p95: NaN, p99: NaN, max: NaN };
  const s = Float64Array.from(values).sort();
  const at = (p: number) => s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))]!;
  return { n: s.length, p50: at(50), p95: at(95), p99: at(99), max: s[s.length - 1]! };
}

export interface SampleCheck { checked: number; missing: number; wrong: number; errors: number; samples: string[] }

/** GETs `count` distinct random keys of 0..keys-1 through the cluster client and checks each value. */
export async function sampleCheck(cluster: Cluster, keys: number, count = 10_000): Promise<SampleCheck> {
  const pick = new Set<number>();
  while (pick.size < Math.min(count, keys)) pick.add(Math.floor(Math.random() * keys));
  const idx = [...pick];
  const res: SampleCheck = { checked: 0, missing: 0, wrong: 0, errors: 0, samples: [] };
  for (let b = 0; b < idx.length; b += 500) {
    const batch = idx.slice(b, b + 500);
    const rs = await Promise.allSettled(batch.map((i) => cluster.get(keyName(i))));
    rs.forEach((r, k) => {
      const i = batch[k]!;
      res.checked++;
      if (r.status === 'rejected') {
        res.errors++;
        if (res.samples.length < 5) res.samples.push(`${keyName(i)}: ${(r.reason as Error).message}`);
      } else if (r.value !== valueOf(i)) {
        if (r.value === null) res.missing++;
        else res.wrong++;
        if (res.samples.length < 5) res.samples.push(`${keyName(i)} (slot ${keySlot(keyName(i))}): got ${r.value}`);
      }
    });
  }
  return res;
}

// ---------------------------------------------------------------------------------------------
// redis-benchmark.

/** GET requests per second of one `redis-benchmark -t get --csv` run (`extra`: --cluster, -P). */
export function redisBenchmarkGet(ep: Endpoint, requests: number, extra: string[]): Promise<number> {
  const args = ['-h', ep.host, '-p', String(ep.port), '-c', '50', '-n', String(requests), '-t', 'get', '--csv', ...extra];
  return new Promise((resolve, reject) => {
    const c = track(execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark ${args.join(' ')} output:\n${stdout}\n${stderr}`));
      resolve(value);
    }));
    void c;
  });
}
