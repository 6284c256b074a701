import { randomInt } from 'node:crypto';
import type { InstallationRecord, StateStore } from '../store/index.js';
import { reserveAddresses } from '../resources/addresses.js';

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

const MANAGEMENT_OWNER = 'service:management';

/**
 * The control plane's management address, reserved from the top of the endpoint range the first time it is
 * needed and kept in the installation record (a restarted service keeps it: nodes' filters name it).
 */
export async function ensureManagementAddress(store: StateStore, installation: InstallationRecord, cidr: string): Promise<InstallationRecord> {
  if (installation.managementAddress) return installation;
  const { addresses, ops } = await reserveAddresses(store, cidr, [MANAGEMENT_OWNER], { highest: true });
  const doc: InstallationRecord = { ...installation, managementAddress: addresses[0]! };
  await store.commit([...ops, { op: 'update', kind: 'installation', id: 'installation', doc }]);
  return doc;
}
