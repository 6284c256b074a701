/**
 * Endpoint throughput vs direct: redis-benchmark GET (50 clients) against a node's own address
 * (a direct connection to redis-server) and against the group endpoint that kernel NAT forwards
 * to it — primary endpoint vs the primary node, reader endpoint vs one replica node. Direct and
 * endpoint runs alternate (ABBA order over the repetitions) so load drifts hit both alike; the
 * reported ratio is the median of the per-repetition ratios endpoint/direct.
 */
import { execFile } from 'node:child_process';
import type { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { addressesOf, createGroup, deleteGroup, redisCommand, waitAvailable, waitGone, type GroupAddresses } from './groups.js';
import { median, progress, ratio, rps } from './stats.js';
import { waitFor } from '../src/util/wait.js';

export interface Mode { name: string; requests: number; pipeline: number }
type Endpoint = { host: string; port: number };

export interface PairResult {
  mode: Mode;
  /** 'primary' (primary endpoint vs primary node) or 'reader' (reader endpoint vs a replica node). */
  pair: 'primary' | 'reader';
  direct: number[];
  endpoint: number[];
  ratios: number[];
  medianRatio: number;
}

export interface ThroughputResult {
  addresses: GroupAddresses;
  pairs: PairResult[];
}

const KEY = 'key:__rand_int__'; // what `redis-benchmark -t get` reads when -r is not given
const CLIENTS = 50;

function redisBenchmark(ep: Endpoint, mode: Mode): Promise<number> {
  const args = ['-h', ep.host, '-p', String(ep.port), '-c', String(CLIENTS), '-n', String(mode.requests), '-t', 'get', '--csv'];
  if (mode.pipeline > 1) args.push('-P', String(mode.pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve(value);
    });
  });
}

/** Fills the key on the primary and waits until the replicas hold it and the reader endpoint reaches replicas. */
async function prepare(a: GroupAddresses): Promise<void> {
  // Retried: the endpoint route may lag the `available` status by a few ms (see create-time.ts).
  await waitFor(() => redisCommand(a.primaryEndpoint.host, a.primaryEndpoint.port, ['SET', KEY, 'xyz']),
    { timeoutMs: 10_000, intervalMs: 5, what: 'the primary endpoint to accept a SET' });
  for (const r of a.replicaNodes) {
    await waitFor(async () => (await redisCommand(r.host, r.port, ['GET', KEY])) === 'xyz',
      { timeoutMs: 10_000, what: `replica ${r.host} to receive the key` });
  }
  // The reader route moves from the primary to the replicas once their links are up.
  await waitFor(async () => {
    for (let i = 0; i < 4; i++) {
      const info = await redisCommand(a.readerEndpoint.host, a.readerEndpoint.port, ['INFO', 'replication']);
      if (!info.includes('role:slave')) return false;
    }
    return true;
  }, { timeoutMs: 15_000, intervalMs: 100, what: 'the reader endpoint to reach the replicas' });
}

async function measurePair(pair: 'primary' | 'reader', direct: Endpoint, endpoint: Endpoint, mode: Mode, reps: number):
  Promise<PairResult> {
  const d: number[] = [];
  const e: number[] = [];
  for (let i = 0; i < reps; i++) {
    // ABBA: direct first on even repetitions, endpoint first on odd ones.
    if (i % 2 === 0) {
      d.push(await redisBenchmark(direct, mode));
      e.push(await redisBenchmark(endpoint, mode));
    } else {
      e.push(await redisBenchmark(endpoint, mode));
      d.push(await redisBenchmark(direct, mode));
    }
    progress(`${pair} ${mode.name} ${i + 1}/${reps}: direct ${rps(d[i]!)} rps, endpoint ${rps(e[i]!)} rps (${ratio(e[i]! / d[i]!)})`);
  }
  const ratios = d.map((v, i) => e[i]! / v);
  return { mode, pair, direct: d, endpoint: e, ratios, medianRatio: median(ratios) };
}

export async function measureThroughput(client: ElastiCacheClient, quick: boolean): Promise<ThroughputResult> {
  const id = 'bench-throughput';
  progress('creating a 3-node group for the throughput runs');
  await createGroup(client, id, 3);
  try {
    const g = await waitAvailable(client, id);
    const a = addressesOf(g);
    if (a.replicaNodes.length < 1) throw new Error(`${id} has no replica`);
    await prepare(a);
    progress(`primary endpoint ${a.primaryEndpoint.host} → primary node ${a.primaryNode.host}; ` +
      `reader endpoint ${a.readerEndpoint.host} → replicas ${a.replicaNodes.map((r) => r.host).join(', ')}`);

    const reps = quick ? 1 : 3;
    const modes: Mode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const pairs: PairResult[] = [];
    for (const mode of modes) {
      pairs.push(await measurePair('primary', a.primaryNode, a.primaryEndpoint, mode, reps));
      pairs.push(await measurePair('reader', a.replicaNodes[0]!, a.readerEndpoint, mode, reps));
    }
    return { addresses: a, pairs };
  } finally {
    // Also after a failure, so later sections start from an empty service.
    await deleteGroup(client, id).catch(() => undefined);
    await waitGone(client, id).catch(() => undefined);
  }
}
