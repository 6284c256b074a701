/**
 * Moving a loader's keys into the target shards as a pipelined stream of Redis's own DUMP and
 * RESTORE, driven by the service: SCAN the loader, ask it `PTTL` and `DUMP` of every key (many
 * keys in flight on one connection), and send each payload on as
 * `RESTORE <key> <ttl> <payload> REPLACE` to the shard owning the key's slot (slot-routing.ts),
 * every target on its own connection, all targets loading at once.
 *
 * Why not MIGRATE (mover.ts), which does the same inside the loader: MIGRATE reads each RESTORE's
 * reply with a blocking read of one byte per system call, and holds the loader (so every target)
 * while one target works; measured on 1,000,000 keys of ~1 KB, that was 8 µs of loader CPU a key
 * and the targets working one at a time (bench/backups.ts). Here the loader answers pipelined
 * commands at its event loop's pace, the targets restore in parallel, and the service only cuts
 * length-prefixed replies and glues commands around the payloads (resp-pipe.ts).
 *
 * Type, value and TTL are exactly as they were (DUMP's serialization, PTTL's remaining time); a
 * key that expires between SCAN and DUMP is skipped. Flow control: the next SCAN is sent only
 * when the previous one's reply came back (so at most two batches are in the loader's hands) and
 * every target's socket has taken what it was given (the kernel's buffers bound the rest).
 * Measured (bench/backups.ts), the service's share is mostly the system calls that carry the
 * payloads through it; writes are therefore gathered into large ones (FLUSH_BYTES).
 */
import { RestoreTooLargeError, type NodeTarget, type TargetShard } from '../types.js';
import { encodeCommand } from './raw-connection.js';
import { RespPipe, type Reply } from './resp-pipe.js';
import type { Routing } from './slot-routing.js';

export interface PipeMoveOptions {
  /** Keys asked of SCAN at a time. */
  scanCount: number;
  /** Source address of the connections to the targets (the service's management address). */
  localAddress?: string;
  /** Called once per SCAN batch sent on, with its keys. */
  onBatch?: (keys: number) => void;
  signal?: AbortSignal;
}

/** Bytes of RESTOREs gathered for one target before they are written. */
const FLUSH_BYTES = 1 << 20;

/** A key, its TTL (ms, 0: none) and its DUMP payload, on its way to a target. */
export interface Dumped { key: Buffer; ttl: number; payload: Buffer }

/**
 * `RESTORE key ttl payload REPLACE` for every entry, as one buffer written in place (no piece
 * allocated per key: at a million keys the allocations, not the copying, were the service's cost).
 */
export function restoreCommands(entries: readonly Dumped[]): Buffer {
  let size = 0;
  for (const e of entries) size += 64 + e.key.length + e.payload.length;
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const e of entries) {
    const ttl = String(e.ttl);
    at += out.write(`*5\r\n$7\r\nRESTORE\r\n$${e.key.length}\r\n`, at, 'latin1');
    at += e.key.copy(out, at);
    at += out.write(`\r\n$${ttl.length}\r\n${ttl}\r\n$${e.payload.length}\r\n`, at, 'latin1');
    at += e.payload.copy(out, at);
    at += out.write('\r\n$7\r\nREPLACE\r\n', at, 'latin1');
  }
  return out.subarray(0, at);
}

/** `PTTL key` then `DUMP key` for every key, as one buffer written in place. */
export function dumpCommands(keys: readonly Buffer[]): Buffer {
  let size = 0;
  for (const k of keys) size += 2 * (32 + k.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  for (const key of keys) {
    for (const name of ['PTTL', 'DUMP']) {
      at += out.write(`*2\r\n$4\r\n${name}\r\n$${key.length}\r\n`, at, 'latin1');
      at += key.copy(out, at);
      at += out.write('\r\n', at, 'latin1');
    }
  }
  return out.subarray(0, at);
}

/**
 * Moves every key of databases `dbs` of the loader `source` (loopback, its password) to the
 * target shards. Returns the keys scanned (keys that expired meanwhile included, as MIGRATE counts).
 */
export async function pipeKeys(source: NodeTarget, shards: readonly TargetShard[], routing: Routing,
  dbs: readonly number[], o: PipeMoveOptions): Promise<number> {
  const pipes: RespPipe[] = [];
  try {
    const loader = await RespPipe.open(source, 'the restore loader');
    pipes.push(loader);
    const targets = await Promise.all(shards.map(async (s, i) => {
      const p = await RespPipe.open(s.primary, `target shard ${i + 1} (${s.primary.address}:${s.primary.port})`, o.localAddress);
      pipes.push(p);
      return p;
    }));
    let failure: Error | undefined;
    const failed = (shard: number, reply: Error) => {
      if (failure) return;
      const where = targets[shard]!.where;
      failure = /\bOOM\b/.test(reply.message)
        ? new RestoreTooLargeError(`the data does not fit ${where}: it ran out of memory during the restore (${reply.message})`)
        : new Error(`moving keys to ${where} failed: ${reply.message}`);
    };
    const acks = targets.map((_, shard) => (r: Reply) => { if (r instanceof Error) failed(shard, r); });
    // RESTOREs gathered per target and written in one go at the end of each SCAN batch, or once
    // they reach FLUSH_BYTES: few large writes, so the targets wake up to work, not per packet.
    let outgoing: Dumped[][] = targets.map(() => []);
    const pendingBytes = targets.map(() => 0);
    const flush = (shard: number) => {
      const entries = outgoing[shard]!;
      if (entries.length === 0) return;
      outgoing[shard] = [];
      pendingBytes[shard] = 0;
      // Called from the loader's reply handler: a target gone must not throw through its parser.
      try {
        targets[shard]!.send(restoreCommands(entries), acks[shard]!, entries.length);
      } catch (e) {
        failure ??= e as Error;
      }
    };
    const flushAll = () => targets.forEach((_, shard) => flush(shard));
    const forward = (key: Buffer, ttl: number, payload: Buffer) => {
      const shard = routing.shardOf(key);
      outgoing[shard]!.push({ key, ttl: ttl > 0 ? ttl : 0, payload });
      pendingBytes[shard]! += key.length + payload.length;
      if (pendingBytes[shard]! >= FLUSH_BYTES) flush(shard);
    };
    const check = () => {
      o.signal?.throwIfAborted();
      if (failure) throw failure;
    };

    let scanned = 0;
    for (const db of dbs) {
      await loader.call(encodeCommand(['SELECT', String(db)]));
      if (routing.mode === 'single') await Promise.all(targets.map((t) => t.call(encodeCommand(['SELECT', String(db)]))));
      let cursor = '0';
      do {
        check();
        const reply = await Promise.race([loader.call(encodeCommand(['SCAN', cursor, 'COUNT', String(o.scanCount)])), ...targets.map((t) => t.broken)]);
        const [next, keys] = reply as [Buffer, Buffer[]];
        cursor = next.toString();
        if (keys.length) {
          let at = 0;
          let ttl = -2;
          const onReply = (r: Reply) => {
            const key = keys[at >> 1]!;
            if (r instanceof Error) failure ??= new Error(`the restore loader refused ${at & 1 ? 'DUMP' : 'PTTL'}: ${r.message}`);
            else if ((at & 1) === 0) ttl = r as number;
            else if (r !== null && ttl !== -2) forward(key, ttl, r as Buffer);
            if (++at === keys.length * 2) flushAll();
          };
          loader.send(dumpCommands(keys), onReply, keys.length * 2);
          scanned += keys.length;
          o.onBatch?.(keys.length);
        }
        await Promise.all(targets.map((t) => t.drained()));
      } while (cursor !== '0');
    }
    // Replies come in order: a PING answered means every command before it was.
    await loader.call(encodeCommand(['PING']));
    flushAll();
    await Promise.all(targets.map((t) => t.call(encodeCommand(['PING']))));
    check();
    return scanned;
  } finally {
    for (const p of pipes) p.close();
  }
}
