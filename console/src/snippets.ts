// Connection snippets for a cache's endpoint (pure: tested without a browser).

export interface SnippetTarget {
  host: string;
  port: number;
  tls: boolean;
  auth: boolean;
  cluster: boolean;
}

/** The name the service CA downloads as (GET /console/ca.pem). */
export const CA_FILE = 'cachefleet-ca.pem';
const CA = CA_FILE;

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
        ...(t.tls || auth ? [`const options = {${t.tls ? ` tls: { ca: readFileSync("${CA}") },` : ''}${auth ? ' password: process.env.REDIS_AUTH_TOKEN,' : ''} };`] : []),
        t.cluster
          ? `const redis = new Redis.Cluster([{ host: "${t.host}", port: ${t.port} }]${t.tls || auth ? ', { redisOptions: options }' : ''});`
          : `const redis = new Redis({ host: "${t.host}", port: ${t.port}${t.tls || auth ? ', ...options' : ''} });`,
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
