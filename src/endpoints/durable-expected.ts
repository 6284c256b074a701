/**
 * The replies a durable session (see durable-session.ts) expects from the server, in order: the
 * command half appends one entry per command it forwards (and markers for local events), the
 * reply half consumes them reply by reply. This queue is how the two halves line up.
 */

/** Expected server replies (and local events) in order. */
export const enum Kind {
  /** The reply to a command the client sent. */
  Reply,
  /** The reply to our WAIT: swallowed, releases the held replies. */
  Wait,
  /** A reply the session makes itself (a refused command), delivered in its place in the order. */
  Local,
  /** From here the server's messages are not one reply per command (pub/sub, MONITOR). */
  Modal,
  /** From here the server's stream is passed through unparsed (SYNC, a protocol error). */
  Raw,
  /** In pub/sub mode: the answer to our PING <token>. */
  Barrier,
  /** In pub/sub or MONITOR mode: the client's RESET, answered +RESET. */
  ResetSync,
}

export interface Entry {
  kind: Kind;
  write?: boolean;
  bytes?: Buffer;
}

export const READ_ENTRY: Entry = Object.freeze({ kind: Kind.Reply, write: false });
export const WRITE_ENTRY: Entry = Object.freeze({ kind: Kind.Reply, write: true });
export const WAIT_ENTRY: Entry = Object.freeze({ kind: Kind.Wait });
export const MODAL_ENTRY: Entry = Object.freeze({ kind: Kind.Modal });
export const RAW_ENTRY: Entry = Object.freeze({ kind: Kind.Raw });
export const RESET_ENTRY: Entry = Object.freeze({ kind: Kind.ResetSync });

/** A FIFO of entries; indexes (for insertAfter) stay valid until compact(). */
export class ExpectedReplies {
  private q: Entry[] = [];
  private head = 0;

  push(e: Entry): void {
    this.q.push(e);
  }

  /** Index of the entry pushed last. */
  get lastIndex(): number {
    return this.q.length - 1;
  }

  /** Puts `e` right after the entry at `index`. */
  insertAfter(index: number, e: Entry): void {
    this.q.splice(index + 1, 0, e);
  }

  /** The next entry, or undefined when nothing is expected. */
  peek(): Entry | undefined {
    return this.q[this.head];
  }

  /** Consumes the next entry. */
  shift(): void {
    this.head++;
  }

  /** Drops the consumed entries once they are many (indexes change). */
  compact(): void {
    if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
  }
}
