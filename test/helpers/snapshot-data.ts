/**
 * Data for the backup tests: every Redis type a snapshot must carry (strings, hashes, lists, sets,
 * sorted sets, streams with a consumer group), binary keys and values, keys with TTLs, written
 * through any client (a node or a cluster client), and read back in a canonical form (type, value,
 * TTL) so two data sets compare with deepEqual. Also the RDB bytes of a node (through the engine's
 * own capture), collected in memory.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Cluster, Redis } from 'ioredis';
import { captureRdb } from '../../src/snapshots/engine/index.js';
import type { NodeTarget } from '../../src/snapshots/types.js';

type Client = Redis | Cluster;

/** TTL the expiring keys get (long enough to outlive any test, short enough to tell from none). */
export const TTL_MS = 600_000;

/**
 * Writes `n` keys named `<prefix>:<type>:<i>` of every type in turn (and a binary-named key and a
 * stream per 50), every 7th with a TTL. Deterministic in shape, random in content.
 */
export async function writeDataset(client: Client, n: number, prefix = 'k'): Promise<void> {
  const types = ['string', 'hash', 'list', 'set', 'zset', 'binary'] as const;
  for (let start = 0; start < n; start += 200) {
    const p = client.pipeline();
    for (let i = start; i < Math.min(n, start + 200); i++) {
      const t = types[i % types.length]!;
      const key = `${prefix}:${t}:${i}`;
      if (t === 'string') p.set(key, `value-${i}-${randomBytes(8).toString('hex')}`);
      else if (t === 'hash') p.hset(key, { f1: `a${i}`, f2: randomBytes(4).toString('hex'), n: String(i) });
      else if (t === 'list') p.rpush(key, 'x', `y${i}`, 'z', randomBytes(3).toString('hex'));
      else if (t === 'set') p.sadd(key, 'm1', `m${i}`, randomBytes(3).toString('hex'));
      else if (t === 'zset') p.zadd(key, 1, 'one', i, `n${i}`, -2.5, 'neg');
      else {
        // A binary key and a binary value, bytes a text round trip would mangle.
        p.set(Buffer.concat([Buffer.from(`${prefix}:bin:${i}:`), Buffer.from([0, 0xff, 0x80, 0x0a])]),
          Buffer.concat([randomBytes(64), Buffer.from([0, 0xff, 0xfe])]));
      }
      if (i % 50 === 0) {
        const s = `${prefix}:stream:${i}`;
        p.xadd(s, '1-1', 'a', '1');
        p.xadd(s, '2-1', 'b', randomBytes(4).toString('hex'));
        p.xgroup('CREATE', s, 'g1', '0');
      }
      if (i % 7 === 0) p.pexpire(key, TTL_MS);
    }
    const failed = (await p.exec())?.find(([err]) => err);
    if (failed) throw failed[0]!;
  }
}

export interface KeyState {
  type: string;
  value: string;
  /** -1: no TTL; else the remaining ms when read. */
  pttl: number;
}

const hex = (b: Buffer) => b.toString('hex');

/** Every key of one node (SCAN; database `db`), canonical: key (hex) → type, value, pttl. */
export async function readNode(client: Redis, db = 0): Promise<Map<string, KeyState>> {
  await client.select(db);
  const out = new Map<string, KeyState>();
  let cursor = '0';
  do {
    const [next, keys] = await client.scanBuffer(cursor, 'COUNT', 500);
    cursor = String(next);
    const states = await Promise.all(keys.map((key) => readKey(client, key))); // pipelined by ioredis
    keys.forEach((key, i) => out.set(hex(key), states[i]!));
  } while (cursor !== '0');
  await client.select(0);
  return out;
}

async function readKey(client: Redis, key: Buffer): Promise<KeyState> {
  const [type, pttl] = await Promise.all([client.type(key), client.pttl(key)]);
  let value: unknown;
  if (type === 'string') value = hex((await client.getBuffer(key))!);
  else if (type === 'hash') value = Object.entries(await client.hgetall(key)).sort();
  else if (type === 'list') value = await client.lrange(key, 0, -1);
  else if (type === 'set') value = (await client.smembers(key)).sort();
  else if (type === 'zset') value = await client.zrange(key, '0', '-1', 'WITHSCORES');
  else if (type === 'stream') value = [await client.xrange(key, '-', '+'), await client.call('XINFO', 'GROUPS', key)];
  else value = `unexpected type ${type}`;
  return { type, value: JSON.stringify(value), pttl };
}

/**
 * Asserts two read-outs hold the same keys, types and values, and TTLs: none where there was none,
 * and where there was one, no longer than before and shorter by at most `elapsedMs`.
 */
export function compareData(actual: Map<string, KeyState>, expected: Map<string, KeyState>, elapsedMs: number): string[] {
  const problems: string[] = [];
  for (const [k, e] of expected) {
    const a = actual.get(k);
    if (!a) { problems.push(`missing ${Buffer.from(k, 'hex').toString()}`); continue; }
    if (a.type !== e.type || a.value !== e.value) problems.push(`differs ${Buffer.from(k, 'hex').toString()}`);
    if ((e.pttl < 0) !== (a.pttl < 0)) problems.push(`ttl ${e.pttl} became ${a.pttl} for ${Buffer.from(k, 'hex').toString()}`);
    else if (e.pttl >= 0 && (a.pttl > e.pttl || a.pttl < e.pttl - elapsedMs)) {
      problems.push(`ttl ${e.pttl} became ${a.pttl} (elapsed ${elapsedMs} ms) for ${Buffer.from(k, 'hex').toString()}`);
    }
  }
  for (const k of actual.keys()) if (!expected.has(k)) problems.push(`extra ${Buffer.from(k, 'hex').toString()}`);
  return problems.slice(0, 10);
}

/** The node's RDB, captured by the engine, in memory. */
export async function captureToBuffer(node: NodeTarget): Promise<Buffer> {
  const c = captureRdb(node, { timeoutMs: 10_000 });
  const parts: Buffer[] = [];
  for await (const chunk of c.stream) parts.push(chunk as Buffer);
  await c.done;
  return Buffer.concat(parts);
}

/** A restore source serving `rdb`. */
export const sourceOf = (rdb: Buffer) => async (): Promise<Readable> => Readable.from([rdb]);
