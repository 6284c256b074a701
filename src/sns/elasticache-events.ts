/**
 * ElastiCache's SNS notifications: an event of a replication group or cache cluster whose
 * NotificationTopicArn is set (active; `NotificationTopicStatus=inactive` clears it) is published to
 * that topic under AWS's event name, with ElastiCache's message `{"ElastiCache:<Event>": "<source id>"}`.
 * Events come from the one event sink (src/events), after they are stored; a repeat after a crash
 * (same `seq`) is published again, as the sink documents.
 */
import type { EventListener } from '../events/sink.js';
import type { StateStore, StoredEvent } from '../store/index.js';
import type { Logger } from '../util/logger.js';

/** The event's AWS name, from the words the service's events use; undefined for events AWS does not notify. */
export function elastiCacheEventName(e: Pick<StoredEvent, 'sourceType' | 'message'>): string | undefined {
  const m = e.message;
  if (e.sourceType === 'replication-group') {
    if (/^Failover to replica node .* completed/.test(m)) return 'ElastiCache:FailoverComplete';
    if (/^Test Failover API called/.test(m)) return 'ElastiCache:TestFailoverApiCalled';
    if (/^Replica count of .* is being increased/.test(m)) return 'ElastiCache:ReplicationGroupIncreaseReplicaCountStarted';
  }
  if (e.sourceType === 'cache-cluster') {
    if (/^Finished recovery for cache nodes/.test(m)) return 'ElastiCache:CacheNodeReplaceComplete';
    if (/^Recovering cache nodes/.test(m)) return 'ElastiCache:CacheNodeReplaceStarted';
    if (/^Cache cluster .* created$/.test(m)) return 'ElastiCache:CacheClusterProvisioningComplete';
    if (/^Cache node\(s\) .* are being rebooted/.test(m)) return 'ElastiCache:CacheNodesRebooted';
  }
  if (/^Snapshot succeeded for snapshot/.test(m)) return 'ElastiCache:SnapshotComplete';
  if (/^Snapshot failed for snapshot/.test(m)) return 'ElastiCache:SnapshotFailed';
  return undefined;
}

/** The active topic of settings (none while NotificationTopicStatus is inactive). */
const activeTopic = (s: { notificationTopicArn?: string; notificationTopicStatus?: string } | undefined) =>
  s?.notificationTopicStatus === 'inactive' ? undefined : s?.notificationTopicArn;

/** The topic an event's source notifies: its own NotificationTopicArn, or a member cluster's group's. */
async function topicOf(store: StateStore, e: StoredEvent): Promise<string | undefined> {
  if (e.sourceType === 'replication-group') return activeTopic((await store.get('replicationGroup', e.sourceIdentifier))?.doc);
  if (e.sourceType !== 'cache-cluster') return undefined;
  const c = await store.get('cacheCluster', e.sourceIdentifier);
  if (c?.doc.notificationTopicArn) return activeTopic(c.doc);
  const groupId = c?.doc.replicationGroupId;
  return groupId ? activeTopic((await store.get('replicationGroup', groupId))?.doc) : undefined;
}

/** An event-sink listener publishing ElastiCache's notifications through `publish`. */
export function elastiCacheNotifier(store: StateStore, publish: (topicArn: string, message: string, subject: string) => Promise<unknown>,
  logger: Pick<Logger, 'warn' | 'debug'>): EventListener {
  return (e) => {
    const name = elastiCacheEventName(e);
    if (!name) return;
    void (async () => {
      const topic = await topicOf(store, e);
      if (!topic) return;
      await publish(topic, JSON.stringify({ [name]: e.sourceIdentifier }), name);
      logger.debug({ event: name, resource: e.sourceIdentifier, topic, seq: e.seq }, 'ElastiCache notification published');
    })().catch((err) => logger.warn({ err: (err as Error).message, event: name, resource: e.sourceIdentifier }, 'could not publish an ElastiCache notification'));
  };
}
