/**
 * Helpers for end-to-end tests of cluster mode enabled replication groups, as an application sees
 * them: the aws CLI, cluster clients discovering the nodes through the configuration endpoint,
 * the slot map a group describes, CLUSTER NODES as a node reports it, `redis-cli --cluster check`,
 * and a client loop that reads and writes keys of every shard, checking each read against the
 * last acknowledged write and counting every rejected command (per group of keys).
 */
import { Cluster } from 'ioredis';
import {
  DescribeCacheClustersCommand, DescribeEventsCommand, type ElastiCacheClient, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { delay } from '../../src/util/wait.js';
import type { Cleanup } from './cleanup.js';
import { run, runOk } from './e2e-exec.js';
import type { TestService } from './service.js';

export const SLOT_COUNT = 16384;

/** `aws elasticache <args> --endpoint-url <svc> --output json`, parsed; throws with stderr on failure. */
export async function awsElastiCache(svc: TestService, ...args: string[]): Promise<any> {
  const r = await run('aws', ['elasticache', ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 120_000 });
  if (r.code !== 0) throw new Error(`aws elasticache ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
  return r.stdout.trim() ? JSON.parse(r.stdout) : {};
}

// ---------------------------------------------------------------------------------------------
// Hash slots (CRC16/XMODEM of the key or of its {hash tag}, mod 16384), computed independently of
// the service so the tests can tell which shard a key belongs to.

const CRC_TABLE = (() => {
  const t = new Uint16Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i << 8;
    for (let k = 0; k < 8; k++) c = c & 0x8000 ? ((c << 1) ^ 0x1021) & 0xffff : (c << 1) & 0xffff;
    t[i] = c;
  }
  return t;
})();

function crc16(buf: Buffer): number {
  let crc = 0;
  for (const b of buf) crc = ((crc << 8) & 0xffff) ^ CRC_TABLE[((crc >> 8) ^ b) & 0xff]!;
  return crc;
}

export function keySlot(key: string): number {
  const buf = Buffer.from(key);
  const open = buf.indexOf('{');
  if (open >= 0) {
    const close = buf.indexOf('}', open + 1);
    if (close > open + 1) return crc16(buf.subarray(open + 1, close)) % SLOT_COUNT;
  }
  return crc16(buf) % SLOT_COUNT;
}

/** "0-5461" or "0-100,200,300-400" → inclusive ranges. */
export function parseSlotRanges(s: string | undefined): [number, number][] {
  return (s ?? '').split(/[,\s]+/).filter(Boolean).map((part) => {
    const [a, b] = part.split('-').map(Number);
    return [a!, b ?? a!] as [number, number];
  });
}

/**
 * Which node group owns each slot according to the group's description, and what is wrong with
 * that map (slots owned by nobody or by two node groups); `problems` is empty when the node
 * groups' Slots cover 0-16383 exactly once.
 */
export function slotMap(g: ReplicationGroup): { owners: string[]; problems: string[] } {
  const owners: string[] = new Array(SLOT_COUNT).fill('');
  const problems: string[] = [];
  for (const ng of g.NodeGroups ?? []) {
    for (const [a, b] of parseSlotRanges(ng.Slots)) {
      if (!(a >= 0 && b < SLOT_COUNT && a <= b)) { problems.push(`${ng.NodeGroupId}: bad range ${a}-${b}`); continue; }
      for (let s = a; s <= b; s++) {
        if (owners[s]) problems.push(`slot ${s} in ${owners[s]} and ${ng.NodeGroupId}`);
        owners[s] = ng.NodeGroupId!;
      }
    }
  }
  const free = owners.filter((o) => !o).length;
  if (free) problems.push(`${free} slots owned by no node group`);
  return { owners, problems: problems.slice(0, 10) };
}

// ---------------------------------------------------------------------------------------------
// Nodes.

export interface Endpoint { address: string; port: number }

/** Every member's node endpoint (DescribeCacheClusters --show-cache-node-info), by cache cluster id. */
export async function memberEndpoints(client: ElastiCacheClient, g: ReplicationGroup): Promise<Map<string, Endpoint>> {
  const out = new Map<string, Endpoint>();
  for (const id of g.MemberClusters ?? []) {
    const r = await client.send(new DescribeCacheClustersCommand({ CacheClusterId: id, ShowCacheNodeInfo: true }));
    const ep = r.CacheClusters?.[0]?.CacheNodes?.[0]?.Endpoint;
    if (!ep?.Address || !ep.Port) throw new Error(`cache cluster ${id} shows no node endpoint`);
    out.set(id, { address: ep.Address, port: ep.Port });
  }
  return out;
}

export interface NodeLine {
  id: string;
  address: string;
  port: number;
  flags: string[];
  master: boolean;
  /** For a replica: the id of its primary. */
  primaryId?: string;
  /** Slot ranges as printed ("0-5461", "[93->-id]" for open slots). */
  slots: string[];
  line: string;
}

/** A minimal CLUSTER NODES parser (kept apart from the service's own). */
export function parseClusterNodes(text: string): NodeLine[] {
  return text.split('\n').map((l) => l.trim()).filter(Boolean).map((line) => {
    const [id, addr, flagField, primary, , , , , ...slots] = line.split(' ');
    const hostPort = addr!.split('@')[0]!;
    const colon = hostPort.lastIndexOf(':');
    const flags = flagField!.split(',');
    return {
      id: id!, address: hostPort.slice(0, colon), port: Number(hostPort.slice(colon + 1)), flags,
      master: flags.includes('master'), primaryId: primary === '-' ? undefined : primary, slots, line,
    };
  });
}

export async function clusterNodesAt(ep: Endpoint): Promise<NodeLine[]> {
  const r = await runOk('redis-cli', ['-h', ep.address, '-p', String(ep.port), 'CLUSTER', 'NODES'], { timeoutMs: 10_000 });
  return parseClusterNodes(r.stdout);
}

/** The member (cache cluster id) each node of `nodes` is, matched by address. */
export function memberOfAddress(endpoints: Map<string, Endpoint>, address: string): string | undefined {
  return [...endpoints].find(([, ep]) => ep.address === address)?.[0];
}

/** Sum of DBSIZE over the primaries that own slots, as `seed` sees the cluster. */
export async function keysOnPrimaries(seed: Endpoint): Promise<number> {
  let total = 0;
  for (const n of (await clusterNodesAt(seed)).filter((x) => x.master && x.slots.length)) {
    const r = await runOk('redis-cli', ['-h', n.address, '-p', String(n.port), 'DBSIZE'], { timeoutMs: 10_000 });
    total += Number(r.stdout.trim());
  }
  return total;
}

export interface ClusterCheck {
  code: number;
  output: string;
  /** From "[OK] N keys in M masters." */
  masters?: number;
  keys?: number;
  allCovered: boolean;
}

/** `redis-cli --cluster check host:port` (output without terminal colours). */
export async function clusterCheck(ep: Endpoint): Promise<ClusterCheck> {
  const r = await run('redis-cli', ['--cluster', 'check', `${ep.address}:${ep.port}`], { timeoutMs: 30_000 });
  const output = `${r.stdout}${r.stderr}`.replace(/\x1b\[[0-9;]*m/g, '');
  const m = /\[OK\] (\d+) keys in (\d+) masters\./.exec(output);
  return {
    code: r.code, output, keys: m ? Number(m[1]) : undefined, masters: m ? Number(m[2]) : undefined,
    allCovered: output.includes('[OK] All 16384 slots covered.'),
  };
}

// ---------------------------------------------------------------------------------------------
// Events.

export async function groupEvents(client: ElastiCacheClient, groupId: string): Promise<{ message: string; date: Date }[]> {
  const out: { message: string; date: Date }[] = [];
  let marker: string | undefined;
  do {
    const r = await client.send(new DescribeEventsCommand({ SourceIdentifier: groupId, SourceType: 'replication-group', Duration: 600, Marker: marker, MaxRecords: 100 }));
    for (const e of r.Events ?? []) out.push({ message: e.Message ?? '', date: e.Date ?? new Date(0) });
    marker = r.Marker;
  } while (marker);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Clients and keys.

/** A Redis Cluster client seeded with one address (the configuration endpoint); disconnected by the cleanup. */
export function clusterClient(cleanup: Cleanup, ep: Endpoint): Cluster {
  const c = new Cluster([{ host: ep.address, port: ep.port }], {
    slotsRefreshTimeout: 2000,
    retryDelayOnFailover: 50,
    retryDelayOnClusterDown: 50,
    retryDelayOnTryAgain: 50,
    maxRedirections: 32,
    redisOptions: { connectTimeout: 1000 },
  });
  c.on('error', () => { /* counted where a command fails */ });
  cleanup.defer(() => c.disconnect());
  return c;
}

export const keyName = (i: number): string => `key:${i}`;
export const initialValue = (i: number): string => `v0:${i}`;

/**
 * SETs keys 0..n-1 to their initial value, `batch` commands in flight at a time (individual
 * commands, never a cross-slot pipeline). Returns how many were rejected and a few messages.
 */
export async function loadKeys(cluster: Cluster, n: number, batch = 1000): Promise<{ rejected: number; samples: string[] }> {
  let rejected = 0;
  const samples: string[] = [];
  for (let b = 0; b < n; b += batch) {
    const idx = Array.from({ length: Math.min(batch, n - b) }, (_, k) => b + k);
    const rs = await Promise.allSettled(idx.map((i) => cluster.set(keyName(i), initialValue(i))));
    for (const r of rs) {
      if (r.status === 'fulfilled' && r.value === 'OK') continue;
      rejected++;
      if (samples.length < 5) samples.push(r.status === 'rejected' ? String((r.reason as Error).message) : `reply ${String(r.value)}`);
    }
  }
  return { rejected, samples };
}

export interface VerifyResult {
  checked: number;
  missing: number;
  wrong: number;
  rejected: number;
  samples: string[];
  /** Indexes of keys whose value was not the expected one (missing or different). */
  bad: number[];
}

/** GETs keys 0..values.length-1 and compares with `values` (or the loop's `alt` value of an unacknowledged write). */
export async function verifyKeys(cluster: Cluster, values: string[], alt: Map<number, string> = new Map(), batch = 1000): Promise<VerifyResult> {
  const res: VerifyResult = { checked: 0, missing: 0, wrong: 0, rejected: 0, samples: [], bad: [] };
  for (let b = 0; b < values.length; b += batch) {
    const idx = Array.from({ length: Math.min(batch, values.length - b) }, (_, k) => b + k);
    const rs = await Promise.allSettled(idx.map((i) => cluster.get(keyName(i))));
    rs.forEach((r, k) => {
      const i = idx[k]!;
      res.checked++;
      if (r.status === 'rejected') {
        res.rejected++;
        res.bad.push(i);
        if (res.samples.length < 8) res.samples.push(`${keyName(i)}: ${(r.reason as Error).message}`);
        return;
      }
      if (r.value === values[i] || (alt.has(i) && r.value === alt.get(i))) return;
      if (r.value === null) res.missing++;
      else res.wrong++;
      res.bad.push(i);
      if (res.samples.length < 8) res.samples.push(`${keyName(i)} (slot ${keySlot(keyName(i))}): expected ${values[i]}, got ${r.value}`);
    });
  }
  return res;
}

export interface GroupStats {
  reads: number;
  writes: number;
  /** Rejected commands. */
  errors: number;
  errorKinds: string[];
  /** GETs that returned neither the last acknowledged value nor an unacknowledged one. */
  mismatches: number;
  /** Of which: the key was missing. */
  missing: number;
  mismatchSamples: string[];
  /** Longest time between two successful commands on keys of this group, ms. */
  maxGapMs: number;
  lastOkAt: number;
  /** First success of a command sent at or after the time given to markAt(), ms since epoch. */
  firstOkAfterMark?: number;
}

const newStats = (): GroupStats => ({
  reads: 0, writes: 0, errors: 0, errorKinds: [], mismatches: 0, missing: 0, mismatchSamples: [], maxGapMs: 0, lastOkAt: Date.now(),
});

/**
 * Workers that each own a disjoint set of keys (so every GET has exactly one right answer) and
 * loop: a random key of theirs, GET (checked against the last acknowledged SET) or SET of a new
 * value (remembered once acknowledged). Keys are grouped (e.g. by shard); statistics are per
 * group, and workers of one group never wait on another group's keys.
 */
export class KeyLoop {
  readonly stats = new Map<string, GroupStats>();
  /** Values of SETs that failed: the write may or may not have happened. */
  readonly alt = new Map<number, string>();
  private running = true;
  private readonly done: Promise<void>;
  private mark?: number;
  private seq = 0;

  constructor(private readonly cluster: Cluster, private readonly values: string[], groups: Map<string, number[]>, workersPerGroup = 4) {
    const workers: Promise<void>[] = [];
    for (const [name, keys] of groups) {
      this.stats.set(name, newStats());
      for (let w = 0; w < workersPerGroup; w++) {
        const mine = keys.filter((_, k) => k % workersPerGroup === w);
        if (mine.length) workers.push(this.worker(this.stats.get(name)!, mine));
      }
    }
    this.done = Promise.all(workers).then(() => undefined);
  }

  /** From now on, record in each group the first success of a command sent at or after `t`. */
  markAt(t: number): void {
    this.mark = t;
    for (const s of this.stats.values()) delete s.firstOkAfterMark;
  }

  total(): { reads: number; writes: number; errors: number; mismatches: number } {
    const t = { reads: 0, writes: 0, errors: 0, mismatches: 0 };
    for (const s of this.stats.values()) { t.reads += s.reads; t.writes += s.writes; t.errors += s.errors; t.mismatches += s.mismatches; }
    return t;
  }

  private ok(s: GroupStats, sentAt: number): void {
    const now = Date.now();
    s.maxGapMs = Math.max(s.maxGapMs, now - s.lastOkAt);
    s.lastOkAt = now;
    if (this.mark !== undefined && s.firstOkAfterMark === undefined && sentAt >= this.mark) s.firstOkAfterMark = now;
  }

  private async worker(s: GroupStats, keys: number[]): Promise<void> {
    while (this.running) {
      const i = keys[Math.floor(Math.random() * keys.length)]!;
      const key = keyName(i);
      const sentAt = Date.now();
      if (Math.random() < 0.5) {
        let got: string | null;
        try {
          got = await this.cluster.get(key);
        } catch (e) {
          await this.failed(s, 'GET', key, e);
          continue;
        }
        this.ok(s, sentAt);
        s.reads++;
        if (got === this.values[i]) continue;
        if (this.alt.has(i) && got === this.alt.get(i)) {
          this.values[i] = got;
          this.alt.delete(i);
          continue;
        }
        s.mismatches++;
        if (got === null) s.missing++;
        if (s.mismatchSamples.length < 5) s.mismatchSamples.push(`${key} (slot ${keySlot(key)}): expected ${this.values[i]}, got ${got}`);
        if (got !== null) this.values[i] = got; // count each lost write once
      } else {
        const value = `v${++this.seq}:${i}`;
        try {
          const r = await this.cluster.set(key, value);
          if (r !== 'OK') throw new Error(`SET replied ${String(r)}`);
        } catch (e) {
          this.alt.set(i, value);
          await this.failed(s, 'SET', key, e);
          continue;
        }
        this.ok(s, sentAt);
        s.writes++;
        this.values[i] = value;
        this.alt.delete(i);
      }
    }
  }

  private async failed(s: GroupStats, op: string, key: string, e: unknown): Promise<void> {
    s.errors++;
    if (s.errorKinds.length < 8) s.errorKinds.push(`${new Date().toISOString().slice(11, 23)} ${op} ${key}: ${String((e as Error).message).slice(0, 120)}`);
    await delay(5); // no busy loop while a shard is unreachable
  }

  async stop(): Promise<void> {
    this.running = false;
    await this.done;
    await delay(0);
  }
}
