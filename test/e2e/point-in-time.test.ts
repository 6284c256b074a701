/**
 * Point-in-time restore end to end: the aws CLI tags a group `cachefleet:point-in-time-restore=
 * enabled`; ioredis writes A in a second T, then B once second T+1 has begun; the cachefleet CLI
 * (`restore --to-time T`) seeds a new group holding A and not B. Meanwhile the control plane is
 * killed (-9) and restarted while archiving: the recording goes on in the same line (no full sync,
 * no "could not continue" event) and a write made while it was down is in a restore to a time
 * after the restart (made with the aws CLI's tags). A time the archive does not cover is refused
 * with InvalidParameterValue listing the restorable times, and nothing is created; the archive is
 * gone once the source group is deleted.
 */
import assert from 'node:assert/strict';
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { Redis } from 'ioredis';
import { restoreWindows } from '../../src/cli/restore-command.js';
import { waitFor } from '../../src/util/wait.js';
import { awsElastiCache, groupEvents } from '../helpers/cluster-mode.js';
import { useCleanup } from '../helpers/cleanup.js';
import { run } from '../helpers/e2e-exec.js';
import { describeGroup, endpoint, waitAvailable } from '../helpers/groups.js';
import { CLI, startService, type TestService } from '../helpers/service.js';

const SOURCE = 'pitr-orders';
const iso = (second: number) => new Date(second * 1000).toISOString().replace('.000Z', 'Z');

describe('point-in-time restore: aws CLI tags, ioredis data, cachefleet restore --to-time', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  /** The second A was written in; B was written after it ended, C while the control plane was down. */
  let T: number;
  let afterRestart: number;

  async function client(id: string): Promise<Redis> {
    const ep = endpoint(await describeGroup(svc.client, id), 'PrimaryEndpoint');
    const c = new Redis({ host: ep.host, port: ep.port, lazyConnect: true, maxRetriesPerRequest: 1 });
    c.on('error', () => undefined);
    cleanup.defer(() => c.disconnect());
    await c.connect();
    return c;
  }

  /** Waits until every second of [from, to] is restorable from the source's archive. */
  async function covered(from: number, to: number): Promise<void> {
    await waitFor(async () => (await restoreWindows(svc.client, SOURCE)).windows
      .some((w) => Date.parse(w.from) <= from * 1000 && to * 1000 <= Date.parse(w.to)), { timeoutMs: 30_000, what: `the archive to cover ${iso(from)}–${iso(to)}` });
  }

  function cachefleet(...args: string[]) {
    return run(process.execPath, [CLI, ...args, '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 120_000 });
  }

  before(async () => {
    svc = await startService(cleanup, { args: ['--pitr-flush-ms', '500', ...(process.env.PITR_DEBUG ? ['--log-level', 'debug'] : [])] });
    cleanup.defer(() => { if (process.env.PITR_DEBUG) console.log(svc.logs.filter((l) => /pitr|archive|point-in-time|restore|"level":[456]0/i.test(l)).join('\n')); });
    await awsElastiCache(svc, 'create-replication-group', '--replication-group-id', SOURCE, '--replication-group-description', 'orders',
      '--cache-node-type', 'cache.t3.micro', '--num-cache-clusters', '2', '--tags', 'Key=cachefleet:point-in-time-restore,Value=enabled');
    await waitAvailable(svc.client, SOURCE, 60_000);
  });

  test('A and B around a second boundary; the control plane killed and restarted while archiving', async () => {
    const primary = await client(SOURCE);
    // The archive starts once the group is available (its first base is a full sync of the replica).
    await waitFor(async () => (await groupEvents(svc.client, SOURCE)).some((e) => e.message.startsWith('Point-in-time recording started')),
      { timeoutMs: 30_000, what: 'the recording to start' });
    // A early in its second, so the archive (which stamps what it receives, a few ms later) puts it in the same second.
    await waitFor(() => Date.now() % 1000 < 300, { timeoutMs: 2000, intervalMs: 5, what: 'the start of a second' });
    await primary.set('A', 'a');
    T = Math.floor(Date.now() / 1000);
    await waitFor(() => Date.now() >= (T + 1) * 1000, { timeoutMs: 2000, intervalMs: 5, what: 'the next second' });
    await primary.set('B', 'b');
    await covered(T, T);

    const killedAt = Date.now();
    await svc.kill9();
    await primary.set('C', 'c'); // nodes and endpoints keep serving
    await svc.restart();
    // The recording resumes (PSYNC) where the archive ended: C arrives then, stamped in the first
    // second of the resumed stretch (the seconds the control plane was down are not restorable).
    // Writes go on meanwhile, as on a live group: an idle archive is extended only every minute.
    const heartbeat = setInterval(() => void primary.incr('heartbeat').catch(() => undefined), 200);
    try {
      const resumed = await waitFor(async () => (await restoreWindows(svc.client, SOURCE)).windows.find((w) => Date.parse(w.to) > killedAt),
        { timeoutMs: 30_000, what: 'the recording to resume after the restart' });
      afterRestart = Math.max(Math.floor(Date.parse(resumed.from) / 1000), Math.floor(killedAt / 1000)) + 1;
      await covered(afterRestart, afterRestart);
    } finally {
      clearInterval(heartbeat);
    }
    const messages = (await groupEvents(svc.client, SOURCE)).map((e) => e.message);
    assert.ok(messages.includes('Point-in-time recording started for node group 0001 of replication group pitr-orders'), messages.join('\n'));
    assert.ok(!messages.some((m) => m.includes('could not continue')), `the line went on after the restart:\n${messages.join('\n')}`);
    const bases = await readdir(join(svc.dataDir, 'snapshots', '_pitr', SOURCE), { recursive: true });
    assert.equal(bases.filter((p) => /\/bases\/./.test(p)).length, 1, `one base: no full sync after the restart (${bases.join(', ')})`);
  });

  test('restore --to-time T holds A and not B; a restore after the restart (aws CLI tags) holds A, B and C', async () => {
    const list = await cachefleet('restore', '--list', SOURCE);
    assert.equal(list.code, 0, list.stderr);
    assert.match(list.stdout, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z {2}to {2}\d{4}-/m);
    const [byCli] = await Promise.all([
      cachefleet('restore', '--source-group', SOURCE, '--to-time', iso(T), '--target-group', 'pitr-at-t'),
      awsElastiCache(svc, 'create-replication-group', '--replication-group-id', 'pitr-later', '--replication-group-description', 'later',
        '--cache-node-type', 'cache.t3.micro', '--tags', `Key=cachefleet:restore-source-group,Value=${SOURCE}`,
        `Key=cachefleet:restore-to-time,Value=${afterRestart}`),
    ]);
    assert.equal(byCli.code, 0, `${byCli.stdout}\n${byCli.stderr}`);
    assert.match(byCli.stdout, /pitr-at-t: available/);
    const atT = await client('pitr-at-t');
    assert.deepEqual([await atT.get('A'), await atT.get('B'), await atT.get('C')], ['a', null, null]);
    const g = await describeGroup(svc.client, 'pitr-at-t');
    assert.deepEqual([g.MemberClusters?.length, g.CacheNodeType, g.AutomaticFailover], [2, 'cache.t3.micro', 'disabled']);
    await waitAvailable(svc.client, 'pitr-later', 60_000);
    const later = await client('pitr-later');
    assert.deepEqual([await later.get('A'), await later.get('B'), await later.get('C')], ['a', 'b', 'c']);
  });

  test('a time the archive does not cover is refused with the restorable times; nothing is created', async () => {
    const r = await run('aws', ['elasticache', 'create-replication-group', '--replication-group-id', 'pitr-too-early', '--replication-group-description', 'x',
      '--cache-node-type', 'cache.t3.micro', '--tags', `Key=cachefleet:restore-source-group,Value=${SOURCE}`,
      'Key=cachefleet:restore-to-time,Value=2020-01-01T00:00:00Z', '--endpoint-url', svc.url], { env: svc.env, timeoutMs: 60_000 });
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /InvalidParameterValue.*before the point-in-time archive begins.*restorable times of replication group pitr-orders: \d{4}-/s);
    const d = await run('aws', ['elasticache', 'describe-replication-groups', '--replication-group-id', 'pitr-too-early', '--endpoint-url', svc.url], { env: svc.env });
    assert.match(d.stderr, /ReplicationGroupNotFoundFault/);
  });

  test('the archive goes with its group', async () => {
    await awsElastiCache(svc, 'delete-replication-group', '--replication-group-id', SOURCE);
    const dir = join(svc.dataDir, 'snapshots', '_pitr', SOURCE);
    await waitFor(async () => (await readdir(dir, { recursive: true }).catch(() => [])).every((p) => !/\/(bases|segments)\/.+-/.test(p)),
      { timeoutMs: 60_000, what: 'the archive to be deleted' });
    // The event follows the deletion of the files (it says they are gone): wait for it too.
    const said = 'Point-in-time archive of replication group pitr-orders deleted with the replication group';
    let messages: string[] = [];
    const found = await waitFor(async () => {
      messages = (await groupEvents(svc.client, SOURCE)).map((e) => e.message);
      return messages.includes(said);
    }, { timeoutMs: 10_000, what: 'the archive deletion event' }).catch(() => false);
    assert.ok(found, messages.join('\n'));
  });
});
