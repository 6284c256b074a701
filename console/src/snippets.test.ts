import { test } from 'node:test';
import assert from 'node:assert/strict';
import { snippets } from './snippets.js';

const byClient = (s: ReturnType<typeof snippets>) => Object.fromEntries(s.map((x) => [x.client, x.code]));

test('plain endpoint: no TLS, no password', () => {
  const s = byClient(snippets({ host: '127.77.0.1', port: 6379, tls: false, auth: false, cluster: false }));
  assert.equal(s['redis-cli'], 'redis-cli -h 127.77.0.1 -p 6379');
  assert.match(s['redis-py']!, /redis\.Redis\(host="127\.77\.0\.1", port=6379\)/);
  assert.match(s['ioredis']!, /new Redis\(\{ host: "127\.77\.0\.1", port: 6379 \}\)/);
  assert.doesNotMatch(s['go-redis']!, /TLSConfig|Password/);
});

test('TLS and an AUTH token: the CA file and the token from the environment, never inline', () => {
  const s = byClient(snippets({ host: 'h', port: 6380, tls: true, auth: true, cluster: true }));
  assert.equal(s['redis-cli'], 'redis-cli -h h -p 6380 -c --tls --cacert cachefleet-ca.pem --askpass');
  assert.match(s['redis-py']!, /RedisCluster\(.*ssl=True, ssl_ca_certs="cachefleet-ca\.pem", password=os\.environ\["REDIS_AUTH_TOKEN"\]/);
  assert.match(s['ioredis']!, /new Redis\.Cluster\(\[\{ host: "h", port: 6380 \}\], \{ redisOptions: options \}\)/);
  assert.match(s['ioredis']!, /tls: \{ ca: readFileSync\("cachefleet-ca\.pem"\) \}/);
  assert.match(s['go-redis']!, /NewClusterClient[\s\S]*RootCAs: pool[\s\S]*os\.Getenv\("REDIS_AUTH_TOKEN"\)/);
});
