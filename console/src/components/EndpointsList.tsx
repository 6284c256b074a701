import { endpointText, type ReplicationGroup } from '../types.js';
import { CopyButton } from './CopyButton.js';

/** The primary, reader and configuration endpoints, each with a copy button. */
export function EndpointsList({ group }: { group: ReplicationGroup }) {
  const rows: Array<[string, string]> = [];
  const cfg = endpointText(group.ConfigurationEndpoint);
  if (cfg) rows.push(['Configuration endpoint', cfg]);
  if (!group.ClusterEnabled) {
    const ng = group.NodeGroups?.[0];
    const primary = endpointText(ng?.PrimaryEndpoint);
    const reader = endpointText(ng?.ReaderEndpoint);
    if (primary) rows.push(['Primary endpoint', primary]);
    if (reader) rows.push(['Reader endpoint', reader]);
  }
  return (
    <section aria-labelledby="endpoints-title">
      <h2 id="endpoints-title">Endpoints</h2>
      {rows.length === 0 ? <p class="muted">No endpoints yet: they appear once the group is created.</p> : (
        <dl class="endpoints">
          {rows.map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd><code data-endpoint={label}>{value}</code> <CopyButton text={value} label={label.toLowerCase()} /></dd>
            </div>
          ))}
        </dl>
      )}
    </section>
  );
}
