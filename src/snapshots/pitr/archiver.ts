/**
 * The point-in-time archive of one shard: the service follows the shard as a replica would
 * (PSYNC, from a replica when the shard has one) and records its replication stream as
 * timestamped AOF segments in an object store, next to bases (RDBs at known offsets). See
 * docs/PITR.md for why it records the stream itself rather than copying a node's AOF.
 *
 *   const a = new ShardArchiver({ store, prefix: 'pitr/my-group/0001/', source, encode });
 *   a.start();            // resumes where the archive ends (PSYNC), or begins a new line
 *   …
 *   await a.stop();       // archives what was recorded, then ends the link
 *
 * Restart-safe: the archive itself is the state. On start the archiver finds the last segment
 * archived and asks the node to continue after it (`PSYNC <replid> <offset+1>`, which a promoted
 * replica also accepts after a failover); when the node cannot (its backlog no longer holds that
 * offset), it answers with a full sync and a new line begins with that sync's RDB as its base.
 * Writes recorded but not yet archived when the service stops abruptly are fetched again by that
 * PSYNC; they are lost only when the node cannot continue (then the archive has a gap that
 * restores refuse). Each link failure is retried, with a growing wait.
 */
import { randomBytes } from 'node:crypto';
import { Readable } from 'node:stream';
import { silentLogger, type Logger } from '../../util/logger.js';
import { delay } from '../../util/wait.js';
import type { NodeTarget, ObjectStore } from '../types.js';
import { BaseScheduler } from './base-scheduler.js';
import { findHead } from './listing.js';
import { writeTail } from './tail.js';
import { baseKey, segmentKey } from './names.js';
import { ReplicationLink, type LinkReply } from './psync-link.js';
import { Recording, type RecordedSegment } from './recording.js';
import { UploadQueue } from './upload-queue.js';

export interface ArchiverOptions {
  store: ObjectStore;
  /** This shard's key prefix, ending with `/` (e.g. `pitr/<group>/<shard>/`). */
  prefix: string;
  /** The node to follow, asked before each connection (a replica when the shard has one); undefined: none now. */
  source: () => NodeTarget | undefined | Promise<NodeTarget | undefined>;
  /** Frames each object on its way to the store (compression, encryption). */
  encode: (plain: Readable) => Readable;
  localAddress?: string;
  /** N, the bound on loss: a segment holding writes is archived at most this long after it opened. Default 10 s. */
  flushIntervalMs?: number;
  /** A segment without writes is archived after this long, so idle time is covered too. Default 60 s. */
  idleFlushIntervalMs?: number;
  /** A segment is closed at this size whatever its age. Default 64 MiB. */
  maxSegmentBytes?: number;
  /** A new base this long after the last one (a restore replays at most this much). Default 24 h. */
  baseIntervalMs?: number;
  /** Keep what restores to the last `retentionMs` need; expired after each new base. Default: keep all. */
  retentionMs?: number;
  /** Silence on the link before it is dropped and resumed. Default 60 s. */
  timeoutMs?: number;
  /** First wait after a failure (doubling up to 30 s). Default 1 s. */
  retryMs?: number;
  /** How far back (days) the head of the archive is looked for at start. Default 35 (ElastiCache's longest retention). */
  lookbackDays?: number;
  now?: () => number;
  logger?: Logger;
  /**
   * A new line began with a full sync (`at`, ms): the archive's first, or, when `previous` (the
   * line archived before it and when it ended) is given, after a gap that restores refuse.
   */
  onNewLine?: (line: { line: string; at: number; previous?: { line: string; endMs: number } }) => void;
}

export interface ArchiverStatus {
  state: 'stopped' | 'connecting' | 'recording' | 'waiting';
  line?: string;
  replid?: string;
  /** Stream offset recorded (in memory) and archived (in the store). */
  recordedOffset?: number;
  archivedOffset?: number;
  /** When the last archived segment ends (ms): restores reach up to about here. */
  archivedUntilMs?: number;
  segmentsArchived: number;
  basesArchived: number;
  lastError?: string;
}

interface Head {
  line: string;
  replid: string;
  offset: number;
  ms: number;
}

interface Session {
  node: NodeTarget;
  link: ReplicationLink;
  recording: Recording;
}

export class ShardArchiver {
  readonly opts: Required<Omit<ArchiverOptions, 'localAddress' | 'retentionMs' | 'onNewLine'>> & Pick<ArchiverOptions, 'localAddress' | 'retentionMs' | 'onNewLine'>;
  private readonly queue: UploadQueue;
  private readonly bases: BaseScheduler;
  private head: Head | undefined;
  private headLoaded = false;
  private session: Session | undefined;
  /** The link of the session being opened or running. */
  private link: ReplicationLink | undefined;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;
  private ticker: NodeJS.Timeout | undefined;
  private readonly st: ArchiverStatus = { state: 'stopped', segmentsArchived: 0, basesArchived: 0 };
  /** The tail mark being written (stop waits for it: nothing may land after the archive is let go). */
  private tailWrite: Promise<void> | undefined;
  private tailWrittenAt = 0;
  private readonly log: Logger;

  constructor(options: ArchiverOptions) {
    this.opts = {
      flushIntervalMs: 10_000, idleFlushIntervalMs: 60_000, maxSegmentBytes: 64 << 20, baseIntervalMs: 86_400_000,
      timeoutMs: 60_000, retryMs: 1000, lookbackDays: 35, now: Date.now, logger: silentLogger, ...options,
    };
    this.log = this.opts.logger.child({ component: 'pitr-archiver', prefix: options.prefix });
    this.queue = new UploadQueue((e) => {
      this.log.warn({ err: e.message }, 'archive upload failed; the recording resumes from what was archived');
      this.link?.close();
    });
    this.bases = new BaseScheduler({
      store: this.opts.store, prefix: this.opts.prefix, encode: this.opts.encode, now: this.opts.now,
      timeoutMs: this.opts.timeoutMs, localAddress: this.opts.localAddress, baseIntervalMs: this.opts.baseIntervalMs,
      retentionMs: this.opts.retentionMs, log: this.log, current: () => this.session,
      onArchived: () => { this.st.basesArchived++; },
    });
  }

  status(): ArchiverStatus {
    return { ...this.st, ...(this.session ? { recordedOffset: this.session.recording.offset } : {}) };
  }

  /** Starts recording (idempotent). */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.run();
    this.ticker = setInterval(() => this.tick(), Math.min(250, this.opts.flushIntervalMs));
    this.ticker.unref();
  }

  /** Archives what was recorded, ends the link, and waits for uploads. */
  async stop(): Promise<void> {
    this.stopping = true;
    clearInterval(this.ticker);
    await this.tailWrite;
    this.link?.close();
    this.wake?.();
    await this.loop;
    await this.bases.idle();
    this.loop = undefined;
    this.st.state = 'stopped';
  }

  /** Archives the open segment now (at the next boundary) and waits until it is in the store. */
  async flush(): Promise<void> {
    this.session?.recording.flush(this.opts.now());
    await this.queue.idle();
  }

  /** Takes a new base now (normally every `baseIntervalMs`); resolves once it is archived. */
  takeBase(): Promise<void> {
    return this.bases.takeNow();
  }

  private tick(): void {
    const now = this.opts.now();
    this.session?.recording.tick(now);
    if (this.session && this.st.state === 'recording') this.bases.maybeTake(now);
    this.maybeMarkTail(now);
  }

  /**
   * Every flush interval while nothing is pending (no write in the open segment, every closed
   * segment stored): the tail mark says the archive reaches now (tail.ts), so a quiet shard's
   * coverage keeps up within N instead of trailing until the next idle flush.
   */
  private maybeMarkTail(now: number): void {
    const s = this.session;
    const h = this.head;
    if (!s || !h || this.tailWrite || this.stopping || this.st.state !== 'recording' || now - this.tailWrittenAt < this.opts.flushIntervalMs) return;
    const r = s.recording;
    // Continuous with the last segment only: after a reconnection, writes made while the link was
    // down may still be arriving (stamped on arrival), so those seconds stay a gap (docs/PITR.md).
    if (r.line !== h.line || r.openWrites > 0 || r.openStartOffset !== h.offset || r.openedAt !== h.ms || this.queue.tasks > 0 || now <= h.ms) return;
    this.tailWrittenAt = now;
    this.tailWrite = writeTail(this.opts.store, this.opts.prefix, { line: h.line, offset: h.offset, fromMs: h.ms, ms: now })
      .catch((e: unknown) => this.log.warn({ err: (e as Error).message }, 'writing the archive\'s tail mark failed; retried next interval'))
      .finally(() => { this.tailWrite = undefined; });
  }

  private async run(): Promise<void> {
    let wait = this.opts.retryMs;
    while (!this.stopping) {
      try {
        await this.runSession();
        wait = this.opts.retryMs;
      } catch (e) {
        this.st.lastError = (e as Error).message;
        this.log.warn({ err: this.st.lastError }, 'point-in-time recording interrupted');
      }
      if (this.stopping) break;
      this.st.state = 'waiting';
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        void delay(wait).then(resolve);
      });
      wait = Math.min(wait * 2, 30_000);
    }
  }

  private async runSession(): Promise<void> {
    this.st.state = 'connecting';
    if (!this.headLoaded) {
      const h = await findHead(this.opts.store, this.opts.prefix, this.opts.now(), this.opts.lookbackDays);
      if (h) this.head = { line: h.name.line, replid: h.name.replid, offset: h.name.endOffset, ms: h.name.endMs };
      await this.bases.load();
      this.headLoaded = true;
    }
    const node = await this.opts.source();
    if (!node) throw new Error('no node of the shard to follow right now');
    this.queue.reset();
    const head = this.head;
    let recording: Recording | undefined;
    const link = new ReplicationLink({
      node, localAddress: this.opts.localAddress, timeoutMs: this.opts.timeoutMs,
      ...(head ? { resume: { replid: head.replid, offset: head.offset } } : {}),
      // Synchronous, before any command of the stream: the recording must exist for the first one.
      onReply: (reply) => { recording = this.beginRecording(reply, head); },
      onCommand: (raw, name, end) => recording!.onCommand(raw, name, end, this.opts.now()),
      ackOffset: () => this.head?.offset ?? 0,
    });
    this.link = link;
    if (this.stopping) link.close();
    await link.reply;
    if (!recording) throw new Error('internal: no recording after the PSYNC reply');
    this.session = { node, link, recording };
    this.st.state = 'recording';
    this.st.line = recording.line;
    this.st.replid = recording.replid;
    const reason = await link.closed;
    recording.finish(this.opts.now());
    this.session = undefined;
    this.link = undefined;
    await this.queue.idle();
    if (this.queue.failed) throw this.queue.failed;
    if (reason && !this.stopping) throw reason;
  }

  /** The recording of a session that PSYNC answered with `reply`; a full sync starts a new line. */
  private beginRecording(reply: LinkReply, head: Head | undefined): Recording {
    const ms = this.opts.now();
    const emit = (seg: RecordedSegment) => this.upload(seg);
    const missed = (offset: number) => this.log.warn({ offset }, 'a base\'s offset was never reached: that base is unusable');
    if (reply.kind === 'continue') {
      return new Recording(head!.line, reply.replid ?? head!.replid, { ms, offset: head!.offset }, this.opts, emit, missed);
    }
    const line = randomBytes(6).toString('hex');
    const name = { ms, line, offset: reply.offset, replid: reply.replid };
    const rdb = reply.rdb!;
    // First in the queue: the RDB streams to the store before any command is read after it.
    this.bases.noted(name.ms); // now, not once uploaded: the scheduler must not take a second base meanwhile
    this.queue.push(0, () => this.putBase(name, rdb), () => {
      // Archived through the base's offset: a session ending now resumes this line after it.
      this.head = { line, replid: reply.replid, offset: reply.offset, ms };
      this.st.archivedOffset = reply.offset;
      this.st.archivedUntilMs = ms;
    });
    this.log.info({ line, replid: reply.replid, offset: reply.offset }, 'new archive line from a full sync');
    try {
      this.opts.onNewLine?.({ line, at: ms, ...(head ? { previous: { line: head.line, endMs: head.ms } } : {}) });
    } catch (e) {
      this.log.warn({ err: (e as Error).message }, 'onNewLine failed');
    }
    return new Recording(line, reply.replid, { ms, offset: reply.offset }, this.opts, emit, missed);
  }

  private async putBase(name: { ms: number; line: string; offset: number; replid: string }, rdb: Readable): Promise<void> {
    await this.opts.store.put(baseKey(this.opts.prefix, name), this.opts.encode(rdb));
    this.st.basesArchived++;
  }

  /** Queues a closed segment's upload; pauses the link while too much waits. */
  private upload(s: RecordedSegment): void {
    const key = segmentKey(this.opts.prefix, {
      startMs: s.startMs, endMs: s.endMs, line: s.line, startOffset: s.startOffset, endOffset: s.endOffset, replid: s.replid,
    });
    const link = this.link;
    this.queue.push(s.bytes, async () => {
      await this.opts.store.put(key, this.opts.encode(Readable.from(s.chunks, { objectMode: false })));
    }, () => {
      this.head = { line: s.line, replid: s.replid, offset: s.endOffset, ms: s.endMs };
      this.st.segmentsArchived++;
      this.st.archivedOffset = s.endOffset;
      this.st.archivedUntilMs = s.endMs;
      if (this.queue.bytes - s.bytes <= 2 * this.opts.maxSegmentBytes) link?.resume();
    });
    if (link && this.queue.bytes > 2 * this.opts.maxSegmentBytes) link.pause();
  }
}
