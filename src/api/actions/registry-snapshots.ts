import CopySnapshot from './CopySnapshot.js';
import CreateSnapshot from './CreateSnapshot.js';
import DeleteSnapshot from './DeleteSnapshot.js';
import DescribeSnapshots from './DescribeSnapshots.js';
import type { ActionFactory } from './define.js';

/** Snapshots (backups): taken, listed, copied or exported, deleted. Restores are part of the create actions. */
export const snapshotActions: ActionFactory[] = [CreateSnapshot, DescribeSnapshots, CopySnapshot, DeleteSnapshot];
