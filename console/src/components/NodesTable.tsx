import { endpointText, type CacheCluster, type ReplicationGroup } from '../types.js';
import { StatusBadge } from './StatusBadge.js';

export interface NodeRow {
  id: string;
  role?: string;
  zone?: string;
  status?: string;
  endpoint?: string;
  shard?: string;
}

/** A group's nodes: role and zone from its node groups, status from its member clusters. */
export function nodesOfGroup(g: ReplicationGroup, clusters: CacheCluster[]): NodeRow[] {
  const rows: NodeRow[] = [];
  for (const ng of g.NodeGroups ?? []) {
    for (const m of ng.NodeGroupMembers ?? []) {
      const c = clusters.find((x) => x.CacheClusterId === m.CacheClusterId);
      const node = c?.CacheNodes?.find((n) => n.CacheNodeId === m.CacheNodeId) ?? c?.CacheNodes?.[0];
      rows.push({
        id: m.CacheClusterId ?? '?', role: m.CurrentRole ?? (g.ClusterEnabled ? undefined : 'unknown'), zone: m.PreferredAvailabilityZone,
        status: node?.CacheNodeStatus ?? c?.CacheClusterStatus, endpoint: endpointText(m.ReadEndpoint ?? node?.Endpoint), shard: ng.NodeGroupId,
      });
    }
  }
  return rows;
}

/** The nodes; with `onReboot`, each row has a Reboot button (a group's page). */
export function NodesTable({ nodes, onReboot }: { nodes: NodeRow[]; onReboot?: (clusterId: string) => void }) {
  const shards = new Set(nodes.map((n) => n.shard).filter(Boolean)).size > 1;
  return (
    <section aria-labelledby="nodes-title">
      <h2 id="nodes-title">Nodes</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr><th scope="col">Node</th>{shards && <th scope="col">Shard</th>}<th scope="col">Role</th><th scope="col">Zone</th>
              <th scope="col">Status</th><th scope="col">Endpoint</th>{onReboot && <th scope="col">Actions</th>}</tr>
          </thead>
          <tbody>
            {nodes.map((n) => (
              <tr key={n.id} data-node={n.id} data-role={n.role}>
                <th scope="row">{n.id}</th>{shards && <td>{n.shard}</td>}<td>{n.role ?? '—'}</td><td>{n.zone}</td>
                <td><StatusBadge status={n.status} /></td><td class="mono">{n.endpoint ?? '—'}</td>
                {onReboot && (
                  <td><button type="button" disabled={n.status !== 'available'} onClick={() => onReboot(n.id)}>
                    Reboot<span class="visually-hidden"> {n.id}</span></button></td>
                )}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
