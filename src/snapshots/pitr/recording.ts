/**
 * One recording session of a shard's replication stream (one link, from its PSYNC reply to its
 * end): the segment being filled, when it is closed, and cutting it exactly at a new base's
 * offset. Pure but for the `emit` callback, and driven by the archiver with times given, so its
 * decisions are unit-tested on plain data.
 *
 * A segment is closed (and handed to `emit` for upload):
 * - once it holds writes and is `flushIntervalMs` old: the bound on what a failure can lose;
 * - once it is `idleFlushIntervalMs` old even without writes, so idle stretches are covered too;
 * - once it reaches `maxSegmentBytes`, whatever its age;
 * - at a new base's offset (beginCut … cutAt), so that base starts a segment;
 * - when the session ends (finish);
 * never inside a MULTI…EXEC block, and not while a base's offset is awaited (the segment that
 * will hold it must still be open to be cut).
 */
import { SegmentBuffer, type ClosedSegment } from './segment-buffer.js';

export interface RecordingLimits {
  flushIntervalMs: number;
  idleFlushIntervalMs: number;
  maxSegmentBytes: number;
}

export interface RecordedSegment extends ClosedSegment {
  line: string;
  /** The stream's replication id at the segment's end (what a PSYNC resuming after it names). */
  replid: string;
}

export type CutResult = 'cut' | 'pending' | 'missed';

export class Recording {
  private readonly buffer: SegmentBuffer;
  private holding = false;
  private pendingCut: number | undefined;
  private flushWanted = false;

  constructor(
    readonly line: string,
    readonly replid: string,
    start: { ms: number; offset: number },
    private readonly limits: RecordingLimits,
    private readonly emit: (s: RecordedSegment) => void,
    /** Told when a pending cut's offset was passed without landing on it (the base is then unusable). */
    private readonly onMissedCut: (offset: number) => void = () => undefined,
  ) {
    this.buffer = new SegmentBuffer(start);
  }

  /** Stream offset after the last command recorded. */
  get offset(): number {
    return this.buffer.offset;
  }

  /** Writes in the open segment (PING and the like are not written). */
  get openWrites(): number {
    return this.buffer.commands;
  }

  /** The offset the open segment starts at (where the last closed one ended). */
  get openStartOffset(): number {
    return this.buffer.startOffset;
  }

  /** When the open segment began: the last one's end, or the session's start after a reconnection. */
  get openedAt(): number {
    return this.buffer.openedAt;
  }

  onCommand(raw: Buffer, name: string, endOffset: number, ms: number): void {
    this.buffer.append(raw, name, endOffset, ms);
    if (this.pendingCut !== undefined) {
      if (endOffset === this.pendingCut) {
        this.pendingCut = undefined;
        this.roll(ms);
        return;
      }
      if (endOffset > this.pendingCut) {
        this.onMissedCut(this.pendingCut);
        this.pendingCut = undefined;
      }
    }
    if ((this.flushWanted || this.buffer.bytes >= this.limits.maxSegmentBytes) && this.mayRoll()) this.roll(ms);
  }

  /** Closes the segment when its age says so (see the module comment). */
  tick(ms: number): void {
    if (!this.mayRoll()) return;
    if (this.flushWanted) {
      this.roll(ms);
      return;
    }
    const age = ms - this.buffer.openedAt;
    if ((this.buffer.commands > 0 && age >= this.limits.flushIntervalMs) || age >= this.limits.idleFlushIntervalMs) this.roll(ms);
  }

  /** The session ended: what was recorded is closed, however young (a MULTI left open is dropped by Redis's loader too). */
  finish(ms: number): void {
    this.roll(ms);
  }

  /** Closes the segment now, or at the next boundary when inside MULTI…EXEC or a base cut. */
  flush(ms: number): void {
    if (this.mayRoll()) this.roll(ms);
    else this.flushWanted = true;
  }

  /** A base is being requested: remember boundaries and keep the segment open until {@link cutAt}. */
  beginCut(ms: number): void {
    this.buffer.markBoundaries(ms);
    this.holding = true;
  }

  /**
   * The base's offset is known: close a segment exactly there, now if it was recorded already,
   * else when the stream reaches it. `missed`: the offset is not a boundary of this stream.
   */
  cutAt(offset: number, ms: number): CutResult {
    this.holding = false;
    if (offset < this.buffer.offset) {
      const closed = this.buffer.takeUntil(offset);
      if (!closed) return 'missed';
      this.emit({ ...closed, line: this.line, replid: this.replid });
      return 'cut';
    }
    this.buffer.forgetBoundaries();
    if (offset === this.buffer.offset) {
      this.roll(ms);
      return 'cut';
    }
    this.pendingCut = offset;
    return 'pending';
  }

  /** The base request failed: back to normal. */
  cancelCut(): void {
    this.holding = false;
    this.buffer.forgetBoundaries();
  }

  private mayRoll(): boolean {
    return !this.holding && this.buffer.atBoundary;
  }

  private roll(ms: number): void {
    const b = this.buffer;
    this.flushWanted = false;
    if (b.bytes === 0 && b.offset === b.startOffset && ms <= b.openedAt) return; // nothing at all
    this.emit({ ...b.take(ms), line: this.line, replid: this.replid });
  }
}
