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

const CRLF = Buffer.from('\r\n');
const RESTORE_TAIL = Buffer.from('\r\n$7\r\nREPLACE\r\n');

/** `RESTORE key ttl payload REPLACE`, as the pieces of one RESP command (the payload not copied). */
export function restoreCommand(key: Buffer, ttlMs: number, payload: Buffer): Buffer[] {
  const ttl = String(ttlMs);
  return [
    Buffer.from(`*5\r\n$7\r\nRESTORE\r\n$${key.length}\r\n`), key,
    Buffer.from(`\r\n$${ttl.length}\r\n${ttl}\r\n$${payload.length}\r\n`), payload, RESTORE_TAIL,
  ];
}

/** `PTTL key` then `DUMP key` for every key, as one buffer. */
export function dumpCommands(keys: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [];
  for (const key of keys) {
    const len = Buffer.from(`$${key.length}\r\n`);
    parts.push(Buffer.from('*2\r\n$4\r\nPTTL\r\n'), len, key, CRLF, Buffer.from('*2\r\n$4\r\nDUMP\r\n'), len, key, CRLF);
  }
  return Buffer.concat(parts);
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
    // RESTOREs waiting for the end of the current reply chunk, per target: one write each.
    const outgoing: Buffer[][] = targets.map(() => []);
    const counts = targets.map(() => 0);
    let flushQueued = false;
    const flush = () => {
      flushQueued = false;
      outgoing.forEach((parts, shard) => {
        if (!counts[shard]) return;
        targets[shard]!.send(Buffer.concat(parts), acks[shard]!, counts[shard]);
        outgoing[shard] = [];
        counts[shard] = 0;
      });
    };
    const forward = (key: Buffer, ttl: number, payload: Buffer) => {
      const shard = routing.shardOf(key);
      for (const p of restoreCommand(key, ttl > 0 ? ttl : 0, payload)) outgoing[shard]!.push(p);
      counts[shard]!++;
      if (!flushQueued) {
        flushQueued = true;
        process.nextTick(flush); // after the parser has handed out the whole chunk
      }
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
            at++;
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
    flush();
    await Promise.all(targets.map((t) => t.call(encodeCommand(['PING']))));
    check();
    return scanned;
  } finally {
    for (const p of pipes) p.close();
  }
}
