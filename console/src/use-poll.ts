import { useEffect, useRef, useState } from 'preact/hooks';

export interface Polled<T> {
  data?: T;
  error?: Error;
  /** Loads again now (after an action), without waiting for the next tick. */
  refresh(): void;
}

/**
 * Loads `load()` now and every `intervalMs` while the component is shown and the tab visible: the
 * console's live updates (statuses change within a poll period without a reload). A load never
 * overlaps the previous one. When `deps` change, the data is dropped until the new load answers:
 * from the very render that has the new deps, not only once the effect has run (a page opened for
 * another group must not show, even for one frame, the previous group's status under its name).
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: Error; deps?: unknown[] }>({});
  const tick = useRef<() => void>(() => {});
  useEffect(() => {
    // Other deps are another resource (a group's page opened for another group): what was shown
    // for the previous one must not stay on screen under the new one's name.
    setState({ deps });
    let stopped = false;
    let running = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped || running) return;
      running = true;
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped) setState({ data, deps });
      } catch (e) {
        if (!stopped) setState((s) => ({ ...s, error: e as Error }));
      } finally {
        running = false;
        if (!stopped) timer = setTimeout(run, document.hidden ? intervalMs * 5 : intervalMs);
      }
    };
    tick.current = () => void run();
    void run();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, deps);
  const refresh = () => tick.current();
  if (!sameDeps(state.deps, deps)) return { refresh };
  return { data: state.data, error: state.error, refresh };
}

function sameDeps(a: unknown[] | undefined, b: unknown[]): boolean {
  return a !== undefined && a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
}
