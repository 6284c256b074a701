/**
 * Redis Functions (Redis 7) travel in the RDB, but not with keys: neither MIGRATE nor DUMP and
 * RESTORE carries them. A restore that moves keys out of its loaders therefore carries the
 * loaders' libraries itself, with Redis's own `FUNCTION DUMP` and `FUNCTION RESTORE … REPLACE`,
 * to every target primary (in cluster mode each node holds its own copy, as
 * `redis-cli --cluster` expects). A target whose primary loads the RDB itself gets them with it.
 */
import type { Redis } from 'ioredis';
import { withNodeConnection } from '../../engine/connect.js';
import type { TargetShard } from '../types.js';

/** The loader's libraries as one FUNCTION DUMP payload; undefined when it has none (or is older than Redis 7). */
export async function dumpFunctions(loader: Redis): Promise<Buffer | undefined> {
  let libraries: unknown[];
  try {
    libraries = await loader.call('FUNCTION', 'LIST') as unknown[];
  } catch (e) {
    if (/unknown command/i.test((e as Error).message)) return undefined; // Redis 6: no Functions
    throw e;
  }
  if (libraries.length === 0) return undefined;
  return await loader.callBuffer('FUNCTION', 'DUMP') as Buffer;
}

/** Restores every payload on every target primary (a library of the same name is replaced). */
export async function restoreFunctions(payloads: readonly Buffer[], shards: readonly TargetShard[],
  o: { localAddress?: string; commandTimeoutMs?: number } = {}): Promise<void> {
  if (payloads.length === 0) return;
  await Promise.all(shards.map((s, i) => withNodeConnection(s.primary.address, s.primary.port, {
    ...(s.primary.auth ? { auth: s.primary.auth } : {}),
    ...(s.primary.tls ? { tls: s.primary.tls } : {}),
    ...(o.localAddress ? { localAddress: o.localAddress } : {}),
    commandTimeoutMs: o.commandTimeoutMs ?? 30_000,
    connectTimeoutMs: 5000,
  }, async (client) => {
    for (const p of payloads) {
      try {
        await client.call('FUNCTION', 'RESTORE', p, 'REPLACE');
      } catch (e) {
        throw new Error(`restoring the snapshot's functions on target shard ${i + 1} (${s.primary.address}:${s.primary.port}) failed: ${(e as Error).message}`, { cause: e });
      }
    }
  })));
}
