import CopySnapshot from './CopySnapshot.js';
import CreateSnapshot from './CreateSnapshot.js';
import DeleteSnapshot from './DeleteSnapshot.js';
import DescribeSnapshots from './DescribeSnapshots.js';
import DescribePointInTimeRestoreWindows from './DescribePointInTimeRestoreWindows.js';
import type { ActionFactory } from './define.js';

/**
 * Snapshots (backups): taken, listed, copied or exported, deleted; the restorable times of
 * point-in-time archives (cachefleet's own). Restores are part of the create actions.
 */
export const snapshotActions: ActionFactory[] = [CreateSnapshot, DescribeSnapshots, CopySnapshot, DeleteSnapshot, DescribePointInTimeRestoreWindows];
