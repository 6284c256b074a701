/**
 * Feeding a node its data set through a named pipe (FIFO) in place of its RDB file: the node,
 * started with the FIFO where its `dbfilename` is, loads what the service writes into it as it
 * would load the file, at the speed Redis loads RDB files, and no copy of the data is ever written
 * to disk (an encrypted snapshot stays encrypted at rest).
 *
 * The FIFO exists only while the node opens it: it is made right before the node starts and
 * unlinked as soon as the node has it open (the writer's non-blocking open succeeds only once a
 * reader holds it). The data then flows through a libuv pipe handle, in the event loop: a node
 * that ends early makes the write fail (EPIPE) instead of blocking a thread, and the node sees
 * the end of its "file" when the writer closes, so a feed cut short (the service killed) makes
 * the node exit on a short read instead of serving part of the data.
 */
import { execFile } from 'node:child_process';
import { constants, openSync } from 'node:fs';
import { chown, lstat, unlink } from 'node:fs/promises';
import { Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { promisify } from 'node:util';
import type { Owner } from '../paths/tighten.js';
import { delay } from '../util/wait.js';

const run = promisify(execFile);

/** Makes a FIFO at `path` (mode 0600, owned by `owner` when given), replacing whatever was there. */
export async function makeFifo(path: string, owner?: Owner): Promise<void> {
  await unlink(path).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'ENOENT') throw e; });
  await run('mkfifo', ['-m', '0600', path]);
  if (owner) await chown(path, owner.uid, owner.gid);
}

/** Removes `path` when it is a FIFO (one a feed cut short left in a node's directory); true when it did. */
export async function removeStaleFifo(path: string): Promise<boolean> {
  try {
    if (!(await lstat(path)).isFIFO()) return false;
  } catch {
    return false;
  }
  await unlink(path).catch(() => undefined);
  return true;
}

export interface FeedOptions {
  /** Longest to wait for a reader to open the FIFO. */
  openTimeoutMs: number;
  /** False once the reading process is known to be gone: the wait for it stops at once. */
  readerAlive: () => boolean;
  signal?: AbortSignal;
}

/**
 * Writes `data` into the FIFO at `path` once a reader opened it, then closes it; unlinks the FIFO
 * as soon as it is open (and on any failure). Resolves with the bytes written.
 */
export async function feedFifo(path: string, data: Readable, o: FeedOptions): Promise<number> {
  let fd: number | undefined;
  try {
    const deadline = Date.now() + o.openTimeoutMs;
    while (fd === undefined) {
      o.signal?.throwIfAborted();
      try {
        // Non-blocking: fails with ENXIO at once while no reader has the FIFO open.
        fd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'ENXIO') throw e;
        if (!o.readerAlive()) throw new Error(`the node ended before it opened ${path}`);
        if (Date.now() > deadline) throw new Error(`the node did not open ${path} within ${o.openTimeoutMs} ms`);
        await delay(5);
      }
    }
  } catch (e) {
    data.destroy();
    throw e;
  } finally {
    await unlink(path).catch(() => undefined);
  }
  // The socket owns the descriptor from here: closing it closes the FIFO's write end.
  const socket = new Socket({ fd, readable: false, writable: true });
  let bytes = 0;
  async function* counted(source: Readable): AsyncGenerator<Buffer> {
    for await (const c of source) {
      bytes += (c as Buffer).length;
      yield c as Buffer;
    }
  }
  await pipeline(data, counted, socket, o.signal ? { signal: o.signal } : {});
  return bytes;
}
