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
 * overlaps the previous one. When `deps` change, the data is dropped until the new load answers.
 */
export function usePoll<T>(load: () => Promise<T>, intervalMs: number, deps: unknown[] = []): Polled<T> {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  const tick = useRef<() => void>(() => {});
  useEffect(() => {
    // Other deps are another resource (a group's page opened for another group): what was shown
    // for the previous one must not stay on screen under the new one's name.
    setState({});
    let stopped = false;
    let running = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const run = async () => {
      if (stopped || running) return;
      running = true;
      clearTimeout(timer);
      try {
        const data = await load();
        if (!stopped) setState({ data });
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
  return { ...state, refresh: () => tick.current() };
}
