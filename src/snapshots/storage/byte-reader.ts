/**
 * Reads exact byte counts from a stream of chunks of any size (a file's 64 KiB reads, an HTTP
 * body's pieces), for parsing the framed snapshot format. Only what a read asks for is buffered,
 * so memory stays bounded by the largest read (one record).
 */
export class ByteReader {
  private chunks: Buffer[] = [];
  private buffered = 0;
  private ended = false;

  constructor(private readonly source: AsyncIterator<unknown>) {}

  /** The next `n` bytes; fewer only when the source ends first (the caller decides what that means). */
  async read(n: number): Promise<Buffer> {
    await this.fill(n);
    return this.take(Math.min(n, this.buffered));
  }

  /** The next `n` bytes (fewer only at the end) as the pieces they came in, not copied into one buffer. */
  async readPieces(n: number): Promise<Buffer[]> {
    await this.fill(n);
    const out: Buffer[] = [];
    let want = Math.min(n, this.buffered);
    while (want > 0) {
      const piece = this.take(Math.min(want, this.chunks[0]!.length));
      out.push(piece);
      want -= piece.length;
    }
    return out;
  }

  /** The next `n` bytes (fewer at the end), left unread. */
  async peek(n: number): Promise<Buffer> {
    await this.fill(n);
    const head = this.take(Math.min(n, this.buffered));
    if (head.length) {
      this.chunks.unshift(head);
      this.buffered += head.length;
    }
    return head;
  }

  /** True when nothing is left. */
  async atEnd(): Promise<boolean> {
    await this.fill(1);
    return this.buffered === 0;
  }

  /** Everything left, as it comes. */
  async *rest(): AsyncGenerator<Buffer> {
    const held = this.chunks;
    this.chunks = [];
    this.buffered = 0;
    yield* held;
    for (;;) {
      const next = await this.next();
      if (next === undefined) return;
      yield next;
    }
  }

  /** Stops reading the source (destroys a Readable's iterator). */
  async close(): Promise<void> {
    this.ended = true;
    await this.source.return?.();
  }

  private async fill(n: number): Promise<void> {
    while (this.buffered < n) {
      const next = await this.next();
      if (next === undefined) return;
      this.chunks.push(next);
      this.buffered += next.length;
    }
  }

  private async next(): Promise<Buffer | undefined> {
    while (!this.ended) {
      const r = await this.source.next();
      if (r.done) {
        this.ended = true;
        return undefined;
      }
      const b = toBuffer(r.value);
      if (b.length) return b;
    }
    return undefined;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.chunks[0]!;
    let out: Buffer;
    if (first.length >= n) {
      out = first.subarray(0, n);
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
    } else {
      out = Buffer.allocUnsafe(n);
      let at = 0;
      while (at < n) {
        const c = this.chunks[0]!;
        const piece = Math.min(c.length, n - at);
        c.copy(out, at, 0, piece);
        at += piece;
        if (piece === c.length) this.chunks.shift();
        else this.chunks[0] = c.subarray(piece);
      }
    }
    this.buffered -= n;
    return out;
  }
}

function toBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
  if (typeof v === 'string') return Buffer.from(v);
  throw new TypeError('a snapshot stream must carry bytes');
}
