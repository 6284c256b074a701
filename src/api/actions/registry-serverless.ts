import type { ActionFactory } from './define.js';
import CreateServerlessCache from './CreateServerlessCache.js';
import DeleteServerlessCache from './DeleteServerlessCache.js';
import DescribeServerlessCaches from './DescribeServerlessCaches.js';
import ModifyServerlessCache from './ModifyServerlessCache.js';
import CreateServerlessCacheSnapshot from './CreateServerlessCacheSnapshot.js';
import DeleteServerlessCacheSnapshot from './DeleteServerlessCacheSnapshot.js';
import DescribeServerlessCacheSnapshots from './DescribeServerlessCacheSnapshots.js';
import CopyServerlessCacheSnapshot from './CopyServerlessCacheSnapshot.js';
import ExportServerlessCacheSnapshot from './ExportServerlessCacheSnapshot.js';

/** Serverless caches (issue 14): one endpoint in front of a Redis Cluster the service sizes. */
export const serverlessActions: ActionFactory[] = [
  CreateServerlessCache, DescribeServerlessCaches, ModifyServerlessCache, DeleteServerlessCache,
  CreateServerlessCacheSnapshot, DescribeServerlessCacheSnapshots, DeleteServerlessCacheSnapshot, CopyServerlessCacheSnapshot,
  ExportServerlessCacheSnapshot,
];
