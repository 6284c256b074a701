// The checks every console request passes before it touches a session or an action, pure over the
// request's method and headers so they are tested without a server:
//   1. a state-changing request (anything but GET/HEAD) must carry an Origin equal to the console's
//      own (scheme, host and port of the request): another site's form or fetch is refused even when
//      the browser would attach the cookie (SameSite=Strict already stops that in current browsers;
//      this is the second lock);
//   2. with a session, a state-changing request must also carry the session's CSRF token in the
//      `x-cachefleet-csrf` header, which only a page of the console can read (GET /console/api/session).
import type { IncomingHttpHeaders } from 'node:http';
import { sameSecret, type ConsoleSession } from './session.js';

export const SESSION_COOKIE = 'cachefleet_console';
export const CSRF_HEADER = 'x-cachefleet-csrf';

/**
 * The console pages' Content-Security-Policy: scripts, styles and connections only from the
 * console's own origin, no inline script, never framed.
 */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "img-src 'self' data:", "font-src 'self'",
  "connect-src 'self'", "base-uri 'none'", "form-action 'self'", "frame-ancestors 'none'",
].join('; ');

/** Headers on every console response. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

export function isStateChanging(method: string): boolean {
  return method !== 'GET' && method !== 'HEAD';
}

/** Why a request is refused by rule 1, or undefined when it passes. */
export function originProblem(method: string, headers: IncomingHttpHeaders, protocol: 'http' | 'https'): string | undefined {
  if (!isStateChanging(method)) return undefined;
  const origin = headers.origin;
  const host = headers.host;
  if (!origin || origin === 'null') return 'a request that changes state must carry the Origin header of the console';
  if (!host || origin !== `${protocol}://${host}`) return 'a request from another origin is refused';
  return undefined;
}

/** Why a signed-in request is refused by rule 2, or undefined when it passes. */
export function csrfProblem(method: string, headers: IncomingHttpHeaders, session: ConsoleSession): string | undefined {
  if (!isStateChanging(method)) return undefined;
  const token = headers[CSRF_HEADER];
  if (typeof token !== 'string' || !sameSecret(token, session.csrfToken)) return `the ${CSRF_HEADER} header is missing or wrong`;
  return undefined;
}

/** The value of cookie `name` in a Cookie header, or undefined. */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** The Set-Cookie value for a session (`maxAgeSeconds` 0 clears it). */
export function sessionCookie(value: string, maxAgeSeconds: number, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=/console; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`;
}
