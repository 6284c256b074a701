import { groupHref } from '../router.js';
import { endpointText, type CacheCluster, type ReplicationGroup } from '../types.js';
import { StatusBadge } from './StatusBadge.js';

/** The group's availability zones, from its members. */
export function zonesOf(g: ReplicationGroup): string[] {
  const zones = new Set<string>();
  for (const ng of g.NodeGroups ?? []) for (const m of ng.NodeGroupMembers ?? []) if (m.PreferredAvailabilityZone) zones.add(m.PreferredAvailabilityZone);
  return [...zones].sort();
}

export function mainEndpoint(g: ReplicationGroup): string | undefined {
  return endpointText(g.ConfigurationEndpoint) ?? endpointText(g.NodeGroups?.[0]?.PrimaryEndpoint);
}

export function GroupsTable({ groups, clusters }: { groups: ReplicationGroup[]; clusters: CacheCluster[] }) {
  const engineOf = (g: ReplicationGroup) => {
    const member = clusters.find((c) => c.ReplicationGroupId === g.ReplicationGroupId);
    return [g.Engine ?? member?.Engine, member?.EngineVersion].filter(Boolean).join(' ');
  };
  return (
    <section aria-labelledby="groups-title">
      <h2 id="groups-title">Replication groups</h2>
      {groups.length === 0 ? <p class="muted">No replication groups yet.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Engine</th><th scope="col">Node type</th>
                <th scope="col">Shards</th><th scope="col">Replicas</th><th scope="col">Zones</th><th scope="col">Endpoint</th></tr>
            </thead>
            <tbody>
              {groups.map((g) => {
                const shards = g.NodeGroups?.length ?? 0;
                const replicas = Math.max(0, (g.NodeGroups?.[0]?.NodeGroupMembers?.length ?? 1) - 1);
                return (
                  <tr key={g.ReplicationGroupId} data-group={g.ReplicationGroupId}>
                    <th scope="row"><a href={groupHref(g.ReplicationGroupId!)}>{g.ReplicationGroupId}</a></th>
                    <td><StatusBadge status={g.Status} /></td>
                    <td>{engineOf(g)}</td>
                    <td>{g.CacheNodeType}</td>
                    <td>{shards}{g.ClusterEnabled ? ' (cluster mode)' : ''}</td>
                    <td>{replicas}</td>
                    <td>{zonesOf(g).join(', ')}</td>
                    <td class="mono">{mainEndpoint(g) ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
