import type { Services } from '../../core/index.js';
import type { ActionRegistry } from '../types.js';
import type { ActionFactory } from './define.js';
import { settingsActions } from './registry-settings.js';
import { replicaActions } from './registry-replicas.js';
import { rbacActions } from './registry-rbac.js';
import { snapshotActions } from './registry-snapshots.js';
import { serverlessActions } from './registry-serverless.js';
import CreateCacheCluster from './CreateCacheCluster.js';
import CreateReplicationGroup from './CreateReplicationGroup.js';
import DeleteCacheCluster from './DeleteCacheCluster.js';
import DeleteReplicationGroup from './DeleteReplicationGroup.js';
import DescribeCacheClusters from './DescribeCacheClusters.js';
import DescribeReplicationGroups from './DescribeReplicationGroups.js';
import ModifyCacheCluster from './ModifyCacheCluster.js';
import ModifyReplicationGroup from './ModifyReplicationGroup.js';
import RebootCacheCluster from './RebootCacheCluster.js';
import TestFailover from './TestFailover.js';
import ModifyReplicationGroupShardConfiguration from './ModifyReplicationGroupShardConfiguration.js';
import ListAllowedNodeTypeModifications from './ListAllowedNodeTypeModifications.js';

/** Every implemented action. An action of the model missing here answers "not implemented yet". */
export const ALL_ACTIONS: ActionFactory[] = [
  ...settingsActions, ...replicaActions, ...rbacActions, ...snapshotActions, ...serverlessActions,
  CreateReplicationGroup, DescribeReplicationGroups, ModifyReplicationGroup, DeleteReplicationGroup,
  CreateCacheCluster, DescribeCacheClusters, ModifyCacheCluster, DeleteCacheCluster, RebootCacheCluster,
  TestFailover, ModifyReplicationGroupShardConfiguration, ListAllowedNodeTypeModifications,
];

export function buildRegistry(svc: Services): ActionRegistry {
  const map = new Map<string, ReturnType<ActionFactory>>();
  for (const factory of ALL_ACTIONS) {
    const handler = factory(svc);
    if (map.has(handler.name)) throw new Error(`action ${handler.name} registered twice`);
    map.set(handler.name, handler);
  }
  return map;
}
