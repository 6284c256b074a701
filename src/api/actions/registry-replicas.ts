import DecreaseReplicaCount from './DecreaseReplicaCount.js';
import IncreaseReplicaCount from './IncreaseReplicaCount.js';
import type { ActionFactory } from './define.js';

/** Replica count changes of replication groups (cluster mode disabled). */
export const replicaActions: ActionFactory[] = [IncreaseReplicaCount, DecreaseReplicaCount];
