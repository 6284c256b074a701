/**
 * Bytes a durable session (see durable-session.ts) has not passed on yet, addressed by absolute
 * stream position: one queue for what the client sent, one for what the server sent.
 */
export class ByteQueue {
  private chunks: Buffer[] = [];
  private first = 0;
  /** Bytes of chunks[first] already taken. */
  private offset = 0;
  /** Stream position of the first byte still held. */
  start = 0;
  /** Stream position after the last byte pushed. */
  end = 0;

  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.end += b.length;
  }

  /** Removes bytes [start, pos): appended to `out` as slices (no copy), or dropped without `out`. */
  take(pos: number, out?: Buffer[]): void {
    let n = Math.min(pos, this.end) - this.start;
    if (n <= 0) return;
    this.start += n;
    while (n > 0) {
      const c = this.chunks[this.first]!;
      const avail = c.length - this.offset;
      if (n < avail) {
        out?.push(c.subarray(this.offset, this.offset + n));
        this.offset += n;
        return;
      }
      out?.push(this.offset === 0 ? c : c.subarray(this.offset));
      n -= avail;
      this.first++;
      this.offset = 0;
    }
    if (this.first === this.chunks.length) {
      this.chunks = [];
      this.first = 0;
    } else if (this.first >= 32) {
      this.chunks = this.chunks.slice(this.first);
      this.first = 0;
    }
  }

  /** The byte at stream position `pos` (still held), or -1. */
  byteAt(pos: number): number {
    let rel = pos - this.start;
    if (rel < 0) return -1;
    rel += this.offset;
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (rel < c.length) return c[rel]!;
      rel -= c.length;
    }
    return -1;
  }

  /** Bytes [pos, end), left in place: one slice when they sit in one chunk, else a copy. */
  from(pos: number): Buffer {
    let rel = pos - this.start + this.offset;
    const parts: Buffer[] = [];
    for (let i = this.first; i < this.chunks.length; i++) {
      const c = this.chunks[i]!;
      if (rel >= c.length) { rel -= c.length; continue; }
      parts.push(rel > 0 ? c.subarray(rel) : c);
      rel = 0;
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}
