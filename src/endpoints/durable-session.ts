/**
 * The durable mode of a primary endpoint (parameter `cachefleet-durable-writes`): one client
 * connection's traffic, rewritten so that the client gets a write's reply only once a replica has
 * the write. Redis replication is asynchronous; without this a write the primary acknowledged but
 * had not yet streamed to a replica is lost when the primary dies and a replica is promoted.
 *
 * How: the client's command stream is parsed (redis-parser) and forwarded unchanged, except that
 * `WAIT <replicas> <timeoutMs>` is sent right after the last write of each batch of commands that
 * arrived together (a pipeline costs one WAIT, not one per write; a MULTI … EXEC that wrote gets
 * one after EXEC). The server's replies are parsed too (only to find where each one ends; the bytes
 * pass unchanged, binary values included). From a write's reply until the WAIT's reply, replies
 * are held back, later ones too, so the client sees them in order; the WAIT's own reply is
 * swallowed. When it reports at least `replicas` replicas, the held replies go out as they are;
 * otherwise each held write reply becomes `-NOREPLICAS Not enough good replicas to write.` (the
 * write may still exist on the primary: the client must treat it as unknown, as any error). A
 * write that failed (an error reply) or did nothing (a null reply) keeps its own reply.
 *
 * What counts as a write: every command @ioredis/commands flags `write` (for container commands
 * such as XGROUP or FUNCTION, the subcommand's flag), scripts and functions not marked read-only
 * (EVAL, EVALSHA, FCALL), and any command it does not know (a module's, a renamed one).
 *
 * Supported around that:
 * - pipelining, MULTI/EXEC/DISCARD, blocking commands (BLPOP, XREAD BLOCK, the client's own
 *   WAIT, …: a reply simply comes later), inline commands (`PING\r\n` from telnet or a health
 *   check), AUTH/SELECT/CLIENT …, binary keys and values, replies split anywhere across reads.
 * - Pub/sub (SUBSCRIBE, PSUBSCRIBE, SSUBSCRIBE) and MONITOR: from there on the server's messages
 *   are passed through as they come. A pub/sub connection may go back to ordinary commands
 *   (UNSUBSCRIBE from everything, or RESET): before the first non-pub/sub command the session
 *   sends a `PING <token>` barrier and waits for its answer, which tells whether the server is
 *   still in pub/sub mode; writes after that are held as usual. After MONITOR the server refuses
 *   keyspace commands until RESET, whose `+RESET` reply ends MONITOR mode for the session too.
 * - SYNC/PSYNC (a replica attached through the endpoint) turn the connection into a plain pipe.
 *
 * Refused with an error, without reaching the server (they would break the reply accounting):
 * `HELLO 3` (RESP3: push messages and new reply types; the error is Redis's own `-NOPROTO`, on
 * which RESP3-first clients such as Lettuce fall back to RESP2) and `CLIENT REPLY OFF|SKIP`.
 *
 * The class does no I/O: feed it what each side sent, send what it returns. Unit-tested without
 * sockets; the detached proxy process (proxy-process.ts) drives it for durable routes.
 */
import { CommandTracker } from './durable-command-tracker.js';
import { ReplyHolder } from './durable-reply-holder.js';
import { SessionState, type DurableSessionStats, type SessionOutput } from './durable-state.js';

export { isWriteCommand } from './durable-classify.js';
export { CLIENT_REPLY_REPLY, HELLO3_REPLY } from './durable-command-tracker.js';
export { NOREPLICAS_REPLY } from './durable-reply-holder.js';
export type { DurableSessionStats, SessionOutput } from './durable-state.js';

export interface DurableSessionOptions {
  /** WAIT timeout: how long a write waits for a replica before it is answered NOREPLICAS. */
  timeoutMs: number;
  /** Replicas that must have a write. Default 1. */
  replicas?: number;
}

/**
 * One client connection's durable session: the command half (durable-command-tracker.ts) reads
 * the client's stream, the reply half (durable-reply-holder.ts) the server's; they share a
 * SessionState, whose queue of expected replies lines them up.
 */
export class DurableSession {
  readonly stats: DurableSessionStats;

  private readonly state = new SessionState();
  private readonly commands: CommandTracker;
  private readonly replies: ReplyHolder;

  constructor(opts: DurableSessionOptions) {
    if (!Number.isInteger(opts.timeoutMs) || opts.timeoutMs < 1) throw new Error(`invalid WAIT timeout ${opts.timeoutMs}`);
    const replicas = opts.replicas ?? 1;
    this.stats = this.state.stats;
    this.commands = new CommandTracker(this.state, { replicas, timeoutMs: opts.timeoutMs });
    this.replies = new ReplyHolder(this.state, this.commands, replicas);
  }

  /** Set when the connection must be closed once the output is sent (the streams no longer line up). */
  get closeReason(): string | undefined {
    return this.state.closeReason;
  }

  /** Bytes the client sent. */
  fromClient(chunk: Buffer): SessionOutput {
    const out = this.state.begin();
    if (this.state.closeReason !== undefined) return out;
    if (this.commands.raw) {
      out.toServer.push(chunk);
      return out;
    }
    this.commands.read(chunk);
    this.replies.drainMarkers();
    this.replies.finish();
    return out;
  }

  /** Bytes the server sent. */
  fromServer(chunk: Buffer): SessionOutput {
    const out = this.state.begin();
    if (this.state.closeReason !== undefined) return out;
    if (this.replies.raw) {
      out.toClient.push(chunk);
      return out;
    }
    this.replies.read(chunk);
    this.state.expected.compact();
    return out;
  }
}
