import { endpointText, type ReplicationGroup } from '../types.js';
import { CopyButton } from './CopyButton.js';
import { CA_FILE, snippets } from '../snippets.js';

export function ConnectionSnippets({ group }: { group: ReplicationGroup }) {
  const ep = group.ConfigurationEndpoint ?? group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (!endpointText(ep)) return null;
  const tls = group.TransitEncryptionEnabled === true;
  const list = snippets({ host: ep!.Address!, port: ep!.Port ?? 6379, tls, auth: group.AuthTokenEnabled === true, cluster: group.ClusterEnabled === true });
  return (
    <section aria-labelledby="connect-title">
      <h2 id="connect-title">Connect</h2>
      {tls && <p>Encryption in transit is on: clients verify the service's CA. <a href="/console/ca.pem" download={CA_FILE}>Download the CA ({CA_FILE})</a></p>}
      {group.AuthTokenEnabled && <p>The AUTH token is not shown here: set <code>REDIS_AUTH_TOKEN</code> to it.</p>}
      <div class="snippets">
        {list.map((s) => (
          <figure key={s.client}>
            <figcaption>{s.client} <CopyButton text={s.code} label={`${s.client} snippet`} /></figcaption>
            <pre tabIndex={0} aria-label={`${s.client} snippet`}><code>{s.code}</code></pre>
          </figure>
        ))}
      </div>
    </section>
  );
}
