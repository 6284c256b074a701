import { endpointText, type ReplicationGroup } from '../types.js';
import { CopyButton } from './CopyButton.js';

export interface SnippetTarget {
  host: string;
  port: number;
  tls: boolean;
  auth: boolean;
  cluster: boolean;
}

const CA = 'cachefleet-ca.pem';

/** How to connect with redis-cli, redis-py, ioredis and go-redis (pure: tested on its own). */
export function snippets(t: SnippetTarget): Array<{ client: string; code: string }> {
  const auth = t.auth;
  return [
    {
      client: 'redis-cli',
      code: `redis-cli -h ${t.host} -p ${t.port}${t.cluster ? ' -c' : ''}${t.tls ? ` --tls --cacert ${CA}` : ''}${auth ? ' --askpass' : ''}`,
    },
    {
      client: 'redis-py',
      code: [
        'import os, redis',
        `r = redis.${t.cluster ? 'RedisCluster' : 'Redis'}(host="${t.host}", port=${t.port}` +
          `${t.tls ? `, ssl=True, ssl_ca_certs="${CA}"` : ''}${auth ? ', password=os.environ["REDIS_AUTH_TOKEN"]' : ''})`,
        'r.set("hello", "world")',
      ].join('\n'),
    },
    {
      client: 'ioredis',
      code: [
        ...(t.tls ? ['import { readFileSync } from "node:fs";'] : []),
        'import Redis from "ioredis";',
        `const options = {${t.tls ? ` tls: { ca: readFileSync("${CA}") },` : ''}${auth ? ' password: process.env.REDIS_AUTH_TOKEN,' : ''} };`,
        t.cluster
          ? `const redis = new Redis.Cluster([{ host: "${t.host}", port: ${t.port} }], { redisOptions: options });`
          : `const redis = new Redis({ host: "${t.host}", port: ${t.port}, ...options });`,
        'await redis.set("hello", "world");',
      ].join('\n'),
    },
    {
      client: 'go-redis',
      code: [
        ...(t.tls ? [`pem, _ := os.ReadFile("${CA}")`, 'pool := x509.NewCertPool()', 'pool.AppendCertsFromPEM(pem)'] : []),
        t.cluster
          ? `rdb := redis.NewClusterClient(&redis.ClusterOptions{Addrs: []string{"${t.host}:${t.port}"},`
          : `rdb := redis.NewClient(&redis.Options{Addr: "${t.host}:${t.port}",`,
        ...(t.tls ? ['\tTLSConfig: &tls.Config{RootCAs: pool},'] : []),
        ...(auth ? ['\tPassword: os.Getenv("REDIS_AUTH_TOKEN"),'] : []),
        '})',
        'rdb.Set(ctx, "hello", "world", 0)',
      ].join('\n'),
    },
  ];
}

export function ConnectionSnippets({ group }: { group: ReplicationGroup }) {
  const ep = group.ConfigurationEndpoint ?? group.NodeGroups?.[0]?.PrimaryEndpoint;
  if (!endpointText(ep)) return null;
  const tls = group.TransitEncryptionEnabled === true;
  const list = snippets({ host: ep!.Address!, port: ep!.Port ?? 6379, tls, auth: group.AuthTokenEnabled === true, cluster: group.ClusterEnabled === true });
  return (
    <section aria-labelledby="connect-title">
      <h2 id="connect-title">Connect</h2>
      {tls && <p>Encryption in transit is on: clients verify the service's CA. <a href="/console/ca.pem" download={CA}>Download the CA ({CA})</a></p>}
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
