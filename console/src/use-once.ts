import { useEffect, useState } from 'preact/hooks';

/** Loads `load()` once when the component is shown. */
export function useOnce<T>(load: () => Promise<T>): { data?: T; error?: Error } {
  const [state, setState] = useState<{ data?: T; error?: Error }>({});
  useEffect(() => {
    let live = true;
    load().then((data) => live && setState({ data }), (error: Error) => live && setState({ error }));
    return () => { live = false; };
  }, []);
  return state;
}
