/**
 * The control plane is not in the data path: kill -9 the service while a client writes through
 * the primary endpoint, keep writing, start it again. No command may fail, no connection may
 * drop, every key must be there, and the restarted service adopts the running nodes (same pids,
 * same endpoints) instead of restarting them. A second service on the same data directory is
 * refused while the first one runs.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  CreateReplicationGroupCommand, DescribeReplicationGroupsCommand, waitUntilReplicationGroupAvailable, type ReplicationGroup,
} from '@aws-sdk/client-elasticache';
import type { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { CLI, startService, type TestService } from '../helpers/service.js';
import { connectRedis, isRedisServer, nodePids } from '../helpers/e2e-nodes.js';
import { healthy } from '../helpers/e2e-query.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'cp-group';

/** Endpoints of a group, comparable across describes. */
function endpointsOf(g: ReplicationGroup) {
  const ng = g.NodeGroups![0]!;
  return {
    primary: ng.PrimaryEndpoint,
    reader: ng.ReaderEndpoint,
    members: ng.NodeGroupMembers!.map((m) => ({ id: m.CacheClusterId, role: m.CurrentRole, endpoint: m.ReadEndpoint })),
  };
}

/** A client that writes sequential keys as fast as it can and records every failure and dropped connection. */
class Writer {
  written = 0;
  readonly failures: string[] = [];
  readonly dropped: string[] = [];
  private stopped = false;
  private loop: Promise<void> | undefined;

  constructor(private readonly client: Redis, private readonly prefix: string, what: string) {
    client.on('close', () => this.dropped.push(`${what}: close`));
    client.on('end', () => this.dropped.push(`${what}: end`));
  }

  start(): void {
    this.loop = (async () => {
      while (!this.stopped) {
        try {
          const reply = await this.client.set(`${this.prefix}${this.written}`, String(this.written));
          if (reply !== 'OK') throw new Error(`SET answered ${reply}`);
          this.written++;
        } catch (e) {
          this.failures.push(`${this.prefix}${this.written}: ${(e as Error).message}`);
          if (this.failures.length > 20) return; // the connection is gone; the assertions tell
        }
      }
    })();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    await this.loop;
  }
}

async function runIdOf(c: Redis): Promise<string> {
  return /run_id:(\w+)/.exec(await c.info('server'))![1]!;
}

describe('kill -9 of the control plane', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let group: ReplicationGroup;

  async function describeGroup(): Promise<ReplicationGroup> {
    return (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
  }

  async function serverFilePid(): Promise<number | undefined> {
    const text = await readFile(join(svc.dataDir, 'server.json'), 'utf8').catch(() => '');
    try {
      return (JSON.parse(text) as { pid: number }).pid;
    } catch {
      return undefined;
    }
  }

  /** svc.restart(), then wait for the new process itself (restart() may return on the first launch's log line). */
  async function restartAndWait(oldPid: number): Promise<void> {
    await svc.restart();
    await waitFor(async () => svc.pid() !== oldPid && (await serverFilePid()) === svc.pid() && (await healthy(svc.url)),
      { timeoutMs: 15_000, what: 'the restarted service to answer' });
  }

  before(async () => {
    svc = await startService(cleanup);
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'survives its control plane', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2 }));
    await waitUntilReplicationGroupAvailable({ client: svc.client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { ReplicationGroupId: GROUP });
    group = await describeGroup();
  });

  test('writes through the primary endpoint continue across kill -9 and restart; the nodes are adopted', async () => {
    const before = endpointsOf(group);
    const pidsBefore = await nodePids(svc.dataDir);
    assert.equal(pidsBefore.size, 2);
    const runIds = new Map<string, string>();
    for (const m of before.members) runIds.set(m.id!, await runIdOf(await connectRedis(cleanup, m.endpoint!.Address!, m.endpoint!.Port!)));

    const primary = await connectRedis(cleanup, before.primary!.Address!, before.primary!.Port!);
    const reader = await connectRedis(cleanup, before.reader!.Address!, before.reader!.Port!);
    const writer = new Writer(primary, 'cp:', 'primary endpoint');
    const readerDrops: string[] = [];
    reader.on('close', () => readerDrops.push('reader endpoint: close'));
    writer.start();
    await waitFor(() => writer.written >= 100 || writer.failures.length > 0, { timeoutMs: 10_000, what: 'the first writes' });

    const oldPid = svc.pid();
    await svc.kill9();
    assert.equal(await healthy(svc.url), false, 'the control plane is down');
    const atKill = writer.written;
    const killedAt = Date.now();
    await waitFor(() => (Date.now() - killedAt >= 2000 && writer.written > atKill + 100) || writer.failures.length > 0,
      { timeoutMs: 15_000, what: 'two seconds of writes without a control plane' });
    assert.deepEqual(writer.failures, [], 'writes failed while the control plane was down');

    await restartAndWait(oldPid);
    const atRestart = writer.written;
    const restartedAt = Date.now();
    await waitFor(() => (Date.now() - restartedAt >= 1000 && writer.written > atRestart + 50) || writer.failures.length > 0,
      { timeoutMs: 15_000, what: 'a second of writes after the restart' });
    await writer.stop();

    assert.deepEqual(writer.failures, [], 'no write may fail');
    assert.deepEqual([...writer.dropped, ...readerDrops], [], 'no connection may be closed');
    assert.ok(writer.written > 300, `only ${writer.written} writes`);

    // Every key is on the primary, and reaches the replica.
    const keys = Array.from({ length: writer.written }, (_, i) => `cp:${i}`);
    const expected = keys.map((_, i) => String(i));
    for (let i = 0; i < keys.length; i += 1000) {
      assert.deepEqual(await primary.mget(...keys.slice(i, i + 1000)), expected.slice(i, i + 1000), `keys ${i}… on the primary`);
    }
    await waitFor(async () => (await reader.get(keys.at(-1)!)) === expected.at(-1), { timeoutMs: 10_000, intervalMs: 50, what: 'the replica to catch up' });
    for (let i = 0; i < keys.length; i += 1000) {
      assert.deepEqual(await reader.mget(...keys.slice(i, i + 1000)), expected.slice(i, i + 1000), `keys ${i}… on the replica`);
    }

    // The restarted service sees the group as it was and adopted the very same node processes.
    const after = await waitFor(async () => {
      const g = await describeGroup();
      return g.Status === 'available' ? g : undefined;
    }, { timeoutMs: 15_000, intervalMs: 200, what: `${GROUP} available after the restart` });
    assert.deepEqual(endpointsOf(after), before);
    const pidsAfter = await nodePids(svc.dataDir);
    assert.deepEqual([...pidsAfter], [...pidsBefore], 'node pids are unchanged');
    for (const pid of pidsAfter.values()) assert.ok(await isRedisServer(pid), `node pid ${pid} still runs`);
    for (const m of before.members) {
      const c = await connectRedis(cleanup, m.endpoint!.Address!, m.endpoint!.Port!);
      assert.equal(await runIdOf(c), runIds.get(m.id!), `${m.id} was not restarted (same run_id)`);
    }

    // New connections through both endpoints work.
    const p2 = await connectRedis(cleanup, before.primary!.Address!, before.primary!.Port!);
    assert.equal(await p2.set('cp:after-restart', 'yes'), 'OK');
    const r2 = await connectRedis(cleanup, before.reader!.Address!, before.reader!.Port!);
    await waitFor(async () => (await r2.get('cp:after-restart')) === 'yes', { timeoutMs: 10_000, intervalMs: 50, what: 'the new write on the reader' });
  });

  test('a second service on the same data directory is refused and names the running one', async () => {
    const running = svc.pid();
    const child = spawn(process.execPath, [CLI, 'server', '--data-dir', svc.dataDir, '--port', '0', '--endpoint-cidr', svc.cidr,
      '--log-format', 'json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    cleanup.trackPid(child.pid, CLI);
    let output = '';
    child.stdout!.on('data', (d) => (output += String(d)));
    child.stderr!.on('data', (d) => (output += String(d)));
    let code: number | null | undefined;
    child.once('exit', (c) => (code = c));
    const exited = await waitFor(() => code !== undefined, { timeoutMs: 20_000, what: 'the second service to exit' }).catch(() => false);
    if (!exited) child.kill('SIGKILL');
    assert.ok(exited, `a second service on the same data directory kept running: ${output}`);
    assert.notEqual(code, 0, `the second service must not start: ${output}`);
    assert.match(output, new RegExp(`another cachefleet service \\(pid ${running}, ${svc.url.replace(/[.]/g, '\\.')}\\)`));
    assert.equal(svc.pid(), running);
    assert.equal(await serverFilePid(), running, 'server.json still names the running service');
    assert.ok(await healthy(svc.url));
    assert.equal((await describeGroup()).Status, 'available');
  });

  test('kill -9 while a group is being created: after the restart the creation completes and started nodes are adopted', async (t) => {
    const id = 'cp-mid';
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: id, ReplicationGroupDescription: 'interrupted', CacheNodeType: 'cache.t3.micro', NumCacheClusters: 3 }));
    const ours = async () => new Map([...(await nodePids(svc.dataDir))].filter(([k]) => k.startsWith(`${id}-`)));
    await waitFor(async () => (await ours()).size > 0, { timeoutMs: 10_000, intervalMs: 5, what: `a first node of ${id}` });
    const oldPid = svc.pid();
    await svc.kill9();
    const started = await ours();
    t.diagnostic(`${started.size} of 3 nodes had started when the control plane was killed`);

    await restartAndWait(oldPid);
    await waitUntilReplicationGroupAvailable({ client: svc.client, minDelay: 1, maxDelay: 2, maxWaitTime: 60 }, { ReplicationGroupId: id });
    const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: id }))).ReplicationGroups![0]!;
    const ng = g.NodeGroups![0]!;
    assert.deepEqual(ng.NodeGroupMembers!.map((m) => m.CurrentRole).sort(), ['primary', 'replica', 'replica']);
    const pids = await ours();
    assert.equal(pids.size, 3);
    for (const [key, pid] of started) assert.equal(pids.get(key), pid, `${key}, started before the kill, was adopted`);
    for (const pid of pids.values()) assert.ok(await isRedisServer(pid));

    const primary = await connectRedis(cleanup, ng.PrimaryEndpoint!.Address!, ng.PrimaryEndpoint!.Port!);
    assert.equal(await primary.set('cp-mid:k', 'v'), 'OK');
    for (const m of ng.NodeGroupMembers!) {
      const c = await connectRedis(cleanup, m.ReadEndpoint!.Address!, m.ReadEndpoint!.Port!);
      await waitFor(async () => (await c.get('cp-mid:k')) === 'v', { timeoutMs: 10_000, intervalMs: 50, what: `${m.CacheClusterId} to have the key` });
    }
  });
});
