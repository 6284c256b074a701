import { useEffect, useState } from 'preact/hooks';

/** The console's pages, addressed by the URL's hash so the service serves one shell. */
export type Route =
  | { page: 'dashboard' }
  | { page: 'create' }
  | { page: 'snapshots' }
  | { page: 'parameter-groups' }
  | { page: 'parameter-group'; id: string }
  | { page: 'subnet-groups' }
  | { page: 'users' }
  | { page: 'security-groups' }
  | { page: 'group'; id: string }
  | { page: 'cluster'; id: string }
  | { page: 'serverless'; id: string };

export function parseRoute(hash: string): Route {
  const m = /^#\/(groups|clusters|serverless)\/([^/?#]+)$/.exec(hash);
  if (m) return { page: m[1] === 'groups' ? 'group' : m[1] === 'clusters' ? 'cluster' : 'serverless', id: decodeURIComponent(m[2]!) };
  if (hash === '#/create') return { page: 'create' };
  if (hash === '#/snapshots') return { page: 'snapshots' };
  const pg = /^#\/parameter-groups\/([^/?#]+)$/.exec(hash);
  if (pg) return { page: 'parameter-group', id: decodeURIComponent(pg[1]!) };
  for (const page of LIST_PAGES) if (hash === `#/${page}`) return { page };
  return { page: 'dashboard' };
}

/** The resource lists reached from the header's navigation. */
const LIST_PAGES = ['parameter-groups', 'subnet-groups', 'users', 'security-groups'] as const;

export const parameterGroupHref = (id: string) => `#/parameter-groups/${encodeURIComponent(id)}`;
export const groupHref = (id: string) => `#/groups/${encodeURIComponent(id)}`;
export const serverlessHref = (name: string) => `#/serverless/${encodeURIComponent(name)}`;
export const clusterHref = (id: string) => `#/clusters/${encodeURIComponent(id)}`;

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(location.hash));
  useEffect(() => {
    const on = () => setRoute(parseRoute(location.hash));
    addEventListener('hashchange', on);
    return () => removeEventListener('hashchange', on);
  }, []);
  return route;
}
