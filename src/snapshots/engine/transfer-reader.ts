/**
 * The bytes a node answers `AUTH`, `REPLCONF rdb-only 1` and `SYNC` with, read the way Redis's own
 * replica reads them (replication.c, readSyncBulkPayload): first one simple reply per command
 * sent before SYNC; then `\n` keep-alives while the node forks; then the bulk header, either
 * `$EOF:<40-byte mark>\r\n` (diskless sync: the RDB follows, then the mark again, and the length
 * is known only at the end) or `$<length>\r\n` (an RDB file sent from disk); then the payload.
 *
 * Pure (bytes in, RDB bytes out) so every framing case is unit-tested without a node. The mark
 * is recognised as Redis does: the transfer ends when the last 40 bytes received equal it, so the
 * reader always holds the last 40 bytes back until it knows they are RDB and not the mark.
 */

/** A node refused a command, or sent something that is not the replication protocol. */
export class TransferProtocolError extends Error {
  constructor(message: string, readonly reply?: string) {
    super(message);
    this.name = 'TransferProtocolError';
  }
}

export const EOF_MARK_BYTES = 40;
/** Longest line accepted before the payload (a reply or a bulk header); Redis's are far shorter. */
const MAX_LINE = 4096;

type State =
  | { kind: 'replies'; left: number }
  | { kind: 'header' }
  | { kind: 'length'; left: number }
  | { kind: 'mark'; mark: Buffer }
  | { kind: 'done' };

export interface TransferChunk {
  /** RDB bytes released by this chunk, in order (may be empty). */
  payload: Buffer[];
  /** The whole RDB has been read; bytes after it are ignored. */
  done: boolean;
}

export class TransferReader {
  private state: State;
  /** A line being read (replies, header). */
  private line: Buffer = Buffer.alloc(0);
  /** The mark form: the last bytes received, up to 40, not released yet. */
  private held: Buffer = Buffer.alloc(0);
  private released = 0;

  /** `replies`: how many simple replies (`+OK`) to read before the bulk (one per command sent before SYNC). */
  constructor(replies: number) {
    this.state = replies > 0 ? { kind: 'replies', left: replies } : { kind: 'header' };
  }

  /** RDB bytes released so far. */
  get bytes(): number {
    return this.released;
  }

  /**
   * Replies still expected. The SYNC itself must wait for 0: a node refuses SYNC while replies
   * to earlier commands are still in its output buffer ("invalid with pending output").
   */
  get repliesLeft(): number {
    return this.state.kind === 'replies' ? this.state.left : 0;
  }

  get done(): boolean {
    return this.state.kind === 'done';
  }

  /** How the payload is framed, once the header has been read. */
  get framing(): 'eof-mark' | 'length' | undefined {
    return this.state.kind === 'mark' ? 'eof-mark' : this.state.kind === 'length' ? 'length' : undefined;
  }

  /** Feeds the next bytes from the node. Throws {@link TransferProtocolError} on an error reply or garbage. */
  push(chunk: Buffer): TransferChunk {
    const payload: Buffer[] = [];
    let at = 0;
    while (at < chunk.length && this.state.kind !== 'done') {
      const s = this.state;
      if (s.kind === 'replies' || s.kind === 'header') {
        at = this.readLine(chunk, at);
      } else if (s.kind === 'length') {
        const n = Math.min(s.left, chunk.length - at);
        payload.push(chunk.subarray(at, at + n));
        this.released += n;
        s.left -= n;
        at += n;
        if (s.left === 0) this.state = { kind: 'done' };
      } else if (s.kind === 'mark') {
        this.readMarked(chunk.subarray(at), s.mark, payload);
        at = chunk.length;
      }
    }
    return { payload, done: this.state.kind === 'done' };
  }

  /** Reads up to the end of a line (or of the chunk); handles the line when complete. Returns the new offset. */
  private readLine(chunk: Buffer, at: number): number {
    // Keep-alives: a lone `\n` before the header (Redis sends one a second while it forks).
    if (this.state.kind === 'header' && this.line.length === 0) {
      while (at < chunk.length && chunk[at] === 0x0a) at++;
      if (at === chunk.length) return at;
    }
    const nl = chunk.indexOf(0x0a, at);
    const end = nl < 0 ? chunk.length : nl + 1;
    this.line = this.line.length ? Buffer.concat([this.line, chunk.subarray(at, end)]) : Buffer.from(chunk.subarray(at, end));
    if (this.line.length > MAX_LINE) throw new TransferProtocolError('the node sent an over-long line instead of a replication reply');
    if (nl >= 0) {
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.handleLine(text);
    }
    return end;
  }

  private handleLine(text: string): void {
    if (text.startsWith('-')) throw new TransferProtocolError(`the node refused: ${text.slice(1)}`, text.slice(1));
    const s = this.state;
    if (s.kind === 'replies') {
      if (!text.startsWith('+')) throw new TransferProtocolError(`unexpected reply ${JSON.stringify(text.slice(0, 80))}`);
      this.state = s.left > 1 ? { kind: 'replies', left: s.left - 1 } : { kind: 'header' };
      return;
    }
    if (text.startsWith('$EOF:')) {
      const mark = Buffer.from(text.slice(5), 'latin1');
      if (mark.length !== EOF_MARK_BYTES) throw new TransferProtocolError(`bad end-of-transfer mark in ${JSON.stringify(text.slice(0, 80))}`);
      this.state = { kind: 'mark', mark };
      return;
    }
    const m = /^\$(\d{1,15})$/.exec(text);
    if (!m) throw new TransferProtocolError(`expected the RDB transfer, got ${JSON.stringify(text.slice(0, 80))}`);
    const left = Number(m[1]);
    this.state = left === 0 ? { kind: 'done' } : { kind: 'length', left };
  }

  /**
   * The mark form: everything but the last 40 bytes seen is RDB; the transfer ends when those 40
   * bytes equal the mark. Copies only the held tail, never a whole chunk.
   */
  private readMarked(data: Buffer, mark: Buffer, payload: Buffer[]): void {
    if (data.length >= EOF_MARK_BYTES) {
      if (this.held.length) this.release(this.held, payload);
      this.release(data.subarray(0, data.length - EOF_MARK_BYTES), payload);
      this.held = Buffer.from(data.subarray(data.length - EOF_MARK_BYTES));
    } else {
      const all = Buffer.concat([this.held, data]);
      const keep = Math.min(EOF_MARK_BYTES, all.length);
      this.release(all.subarray(0, all.length - keep), payload);
      this.held = all.subarray(all.length - keep);
    }
    if (this.held.length === EOF_MARK_BYTES && this.held.equals(mark)) {
      this.held = Buffer.alloc(0);
      this.state = { kind: 'done' };
    }
  }

  private release(b: Buffer, payload: Buffer[]): void {
    if (b.length === 0) return;
    payload.push(b);
    this.released += b.length;
  }
}
