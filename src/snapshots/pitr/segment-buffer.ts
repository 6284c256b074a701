/**
 * The segment being recorded: the replication stream's commands as an AOF file, in memory until
 * the archiver closes it and uploads it. Pure (times and offsets are given), so its framing is
 * unit-tested without a node.
 *
 * - Redis's own annotation, `#TS:<unix seconds>\r\n`, goes before a command whenever its second
 *   differs from the previous command's (`aof-timestamp-enabled`'s format, which both the AOF
 *   loader and `redis-check-aof --truncate-to-timestamp` read), and before a segment's first command.
 * - Commands that change nothing (PING, REPLCONF GETACK) advance the offset but are not written:
 *   the AOF loader would refuse REPLCONF.
 * - A MULTI…EXEC block is never split: no annotation and no segment boundary inside it, so a cut
 *   at a second never lands in a transaction.
 * - For a base taken on another connection (whose offset is known only once the node answers),
 *   `markBoundaries` starts remembering every command boundary and `takeUntil` then closes the
 *   segment exactly at the base's offset, even if more has been recorded since.
 */

/** Pages grow with the segment (an idle shard holds kilobytes, a busy one 1 MiB pages). */
const FIRST_PAGE = 16 << 10;
const MAX_PAGE = 1 << 20;

export interface ClosedSegment {
  startMs: number;
  endMs: number;
  startOffset: number;
  endOffset: number;
  /** The AOF bytes. */
  chunks: Buffer[];
  bytes: number;
  /** Commands written (those dropped as no-ops not counted). */
  commands: number;
}

interface Boundary {
  offset: number;
  /** Byte position in the segment's content after the command ending at `offset`. */
  pos: number;
  ms: number;
  /** The annotated second in force at that point. */
  second: number;
  /** Commands written before it. */
  count: number;
}

export function annotation(second: number): Buffer {
  return Buffer.from(`#TS:${second}\r\n`, 'latin1');
}

export class SegmentBuffer {
  private pages: Buffer[] = [];
  private page: Buffer = Buffer.allocUnsafe(0);
  private used = 0;
  private size = 0;
  private count = 0;
  private lastSecond = -1;
  private inMulti = false;
  private boundaries: Boundary[] | undefined;
  private startMs: number;
  private startOff: number;
  private off: number;

  constructor(start: { ms: number; offset: number }) {
    this.startMs = start.ms;
    this.startOff = this.off = start.offset;
  }

  /** Stream offset after the last command appended. */
  get offset(): number {
    return this.off;
  }

  get bytes(): number {
    return this.size;
  }

  get commands(): number {
    return this.count;
  }

  /** Stream offset the open segment starts at. */
  get startOffset(): number {
    return this.startOff;
  }

  get openedAt(): number {
    return this.startMs;
  }

  /** Whether a segment may end here: not inside a MULTI…EXEC block. */
  get atBoundary(): boolean {
    return !this.inMulti;
  }

  /**
   * One command of the stream: `raw` its exact bytes, `name` its lower-case name, `endOffset`
   * the stream offset after it, `ms` when it arrived.
   */
  append(raw: Buffer, name: string, endOffset: number, ms: number): void {
    if (endOffset !== this.off + raw.length) {
      throw new Error(`replication stream offset ${this.off} + ${raw.length} bytes != ${endOffset}`);
    }
    this.off = endOffset;
    if (name === 'ping' || name === 'replconf') {
      if (!this.inMulti) this.mark(ms);
      return;
    }
    const second = Math.floor(ms / 1000);
    if (!this.inMulti && second !== this.lastSecond) {
      this.write(annotation(second));
      this.lastSecond = second;
    }
    this.write(raw);
    this.count++;
    if (name === 'multi') this.inMulti = true;
    else if (name === 'exec' || name === 'discard') this.inMulti = false;
    if (!this.inMulti) this.mark(ms);
  }

  /** From now on remember each boundary, so that {@link takeUntil} can cut at any of them. */
  markBoundaries(ms: number): void {
    this.boundaries = [{ offset: this.off, pos: this.size, ms, second: this.lastSecond, count: this.count }];
  }

  /** Closes the segment at `endMs`; a new, empty one opens at the same time and offset. */
  take(endMs: number): ClosedSegment {
    const closed: ClosedSegment = {
      startMs: this.startMs, endMs: Math.max(endMs, this.startMs), startOffset: this.startOff, endOffset: this.off,
      chunks: this.content(), bytes: this.size, commands: this.count,
    };
    this.reset(closed.endMs, this.off);
    return closed;
  }

  /**
   * Closes the segment exactly at stream offset `offset`, a boundary remembered since
   * {@link markBoundaries}: what was recorded after it stays, as the start of the next segment.
   * Undefined when `offset` is not such a boundary (then nothing changes).
   */
  takeUntil(offset: number): ClosedSegment | undefined {
    const b = this.boundaries?.find((x) => x.offset === offset);
    if (!b) return undefined;
    const all = Buffer.concat(this.content(), this.size);
    const closed: ClosedSegment = {
      startMs: this.startMs, endMs: Math.max(b.ms, this.startMs), startOffset: this.startOff, endOffset: offset,
      chunks: [all.subarray(0, b.pos)], bytes: b.pos, commands: b.count,
    };
    const rest = all.subarray(b.pos);
    const keepOff = this.off;
    const keepInMulti = this.inMulti;
    const keepSecond = this.lastSecond;
    const restCommands = this.count - b.count;
    this.reset(closed.endMs, offset);
    // The rest starts with an annotation of its own unless it already does.
    if (rest.length > 0 && rest[0] !== 0x23 /* # */ && b.second >= 0) this.write(annotation(b.second));
    this.write(rest);
    this.off = keepOff;
    this.inMulti = keepInMulti;
    this.lastSecond = rest.length > 0 ? keepSecond : -1;
    this.count = restCommands;
    return closed;
  }

  /** Stops remembering boundaries. */
  forgetBoundaries(): void {
    this.boundaries = undefined;
  }

  private mark(ms: number): void {
    this.boundaries?.push({ offset: this.off, pos: this.size, ms, second: this.lastSecond, count: this.count });
  }

  private reset(ms: number, offset: number): void {
    this.pages = [];
    this.page = Buffer.allocUnsafe(0);
    this.used = 0;
    this.size = 0;
    this.count = 0;
    this.lastSecond = -1;
    this.boundaries = undefined;
    this.startMs = ms;
    this.startOff = this.off = offset;
  }

  private content(): Buffer[] {
    return this.used > 0 ? [...this.pages, this.page.subarray(0, this.used)] : [...this.pages];
  }

  private write(b: Buffer): void {
    let at = 0;
    while (at < b.length) {
      if (this.used === this.page.length) {
        if (this.used > 0) this.pages.push(this.page);
        this.page = Buffer.allocUnsafe(Math.min(MAX_PAGE, Math.max(FIRST_PAGE, this.size, b.length - at)));
        this.used = 0;
      }
      const n = b.copy(this.page, this.used, at);
      this.used += n;
      at += n;
    }
    this.size += b.length;
  }
}
