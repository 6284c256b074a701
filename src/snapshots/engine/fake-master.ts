/**
 * A primary that exists only to hand one RDB to one replica: the service's side of a restore's
 * load. A loader redis-server is started as a replica of this listener, which answers the
 * replica's handshake as Redis does (PING, AUTH, REPLCONF listening-port / ip-address / capa,
 * then PSYNC → `+FULLRESYNC <replid> 0`) and sends the RDB in the diskless form,
 * `$EOF:<40-byte mark>\r\n<rdb><mark>`, so it reaches the replica's memory without a file: the
 * loader reads it with `repl-diskless-load` and never writes it to disk.
 *
 * The RDB is streamed with backpressure (a loader parsing slowly slows the source down); what
 * the replica sends after the transfer (REPLCONF ACK) is read and ignored. A second connection
 * means the replica dropped the first one, i.e. it failed to load what it was sent.
 */
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import tls from 'node:tls';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import RedisParser from 'redis-parser';

export interface FakeMaster {
  address: string;
  port: number;
  /** Resolves with the RDB's size once all of it (and the mark) has been written to the replica. */
  sent: Promise<{ bytes: number }>;
  /**
   * Rejects when the transfer failed: the source failed (its own error, as is), or the replica
   * dropped the connection (during the transfer, or later: it could not load the RDB). Never
   * resolves; handled internally, so nobody has to watch it.
   */
  failed: Promise<never>;
  /** ms timestamp of the last byte written or read: a stalled transfer shows here. */
  lastActivity(): number;
  /** Closes the listener and the replica's connection. Idempotent. */
  close(): Promise<void>;
}

/** Why a load failed on the replica's side (the caller adds the loader's log). */
export class ReplicaDroppedError extends Error {
  constructor(message: string, readonly afterTransfer: boolean) {
    super(message);
    this.name = 'ReplicaDroppedError';
  }
}

export interface ServeRdbOptions {
  tls?: { cert: string | Buffer; key: string | Buffer };
  /**
   * The most bytes the RDB may have: past it the transfer fails with `error(bytes)`, before the
   * closing mark, so the replica never takes the RDB (with `repl-diskless-load swapdb` it keeps
   * its old data set), as when the source itself fails.
   */
  limit?: { bytes: number; error: (bytes: number) => Error };
}

/**
 * Listens on `address` (a free port) and serves `openSource()`'s bytes to the first replica that
 * asks for a full sync. The source is opened only then, so nothing is read before a replica is
 * there to take it. With `tls`, the listener speaks TLS with that certificate (a replica with
 * `tls-replication yes` verifies it against its CA, so it must be one the service's CA issued).
 */
export async function serveRdb(address: string, openSource: () => Promise<Readable>,
  opts: ServeRdbOptions = {}): Promise<FakeMaster> {
  let rejectFailed!: (e: Error) => void;
  const failed = new Promise<never>((_, rej) => { rejectFailed = rej; });
  failed.catch(() => undefined);
  let resolveSent!: (v: { bytes: number }) => void;
  const sent = new Promise<{ bytes: number }>((res) => { resolveSent = res; });
  let last = Date.now();
  let replica: net.Socket | undefined;
  let transferDone = false;
  let closing = false;

  const onConnection = (socket: net.Socket) => {
    if (replica) {
      // The replica came back: it dropped the first connection, so the load failed.
      socket.destroy();
      rejectFailed(new ReplicaDroppedError('the loader reconnected to ask for the RDB again: it could not load it', true));
      return;
    }
    replica = socket;
    socket.setNoDelay(true);
    socket.on('error', () => undefined); // the 'close' below says it
    socket.on('close', () => {
      if (closing) return;
      rejectFailed(new ReplicaDroppedError(transferDone
        ? 'the loader dropped the connection after the transfer: it could not load the RDB'
        : 'the loader dropped the connection during the transfer', transferDone));
    });
    let streaming = false;
    const parser = new RedisParser({
      returnBuffers: false,
      returnReply: (reply: unknown) => {
        last = Date.now();
        if (streaming) return; // REPLCONF ACK after the transfer
        const [name] = Array.isArray(reply) ? reply.map(String) : [String(reply)];
        const cmd = (name ?? '').toUpperCase();
        if (cmd === 'PING') socket.write('+PONG\r\n');
        else if (cmd === 'AUTH' || cmd === 'REPLCONF') socket.write('+OK\r\n');
        else if (cmd === 'PSYNC' || cmd === 'SYNC') {
          streaming = true;
          void transfer(socket, cmd === 'PSYNC');
        } else socket.write(`-ERR unknown command '${cmd.slice(0, 40)}'\r\n`);
      },
      returnError: () => undefined,
      returnFatalError: () => socket.destroy(),
    });
    socket.on('data', (d: Buffer) => {
      last = Date.now();
      if (!streaming) parser.execute(d);
    });
  };
  const server = opts.tls
    ? tls.createServer({ cert: opts.tls.cert, key: opts.tls.key }, onConnection)
    : net.createServer(onConnection);
  // A failed TLS handshake is a connection that never happened; the replica tries again.
  server.on('tlsClientError', () => undefined);

  async function transfer(socket: net.Socket, psync: boolean): Promise<void> {
    const mark = randomBytes(20).toString('hex'); // 40 characters, as Redis makes it
    let bytes = 0;
    try {
      const source = await openSource();
      const header = `${psync ? `+FULLRESYNC ${randomBytes(20).toString('hex')} 0\r\n` : ''}$EOF:${mark}\r\n`;
      await pipeline(source, async function* (chunks: AsyncIterable<Buffer>) {
        yield Buffer.from(header);
        for await (const c of chunks) {
          bytes += c.length;
          if (opts.limit && bytes > opts.limit.bytes) throw opts.limit.error(bytes);
          last = Date.now();
          yield c;
        }
        yield Buffer.from(mark);
      }, socket, { end: false });
      transferDone = true;
      resolveSent({ bytes });
    } catch (e) {
      socket.destroy();
      rejectFailed(e as Error);
    }
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: address, port: 0, exclusive: true }, () => resolve());
  });
  server.on('error', (e) => rejectFailed(e));
  const { port } = server.address() as net.AddressInfo;
  return {
    address,
    port,
    sent,
    failed,
    lastActivity: () => last,
    close: () => {
      closing = true;
      replica?.destroy();
      return new Promise<void>((resolve) => {
        if (!server.listening) resolve();
        else server.close(() => resolve());
      });
    },
  };
}
