/**
 * Data-plane security end to end: the guides' secure create command (TLS in transit, AUTH
 * token), then real clients through the endpoints — redis-cli --tls, ioredis with tls.ca,
 * redis-py with ssl_cert_reqs required — refused without the token or without TLS; replication
 * over TLS; an AUTH token ROTATE under a client writing in a loop (no command lost, no
 * connection dropped), then SET; and a failover by kill -9 with TLS and AUTH on.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import net from 'node:net';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import {
  CreateReplicationGroupCommand, DescribeEventsCommand, ModifyReplicationGroupCommand, ModifyReplicationGroupShardConfigurationCommand,
  type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { ADMIN_USER, adminCliArgs, adminRedis } from '../helpers/node-admin.js';
import { CLI, startService, writeClientCa, type TestService } from '../helpers/service.js';
import { run, runOk } from '../helpers/e2e-exec.js';
import { createGroup, describeGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'my-redis-cluster';
const TOKEN = 'YourStrongAuthToken123!';
const NEW_TOKEN = 'An0ther-Strong-Token<#$^&>';

describe('TLS in transit and AUTH tokens', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let caFile: string;
  let ca: Buffer;
  let group: ReplicationGroup;
  let primary: { host: string; port: number };
  const clients: Redis[] = [];

  const tlsClient = (host: string, port: number, extra: RedisOptions = {}): Redis => {
    const r = new Redis({ host, port, tls: { ca }, maxRetriesPerRequest: 1, retryStrategy: () => 50, ...extra });
    r.on('error', () => undefined);
    clients.push(r);
    return r;
  };
  /** redis-cli over TLS against host:port, with these arguments; returns trimmed stdout and the exit code. */
  const cli = async (host: string, port: number, ...args: string[]) => {
    const r = await run('redis-cli', ['--tls', '--cacert', caFile, '-h', host, '-p', String(port), '--no-auth-warning', ...args], { timeoutMs: 10_000 });
    return { code: r.code, out: `${r.stdout}${r.stderr}`.trim() };
  };

  before(async () => {
    svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
  });
  after(() => { for (const c of clients) c.disconnect(); });

  test("the guides' secure create-replication-group becomes available", async () => {
    // The guide's subnet group and security group first (its sg-12345678 stands for the id EC2 gives).
    const aws = async (...args: string[]) => {
      const r = await run('aws', [...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.trim() ? JSON.parse(r.stdout) : {};
    };
    await aws('elasticache', 'create-cache-subnet-group', '--cache-subnet-group-name', 'my-redis-subnet-group',
      '--cache-subnet-group-description', 'Subnet group for Redis', '--subnet-ids', 'subnet-0abc123', 'subnet-0def456');
    const sg = (await aws('ec2', 'create-security-group', '--group-name', 'redis-security-group', '--description', 'Security group for ElastiCache Redis')).GroupId;
    // This test's clients (redis-cli, redis-py, ioredis) connect from 127.0.0.1.
    await aws('ec2', 'authorize-security-group-ingress', '--group-id', sg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.1/32');
    const r = await run('aws', ['elasticache', 'create-replication-group', '--endpoint-url', svc.url, '--output', 'json',
      '--replication-group-id', GROUP, '--replication-group-description', 'Production Redis cluster', '--engine', 'redis',
      '--engine-version', '7.0', '--cache-node-type', 'cache.r6g.large', '--num-cache-clusters', '3',
      '--cache-subnet-group-name', 'my-redis-subnet-group', '--security-group-ids', sg, '--automatic-failover-enabled',
      '--multi-az-enabled', '--at-rest-encryption-enabled', '--transit-encryption-enabled', '--auth-token', TOKEN,
      '--snapshot-retention-limit', '7', '--snapshot-window', '03:00-04:00', '--preferred-maintenance-window', 'sun:05:00-sun:06:00'],
    { env: svc.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(!r.stdout.includes(TOKEN), 'the create response never shows the token');
    const created = JSON.parse(r.stdout).ReplicationGroup;
    assert.equal(created.TransitEncryptionEnabled, true);
    assert.equal(created.AuthTokenEnabled, true);
    group = await waitAvailable(svc.client, GROUP, 30_000);
    assert.equal(group.TransitEncryptionEnabled, true);
    assert.equal(group.TransitEncryptionMode, 'required');
    assert.equal(group.AuthTokenEnabled, true);
    assert.equal(group.AtRestEncryptionEnabled, true);
    assert.ok(group.AuthTokenLastModifiedDate instanceof Date);
    primary = endpoint(group, 'PrimaryEndpoint');

    // `cachefleet ca` prints the CA clients verify the nodes with.
    ({ caFile, ca } = await writeClientCa(svc));
  });

  test('redis-cli --tls --cacert -a TOKEN works through the primary and reader endpoints; without -a: NOAUTH', async () => {
    assert.deepEqual(await cli(primary.host, primary.port, '-a', TOKEN, 'set', 'k', 'v'), { code: 0, out: 'OK' });
    const reader = endpoint(group, 'ReaderEndpoint');
    await waitFor(async () => (await cli(reader.host, reader.port, '-a', TOKEN, 'get', 'k')).out === 'v', { what: 'the write on a replica' });
    const noAuth = await cli(primary.host, primary.port, 'get', 'k');
    assert.match(noAuth.out, /NOAUTH/);
    const wrong = await cli(primary.host, primary.port, '-a', 'Wrong-Token-0123456789', 'get', 'k');
    assert.match(wrong.out, /WRONGPASS|AUTH failed/);
  });

  test('a plaintext client is refused: no reply to PING, the connection is closed', async () => {
    const r = await run('redis-cli', ['-h', primary.host, '-p', String(primary.port), '-a', TOKEN, '--no-auth-warning', 'ping'], { timeoutMs: 10_000 });
    assert.notEqual(r.stdout.trim(), 'PONG');
    assert.ok(r.code !== 0 || /reset|closed|Error/i.test(r.stdout + r.stderr), `plaintext redis-cli: ${r.code} ${r.stdout} ${r.stderr}`);
    // Raw socket: a plaintext PING gets no +PONG and the node closes the connection.
    const reply = await new Promise<string>((resolve) => {
      const s = net.connect({ host: primary.host, port: primary.port }, () => s.write('PING\r\n'));
      let got = '';
      s.on('data', (d) => { got += d.toString('latin1'); });
      s.on('close', () => resolve(got));
      s.on('error', () => undefined);
      s.setTimeout(5000, () => { s.destroy(); resolve(`timeout:${got}`); });
    });
    assert.ok(!reply.includes('+PONG'), `plaintext reply: ${JSON.stringify(reply)}`);
    assert.ok(!reply.startsWith('timeout'), 'the node closes a plaintext connection');
  });

  test('ioredis with tls.ca and password; redis-py with ssl_cert_reqs required', async () => {
    const r = tlsClient(primary.host, primary.port, { password: TOKEN });
    assert.equal(await r.set('from-ioredis', '1'), 'OK');
    assert.equal(await r.get('k'), 'v');
    const py = [
      'import redis, sys',
      'r = redis.Redis(host=sys.argv[1], port=int(sys.argv[2]), ssl=True, ssl_ca_certs=sys.argv[3], ssl_cert_reqs="required", password=sys.argv[4])',
      'r.set("from-redis-py", "2")',
      'print(r.get("from-ioredis").decode(), r.get("k").decode())',
    ].join('\n');
    const out = await runOk('/usr/bin/python3', ['-c', py, primary.host, String(primary.port), caFile, TOKEN], { timeoutMs: 30_000 });
    assert.equal(out.stdout.trim(), '1 v');
    // An unverified certificate is refused by a verifying client: a CA that did not sign the node.
    const strangerCa = (await runOk('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes',
      '-keyout', '/dev/null', '-subj', '/CN=stranger', '-days', '1'])).stdout;
    const stranger = new Redis({ host: primary.host, port: primary.port, tls: { ca: strangerCa }, password: TOKEN, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    stranger.on('error', () => undefined);
    await assert.rejects(stranger.connect().then(() => stranger.ping()));
    stranger.disconnect();
  });

  test('replication runs over TLS: every replica link is up, the primary has tls-replication yes', async () => {
    const ms = members(group);
    const p = ms.find((m) => m.CurrentRole === 'primary')!;
    const pAddr = p.ReadEndpoint!;
    assert.equal((await cli(pAddr.Address!, pAddr.Port!, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'tls-replication')).out, 'tls-replication\nyes');
    assert.equal((await cli(pAddr.Address!, pAddr.Port!, ...(await adminCliArgs(svc.dataDir)), 'config', 'get', 'port')).out, 'port\n0');
    for (const m of ms.filter((x) => x.CurrentRole === 'replica')) {
      const info = (await cli(m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!, '-a', TOKEN, 'info', 'replication')).out;
      assert.match(info, /role:slave/);
      assert.match(info, /master_link_status:up/);
      assert.match(info, new RegExp(`master_host:${pAddr.Address!.replace(/\./g, '\\.')}`));
    }
  });

  test('the token is in no log line, no record, no redis.conf and no describe output', async () => {
    const described = JSON.stringify(await describeGroup(svc.client, GROUP));
    assert.ok(!described.includes(TOKEN));
    assert.ok(!svc.logs.some((l) => l.includes(TOKEN)), 'a log line holds the token');
    const db = await readFile(join(svc.dataDir, 'state.db'));
    assert.equal(db.indexOf(Buffer.from(TOKEN)), -1, 'state.db holds the token');
    for (const key of await readdir(join(svc.dataDir, 'nodes'))) {
      const conf = await readFile(join(svc.dataDir, 'nodes', key, 'redis.conf'), 'utf8');
      assert.ok(!conf.includes(TOKEN), `${key}/redis.conf holds the token`);
      assert.match(conf, /^user default on resetpass #[0-9a-f]{64} ~\* &\* \+@all -bgrewriteaof .* -cluster\|setslot$/m);
      assert.match(conf, /^tls-port 6379$/m);
    }
  });

  test('ROTATE under a writer loses no command and drops no connection; both tokens work; SET leaves only the new one', async () => {
    const writer = tlsClient(primary.host, primary.port, { password: TOKEN, maxRetriesPerRequest: null });
    let closes = 0;
    writer.on('close', () => { closes++; });
    await writer.ping();
    let running = true;
    let acked = 0;
    const errors: string[] = [];
    const loop = (async () => {
      for (let i = 0; running; i++) {
        try { await writer.set(`rot:${i}`, String(i)); acked++; } catch (e) { errors.push((e as Error).message); }
      }
    })();
    await waitFor(() => acked > 200, { what: 'writes before the rotation' });
    const rotated = await svc.client.send(new ModifyReplicationGroupCommand({
      ReplicationGroupId: GROUP, AuthToken: NEW_TOKEN, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true,
    }));
    assert.equal(rotated.ReplicationGroup!.PendingModifiedValues?.AuthTokenStatus, 'ROTATING');
    assert.ok(!JSON.stringify(rotated).includes(NEW_TOKEN));
    const after = await waitAvailable(svc.client, GROUP, 20_000, (g) => !g.PendingModifiedValues?.AuthTokenStatus);
    assert.ok(after.AuthTokenLastModifiedDate! > group.AuthTokenLastModifiedDate!);
    const before = acked;
    await waitFor(() => acked > before + 200, { what: 'writes after the rotation' });
    running = false;
    await loop;
    assert.deepEqual(errors, [], 'no command failed during the rotation');
    assert.equal(closes, 0, 'the writer connection was never dropped');
    const check = tlsClient(primary.host, primary.port, { password: NEW_TOKEN });
    const keys = Array.from({ length: acked }, (_, i) => `rot:${i}`);
    const values = await check.mget(...keys);
    assert.equal(values.filter((v) => v === null).length, 0, 'every acknowledged write is there');
    // Both tokens, on every node (replicas too).
    for (const m of members(after)) {
      const ep = m.ReadEndpoint!;
      assert.equal((await cli(ep.Address!, ep.Port!, '-a', TOKEN, 'ping')).out, 'PONG');
      assert.equal((await cli(ep.Address!, ep.Port!, '-a', NEW_TOKEN, 'ping')).out, 'PONG');
    }

    const set = await svc.client.send(new ModifyReplicationGroupCommand({
      ReplicationGroupId: GROUP, AuthToken: NEW_TOKEN, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true,
    }));
    assert.equal(set.ReplicationGroup!.PendingModifiedValues?.AuthTokenStatus, 'SETTING');
    const done = await waitAvailable(svc.client, GROUP, 20_000, (g) => !g.PendingModifiedValues?.AuthTokenStatus);
    for (const m of members(done)) {
      const ep = m.ReadEndpoint!;
      assert.match((await cli(ep.Address!, ep.Port!, '-a', TOKEN, 'ping')).out, /WRONGPASS|AUTH failed/);
      assert.equal((await cli(ep.Address!, ep.Port!, '-a', NEW_TOKEN, 'ping')).out, 'PONG');
    }
    // A connection authenticated before stays usable (Redis never drops authenticated clients on an ACL password change).
    assert.equal(await writer.ping(), 'PONG');
    assert.equal(closes, 0);
    const events = await svc.client.send(new DescribeEventsCommand({ SourceIdentifier: GROUP, SourceType: 'replication-group', Duration: 60 }));
    assert.ok(!JSON.stringify(events).includes(NEW_TOKEN) && !JSON.stringify(events).includes(TOKEN));
    assert.ok(!svc.logs.some((l) => l.includes(NEW_TOKEN)), 'a log line holds the new token');
    group = done;
  });

  test('kill -9 of the primary: failover works with TLS and AUTH (monitor and failover use the admin user over TLS)', async () => {
    const old = primaryOf(group);
    const w = tlsClient(primary.host, primary.port, { password: NEW_TOKEN, maxRetriesPerRequest: null, retryStrategy: () => 20 });
    await w.set('before-failover', '1');
    await w.call('WAIT', '2', '2000');
    const killedAt = Date.now();
    process.kill(await nodePid(svc.dataDir, old), 'SIGKILL');
    const after = await waitAvailable(svc.client, GROUP, 30_000, (g) => {
      const ms = members(g);
      return ms.length === 3 && ms.filter((m) => m.CurrentRole === 'primary').length === 1 && primaryOf(g) !== old;
    }).catch(async (e) => {
      console.log(svc.logs.filter((l) => !/"component":"api"/.test(l)).slice(-60).map((l) => l.slice(0, 300)).join('\n'));
      console.log(JSON.stringify(await describeGroup(svc.client, GROUP), null, 1));
      throw e;
    });
    console.log(`TLS+AUTH failover: available again ${Date.now() - killedAt} ms after kill -9`);
    await waitFor(async () => (await w.set('after-failover', '1')) === 'OK', { timeoutMs: 10_000, what: 'a write through the primary endpoint' });
    assert.equal(await w.get('before-failover'), '1');
    // The old primary came back as a TLS replica of the new one, authenticated as the admin user.
    const oldMember = members(after).find((m) => m.CacheClusterId === old)!;
    await waitFor(async () => /master_link_status:up/.test((await cli(oldMember.ReadEndpoint!.Address!, oldMember.ReadEndpoint!.Port!, '-a', NEW_TOKEN, 'info', 'replication')).out),
      { timeoutMs: 20_000, what: 'the old primary to resync over TLS' });
  });

  test('cachefleet chaos kill-node reaches a TLS node as the admin user and sees it recover', async () => {
    const g = await waitAvailable(svc.client, GROUP, 20_000);
    const replica = members(g).find((m) => m.CurrentRole === 'replica')!.CacheClusterId!;
    const r = await run(process.execPath, [CLI, 'chaos', 'kill-node', replica, '--data-dir', svc.dataDir, '--timeout', '30'], { timeoutMs: 60_000 });
    assert.equal(r.code, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /killed 1 cache node/);
    assert.match(r.stdout, /recovered in \d+ ms/);
  });

  test('cluster mode enabled with TLS and AUTH: cluster bus over TLS, a cluster client, resharding with MIGRATE over TLS', { timeout: 240_000 }, async () => {
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: 'tls-shards', ReplicationGroupDescription: 'sharded TLS', NumNodeGroups: 2, ReplicasPerNodeGroup: 1,
      CacheNodeType: 'cache.t3.micro', CacheParameterGroupName: 'default.redis7.cluster.on', TransitEncryptionEnabled: true, AuthToken: TOKEN,
    }));
    const g = await waitAvailable(svc.client, 'tls-shards', 60_000);
    assert.equal(g.TransitEncryptionEnabled, true);
    const cfg = g.ConfigurationEndpoint!;
    assert.equal((await cli(cfg.Address!, cfg.Port!, '-a', TOKEN, 'cluster', 'info')).out.match(/cluster_state:(\w+)/)?.[1], 'ok');
    const cluster = new Cluster([{ host: cfg.Address!, port: cfg.Port! }], { redisOptions: { tls: { ca }, password: TOKEN } });
    cluster.on('error', () => undefined);
    try {
      for (let i = 0; i < 500; i++) await cluster.set(`ck:${i}`, String(i));
      await svc.client.send(new ModifyReplicationGroupShardConfigurationCommand({
        ReplicationGroupId: 'tls-shards', NodeGroupCount: 3, ApplyImmediately: true,
      }));
      await waitFor(async () => (await describeGroup(svc.client, 'tls-shards')).Status !== 'available', { timeoutMs: 5000, what: 'resharding to start' }).catch(() => undefined);
      const after = await waitAvailable(svc.client, 'tls-shards', 200_000, (x) => (x.NodeGroups?.length ?? 0) === 3);
      assert.equal(after.NodeGroups!.length, 3);
      const values = await Promise.all(Array.from({ length: 500 }, (_, i) => cluster.get(`ck:${i}`)));
      assert.deepEqual(values, Array.from({ length: 500 }, (_, i) => String(i)), 'every key survived resharding (MIGRATE over TLS, as the admin user)');
      for (const ng of after.NodeGroups!) assert.ok(ng.Slots, `node group ${ng.NodeGroupId} owns slots`);
    } finally {
      cluster.disconnect();
    }
  });

  test('a node without the admin user (started by an older cachefleet) is given it, its default user restricted again, and stays managed', async () => {
    const g = await createGroup(svc.client, { ReplicationGroupId: 'plain-group', NumCacheClusters: 2 });
    const nodes = members(g).map((m) => m.ReadEndpoint!);
    for (const n of nodes) {
      // As every node was before the admin user existed: a passwordless default user with every command, and no admin
      // user. Only the service's own user can make a node so now (customers are denied ACL SETUSER and ACL DELUSER).
      const admin = await adminRedis(cleanup, svc.dataDir, n.Address!, n.Port!);
      const replies = await admin.multi().call('ACL', 'SETUSER', 'default', 'on', 'nopass', '~*', '&*', '+@all')
        .call('ACL', 'DELUSER', ADMIN_USER).exec();
      assert.deepEqual(replies?.map(([err, reply]) => err ?? reply), ['OK', 1]);
    }
    const cli = await adminCliArgs(svc.dataDir);
    await waitFor(async () => {
      for (const n of nodes) {
        const whoami = await run('redis-cli', ['-h', n.Address!, '-p', String(n.Port!), ...cli, 'ACL', 'WHOAMI']);
        if (whoami.stdout.trim() !== ADMIN_USER) return false;
        const users = await run('redis-cli', ['-h', n.Address!, '-p', String(n.Port!), 'ACL', 'USERS']);
        if (!/NOPERM/.test(users.stdout + users.stderr)) return false;
      }
      return true;
    }, { timeoutMs: 15_000, what: 'the admin user back, and the default user restricted again, on every node' });
    await waitAvailable(svc.client, 'plain-group', 15_000);
  });
});
