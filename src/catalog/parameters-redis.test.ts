// Checks the directives the catalog emits against the real redis-server on this host:
// every default config is accepted at startup, and every immediate parameter can be CONFIG SET.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { waitFor } from '../util/wait.js';
import { getNodeType } from './node-types.js';
import {
  DEFAULT_PARAMETER_GROUPS,
  dynamicRedisConfig,
  familyParameters,
  redisDirectives,
  renderRedisConf,
} from './parameters.js';

interface RunningRedis {
  port: number;
  proc: ChildProcess;
  dir: string;
}

const running = new Set<RunningRedis>();

async function stop(r: RunningRedis): Promise<void> {
  running.delete(r);
  const { proc } = r;
  if (proc.exitCode === null && proc.signalCode === null && proc.pid !== undefined) {
    const exited = new Promise<void>((res) => proc.once('exit', () => res()));
    try {
      process.kill(proc.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await exited;
  }
  await rm(r.dir, { recursive: true, force: true });
}

// Whatever happens in a test, no redis-server outlives this file.
after(async () => {
  await Promise.all([...running].map(stop));
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function cli(port: number, ...args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { timeout: 5_000 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`redis-cli ${args.join(' ')}: ${err.message} ${stderr}`));
      else resolve(String(stdout).trim());
    });
  });
}

/** Starts redis-server with `conf` plus a port, loopback bind, no RDB saving and a temp dir. */
async function startRedis(conf: string): Promise<RunningRedis> {
  const dir = await mkdtemp(join(tmpdir(), 'cachefleet-catalog-'));
  const confPath = join(dir, 'redis.conf');
  await writeFile(confPath, conf);
  const port = await freePort();
  const proc = spawn('redis-server', [confPath, '--port', String(port), '--bind', '127.0.0.1', '--save', '', '--dir', dir], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const r: RunningRedis = { port, proc, dir };
  running.add(r);
  let output = '';
  proc.stdout!.on('data', (b) => (output += b));
  proc.stderr!.on('data', (b) => (output += b));
  const exited = new Promise<never>((_, reject) =>
    proc.once('exit', (code, signal) => reject(new Error(`redis-server exited (${code ?? signal}):\n${output}`))),
  );
  exited.catch(() => {}); // observed through the race below
  try {
    await Promise.race([
      waitFor(async () => (await cli(port, 'PING')) === 'PONG', { timeoutMs: 10_000, what: 'redis-server to answer PING' }),
      exited,
    ]);
  } catch (e) {
    await stop(r);
    throw e;
  }
  return r;
}

async function configGet(port: number, name: string): Promise<string> {
  const lines = (await cli(port, 'CONFIG', 'GET', name)).split('\n');
  assert.equal(lines[0], name, `CONFIG GET ${name}: ${lines.join(' | ')}`);
  return lines[1] ?? '';
}

test('redis-server here is 7.x', async () => {
  const out = await new Promise<string>((res, rej) =>
    execFile('redis-server', ['--version'], (err, stdout) => (err ? rej(err) : res(String(stdout)))),
  );
  assert.match(out, /v=7\.\d+\.\d+/);
});

for (const group of DEFAULT_PARAMETER_GROUPS) {
  for (const typeName of ['cache.t3.micro', 'cache.m6g.large', 'cache.r6g.large', 'cache.r7g.16xlarge']) {
    test(`redis-server accepts the ${group.CacheParameterGroupName} config for ${typeName}`, async () => {
      const nodeType = getNodeType(typeName)!;
      const directives = redisDirectives(group.CacheParameterGroupFamily, { ...group.values }, nodeType);
      const r = await startRedis(renderRedisConf(directives));
      try {
        assert.equal(await configGet(r.port, 'maxmemory-policy'), 'volatile-lru');
        assert.equal(await configGet(r.port, 'maxmemory'), directives['maxmemory']);
        assert.equal(await configGet(r.port, 'cluster-enabled'), group.values['cluster-enabled'] ?? 'no');
        assert.equal(await configGet(r.port, 'tcp-keepalive'), '300');
        assert.equal(
          await configGet(r.port, 'client-output-buffer-limit'),
          `normal 0 0 0 slave ${nodeType.replicaOutputBufferLimitBytes} ${nodeType.replicaOutputBufferLimitBytes} 60 pubsub 33554432 8388608 60`,
        );
      } finally {
        await stop(r);
      }
    });
  }
}

test('redis-server accepts non-default values (renames, keyspace events, policies)', async () => {
  const values = {
    'maxmemory-policy': 'allkeys-lfu', 'notify-keyspace-events': 'KEA', 'rename-commands': 'FLUSHALL myflushall KEYS mykeys',
    'reserved-memory-percent': '10', timeout: '120', 'cluster-preferred-endpoint-type': 'ip', 'latency-tracking': 'yes',
    'lazyfree-lazy-user-del': 'yes', 'acl-pubsub-default': 'resetchannels', 'list-max-listpack-size': '-5',
  };
  const r = await startRedis(renderRedisConf(redisDirectives('redis7', values, getNodeType('cache.m5.large')!)));
  try {
    assert.equal(await configGet(r.port, 'maxmemory-policy'), 'allkeys-lfu');
    assert.equal(await configGet(r.port, 'maxmemory'), String(Math.floor((6854542746 * 90) / 100)));
    assert.match(await configGet(r.port, 'notify-keyspace-events'), /^[AKEg$lshzxet]+$/);
    assert.equal(await cli(r.port, 'myflushall'), 'OK');
    assert.match(await cli(r.port, 'FLUSHALL'), /unknown command/);
  } finally {
    await stop(r);
  }
});

test('CONFIG SET accepts the default of every immediate parameter, one by one and all at once', async () => {
  const nodeType = getNodeType('cache.r6g.large')!;
  const defs = familyParameters('redis7')!;
  const immediate = defs.filter((d) => d.ChangeType === 'immediate').map((d) => d.ParameterName);
  const dyn = dynamicRedisConfig('redis7', immediate, {}, nodeType);
  assert.ok(dyn.pairs.length >= 45, `${dyn.pairs.length} pairs`);
  assert.deepEqual(dyn.pendingReboot, []);
  assert.deepEqual(dyn.restartRequired, ['rename-commands']);

  const r = await startRedis('');
  try {
    for (const [name, value] of dyn.pairs) {
      assert.equal(await cli(r.port, 'CONFIG', 'SET', name, value), 'OK', `CONFIG SET ${name} ${JSON.stringify(value)}`);
    }
    assert.equal(await cli(r.port, 'CONFIG', 'SET', ...dyn.pairs.flat()), 'OK', 'one CONFIG SET with every pair');
    assert.equal(await configGet(r.port, 'maxmemory'), String(Math.floor((nodeType.maxmemoryBytes * 75) / 100)));
    assert.equal(await configGet(r.port, 'maxmemory-policy'), 'volatile-lru');
  } finally {
    await stop(r);
  }
});
