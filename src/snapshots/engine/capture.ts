/**
 * Taking a shard's snapshot: Redis's own RDB, made by Redis, streamed out of the node without
 * ever being written to a file. The service connects to the node (a replica when the shard has
 * one; the caller picks) as its admin user and asks for what `redis-cli --rdb` asks for in Redis
 * 7.0: `REPLCONF capa eof` (so that a node with `repl-diskless-sync yes` forks a child writing to
 * the socket instead of a dump file), `REPLCONF rdb-only 1` (the RDB alone, no command stream
 * after it) and `SYNC`. The bytes are checked while they stream (rdb-check.ts).
 *
 * Backpressure runs end to end: when the consumer or the checker falls behind, the socket is
 * paused, the node's socket buffer fills, the node stops reading its child's pipe and the child
 * blocks. Nothing is buffered beyond a stream's high-water mark. (A node drops a transfer that
 * stays stalled longer than its `repl-timeout`, 60 s by default; the capture then fails.)
 */
import { Readable } from 'node:stream';
import type { NodeTarget } from '../types.js';
import { authCommand, encodeCommand, openRawConnection } from './raw-connection.js';
import { lowerForkPriority } from './fork-priority.js';
import { startRdbCheck, type RdbCheckError } from './rdb-check.js';
import { TransferReader } from './transfer-reader.js';

export interface CaptureOptions {
  /** Local address to connect from (the service's management address). */
  localAddress?: string;
  /**
   * Longest the node may stay silent while the service is ready for more bytes (connecting, the
   * fork, the transfer); a pause the consumer causes does not count. Default 60000 ms.
   */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** The redis-check-rdb binary (default: $CACHEFLEET_REDIS_CHECK_RDB or the one on PATH). */
  checker?: string;
  /** Bytes the returned stream buffers before the socket is paused. Default 1 MiB. */
  highWaterMark?: number;
  /**
   * The node's process id, when it runs on this host (the local provider knows it): the fork
   * child serving the transfer is then reniced (fork-priority.ts), as the checker always is, so
   * a backup taken from a replica leaves the CPU to the primary first.
   */
  nodePid?: number;
}

export interface Capture {
  /** The RDB's bytes. It ends only once the whole RDB has been checked sound; otherwise it errors. */
  stream: Readable;
  /** Resolves with the RDB's size once it is complete and sound; rejects (and the stream errors) otherwise. */
  done: Promise<{ bytes: number }>;
}

/**
 * Why a capture failed: the node refused (credentials, no master link), the connection dropped,
 * the node fell silent, the RDB is not sound, the capture was aborted, or the checker could not run.
 */
export class CaptureError extends Error {
  constructor(message: string, readonly reason: 'refused' | 'connection' | 'timeout' | 'corrupt' | 'aborted' | 'unchecked',
    options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CaptureError';
  }
}

export const DEFAULT_CAPTURE_TIMEOUT_MS = 60_000;

/** Streams the RDB of `node` (see the module comment). */
export function captureRdb(node: NodeTarget, opts: CaptureOptions = {}): Capture {
  const where = `${node.address}:${node.port}`;
  const timeoutMs = opts.timeoutMs ?? DEFAULT_CAPTURE_TIMEOUT_MS;
  const commands = [authCommand(node), encodeCommand(['REPLCONF', 'capa', 'eof']), encodeCommand(['REPLCONF', 'rdb-only', '1'])]
    .filter((c): c is Buffer => c !== undefined);
  const reader = new TransferReader(commands.length);

  let settled = false;
  let consumerWaiting = false; // the stream is full: resume when it is read
  let checkerWaiting = false; // the checker's input is full: resume on drain
  let timer: NodeJS.Timeout | undefined;
  let resolveDone!: (v: { bytes: number }) => void;
  let rejectDone!: (e: Error) => void;
  const done = new Promise<{ bytes: number }>((res, rej) => { resolveDone = res; rejectDone = rej; });
  // Callers may watch only the stream (its error says the same): a rejection nobody awaits must not end the process.
  done.catch(() => undefined);

  const stream = new Readable({
    highWaterMark: opts.highWaterMark ?? 1 << 20,
    read: () => {
      consumerWaiting = false;
      resume();
    },
    destroy: (err, cb) => {
      if (!settled) fail(new CaptureError(`capture from ${where} abandoned by its consumer`, 'aborted', { cause: err }));
      cb(err);
    },
  });
  // Same reason: the consumer (a pipeline) hears the error through its own listener.
  stream.on('error', () => undefined);

  const check = startRdbCheck(opts.checker);
  check.input.on('drain', () => {
    checkerWaiting = false;
    resume();
  });
  // Awaited in finish() once the transfer ends; a failure before that fails the capture at once.
  check.result.catch((e: RdbCheckError) => {
    if (!reader.done) fail(checkFailure(e));
  });
  const checkFailure = (e: RdbCheckError) => e.unavailable
    ? new CaptureError(`cannot check the RDB of ${where}: ${e.message}`, 'unchecked', { cause: e })
    : new CaptureError(`the RDB from ${where} ${e.message.replace(/^the RDB /, '')}`, 'corrupt', { cause: e });

  const socket = openRawConnection(node, opts.localAddress);
  socket.write(Buffer.concat(commands));
  let syncSent = false;
  let reniced = false;

  function arm(): void {
    clearTimeout(timer);
    if (settled || socket.isPaused()) return;
    timer = setTimeout(() => {
      fail(new CaptureError(`node ${where} sent nothing for ${timeoutMs} ms (${reader.bytes} bytes of its RDB received)`, 'timeout'));
    }, timeoutMs);
  }

  function resume(): void {
    if (settled || consumerWaiting || checkerWaiting || reader.done) return;
    if (socket.isPaused()) {
      socket.resume();
      arm();
    }
  }

  function fail(err: Error): void {
    if (settled) return;
    settled = true;
    clearTimeout(timer);
    socket.destroy();
    check.abandon();
    stream.destroy(err);
    rejectDone(err);
  }

  async function finish(): Promise<void> {
    clearTimeout(timer);
    socket.destroy(); // an rdb-only transfer is over: the node closes its side too
    check.input.end();
    try {
      await check.result;
    } catch (e) {
      fail(checkFailure(e as RdbCheckError));
      return;
    }
    if (settled) return;
    settled = true;
    stream.push(null);
    resolveDone({ bytes: reader.bytes });
  }

  socket.on('data', (chunk: Buffer) => {
    if (settled || reader.done) return;
    arm();
    let r;
    try {
      r = reader.push(chunk);
    } catch (e) {
      fail(new CaptureError(`node ${where} cannot give its RDB: ${(e as Error).message}`, 'refused', { cause: e }));
      return;
    }
    if (!syncSent && reader.repliesLeft === 0) {
      syncSent = true;
      socket.write(encodeCommand(['SYNC']));
    }
    if (!reniced && reader.framing !== undefined && opts.nodePid !== undefined) {
      reniced = true; // the header follows the fork: the child is there now
      void lowerForkPriority(opts.nodePid, where).catch(() => undefined);
    }
    for (const b of r.payload) {
      if (!stream.push(b)) consumerWaiting = true;
      if (!check.input.write(b)) checkerWaiting = true;
    }
    if (r.done) {
      void finish();
      return;
    }
    if (consumerWaiting || checkerWaiting) {
      socket.pause();
      clearTimeout(timer);
    }
  });
  socket.on('error', (e: Error) => {
    fail(new CaptureError(`connection to node ${where} failed after ${reader.bytes} bytes of its RDB: ${e.message}`, 'connection', { cause: e }));
  });
  socket.on('close', () => {
    if (!reader.done) fail(new CaptureError(`node ${where} closed the connection after ${reader.bytes} bytes of its RDB`, 'connection'));
  });

  if (opts.signal) {
    const onAbort = () => fail(new CaptureError(`capture from ${where} aborted`, 'aborted', { cause: opts.signal!.reason }));
    if (opts.signal.aborted) onAbort();
    else {
      opts.signal.addEventListener('abort', onAbort, { once: true });
      void done.finally(() => opts.signal!.removeEventListener('abort', onAbort)).catch(() => undefined);
    }
  }
  arm();
  return { stream, done };
}
