import { call } from '../api.js';
import { usePoll } from '../use-poll.js';
import { groupHref } from '../router.js';
import { endpointText, type CacheCluster, type CacheEvent } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { NodesTable } from './NodesTable.js';
import { EventsList } from './EventsList.js';
import { MetricCharts } from './MetricCharts.js';
import { POLL_MS } from './Dashboard.js';

async function loadCluster(id: string) {
  const [c, e] = await Promise.all([
    call<{ CacheClusters?: CacheCluster[] }>('DescribeCacheClusters', { CacheClusterId: id, ShowCacheNodeInfo: 'true' }),
    call<{ Events?: CacheEvent[] }>('DescribeEvents', { SourceIdentifier: id, SourceType: 'cache-cluster', Duration: '1440', MaxRecords: '50' }),
  ]);
  return { cluster: c.CacheClusters?.[0], events: e.Events ?? [] };
}

/** One cache cluster (a standalone one, or a member of a group). */
export function ClusterPage({ id }: { id: string }) {
  const view = usePoll(() => loadCluster(id), POLL_MS, [id]);
  if (view.error && !view.data) return <p class="error" role="alert">{view.error.message} <a href="#/">Back to the caches</a></p>;
  if (!view.data) return <p role="status">Loading…</p>;
  const c = view.data.cluster;
  if (!c) return <p>No cache cluster {id}. <a href="#/">Back to the caches</a></p>;
  const nodes = (c.CacheNodes ?? []).map((n) => ({
    id: `${c.CacheClusterId}-${n.CacheNodeId}`, role: c.ReplicationGroupId ? 'member' : 'primary',
    zone: n.CustomerAvailabilityZone ?? c.PreferredAvailabilityZone, status: n.CacheNodeStatus, endpoint: endpointText(n.Endpoint),
  }));
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs"><a href="#/">Caches</a> / <span aria-current="page">{id}</span></nav>
      <h1>{id} <StatusBadge status={c.CacheClusterStatus} /></h1>
      <dl class="facts">
        <dt>Engine</dt><dd>{[c.Engine, c.EngineVersion].filter(Boolean).join(' ')}</dd>
        <dt>Node type</dt><dd>{c.CacheNodeType}</dd>
        <dt>Zone</dt><dd>{c.PreferredAvailabilityZone}</dd>
        {c.ReplicationGroupId && <><dt>Replication group</dt><dd><a href={groupHref(c.ReplicationGroupId)}>{c.ReplicationGroupId}</a></dd></>}
      </dl>
      <NodesTable nodes={nodes} />
      <MetricCharts clusterIds={[id]} />
      <EventsList events={view.data.events} title="Events" />
    </>
  );
}
