/**
 * Automatic backups and final snapshots from Python (boto3, its waiters and modeled exceptions): a
 * group whose snapshot window opens now gets its automatic backup within seconds, named as
 * ElastiCache names it; deleting the group with a final snapshot keeps the final and the manual
 * snapshots and takes the automatic ones with it. A day later (the service restarted under
 * libfaketime, a day ahead), the day's backup is taken once and the day before's has expired.
 */
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { before, describe, test } from 'node:test';
import { useCleanup } from '../helpers/cleanup.js';
import { pythonWith, runOk } from '../helpers/e2e-exec.js';
import { faketimeEnv, faketimeMissing } from '../helpers/faketime.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { startService, type TestService } from '../helpers/service.js';

const SCRIPT = String.raw`
import json, sys, time
import boto3

url, phase, arg = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client('elasticache', endpoint_url=url, region_name='us-east-1')
GROUP = 'nightly-rg'
out = {}

def snapshots(**kw):
    pages = c.get_paginator('describe_snapshots').paginate(**kw)
    return [s for p in pages for s in p['Snapshots']]

def wait_snapshot(name):
    for _ in range(240):
        s = snapshots(SnapshotName=name)[0]
        if s['SnapshotStatus'] in ('available', 'failed'):
            return s
        time.sleep(0.25)
    raise Exception('snapshot %s never settled' % name)

if phase == 'create':
    window, maintenance = arg.split(' ')
    c.create_replication_group(ReplicationGroupId=GROUP, ReplicationGroupDescription='nightly backups', Engine='redis',
                               CacheNodeType='cache.t3.micro', NumCacheClusters=2, SnapshotRetentionLimit=1,
                               SnapshotWindow=window, PreferredMaintenanceWindow=maintenance)
    c.get_waiter('replication_group_available').wait(ReplicationGroupId=GROUP, WaiterConfig={'Delay': 1, 'MaxAttempts': 90})
    g = c.describe_replication_groups(ReplicationGroupId=GROUP)['ReplicationGroups'][0]
    out['window'] = g['SnapshotWindow']
    out['retention'] = g['SnapshotRetentionLimit']
    out['snapshotting'] = g.get('SnapshottingClusterId')
elif phase == 'automatic':
    t0 = time.time()
    found = []
    while time.time() - t0 < 120 and not found:
        found = [s for s in snapshots(ReplicationGroupId=GROUP, SnapshotSource='system') if s['SnapshotStatus'] == 'available']
        time.sleep(0.5)
    out['automatic'] = [{'name': s['SnapshotName'], 'source': s['SnapshotSource'], 'cluster': s.get('CacheClusterId')} for s in found]
    out['seconds'] = round(time.time() - t0, 1)
elif phase == 'nextday':
    # Run a day later (the service and this script under libfaketime): the window is open again.
    t0 = time.time()
    autos = []
    while time.time() - t0 < 120:
        autos = [s['SnapshotName'] for s in snapshots(SnapshotSource='system') if s['SnapshotStatus'] == 'available']
        if arg not in autos and len(autos) == 1:
            break
        time.sleep(0.5)
    out['automatic'] = autos
    out['seconds'] = round(time.time() - t0, 1)
    out['today'] = time.strftime('%Y-%m-%d', time.gmtime())
elif phase == 'manual':
    c.create_snapshot(ReplicationGroupId=GROUP, SnapshotName='nightly-manual')
    out['manual'] = wait_snapshot('nightly-manual')['SnapshotStatus']
    try:
        c.create_snapshot(ReplicationGroupId=GROUP, SnapshotName='nightly-manual')
    except c.exceptions.SnapshotAlreadyExistsFault:
        out['duplicate'] = 'SnapshotAlreadyExistsFault'
    try:
        c.delete_snapshot(SnapshotName='no-such-snapshot')
    except c.exceptions.SnapshotNotFoundFault:
        out['missing'] = 'SnapshotNotFoundFault'
elif phase == 'delete':
    r = c.delete_replication_group(ReplicationGroupId=GROUP, FinalSnapshotIdentifier='nightly-final')
    out['deleteStatus'] = r['ReplicationGroup']['Status']
    c.get_waiter('replication_group_deleted').wait(ReplicationGroupId=GROUP, WaiterConfig={'Delay': 1, 'MaxAttempts': 120})
    final = wait_snapshot('nightly-final')
    out['final'] = [final['SnapshotStatus'], final['SnapshotSource'], final['ReplicationGroupId']]
    t0 = time.time()
    while time.time() - t0 < 30 and any(s['SnapshotSource'] == 'automated' for s in snapshots()):
        time.sleep(0.5)
    out['left'] = sorted((s['SnapshotName'], s['SnapshotSource']) for s in snapshots())
print(json.dumps(out))
`;

/** A snapshot window that is open now (UTC, an hour from the start of this minute), and a maintenance window on another day. */
function windowsNow(): { window: string; maintenance: string } {
  const now = new Date();
  const hh = (d: Date) => `${String(d.getUTCHours()).padStart(2, '0')}:${String(d.getUTCMinutes()).padStart(2, '0')}`;
  const end = new Date(now.getTime() + 60 * 60_000);
  const days = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];
  // Three days and two hours after the window starts, an hour long, so it meets the daily window
  // on no day; each end named by its own day (at 22:00 UTC it ends on the next day at 00:00).
  const at = (d: Date) => `${days[d.getUTCDay()]}:${String(d.getUTCHours()).padStart(2, '0')}:00`;
  const from = new Date(now.getTime() + (3 * 24 + 2) * 3600_000);
  const to = new Date(from.getTime() + 3600_000);
  return { window: `${hh(now)}-${hh(end)}`, maintenance: `${at(from)}-${at(to)}` };
}

describe('boto3: automatic backups, final snapshots', { timeout: 300_000, skip: requireOrSkip(faketimeMissing()) }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let py: string;
  let dir: string;
  /** The clock the service and the clients run on (libfaketime's environment), once moved a day on. */
  let clock: NodeJS.ProcessEnv = {};
  let firstAutomatic = '';

  async function phase(name: string, arg = '-'): Promise<any> {
    const r = await runOk(py, [join(dir, 'backups.py'), svc.url, name, arg], { env: { ...svc.env, ...clock }, timeoutMs: 200_000 });
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  before(async () => {
    const [s, p] = await Promise.all([startService(cleanup, { automaticBackups: true }), pythonWith('boto3')]);
    assert.ok(p, 'no Python with boto3');
    svc = s;
    py = p;
    dir = await cleanup.tmpDir('cachefleet-e2e-backups-py-');
    await writeFile(join(dir, 'backups.py'), SCRIPT);
  });

  test('a window opened now: the automatic backup appears within seconds, named automatic.<cluster>-YYYY-MM-DD-HH-MM', async () => {
    const { window, maintenance } = windowsNow();
    const created = await phase('create', `${window} ${maintenance}`);
    assert.deepEqual([created.window, created.retention, created.snapshotting], [window, 1, 'nightly-rg-002']);
    const auto = await phase('automatic');
    assert.equal(auto.automatic.length, 1, JSON.stringify(auto));
    const a = auto.automatic[0];
    assert.match(a.name, /^automatic\.nightly-rg-002-\d{4}-\d{2}-\d{2}-\d{2}-\d{2}$/);
    assert.equal(a.name.slice('automatic.nightly-rg-002-'.length, -6), new Date().toISOString().slice(0, 10));
    assert.deepEqual([a.source, a.cluster], ['automated', 'nightly-rg-002']);
    firstAutomatic = a.name;
    console.log(`automatic backup available ${auto.seconds} s after the group`);
  });

  test('manual snapshots and boto3\'s modeled faults', async () => {
    const out = await phase('manual');
    assert.deepEqual(out, { manual: 'available', duplicate: 'SnapshotAlreadyExistsFault', missing: 'SnapshotNotFoundFault' });
  });

  test('a day later (the service restarted a day ahead): that day\'s backup is taken once, and the day before\'s expires after a retention of 1 day', async () => {
    assert.ok(firstAutomatic, 'the first test took no automatic backup');
    await svc.kill9();
    clock = await faketimeEnv('+1d', await cleanup.tmpDir('cachefleet-e2e-faketime-'), cleanup);
    await svc.restart({ env: clock });
    const out = await phase('nextday', firstAutomatic);
    assert.equal(out.automatic.length, 1, JSON.stringify(out));
    assert.notEqual(out.automatic[0], firstAutomatic, 'the day before\'s automatic snapshot outlived its retention');
    assert.match(out.automatic[0], new RegExp(`^automatic\\.nightly-rg-002-${out.today}-\\d{2}-\\d{2}$`));
    console.log(`a day later: ${out.automatic[0]} taken and ${firstAutomatic} expired within ${out.seconds} s`);
  });

  test('deleted with a final snapshot: the final and manual snapshots stay, the automatic one goes with the group', async () => {
    const out = await phase('delete');
    assert.equal(out.deleteStatus, 'deleting');
    assert.deepEqual(out.final, ['available', 'manual', 'nightly-rg']);
    assert.deepEqual(out.left, [['nightly-final', 'manual'], ['nightly-manual', 'manual']]);
  });
});
