// The console's sessions: who signed in (an access key the API accepts), a CSRF token of their own,
// and when the session ends. Sessions live in memory only: a restart of the control plane signs
// everyone out, and no session secret is ever written to disk. Expiry is absolute (not sliding):
// a session ends `ttlMs` after sign-in however active it is, as AWS's console sessions do.
import { randomBytes, timingSafeEqual } from 'node:crypto';

export interface ConsoleSession {
  /** The cookie's value: 32 random bytes, base64url. */
  readonly id: string;
  /** Sent back in the `x-cachefleet-csrf` header of every state-changing request. */
  readonly csrfToken: string;
  readonly accessKeyId: string;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  /** How long a session lasts after sign-in; default 12 hours. */
  ttlMs?: number;
  now?: () => number;
  /** Most sessions kept at once; the oldest is dropped beyond it (default 1000). */
  maxSessions?: number;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

export class SessionStore {
  private readonly sessions = new Map<string, ConsoleSession>();
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxSessions: number;

  constructor(opts: SessionStoreOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.maxSessions = opts.maxSessions ?? 1000;
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  create(accessKeyId: string): ConsoleSession {
    this.sweep();
    while (this.sessions.size >= this.maxSessions) this.sessions.delete(this.sessions.keys().next().value!);
    const session: ConsoleSession = {
      id: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url'),
      accessKeyId, expiresAt: this.now() + this.ttlMs,
    };
    this.sessions.set(session.id, session);
    return session;
  }

  /** The live session of this cookie value, or undefined (unknown or expired: an expired one is dropped). */
  get(id: string | undefined): ConsoleSession | undefined {
    if (!id) return undefined;
    const s = this.sessions.get(id);
    if (!s) return undefined;
    if (s.expiresAt <= this.now()) {
      this.sessions.delete(id);
      return undefined;
    }
    return s;
  }

  delete(id: string): void {
    this.sessions.delete(id);
  }

  /** Ends every session of an access key (e.g. one that no longer signs in). */
  deleteKey(accessKeyId: string): void {
    for (const [id, s] of this.sessions) if (s.accessKeyId === accessKeyId) this.sessions.delete(id);
  }

  get size(): number {
    return this.sessions.size;
  }

  private sweep(): void {
    const now = this.now();
    for (const [id, s] of this.sessions) if (s.expiresAt <= now) this.sessions.delete(id);
  }
}

/** Constant-time comparison of two strings (secrets, tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
