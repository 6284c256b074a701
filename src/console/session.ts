// The console's sessions: who signed in (an access key the API accepts), a CSRF token of their own,
// and when the session ends. They are kept in the state store (StateStore.consoleSessions), so a
// restart of the control plane signs nobody out; the store holds only the SHA-256 of a session's
// id, never the id (the cookie's value) itself. Expiry is absolute (not sliding): a session ends
// `ttlMs` after sign-in however active it is, as AWS's console sessions do. Expired sessions are
// deleted when met and at every sign-in.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { MemoryConsoleSessions, type ConsoleSessionRecords } from '../store/index.js';

export interface ConsoleSession {
  /** The cookie's value: 32 random bytes, base64url. Known to the browser and this process only. */
  readonly id: string;
  /** Sent back in the `x-cachefleet-csrf` header of every state-changing request. */
  readonly csrfToken: string;
  readonly accessKeyId: string;
  readonly expiresAt: number;
}

export interface SessionStoreOptions {
  /** Where sessions are kept: the state store's, to outlive a restart; in memory when absent. */
  records?: ConsoleSessionRecords;
  /** How long a session lasts after sign-in; default 12 hours. */
  ttlMs?: number;
  now?: () => number;
  /** Most sessions kept at once; those ending first are dropped beyond it (default 1000). */
  maxSessions?: number;
}

export const DEFAULT_SESSION_TTL_MS = 12 * 3_600_000;

/** The key a session is stored under: the SHA-256 of its id, hex. */
export function sessionIdHash(id: string): string {
  return createHash('sha256').update(id, 'utf8').digest('hex');
}

export class SessionStore {
  private readonly records: ConsoleSessionRecords;
  private readonly ttlMs: number;
  private readonly now: () => number;
  private readonly maxSessions: number;

  constructor(opts: SessionStoreOptions = {}) {
    this.records = opts.records ?? new MemoryConsoleSessions();
    this.ttlMs = opts.ttlMs ?? DEFAULT_SESSION_TTL_MS;
    this.now = opts.now ?? Date.now;
    this.maxSessions = opts.maxSessions ?? 1000;
  }

  get ttlSeconds(): number {
    return Math.floor(this.ttlMs / 1000);
  }

  async create(accessKeyId: string): Promise<ConsoleSession> {
    await this.records.deleteExpired(this.now());
    await this.records.trim(this.maxSessions - 1);
    const session: ConsoleSession = {
      id: randomBytes(32).toString('base64url'), csrfToken: randomBytes(32).toString('base64url'),
      accessKeyId, expiresAt: this.now() + this.ttlMs,
    };
    await this.records.put({ idHash: sessionIdHash(session.id), csrfToken: session.csrfToken, accessKeyId, expiresAt: session.expiresAt });
    return session;
  }

  /** The live session of this cookie value, or undefined (unknown or expired: an expired one is deleted). */
  async get(id: string | undefined): Promise<ConsoleSession | undefined> {
    if (!id) return undefined;
    const hash = sessionIdHash(id);
    const row = await this.records.get(hash);
    if (!row) return undefined;
    if (row.expiresAt <= this.now()) {
      await this.records.delete(hash);
      return undefined;
    }
    return { id, csrfToken: row.csrfToken, accessKeyId: row.accessKeyId, expiresAt: row.expiresAt };
  }

  async delete(id: string): Promise<void> {
    await this.records.delete(sessionIdHash(id));
  }

  /** Ends every session of an access key (e.g. one that no longer signs in). */
  async deleteKey(accessKeyId: string): Promise<void> {
    await this.records.deleteOfKey(accessKeyId);
  }
}

/** Constant-time comparison of two strings (secrets, tokens). */
export function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}
