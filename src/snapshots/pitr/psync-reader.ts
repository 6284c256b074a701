/**
 * The bytes a node answers a PSYNC handshake with, read the way Redis's own replica reads them
 * (replication.c: syncWithMaster, readSyncBulkPayload):
 * 1. one simple reply per command sent before PSYNC (AUTH, REPLCONF…);
 * 2. the PSYNC reply: `+FULLRESYNC <replid> <offset>` or `+CONTINUE [<new replid>]`;
 * 3. after FULLRESYNC only: `\n` keep-alives while the node forks, then the RDB, framed either
 *    `$EOF:<40-byte mark>\r\n…<mark>` (diskless sync, the length known only at the end) or
 *    `$<length>\r\n…` (from a file);
 * 4. the command stream, handed back untouched as `stream` bytes.
 *
 * Pure (bytes in, events out), so every framing case is unit-tested without a node. The RDB
 * payload is released as it comes; with the mark form the last 40 bytes are held back until
 * they are known not to be the mark.
 */

export class PsyncRefusedError extends Error {
  constructor(message: string, readonly reply?: string) {
    super(message);
    this.name = 'PsyncRefusedError';
  }
}

export type PsyncReply = { kind: 'full'; replid: string; offset: number } | { kind: 'continue'; replid?: string };

export interface PsyncChunk {
  /** Set once, by the push that completes the PSYNC reply. */
  reply?: PsyncReply;
  /** RDB bytes released by this push (full sync only). */
  rdb: Buffer[];
  /** Set by the push that completes the RDB. */
  rdbDone?: boolean;
  /** Bytes of the command stream that came in this push (after the reply or the RDB). */
  stream?: Buffer;
}

const MARK_BYTES = 40;
const MAX_LINE = 4096;
const LF = 0x0a;

type State =
  | { kind: 'replies'; left: number }
  | { kind: 'psync' }
  | { kind: 'header' }
  | { kind: 'length'; left: number }
  | { kind: 'mark'; mark: Buffer }
  | { kind: 'stream' };

export class PsyncReader {
  private state: State;
  private line: Buffer = Buffer.alloc(0);
  private held: Buffer = Buffer.alloc(0);
  private rdbBytes = 0;

  /** `replies`: simple replies expected before the PSYNC reply (one per command sent before it). */
  constructor(replies: number) {
    this.state = replies > 0 ? { kind: 'replies', left: replies } : { kind: 'psync' };
  }

  /** RDB bytes released so far. */
  get bytes(): number {
    return this.rdbBytes;
  }

  /** Whether the handshake (and the RDB of a full sync) is over: what follows is the command stream. */
  get streaming(): boolean {
    return this.state.kind === 'stream';
  }

  /** Replies still expected before the PSYNC reply (a node refuses PSYNC while earlier replies are unsent). */
  get repliesLeft(): number {
    return this.state.kind === 'replies' ? this.state.left : 0;
  }

  push(chunk: Buffer): PsyncChunk {
    const out: PsyncChunk = { rdb: [] };
    let at = 0;
    while (at < chunk.length) {
      const s = this.state;
      if (s.kind === 'stream') {
        out.stream = chunk.subarray(at);
        break;
      }
      if (s.kind === 'length') {
        const n = Math.min(s.left, chunk.length - at);
        this.release(chunk.subarray(at, at + n), out);
        s.left -= n;
        at += n;
        if (s.left === 0) this.endRdb(out);
      } else if (s.kind === 'mark') {
        at = this.readMarked(chunk, at, s.mark, out);
      } else {
        at = this.readLine(chunk, at, out);
      }
    }
    return out;
  }

  private readLine(chunk: Buffer, at: number, out: PsyncChunk): number {
    if ((this.state.kind === 'header' || this.state.kind === 'psync') && this.line.length === 0) {
      while (at < chunk.length && chunk[at] === LF) at++; // keep-alives
      if (at === chunk.length) return at;
    }
    const nl = chunk.indexOf(LF, at);
    const end = nl < 0 ? chunk.length : nl + 1;
    this.line = Buffer.concat([this.line, chunk.subarray(at, end)]);
    if (this.line.length > MAX_LINE) throw new PsyncRefusedError('the node sent an over-long line instead of a replication reply');
    if (nl >= 0) {
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.handleLine(text, out);
    }
    return end;
  }

  private handleLine(text: string, out: PsyncChunk): void {
    if (text.startsWith('-')) throw new PsyncRefusedError(`the node refused: ${text.slice(1)}`, text.slice(1));
    const s = this.state;
    if (s.kind === 'replies') {
      if (!text.startsWith('+')) throw new PsyncRefusedError(`unexpected reply ${JSON.stringify(text.slice(0, 80))}`);
      this.state = s.left > 1 ? { kind: 'replies', left: s.left - 1 } : { kind: 'psync' };
      return;
    }
    if (s.kind === 'psync') {
      const full = /^\+FULLRESYNC ([0-9a-f]{40}) (\d{1,18})$/.exec(text);
      if (full) {
        out.reply = { kind: 'full', replid: full[1]!, offset: Number(full[2]) };
        this.state = { kind: 'header' };
        return;
      }
      const cont = /^\+CONTINUE(?: ([0-9a-f]{40}))?$/.exec(text);
      if (cont) {
        out.reply = cont[1] ? { kind: 'continue', replid: cont[1] } : { kind: 'continue' };
        this.state = { kind: 'stream' };
        return;
      }
      throw new PsyncRefusedError(`unexpected PSYNC reply ${JSON.stringify(text.slice(0, 80))}`, text);
    }
    if (text.startsWith('$EOF:')) {
      const mark = Buffer.from(text.slice(5), 'latin1');
      if (mark.length !== MARK_BYTES) throw new PsyncRefusedError(`bad end-of-transfer mark in ${JSON.stringify(text.slice(0, 80))}`);
      this.state = { kind: 'mark', mark };
      return;
    }
    const m = /^\$(\d{1,15})$/.exec(text);
    if (!m) throw new PsyncRefusedError(`expected the RDB transfer, got ${JSON.stringify(text.slice(0, 80))}`);
    const left = Number(m[1]);
    if (left === 0) this.endRdb(out);
    else this.state = { kind: 'length', left };
  }

  /**
   * Mark form, Redis's rule: all but the last 40 bytes received are RDB, and the RDB ends when
   * those 40 equal the mark. (Nothing follows the mark until the replica's first REPLCONF ACK, so
   * the mark always ends what the node has sent so far.)
   */
  private readMarked(chunk: Buffer, at: number, mark: Buffer, out: PsyncChunk): number {
    const data = chunk.subarray(at);
    if (data.length >= MARK_BYTES) {
      this.release(this.held, out);
      this.release(data.subarray(0, data.length - MARK_BYTES), out);
      this.held = Buffer.from(data.subarray(data.length - MARK_BYTES));
    } else {
      const all = Buffer.concat([this.held, data]);
      const keep = Math.min(MARK_BYTES, all.length);
      this.release(all.subarray(0, all.length - keep), out);
      this.held = Buffer.from(all.subarray(all.length - keep));
    }
    if (this.held.length === MARK_BYTES && this.held.equals(mark)) {
      this.held = Buffer.alloc(0);
      this.endRdb(out);
    }
    return chunk.length;
  }

  private endRdb(out: PsyncChunk): void {
    out.rdbDone = true;
    this.state = { kind: 'stream' };
  }

  private release(b: Buffer, out: PsyncChunk): void {
    if (b.length === 0) return;
    out.rdb.push(b);
    this.rdbBytes += b.length;
  }
}
