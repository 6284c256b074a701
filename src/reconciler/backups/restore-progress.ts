/**
 * What the service log says while a restore runs. A large snapshot can take a while to restore,
 * and its group shows only `creating` all along, so the log says how far it is:
 *   - once the sources are loaded: how many keys, from how many bytes of RDB;
 *   - then the keys moved into the shards, at most every `everyMs`, and always the last batch.
 *
 *   restore into replication group 'orders-back': 1,000,000 keys loaded from 1.03 GB of RDB, moving them into 3 shards
 *   restore into replication group 'orders-back': 412,000 of 1,000,000 keys moved (41 %)
 *   restore into replication group 'orders-back': 1,000,000 of 1,000,000 keys moved (100 %)
 *
 * When the target's primaries load the data themselves (one source into one cluster-mode-disabled
 * shard; a snapshot into shards of its own shape, each primary its own file), the engine reports
 * once, at the end, and the log says the data was loaded.
 */
import type { RestoreProgress } from '../../snapshots/types.js';
import type { Logger } from '../../util/logger.js';

export interface RestoreProgressLogOptions {
  /** Names the target in every line: "replication group 'orders-back'". */
  what: string;
  shards: number;
  /** The clock, in ms (the service's, so tests can drive it). */
  now: () => number;
  /** Shortest time between two "moved" lines. Default 2000 ms. */
  everyMs?: number;
}

export function restoreProgressLog(log: Logger, o: RestoreProgressLogOptions): (p: RestoreProgress) => void {
  const every = o.everyMs ?? 2000;
  let loaded = false;
  let lastAt = -Infinity;
  let lastKeys = -1;
  return (p) => {
    const fields = { keys: p.keys, totalKeys: p.totalKeys, bytes: p.bytes };
    if (!loaded) {
      loaded = true;
      lastAt = o.now();
      const rest = p.keys > 0 ? (o.shards === 1 ? ' by the primary itself' : ' by each shard\'s primary from its own file') // nothing left to move
        : p.totalKeys === 0 ? ', nothing to move' : `, moving them into ${o.shards} shard${o.shards === 1 ? '' : 's'}`;
      log.info(fields, `restore into ${o.what}: ${count(p.totalKeys)} keys loaded from ${size(p.bytes)} of RDB${rest}`);
      if (p.keys === 0 || p.keys >= p.totalKeys) return;
    }
    const last = p.keys >= p.totalKeys;
    const t = o.now();
    if (p.keys === lastKeys || (!last && t - lastAt < every)) return;
    lastAt = t;
    lastKeys = p.keys;
    const pct = p.totalKeys > 0 ? Math.floor((p.keys / p.totalKeys) * 100) : 100;
    log.info(fields, `restore into ${o.what}: ${count(p.keys)} of ${count(p.totalKeys)} keys moved (${pct} %)`);
  };
}

const count = (n: number) => n.toLocaleString('en-US');

function size(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(1)} kB`;
  return `${bytes} bytes`;
}
