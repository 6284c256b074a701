import { endpointText, type Endpoint, type ReplicationGroup } from '../types.js';
import { CopyButton } from './CopyButton.js';
import { CA_FILE, snippets } from '../snippets.js';

/** How to connect to a group (its configuration endpoint, else its primary one). */
export function ConnectionSnippets({ group }: { group: ReplicationGroup }) {
  return <Snippets endpoint={group.ConfigurationEndpoint ?? group.NodeGroups?.[0]?.PrimaryEndpoint}
    tls={group.TransitEncryptionEnabled === true} auth={group.AuthTokenEnabled === true} cluster={group.ClusterEnabled === true} />;
}

/** How to connect to an endpoint with redis-cli, redis-py, ioredis and go-redis (a group's or a serverless cache's). */
export function Snippets({ endpoint: ep, tls, auth, cluster }: { endpoint?: Endpoint; tls: boolean; auth: boolean; cluster: boolean }) {
  if (!endpointText(ep)) return null;
  const list = snippets({ host: ep!.Address!, port: ep!.Port ?? 6379, tls, auth, cluster });
  return (
    <section aria-labelledby="connect-title">
      <h2 id="connect-title">Connect</h2>
      {tls && <p>Encryption in transit is on: clients verify the service's CA. <a href="/console/ca.pem" download={CA_FILE}>Download the CA ({CA_FILE})</a></p>}
      {auth && <p>The AUTH token is not shown here: set <code>REDIS_AUTH_TOKEN</code> to it.</p>}
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
