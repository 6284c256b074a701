/**
 * Redis Functions (Redis 7) travel in the RDB, but not with keys: neither MIGRATE nor DUMP and
 * RESTORE carries them. A restore that moves keys out of its loaders therefore carries the
 * loaders' libraries itself, with Redis's own `FUNCTION DUMP` and `FUNCTION RESTORE … REPLACE`,
 * to every target primary (in cluster mode each node holds its own copy, as
 * `redis-cli --cluster` expects). A target whose primary loads the RDB itself gets them with it.
 */
import { withNodeConnection } from '../../engine/connect.js';
import type { TargetShard } from '../types.js';

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
