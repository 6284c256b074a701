// The console's client of the service: the same-origin JSON route (src/console/routes.ts), which
// runs every action through the API's own handlers and authorization. The session cookie is
// HttpOnly; the CSRF token lives only in memory and goes in a header with every POST.
import type { Params } from './metric-queries.js';

export interface SessionInfo {
  accessKeyId: string;
  csrfToken: string;
  expiresAt: string;
}

/** An error the API answered, with its code (e.g. `ReplicationGroupNotFoundFault`) and message. */
export class ApiError extends Error {
  constructor(readonly code: string, message: string, readonly status: number) {
    super(message);
  }
}

let csrfToken = '';
let onSignedOut: () => void = () => {};

export function whenSignedOut(f: () => void): void {
  onSignedOut = f;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/console/api/${path}`, {
    method,
    credentials: 'same-origin',
    headers: method === 'POST' ? { 'content-type': 'application/json', 'x-cachefleet-csrf': csrfToken } : {},
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const doc = (await res.json().catch(() => ({}))) as { error?: { code: string; message: string } };
  if (!res.ok) {
    const err = new ApiError(doc.error?.code ?? 'Error', doc.error?.message ?? res.statusText, res.status);
    if (res.status === 401 && path !== 'sign-in') onSignedOut();
    throw err;
  }
  return doc as T;
}

export async function currentSession(): Promise<SessionInfo | undefined> {
  try {
    const s = await request<SessionInfo>('GET', 'session');
    csrfToken = s.csrfToken;
    return s;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return undefined;
    throw e;
  }
}

export async function signIn(accessKeyId: string, secretAccessKey: string): Promise<SessionInfo> {
  const s = await request<SessionInfo>('POST', 'sign-in', { accessKeyId, secretAccessKey });
  csrfToken = s.csrfToken;
  return s;
}

export async function signOut(): Promise<void> {
  await request('POST', 'sign-out');
  csrfToken = '';
}

/** Query parameters as the API takes them: flattened names (`Foo.member.1`), string values. */



/** Runs an ElastiCache action (or CloudWatch's or EC2's with `service`) and returns its output. */
export function call<T>(action: string, params: Params = {}, service: 'elasticache' | 'cloudwatch' | 'ec2' = 'elasticache'): Promise<T> {
  return request<T>('POST', `call/${service}/${action}`, { params });
}

/** Every page of a Describe action that pages by Marker (`list` names its list), up to `maxPages`. */
export async function callAll<T>(action: string, list: string, params: Params = {}, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let marker: string | undefined;
  for (let page = 0; page < maxPages; page++) {
    const res = await call<Record<string, unknown> & { Marker?: string }>(action, { ...params, ...(marker ? { Marker: marker } : {}) });
    out.push(...((res[list] as T[] | undefined) ?? []));
    marker = res.Marker;
    if (!marker) break;
  }
  return out;
}
