// The web console's server side: sessions, the CSRF and origin checks, and its routes on the API
// port. The pages themselves are built from console/ at the repo root.
export { consoleMount, type ConsoleOptions } from './routes.js';
export { SessionStore, DEFAULT_SESSION_TTL_MS, type ConsoleSession } from './session.js';
export { CONTENT_SECURITY_POLICY, CSRF_HEADER, SESSION_COOKIE } from './guard.js';
export { loadStaticFiles, type StaticFile } from './static-files.js';
export { SignInThrottle } from './sign-in-throttle.js';
