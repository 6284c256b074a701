/**
 * Serverless cache snapshots on the backups machinery: a serverless snapshot is an ordinary
 * snapshot of the cache's backing group (taken, stored, restored and deleted by the snapshot
 * controller like any other), kept under the hidden name `serverless--<name>` — as the backing
 * group's id, a form no customer name can take — so DescribeSnapshots and the other snapshot
 * actions leave it out, and the serverless actions show it as a ServerlessCacheSnapshot.
 */
import { CommonErrors, fault } from '../errors/index.js';
import { arn, type Services } from '../core/index.js';
import { getSnapshot, type SnapshotView } from '../store/index.js';
import { BACKING_PREFIX } from './serverless.js';

export function hiddenSnapshotName(name: string): string {
  return `${BACKING_PREFIX}${name}`;
}

export function isServerlessSnapshot(storedName: string): boolean {
  return storedName.startsWith(BACKING_PREFIX);
}

/** The name a hidden snapshot shows as. */
export function serverlessSnapshotName(storedName: string): string {
  return storedName.slice(BACKING_PREFIX.length);
}

export function serverlessSnapshotArn(svc: Pick<Services, 'installation'>, name: string): string {
  return arn(svc.installation, 'serverlesscache', name).replace(':serverlesscache:', ':serverlesscachesnapshot:');
}

/** ServerlessCacheSnapshotName: ElastiCache's identifier rules, 1–255 characters, stored lowercase. */
export function normalizeServerlessSnapshotName(member: string, value: string | undefined): string {
  const name = (value ?? '').toLowerCase();
  const problem =
    name.length === 0 ? 'must not be blank'
    : name.length > 255 ? 'must be at most 255 characters long'
    : !/^[a-z]/.test(name) ? 'must begin with a letter'
    : !/^[a-z0-9-]+$/.test(name) ? 'must contain only letters, digits and hyphens'
    : name.includes('--') ? 'must not contain two consecutive hyphens'
    : name.endsWith('-') ? 'must not end with a hyphen'
    : undefined;
  if (problem) throw CommonErrors.invalidParameterValue(`Invalid ${member} '${value ?? ''}': it ${problem}.`);
  return name;
}

export async function findServerlessSnapshot(svc: Services, name: string): Promise<SnapshotView | undefined> {
  return getSnapshot(svc.store, hiddenSnapshotName(name.toLowerCase()));
}

export async function requireServerlessSnapshot(svc: Services, name: string | undefined): Promise<SnapshotView> {
  const found = name ? await findServerlessSnapshot(svc, name) : undefined;
  if (!found) throw fault('ServerlessCacheSnapshotNotFoundFault', `Serverless cache snapshot ${name ?? ''} not found.`);
  return found;
}
