/**
 * What the two halves of a durable session (see durable-session.ts) share: the output of the
 * current call, the close reason, the counters and the queue of expected replies.
 */
import { ExpectedReplies } from './durable-expected.js';

/** What to send each way now (in order; write them with cork/uncork or concatenated). */
export interface SessionOutput {
  toServer: Buffer[];
  toClient: Buffer[];
}

export interface DurableSessionStats {
  /** WAITs sent. */
  waits: number;
  /** Write replies replaced by NOREPLICAS. */
  noReplicas: number;
}

export class SessionState {
  /** What the current call sends each way (a new one per call, see begin()). */
  out: SessionOutput = { toServer: [], toClient: [] };
  /** Set when the connection must be closed once the output is sent (the streams no longer line up). */
  closeReason: string | undefined;
  readonly stats: DurableSessionStats = { waits: 0, noReplicas: 0 };
  readonly expected = new ExpectedReplies();

  /** Starts a call: returns its (empty) output. */
  begin(): SessionOutput {
    this.out = { toServer: [], toClient: [] };
    return this.out;
  }

  fail(reason: string): void {
    this.closeReason ??= reason;
  }
}
