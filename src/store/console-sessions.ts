/**
 * The web console's sessions as the state store keeps them, so a restart of the control plane
 * signs nobody out. Only the SHA-256 of a session's id (the cookie's value) is stored, never the
 * id itself: someone who reads the state database cannot present a session. A row lives until it
 * expires (absolute expiry); expired rows are deleted lazily by their readers and periodically.
 */

export interface ConsoleSessionRecord {
  /** SHA-256 of the session id, hex: the key a session is found by. */
  idHash: string;
  /** Sent back in the `x-cachefleet-csrf` header of every state-changing request. */
  csrfToken: string;
  accessKeyId: string;
  /** When the session ends, epoch milliseconds. */
  expiresAt: number;
}

/**
 * What every state store offers the console (SQLite here; PostgreSQL a table keyed by the hash
 * with an index on the expiry; etcd a key per session with a lease of its lifetime).
 */
export interface ConsoleSessionRecords {
  /** Stores a session; one of the same hash is replaced. */
  put(session: ConsoleSessionRecord): Promise<void>;
  /** The session of this hash, expired or not (the caller judges expiry by its own clock). */
  get(idHash: string): Promise<ConsoleSessionRecord | undefined>;
  delete(idHash: string): Promise<void>;
  /** Deletes every session of an access key (one that no longer signs in). */
  deleteOfKey(accessKeyId: string): Promise<void>;
  /** Deletes every session that ended at or before `now`; returns how many. */
  deleteExpired(now: number): Promise<number>;
  /** Keeps the `max` sessions that end last and deletes the others. */
  trim(max: number): Promise<void>;
}

/** In memory: for tests, and for a console mounted without a state store. */
export class MemoryConsoleSessions implements ConsoleSessionRecords {
  private readonly rows = new Map<string, ConsoleSessionRecord>();

  async put(session: ConsoleSessionRecord): Promise<void> {
    this.rows.set(session.idHash, { ...session });
  }

  async get(idHash: string): Promise<ConsoleSessionRecord | undefined> {
    const row = this.rows.get(idHash);
    return row && { ...row };
  }

  async delete(idHash: string): Promise<void> {
    this.rows.delete(idHash);
  }

  async deleteOfKey(accessKeyId: string): Promise<void> {
    for (const [h, r] of this.rows) if (r.accessKeyId === accessKeyId) this.rows.delete(h);
  }

  async deleteExpired(now: number): Promise<number> {
    let n = 0;
    for (const [h, r] of this.rows) if (r.expiresAt <= now && this.rows.delete(h)) n++;
    return n;
  }

  async trim(max: number): Promise<void> {
    const byEnd = [...this.rows.values()].sort((a, b) => b.expiresAt - a.expiresAt || (a.idHash < b.idHash ? -1 : 1));
    for (const r of byEnd.slice(Math.max(0, max))) this.rows.delete(r.idHash);
  }
}
