import { clusterHref, groupHref } from '../router.js';
import { endpointText, type CacheCluster } from '../types.js';
import { StatusBadge } from './StatusBadge.js';

export function ClustersTable({ clusters }: { clusters: CacheCluster[] }) {
  return (
    <section aria-labelledby="clusters-title">
      <h2 id="clusters-title">Cache clusters</h2>
      {clusters.length === 0 ? <p class="muted">No cache clusters yet.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Engine</th><th scope="col">Node type</th>
                <th scope="col">Group</th><th scope="col">Zone</th><th scope="col">Endpoint</th></tr>
            </thead>
            <tbody>
              {clusters.map((c) => (
                <tr key={c.CacheClusterId}>
                  <th scope="row"><a href={clusterHref(c.CacheClusterId!)}>{c.CacheClusterId}</a></th>
                  <td><StatusBadge status={c.CacheClusterStatus} /></td>
                  <td>{[c.Engine, c.EngineVersion].filter(Boolean).join(' ')}</td>
                  <td>{c.CacheNodeType}</td>
                  <td>{c.ReplicationGroupId ? <a href={groupHref(c.ReplicationGroupId)}>{c.ReplicationGroupId}</a> : '—'}</td>
                  <td>{c.PreferredAvailabilityZone}</td>
                  <td class="mono">{endpointText(c.CacheNodes?.[0]?.Endpoint) ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
