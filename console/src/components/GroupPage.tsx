import { call } from '../api.js';
import { usePoll } from '../use-poll.js';
import type { CacheCluster, CacheEvent, ReplicationGroup } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { EndpointsList } from './EndpointsList.js';
import { NodesTable, nodesOfGroup } from './NodesTable.js';
import { ConnectionSnippets } from './ConnectionSnippets.js';
import { EventsList } from './EventsList.js';
import { MetricCharts } from './MetricCharts.js';
import { GroupActions } from './GroupActions.js';
import { RebootNodeDialog } from './RebootNodeDialog.js';
import { reshardingProgress } from '../group-actions.js';
import { useState } from 'preact/hooks';
import { SnapshotsSection } from './SnapshotsSection.js';
import { TagsSection } from './TagsSection.js';
import { GroupConfiguration } from './GroupConfiguration.js';
import { POLL_MS } from './Dashboard.js';

interface GroupView {
  group?: ReplicationGroup;
  clusters: CacheCluster[];
  events: CacheEvent[];
}

async function loadGroup(id: string): Promise<GroupView> {
  const [g, e] = await Promise.all([
    call<{ ReplicationGroups?: ReplicationGroup[] }>('DescribeReplicationGroups', { ReplicationGroupId: id }),
    call<{ Events?: CacheEvent[] }>('DescribeEvents', { SourceIdentifier: id, SourceType: 'replication-group', Duration: '1440', MaxRecords: '50' }),
  ]);
  const group = g.ReplicationGroups?.[0];
  // Its members one by one (a page of every cluster would grow with the whole fleet); one gone meanwhile is left out.
  const clusters = await Promise.all((group?.MemberClusters ?? []).map((member) =>
    call<{ CacheClusters?: CacheCluster[] }>('DescribeCacheClusters', { CacheClusterId: member, ShowCacheNodeInfo: 'true' })
      .then((r) => r.CacheClusters?.[0], () => undefined)));
  return { group, clusters: clusters.filter((c): c is CacheCluster => c !== undefined), events: e.Events ?? [] };
}

/** One replication group: endpoints, nodes, how to connect, metrics, snapshots, tags, events and actions. */
export function GroupPage({ id }: { id: string }) {
  const view = usePoll(() => loadGroup(id), POLL_MS, [id]);
  const [notice, setNotice] = useState('');
  const [rebooting, setRebooting] = useState<string | undefined>();
  const done = (text: string) => {
    if (text) setNotice(text);
    view.refresh();
  };
  const g = view.data?.group;
  if (view.error && !view.data) return <p class="error" role="alert">{view.error.message} <a href="#/">Back to the caches</a></p>;
  if (!view.data) return <p role="status">Loading…</p>;
  if (!g) return <p>No replication group {id}. <a href="#/">Back to the caches</a></p>;
  const nodes = nodesOfGroup(g, view.data.clusters);
  const tls = g.TransitEncryptionEnabled === true;
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs"><a href="#/">Caches</a> / <span aria-current="page">{id}</span></nav>
      <h1>{id} <StatusBadge status={g.Status} /></h1>
      {g.Description && <p class="muted">{g.Description}</p>}
      <dl class="facts">
        <dt>Node type</dt><dd>{g.CacheNodeType}</dd>
        <dt>Shards</dt><dd>{g.NodeGroups?.length ?? 0}{g.ClusterEnabled ? ' (cluster mode)' : ''}</dd>
        <dt>Automatic failover</dt><dd>{g.AutomaticFailover ?? '—'}</dd>
        <dt>Encryption in transit</dt><dd>{tls ? `on (${g.TransitEncryptionMode ?? 'required'})` : 'off'}</dd>
        <dt>Replicas per shard</dt><dd>{Math.max(0, (g.NodeGroups?.[0]?.NodeGroupMembers?.length ?? 1) - 1)}</dd>
        <dt>AUTH token</dt><dd>{g.AuthTokenEnabled ? 'on' : 'off'}{g.PendingModifiedValues?.AuthTokenStatus ? ` (${g.PendingModifiedValues.AuthTokenStatus.toLowerCase()})` : ''}</dd>
        <PendingChanges group={g} />
      </dl>
      <GroupActions group={g} notice={notice} onDone={done} />
      <EndpointsList group={g} />
      <NodesTable nodes={nodes} onReboot={setRebooting} />
      <GroupConfiguration group={g} clusters={view.data.clusters} />
      {rebooting && <RebootNodeDialog clusterId={rebooting} onClose={() => setRebooting(undefined)} onDone={done} />}
      <ConnectionSnippets group={g} />
      <MetricCharts clusterIds={g.MemberClusters ?? []} />
      <SnapshotsSection group={g} />
      {g.ARN && <TagsSection arn={g.ARN} />}
      <EventsList events={view.data.events} title="Events" />
    </>
  );
}

/** What the group is changing to (ModifyReplicationGroup's pending values, resharding's progress), shown while it lasts. */
function PendingChanges({ group: g }: { group: ReplicationGroup }) {
  const pct = reshardingProgress(g);
  const p = g.PendingModifiedValues;
  return (
    <>
      {pct !== undefined && (
        <><dt>Resharding</dt><dd><progress max={100} value={pct} aria-label="Resharding progress" /> <span data-resharding>{pct}%</span></dd></>
      )}
      {p?.TransitEncryptionMode && <><dt>Pending TLS mode</dt><dd>{p.TransitEncryptionMode}</dd></>}
    </>
  );
}
