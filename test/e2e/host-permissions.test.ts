/**
 * Least privilege on the host, end to end: the service runs as root, its cache nodes as Debian's
 * `redis` user. After a create (with TLS in transit, so node keys exist), a backup, a failover
 * and a control-plane restart, nothing under the data directory is readable, writable or searchable by
 * group or others, node directories and processes belong to the node user, and `nobody` cannot
 * read a node's data file, config or key, nor the control plane's secrets.
 */
import assert from 'node:assert/strict';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { CreateSnapshotCommand, DescribeSnapshotsCommand, TestFailoverCommand } from '@aws-sdk/client-elasticache';
import { waitFor } from '../../src/util/wait.js';
import { adminRedis } from '../helpers/node-admin.js';
import { dataPaths } from '../../src/paths/index.js';
import { looseModes } from '../../src/paths/tighten.js';
import { useCleanup } from '../helpers/cleanup.js';
import { createGroup, members, primaryOf, waitAvailable } from '../helpers/groups.js';
import { asNobody, leastPrivilegeMissing, nodeUser, ownerOf, processUid } from '../helpers/host-user.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { startService, type TestService } from '../helpers/service.js';

const missing = requireOrSkip(leastPrivilegeMissing());
const GROUP = 'perm-group';

describe('least privilege on the host', { skip: missing, timeout: 150_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;

  before(async () => {
    svc = await startService(cleanup);
  });

  /** Every check, after each step. */
  async function check(step: string): Promise<void> {
    const user = nodeUser();
    assert.deepEqual(await looseModes(svc.dataDir), [], `${step}: nothing under the data directory for group or others`);
    const paths = dataPaths(svc.dataDir);
    const keys = await readdir(paths.nodes);
    assert.ok(keys.length >= 2, `${step}: node directories`);
    for (const key of keys) {
      const dir = join(paths.nodes, key);
      assert.equal(await ownerOf(dir), `${user.uid}:${user.gid}`, `${step}: ${key} belongs to the node user`);
      const pid = Number((await readFile(join(dir, 'redis.pid'), 'utf8')).trim());
      assert.equal(await processUid(pid), user.uid, `${step}: ${key} runs as the node user`);
      const tls = (await readdir(join(dir, 'tls'))).filter((f) => f.endsWith('.key')).map((f) => join(dir, 'tls', f));
      assert.equal(tls.length, 1, `${step}: ${key} has its key`);
      for (const file of [join(dir, 'redis.conf'), join(dir, 'redis.log'), ...tls]) await refusedToNobody(file);
    }
    for (const file of [paths.state, paths.credentials, paths.adminSecret, paths.caKey]) await refusedToNobody(file);
  }

  async function refusedToNobody(file: string): Promise<void> {
    const r = await asNobody('cat', [file]);
    assert.notEqual(r.code, 0, `nobody read ${file}`);
    assert.match(r.stderr, /Permission denied/, file);
  }

  test('after create: a snapshot is the node user\'s alone', async () => {
    const g = await createGroup(svc.client, {
      ReplicationGroupId: GROUP, NumCacheClusters: 2, AutomaticFailoverEnabled: true, TransitEncryptionEnabled: true,
    }).catch(async (e) => { throw new Error(`${(e as Error).message}\n${svc.logs.slice(-15).join('\n')}`); });
    const primary = members(g).find((m) => m.CurrentRole === 'primary')!;
    const ca = await readFile(dataPaths(svc.dataDir).caCert, 'utf8');
    // SAVE is a restricted command: the snapshot is taken as the service's own user.
    const r = await adminRedis(cleanup, svc.dataDir, primary.ReadEndpoint!.Address!, primary.ReadEndpoint!.Port!, Buffer.from(ca));
    await r.set('k', 'v');
    // The replica's full sync may have just ended: the primary reaps its fork child up to a cron
    // tick later, and SAVE meanwhile answers "Background save already in progress".
    await waitFor(async () => /rdb_bgsave_in_progress:0/.test(await r.info('persistence')), { timeoutMs: 10_000, what: 'the primary\'s sync child to be reaped' });
    await r.call('SAVE');
    const rdb = join(dataDir(), 'nodes', `${primary.CacheClusterId}-0001`, 'dump.rdb');
    await refusedToNobody(rdb);
    await check('create');
  });

  test('after a backup (CreateSnapshot): the snapshot files are the service\'s alone', async () => {
    await svc.client.send(new CreateSnapshotCommand({ ReplicationGroupId: GROUP, SnapshotName: 'perm-snap' }));
    await waitFor(async () => (await svc.client.send(new DescribeSnapshotsCommand({ SnapshotName: 'perm-snap' }))).Snapshots?.[0]?.SnapshotStatus === 'available',
      { timeoutMs: 60_000, what: 'the snapshot to be available' });
    const files = await filesUnder(dataPaths(svc.dataDir).snapshots);
    assert.ok(files.length >= 1, 'a snapshot file in the data directory');
    for (const file of files) await refusedToNobody(file);
    await waitAvailable(svc.client, GROUP, 30_000);
    await check('backup');
  });

  test('after a failover', async () => {
    const before = primaryOf(await waitAvailable(svc.client, GROUP));
    await svc.client.send(new TestFailoverCommand({ ReplicationGroupId: GROUP, NodeGroupId: '0001' }));
    await waitAvailable(svc.client, GROUP, 30_000, (g) => primaryOf(g) !== before);
    await check('failover');
  });

  test('after a control-plane restart (the nodes are adopted)', async () => {
    await svc.kill9();
    await svc.restart();
    await waitAvailable(svc.client, GROUP, 30_000);
    await check('restart');
  });

  const dataDir = () => svc.dataDir;
});

/** Every file under `dir`, recursively. */
async function filesUnder(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) out.push(...await filesUnder(p));
    else out.push(p);
  }
  return out;
}
