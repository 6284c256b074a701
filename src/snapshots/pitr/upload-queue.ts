/**
 * The archiver's uploads, one at a time and in order: a segment is archived only after every
 * segment (and the base) before it, so "archived up to offset X" always means everything up to X.
 * The first failure drops what is still queued (the recording resumes from what was archived)
 * and is reported once.
 */
export class UploadQueue {
  private tail: Promise<void> = Promise.resolve();
  private queuedBytes = 0;
  private queuedTasks = 0;
  private failure: Error | undefined;

  /** `onFail` hears the first failure (the archiver then ends its link). */
  constructor(private readonly onFail: (e: Error) => void = () => undefined) {}

  /** Bytes waiting (or being uploaded): the archiver pauses its link above a limit. */
  get bytes(): number {
    return this.queuedBytes;
  }

  get tasks(): number {
    return this.queuedTasks;
  }

  /** The first failure since the last {@link reset}. */
  get failed(): Error | undefined {
    return this.failure;
  }

  /** Queues `task`; `bytes` count toward {@link bytes} until it ends. `done` runs after it succeeds. */
  push(bytes: number, task: () => Promise<void>, done?: () => void): void {
    this.queuedBytes += bytes;
    this.queuedTasks++;
    this.tail = this.tail.then(async () => {
      try {
        if (this.failure) return;
        await task();
        done?.();
      } catch (e) {
        if (!this.failure) {
          this.failure = e as Error;
          this.onFail(this.failure);
        }
      } finally {
        this.queuedBytes -= bytes;
        this.queuedTasks--;
      }
    });
  }

  /** Settles once everything queued so far has run (or been dropped). */
  idle(): Promise<void> {
    return this.tail;
  }

  /** Forgets a failure (a new recording session starts). */
  reset(): void {
    this.failure = undefined;
  }
}
