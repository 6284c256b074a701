import type { ComponentType } from 'preact';
import { useEffect, useState } from 'preact/hooks';

/**
 * A page whose code is a separate chunk, fetched the first time it is shown (Vite splits at each
 * dynamic `import()`): the first load carries only the sign-in and the dashboard, not the charts,
 * forms and resource pages. The chunk is fetched once and kept; a failed fetch (a service restarted
 * with a newer build no longer has the old chunk) says so and is tried again when next shown.
 */
export function lazyPage<P extends object>(load: () => Promise<ComponentType<P>>): ComponentType<P> {
  let loaded: ComponentType<P> | undefined;
  let loading: Promise<ComponentType<P>> | undefined;
  const fetchOnce = () => {
    loading ??= load().then((c) => (loaded = c), (e: unknown) => {
      loading = undefined;
      throw e;
    });
    return loading;
  };
  return function LazyPage(props: P) {
    const [page, setPage] = useState<{ component?: ComponentType<P>; error?: Error }>(() => ({ component: loaded }));
    useEffect(() => {
      if (page.component) return;
      let live = true;
      fetchOnce().then((component) => live && setPage({ component }), (error: Error) => live && setPage({ error }));
      return () => { live = false; };
    }, []);
    if (page.error) return <p class="error" role="alert">This page could not be loaded ({page.error.message}). Reload the console to try again.</p>;
    if (!page.component) return <p class="loading" role="status">Loading…</p>;
    const Page = page.component;
    return <Page {...props} />;
  };
}
