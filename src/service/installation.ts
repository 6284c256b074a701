import { randomInt } from 'node:crypto';
import type { InstallationRecord, StateStore } from '../store/index.js';

/** The installation's identity (account id, region), made once at first start and kept. */
export async function ensureInstallation(store: StateStore, region: string, now: Date): Promise<InstallationRecord> {
  const existing = await store.get('installation', 'installation');
  if (existing) {
    if (existing.doc.region === region) return existing.doc;
    const doc = { ...existing.doc, region };
    await store.commit([{ op: 'update', kind: 'installation', id: 'installation', doc }]);
    return doc;
  }
  const accountId = String(randomInt(100_000, 999_999)) + String(randomInt(100_000, 999_999));
  const doc: InstallationRecord = { id: 'installation', accountId, region, createdAt: now.toISOString() };
  await store.commit([{ op: 'create', kind: 'installation', id: 'installation', doc }]);
  return doc;
}
