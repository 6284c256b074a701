/**
 * Moving a loader's keys with MIGRATE (restore method `migrate`; the default is pipe-mover.ts,
 * which measured faster: MIGRATE reads each reply a byte per system call and holds the loader
 * while one target works). Into the target shards with Redis's own commands: SCAN the loader, group
 * the keys by the shard that owns their slot (slot-routing.ts), and send each group with
 * `MIGRATE <host> <port> "" <db> <timeout> COPY REPLACE AUTH2 <user> <pass> KEYS …`: the loader
 * serializes every key as DUMP does and the target RESTOREs it, type, value and TTL exactly as
 * they were (an expired key is skipped by MIGRATE itself). COPY leaves the loader's copy alone:
 * the loader is thrown away, so deleting is wasted work.
 *
 * Batches are bounded both in keys and in estimated bytes (the loader's average key size): a
 * MIGRATE builds its whole payload in the loader's memory before sending it.
 */
import type { Redis } from 'ioredis';
import { RestoreTooLargeError, type TargetShard } from '../types.js';
import type { Routing } from './slot-routing.js';

export interface MoveOptions {
  /** Most keys in one MIGRATE. */
  batchKeys: number;
  /** Most (estimated) bytes in one MIGRATE. */
  batchBytes: number;
  /** Average bytes a key takes in the loader, for the byte bound. */
  avgKeyBytes: number;
  /** MIGRATE's own timeout (its longest wait on the target). */
  timeoutMs: number;
  /** Called after every batch with the keys it moved. */
  onBatch?: (keys: number) => void;
  signal?: AbortSignal;
}

/** The MIGRATE arguments after the host and port, up to KEYS: destination database, timeout, flags, credentials. */
export function migrateArgs(target: TargetShard, db: number, timeoutMs: number): string[] {
  const auth = target.primary.auth;
  const credentials = auth?.password === undefined ? []
    : auth.username !== undefined ? ['AUTH2', auth.username, auth.password] : ['AUTH', auth.password];
  return ['', String(db), String(timeoutMs), 'COPY', 'REPLACE', ...credentials, 'KEYS'];
}

/**
 * Moves every key of databases `dbs` of the loader behind `client` (a connection of its own: the
 * database is selected on it) to the target shards. Returns the keys sent (keys that expired
 * meanwhile included: MIGRATE skips them without an error).
 */
export async function moveKeys(client: Redis, shards: readonly TargetShard[], routing: Routing,
  dbs: readonly number[], o: MoveOptions): Promise<number> {
  const perBatch = Math.max(1, Math.min(o.batchKeys, Math.floor(o.batchBytes / Math.max(1, o.avgKeyBytes))));
  let moved = 0;
  for (const db of dbs) {
    await client.select(db);
    const groups: Buffer[][] = shards.map(() => []);
    const flush = async (shard: number) => {
      const keys = groups[shard]!;
      if (keys.length === 0) return;
      groups[shard] = [];
      await migrate(client, shards, shard, routing.mode === 'single' ? db : 0, keys, o.timeoutMs);
      moved += keys.length;
      o.onBatch?.(keys.length);
    };
    let cursor = '0';
    do {
      o.signal?.throwIfAborted();
      const [next, keys] = await client.scanBuffer(cursor, 'COUNT', Math.min(perBatch, 1000));
      cursor = next.toString();
      for (const key of keys) {
        const shard = routing.shardOf(key);
        groups[shard]!.push(key);
        if (groups[shard]!.length >= perBatch) await flush(shard);
      }
    } while (cursor !== '0');
    for (let shard = 0; shard < shards.length; shard++) await flush(shard);
  }
  return moved;
}

async function migrate(client: Redis, shards: readonly TargetShard[], shard: number, db: number, keys: Buffer[], timeoutMs: number): Promise<void> {
  const t = shards[shard]!.primary;
  try {
    await client.callBuffer('MIGRATE', t.address, String(t.port), ...migrateArgs(shards[shard]!, db, timeoutMs), ...keys);
  } catch (e) {
    const msg = (e as Error).message;
    const where = `target shard ${shard + 1} (${t.address}:${t.port})`;
    if (/\bOOM\b/.test(msg)) {
      throw new RestoreTooLargeError(`the data does not fit ${where}: it ran out of memory during the restore (${msg})`);
    }
    throw new Error(`moving keys to ${where} failed: ${msg}`, { cause: e });
  }
}
