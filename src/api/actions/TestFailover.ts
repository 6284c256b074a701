import { fault } from '../../errors/index.js';
import type { TestFailoverMessage, TestFailoverResult } from '../model/shapes.js';
import { defineAction } from './define.js';
import { presentReplicationGroup } from '../present/replication-group.js';
import { memberClusters, requireReplicationGroup } from '../../resources/lookups.js';
import { retryOnConflict } from '../../resources/commit.js';
import { bumped, groupSpecWrite, listGroups, presentedGroup } from '../../store/index.js';

const DAY_MS = 24 * 3600 * 1000;
/** ElastiCache: TestFailover on up to 15 node groups in any rolling 24-hour period. */
const CALLS_PER_DAY = 15;

/** Replaces the primary with a replica through the failover state machine, as a real failure would. */
export default defineAction<TestFailoverMessage, TestFailoverResult>('TestFailover', async (input, svc) => retryOnConflict(async () => {
  const view = await requireReplicationGroup(svc, input.ReplicationGroupId);
  const g = view.doc;
  // Cluster mode: the shard named by NodeGroupId; otherwise the group is its one node group 0001.
  const shard = g.clusterEnabled ? g.nodeGroups?.find((ng) => ng.id === input.NodeGroupId) : input.NodeGroupId === '0001' ? g : undefined;
  if (!shard) {
    const ids = g.clusterEnabled ? (g.nodeGroups ?? []).map((ng) => ng.id).join(', ') : '0001';
    throw fault('NodeGroupNotFoundFault', `Node group ${input.NodeGroupId} not found in replication group ${g.id} (its node groups: ${ids}).`);
  }
  const failingOver = [g, ...(g.nodeGroups ?? [])].some((s) => s.failover || (s.failoverRequest && s.failoverRequest.id !== s.handledFailoverRequest));
  if (g.status !== 'available' || failingOver) {
    throw fault('InvalidReplicationGroupStateFault', `Replication group ${g.id} is ${failingOver ? 'failing over' : g.status}; it must be available.`);
  }
  if (shard.memberClusters.length < 2) {
    throw fault('TestFailoverNotAvailableFault', `Node group ${input.NodeGroupId} of ${g.id} has no replica to fail over to.`);
  }
  if (!g.automaticFailoverEnabled) {
    throw fault('TestFailoverNotAvailableFault', `TestFailover needs automatic failover: enable it on ${g.id} with ModifyReplicationGroup --automatic-failover-enabled.`);
  }
  const members = await memberClusters(svc, g);
  const notReady = members.find((c) => c.status !== 'available');
  if (notReady) throw fault('InvalidCacheClusterStateFault', `Cache cluster ${notReady.id} is ${notReady.status}; every member must be available.`);
  const now = svc.now();
  const since = now.getTime() - DAY_MS;
  const recent = (await listGroups(svc.store))
    .flatMap((r) => r.doc.testFailoverCalls ?? []).filter((t) => Date.parse(t) > since).length;
  if (recent >= CALLS_PER_DAY) {
    throw fault('APICallRateForCustomerExceededFault', `TestFailover was called ${recent} times in the last 24 hours; the limit is ${CALLS_PER_DAY}.`);
  }
  // A numbered request the failover runner starts once (the status records the id it started).
  const failoverRequest = { id: (shard.failoverRequest?.id ?? 0) + 1, reason: 'test-failover' as const, requestedAt: now.toISOString() };
  const next = bumped({
    ...g,
    ...(g.clusterEnabled
      ? { nodeGroups: g.nodeGroups!.map((ng) => (ng.id === input.NodeGroupId ? { ...ng, failoverRequest } : ng)) }
      : { failoverRequest }),
    testFailoverCalls: [...(g.testFailoverCalls ?? []).filter((t) => Date.parse(t) > since), now.toISOString()],
  });
  await svc.store.commit(groupSpecWrite(view, next));
  await svc.events.emit('replication-group', g.id, `Test Failover API called for node group ${input.NodeGroupId}`);
  svc.kick();
  return { ReplicationGroup: presentReplicationGroup(presentedGroup(next), members) };
}));
