/**
 * Runs `fn` over `items` with at most `limit` calls in flight, in order of start; resolves when
 * all have ended. `fn` must not throw (wrap it): a rejection rejects the whole run.
 */
export async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
}
