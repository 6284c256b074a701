import type Database from 'better-sqlite3';
import type { ConsoleSessionRecord, ConsoleSessionRecords } from './console-sessions.js';

interface Row { id_hash: string; csrf_token: string; access_key_id: string; expires_at: number }

/**
 * The console's sessions in the state database's own table (created when missing, so a data
 * directory of an earlier version gains it on open). Expiry is indexed: the periodic sweep and
 * the trim read only what they delete.
 */
export class SqliteConsoleSessions implements ConsoleSessionRecords {
  private readonly stmts;

  constructor(db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS console_sessions (
        id_hash TEXT PRIMARY KEY, csrf_token TEXT NOT NULL, access_key_id TEXT NOT NULL, expires_at INTEGER NOT NULL);
      CREATE INDEX IF NOT EXISTS console_sessions_expiry ON console_sessions (expires_at);
      CREATE INDEX IF NOT EXISTS console_sessions_key ON console_sessions (access_key_id);
    `);
    this.stmts = {
      put: db.prepare('INSERT OR REPLACE INTO console_sessions (id_hash, csrf_token, access_key_id, expires_at) VALUES (?, ?, ?, ?)'),
      get: db.prepare<[string], Row>('SELECT id_hash, csrf_token, access_key_id, expires_at FROM console_sessions WHERE id_hash = ?'),
      delete: db.prepare('DELETE FROM console_sessions WHERE id_hash = ?'),
      deleteOfKey: db.prepare('DELETE FROM console_sessions WHERE access_key_id = ?'),
      deleteExpired: db.prepare('DELETE FROM console_sessions WHERE expires_at <= ?'),
      // Every row but the `max` that end last (ties broken by hash, so the choice is stable).
      trim: db.prepare(`DELETE FROM console_sessions WHERE id_hash NOT IN
        (SELECT id_hash FROM console_sessions ORDER BY expires_at DESC, id_hash LIMIT ?)`),
    };
  }

  async put(s: ConsoleSessionRecord): Promise<void> {
    this.stmts.put.run(s.idHash, s.csrfToken, s.accessKeyId, s.expiresAt);
  }

  async get(idHash: string): Promise<ConsoleSessionRecord | undefined> {
    const r = this.stmts.get.get(idHash);
    return r && { idHash: r.id_hash, csrfToken: r.csrf_token, accessKeyId: r.access_key_id, expiresAt: r.expires_at };
  }

  async delete(idHash: string): Promise<void> {
    this.stmts.delete.run(idHash);
  }

  async deleteOfKey(accessKeyId: string): Promise<void> {
    this.stmts.deleteOfKey.run(accessKeyId);
  }

  async deleteExpired(now: number): Promise<number> {
    return this.stmts.deleteExpired.run(now).changes;
  }

  async trim(max: number): Promise<void> {
    this.stmts.trim.run(Math.max(0, max));
  }
}
