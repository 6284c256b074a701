import type Database from 'better-sqlite3';
import type { DeliveryCursor, DeliveryObservation } from '../types.js';

interface ObservationDb { cluster: string; log_type: string; config_key: string; status: string; message: string | null; updated_ms: number }

/**
 * The delivery controller's own state in logs.db: one cursor per node and log type (moved in the
 * transaction that appends what it covers, see LogStore.append) and one observation per cluster
 * and log type (what describe calls show as the delivery's Status).
 */
export class DeliveryState {
  constructor(private readonly db: Database.Database) {
    db.exec(`
      CREATE TABLE IF NOT EXISTS delivery_cursors (node_key TEXT NOT NULL, log_type TEXT NOT NULL, source TEXT NOT NULL,
        position INTEGER NOT NULL, PRIMARY KEY (node_key, log_type)) WITHOUT ROWID;
      CREATE TABLE IF NOT EXISTS delivery_status (cluster TEXT NOT NULL, log_type TEXT NOT NULL, config_key TEXT NOT NULL,
        status TEXT NOT NULL, message TEXT, updated_ms INTEGER NOT NULL, PRIMARY KEY (cluster, log_type)) WITHOUT ROWID;
    `);
  }

  cursor(nodeKey: string, logType: string): DeliveryCursor | undefined {
    const r = this.db.prepare<[string, string], { source: string; position: number }>(
      'SELECT source, position FROM delivery_cursors WHERE node_key = ? AND log_type = ?').get(nodeKey, logType);
    return r ? { nodeKey, logType, source: r.source, position: r.position } : undefined;
  }

  saveCursor(c: DeliveryCursor): void {
    this.db.prepare(`INSERT INTO delivery_cursors (node_key, log_type, source, position) VALUES (?, ?, ?, ?)
      ON CONFLICT (node_key, log_type) DO UPDATE SET source = excluded.source, position = excluded.position`).run(c.nodeKey, c.logType, c.source, c.position);
  }

  /** Every cursor (the controller drops those of deliveries that no longer exist). */
  cursors(): DeliveryCursor[] {
    return this.db.prepare<[], { node_key: string; log_type: string; source: string; position: number }>('SELECT * FROM delivery_cursors').all()
      .map((r) => ({ nodeKey: r.node_key, logType: r.log_type, source: r.source, position: r.position }));
  }

  /** Forgets the cursors of `nodeKeys` for `logType` (delivery turned off). */
  dropCursors(nodeKeys: string[], logType: string): void {
    const del = this.db.prepare('DELETE FROM delivery_cursors WHERE node_key = ? AND log_type = ?');
    this.db.transaction(() => { for (const k of nodeKeys) del.run(k, logType); })();
  }

  observation(cacheClusterId: string, logType: string): DeliveryObservation | undefined {
    const r = this.db.prepare<[string, string], ObservationDb>('SELECT * FROM delivery_status WHERE cluster = ? AND log_type = ?').get(cacheClusterId, logType);
    return r ? toObservation(r) : undefined;
  }

  observations(): DeliveryObservation[] {
    return this.db.prepare<[], ObservationDb>('SELECT * FROM delivery_status ORDER BY cluster, log_type').all().map(toObservation);
  }

  observe(o: DeliveryObservation): void {
    this.db.prepare(`INSERT INTO delivery_status (cluster, log_type, config_key, status, message, updated_ms) VALUES (?, ?, ?, ?, ?, ?)
      ON CONFLICT (cluster, log_type) DO UPDATE SET config_key = excluded.config_key, status = excluded.status,
      message = excluded.message, updated_ms = excluded.updated_ms`).run(o.cacheClusterId, o.logType, o.configKey, o.status, o.message ?? null, o.updatedMs);
  }

  forget(cacheClusterId: string, logType: string): void {
    this.db.prepare('DELETE FROM delivery_status WHERE cluster = ? AND log_type = ?').run(cacheClusterId, logType);
  }
}

function toObservation(r: ObservationDb): DeliveryObservation {
  return {
    cacheClusterId: r.cluster, logType: r.log_type, configKey: r.config_key, status: r.status as DeliveryObservation['status'],
    ...(r.message !== null ? { message: r.message } : {}), updatedMs: r.updated_ms,
  };
}
