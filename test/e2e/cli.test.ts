/**
 * The cachefleet CLI's own commands against a running service: --help, status, endpoints
 * (matching what DescribeReplicationGroups says) and connect (redis-cli through the primary).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateReplicationGroupCommand, DescribeCacheClustersCommand, DescribeReplicationGroupsCommand,
  waitUntilReplicationGroupAvailable, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { run, redisCli, type RunResult } from '../helpers/e2e-exec.js';

const GROUP = 'cli-group';

/** The service's access key, for the CLI runs that do not name its data directory. */
let credentialsEnv: NodeJS.ProcessEnv = {};

/** `node bin/cachefleet.js args…` with no CACHEFLEET_ENDPOINT inherited; signing with the service's key from the environment, or, with --data-dir, from that directory only. */
function cachefleet(...args: string[]): Promise<RunResult> {
  const env = { ...process.env, ...(args.includes('--data-dir') ? {} : credentialsEnv) };
  delete env['CACHEFLEET_ENDPOINT'];
  if (args.includes('--data-dir')) for (const k of ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_PROFILE']) delete env[k];
  return run(process.execPath, [CLI, ...args], { env, timeoutMs: 30_000 });
}

describe('cachefleet CLI', { timeout: 90_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let group: ReplicationGroup;

  before(async () => {
    svc = await startService(cleanup);
    credentialsEnv = { AWS_ACCESS_KEY_ID: svc.credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: svc.credentials.secretAccessKey };
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'for the CLI', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2 }));
    await waitUntilReplicationGroupAvailable({ client: svc.client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { ReplicationGroupId: GROUP });
    group = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
  });

  test('--help lists server, status, endpoints and connect', async () => {
    const r = await cachefleet('--help');
    assert.equal(r.code, 0, r.stderr);
    for (const cmd of ['server', 'status', 'endpoints', 'connect']) {
      assert.match(r.stdout, new RegExp(`^\\s+${cmd}\\b`, 'm'), `--help does not list ${cmd}:\n${r.stdout}`);
    }
  });

  test('status --endpoint-url prints the groups and their clusters', async () => {
    const r = await cachefleet('status', '--endpoint-url', svc.url);
    assert.equal(r.code, 0, r.stderr);
    const ep = group.NodeGroups![0]!.PrimaryEndpoint!;
    const groupLine = r.stdout.split('\n').find((l) => l.startsWith(`${GROUP} `));
    assert.ok(groupLine, `no line for ${GROUP}:\n${r.stdout}`);
    assert.match(groupLine, /\bavailable\b/);
    assert.match(groupLine, /\bcache\.t3\.micro\b/);
    assert.ok(groupLine.includes(`${ep.Address}:${ep.Port}`), groupLine);
    const clusters = (await svc.client.send(new DescribeCacheClustersCommand({ ShowCacheNodeInfo: true }))).CacheClusters!;
    for (const c of clusters) {
      const line = r.stdout.split('\n').find((l) => l.startsWith(`${c.CacheClusterId} `));
      assert.ok(line, `no line for ${c.CacheClusterId}:\n${r.stdout}`);
      const node = c.CacheNodes![0]!.Endpoint!;
      assert.ok(line.includes(`${node.Address}:${node.Port}`) && line.includes(c.PreferredAvailabilityZone!) && line.includes(GROUP), line);
    }
    // The same through the data directory (server.json names the running service).
    const viaDir = await cachefleet('status', '--data-dir', svc.dataDir);
    assert.equal(viaDir.code, 0, viaDir.stderr);
    assert.equal(viaDir.stdout, r.stdout);
  });

  test('endpoints <group> --json matches DescribeReplicationGroups', async () => {
    const r = await cachefleet('endpoints', GROUP, '--json', '--endpoint-url', svc.url);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout) as Record<string, string>;
    const ng = group.NodeGroups![0]!;
    const expected: Record<string, string> = {
      primary: `${ng.PrimaryEndpoint!.Address}:${ng.PrimaryEndpoint!.Port}`,
      reader: `${ng.ReaderEndpoint!.Address}:${ng.ReaderEndpoint!.Port}`,
    };
    for (const m of ng.NodeGroupMembers!) {
      expected[`${m.CacheClusterId} (${m.CurrentRole}, ${m.PreferredAvailabilityZone})`] = `${m.ReadEndpoint!.Address}:${m.ReadEndpoint!.Port}`;
    }
    assert.deepEqual(out, expected);

    const missing = await cachefleet('endpoints', 'no-such-group', '--json', '--endpoint-url', svc.url);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /no-such-group/);
  });

  test('connect <group> -- set a b runs redis-cli through the primary endpoint', async () => {
    const r = await cachefleet('connect', GROUP, '--endpoint-url', svc.url, '--', 'set', 'cli:a', 'b');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim(), 'OK');
    const ep = group.NodeGroups![0]!.PrimaryEndpoint!;
    assert.equal(await redisCli(ep.Address!, ep.Port!, 'get', 'cli:a'), 'b');
    const viaReader = await cachefleet('connect', GROUP, '--reader', '--endpoint-url', svc.url, '--', 'role');
    assert.equal(viaReader.code, 0, viaReader.stderr);
    assert.match(viaReader.stdout, /^slave\n/);
  });
});
