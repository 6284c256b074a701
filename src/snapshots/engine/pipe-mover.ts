/**
 * Moving a loader's keys into the target shards as a pipelined stream of Redis's own commands,
 * driven by the service: SCAN the loader, ask it `PTTL` of every key and one `MGET` of the batch
 * (many keys in flight on one connection), and send each string on as
 * `SET <key> <value> [PX <ttl>]` to the shard owning the key's slot (slot-routing.ts), every
 * target on its own connection, all targets loading at once. A key MGET has no string for (a
 * hash, a list…) is asked again with `PTTL` and `DUMP` and sent as
 * `RESTORE <key> <ttl> <payload> REPLACE`: strings skip DUMP's serialization and its CRC-64,
 * computed by the loader and checked again by the target (dump-reader.ts).
 *
 * Why not MIGRATE (mover.ts), which does the same inside the loader: MIGRATE reads each RESTORE's
 * reply with a blocking read of one byte per system call, and holds the loader (so every target)
 * while one target works; measured on 1,000,000 keys of ~1 KB, that was 8 µs of loader CPU a key
 * and the targets working one at a time (bench/backups.ts). Here the loader answers pipelined
 * commands at its event loop's pace, the targets restore in parallel, and the service only cuts
 * length-prefixed replies and glues commands around the payloads: SCAN on one connection to the
 * loader (resp-pipe.ts), PTTL/MGET/DUMP on another, whose replies go through dump-reader.ts
 * straight into each target's outgoing buffer (target-stream.ts), with no object made per key.
 *
 * Type, value and TTL are exactly as they were (the string itself or DUMP's serialization, PTTL's
 * remaining time); a key that expires between SCAN and MGET or DUMP is skipped. Flow control:
 * the next SCAN is sent only once at most two batches are unanswered in the loader's hands and
 * every target's socket has taken what it was given (the kernel's buffers bound the rest).
 * Measured at 1,000,000 keys (bench/backups-restore3.ts), the service's CPU was mostly the
 * memory it went through, not the parsing: a fresh buffer per socket read (1 GB of them) and per
 * 1 MB of RESTOREs. The loader's replies are now read into one buffer, again and again (`onread`),
 * and the targets' buffers are reused once written: 3.3-3.4 s of the service's CPU instead of
 * 5.2-6.1 s, 12.2-12.5 s for the whole restore instead of 14.0-15.3 s (same run).
 */
import net from 'node:net';
import { RestoreTooLargeError, type NodeTarget, type TargetShard } from '../types.js';
import { DumpReader } from './dump-reader.js';
import { authCommand, encodeCommand } from './raw-connection.js';
import { RespPipe } from './resp-pipe.js';
import type { Routing } from './slot-routing.js';
import { putBulk, putInt, TargetStream } from './target-stream.js';

/** The loader's replies are read this many bytes at a time, into one buffer. */
const READ_BYTES = 256 << 10;

export interface PipeMoveOptions {
  /** Keys asked of SCAN at a time. */
  scanCount: number;
  /** Source address of the connections to the targets (the service's management address). */
  localAddress?: string;
  /** Called once per SCAN batch sent on, with its keys. */
  onBatch?: (keys: number) => void;
  signal?: AbortSignal;
}

const PTTL_HEAD = Buffer.from('*2\r\n$4\r\nPTTL\r\n$', 'latin1');
const DUMP_HEAD = Buffer.from('*2\r\n$4\r\nDUMP\r\n$', 'latin1');
const MGET_NAME = Buffer.from('$4\r\nMGET\r\n', 'latin1');
const DOLLAR_HEAD = Buffer.from('$', 'latin1');

/**
 * The loader's commands for a batch of keys, as one buffer written in place: `MGET`, `PTTL` of
 * every key then one `MGET` of them all; `DUMP`, `PTTL key` then `DUMP key` for every key.
 */
export function dumpCommands(keys: readonly Buffer[], how: 'MGET' | 'DUMP' = 'DUMP'): Buffer {
  let size = 32;
  for (const k of keys) size += 3 * (32 + k.length);
  const out = Buffer.allocUnsafe(size);
  let at = 0;
  if (how === 'DUMP') {
    for (const key of keys) at = putBulk(out, putBulk(out, at, PTTL_HEAD, key), DUMP_HEAD, key);
    return out.subarray(0, at);
  }
  for (const key of keys) at = putBulk(out, at, PTTL_HEAD, key);
  out[at++] = 42; // *
  at = putInt(out, at, keys.length + 1);
  out[at++] = 13;
  out[at++] = 10;
  at += MGET_NAME.copy(out, at);
  for (const key of keys) at = putBulk(out, at, DOLLAR_HEAD, key);
  return out.subarray(0, at);
}

/**
 * Moves every key of databases `dbs` of the loader `source` (loopback, its password) to the
 * target shards. Returns the keys scanned (keys that expired meanwhile included, as MIGRATE counts).
 */
export async function pipeKeys(source: NodeTarget, shards: readonly TargetShard[], routing: Routing,
  dbs: readonly number[], o: PipeMoveOptions): Promise<number> {
  const targets: TargetStream[] = [];
  let control: RespPipe | undefined;
  let dumps: net.Socket | undefined;
  try {
    // SCAN on one connection, PTTL/DUMP on another (its replies read by the DumpReader alone).
    control = await RespPipe.open(source, 'the restore loader');
    for (const [i, s] of shards.entries()) {
      targets.push(await TargetStream.open(s.primary, `target shard ${i + 1} (${s.primary.address}:${s.primary.port})`, o.localAddress));
    }
    const reader = new DumpReader(routing.shards === 1 ? () => targets[0]!.writer : (key) => targets[routing.shardOf(key)]!.writer);
    let lost: Error | undefined;
    // The loader is on loopback, in plaintext (loader.ts). Its replies are read into one buffer,
    // again and again: the reader copies what it keeps, so no buffer is made per read.
    const socket = dumps = net.connect({
      host: source.address, port: source.port,
      onread: { buffer: Buffer.allocUnsafe(READ_BYTES), callback: (n: number, buf: Uint8Array) => { reader.feed(Buffer.from(buf.buffer, buf.byteOffset, n)); return true; } },
    });
    socket.setNoDelay(true);
    const onLost = (e?: Error) => {
      lost ??= new Error(`the restore loader's connection ${e ? `failed: ${e.message}` : 'closed'}`);
      reader.abandon();
    };
    socket.on('error', onLost);
    socket.on('close', () => onLost());
    const send = (command: Buffer) => {
      reader.expectLine();
      socket.write(command);
    };
    const auth = authCommand(source);
    if (auth) send(auth);
    /** Asks DUMP of the keys MGET found no string for; false when there were none. */
    const dumpRetries = (): boolean => {
      const again = reader.takeRetries();
      if (again.length === 0) return false;
      reader.expectKeys(again, 'dump');
      socket.write(dumpCommands(again, 'DUMP'));
      return true;
    };

    const check = () => {
      o.signal?.throwIfAborted();
      if (lost) throw lost;
      if (reader.error !== undefined) throw new Error(`the restore loader refused PTTL or DUMP: ${reader.error}`);
      for (const t of targets) {
        const f = t.failure;
        if (f) {
          throw /\bOOM\b/.test(f.message)
            ? new RestoreTooLargeError(`the data does not fit ${t.where}: it ran out of memory during the restore (${f.message})`)
            : new Error(`moving keys to ${t.where} failed: ${f.message}`);
        }
      }
    };

    let scanned = 0;
    for (const db of dbs) {
      // Every DUMP of the database before is in the targets' buffers first: a RESTORE written
      // after the targets' SELECT would land in the next database (lost from its own).
      await reader.below(0);
      check();
      const select = encodeCommand(['SELECT', String(db)]);
      await control.call(select);
      send(select);
      if (routing.mode === 'single') for (const t of targets) t.writer.command(select);
      let cursor = '0';
      do {
        check();
        const [next, keys] = await control.call(encodeCommand(['SCAN', cursor, 'COUNT', String(o.scanCount)])) as [Buffer, Buffer[]];
        cursor = next.toString();
        if (keys.length) {
          reader.expectKeys(keys, 'mget');
          socket.write(dumpCommands(keys, 'MGET'));
          scanned += keys.length;
          o.onBatch?.(keys.length);
        }
        dumpRetries();
        // At most two batches in the loader's hands (a batch is 2n + 1 replies), and the targets'
        // sockets taking what they are given.
        await reader.below(2 * (2 * o.scanCount + 1));
        await Promise.all(targets.map((t) => t.drained()));
      } while (cursor !== '0');
      // The database's last keys that are not strings, asked again with DUMP, before the next SELECT.
      do await reader.below(0);
      while (dumpRetries() && !lost);
    }
    await reader.below(0);
    check();
    await Promise.all(targets.map((t) => t.settled()));
    check();
    return scanned;
  } finally {
    control?.close();
    dumps?.destroy();
    for (const t of targets) t.close();
  }
}
