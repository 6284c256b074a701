import type { NodeProvider } from './types.js';

/** Why {@link unlessExited} gave up: the node's process ended while the work waited on it. */
export class ProcessEndedError extends Error {
  constructor(key: string) {
    super(`process not running (node ${key} ended while it was being observed)`);
    this.name = 'ProcessEndedError';
  }
}

/**
 * `work` (something waiting on a node: a connection, a reply), unless the provider reports the
 * node's process gone first: then it rejects at once with {@link ProcessEndedError} instead of
 * waiting out a timeout. An admin connection that just lost a killed node keeps trying to
 * reconnect, and `whenReady` waited its whole second for it: a reconcile pass observing the
 * node was held that long, and with it the failover of its shard (the kill-storm test, seen in CI
 * and reproduced here under disk load). A provider that hears no exits leaves `work` as it is.
 */
export function unlessExited<T>(provider: Pick<NodeProvider, 'isAlive' | 'onExit'>, key: string, work: Promise<T>): Promise<T> {
  if (!provider.onExit) return work;
  if (provider.isAlive?.(key) === false) {
    work.catch(() => undefined); // its own outcome no longer matters
    return Promise.reject(new ProcessEndedError(key));
  }
  let unsubscribe: () => void = () => undefined;
  const ended = new Promise<never>((_, reject) => {
    unsubscribe = provider.onExit!((k) => { if (k === key) reject(new ProcessEndedError(key)); });
  });
  work.catch(() => undefined); // when the exit wins, the work's own failure is nobody's
  return Promise.race([work, ended]).finally(() => unsubscribe());
}
