import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Redis } from 'ioredis';
import { useCleanup } from '../helpers/cleanup.js';
import { startService } from '../helpers/service.js';
import { createGroup, endpoint, members, nodePid, primaryOf, waitAvailable } from '../helpers/groups.js';
import { waitFor } from '../../src/util/wait.js';

const cleanup = useCleanup();
const svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });
const HA = { NumCacheClusters: 3, AutomaticFailoverEnabled: true };

async function seed(id: string, n: number) {
  const g = await createGroup(svc.client, { ReplicationGroupId: id, ...HA });
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const r = new Redis({ host, port });
  for (let i = 0; i < n; i++) await r.set(`k${i}`, String(i));
  await r.call('WAIT', '2', '2000');
  r.disconnect();
  return g;
}

async function assertRecovered(id: string, old: string, keys: number) {
  const g = await waitAvailable(svc.client, id, 30_000, (x) => {
    const ms = members(x);
    return ms.length === 3 && ms.filter((m) => m.CurrentRole === 'primary').length === 1 && primaryOf(x) !== old;
  });
  const { host, port } = endpoint(g, 'PrimaryEndpoint');
  const r = new Redis({ host, port });
  assert.equal(await r.dbsize(), keys, 'no key lost');
  assert.equal(await r.set('after', '1'), 'OK', 'the primary endpoint takes writes');
  r.disconnect();
  assert.equal(members(g).find((m) => m.CacheClusterId === old)?.CurrentRole, 'replica', 'the old primary rejoined as a replica');
}

test('the primary dies while the control plane is down: the restarted control plane fails over', async () => {
  const g = await seed('cp-down', 200);
  const old = primaryOf(g);
  await svc.kill9();
  process.kill(await nodePid(svc.dataDir, old), 'SIGKILL');
  await svc.restart();
  await assertRecovered('cp-down', old, 200);
});

test('the control plane is killed in the middle of a failover: the restarted one finishes it', async () => {
  const g = await seed('cp-mid', 200);
  const old = primaryOf(g);
  const seen = svc.logs.length;
  process.kill(await nodePid(svc.dataDir, old), 'SIGKILL');
  // Kill the control plane as soon as it has decided to fail over (the decision is persisted).
  await waitFor(() => svc.logs.slice(seen).some((l) => l.includes('is down; failing over')), { timeoutMs: 10_000, intervalMs: 1, what: 'the failover to start' });
  await svc.kill9();
  await svc.restart();
  await assertRecovered('cp-mid', old, 200);
});
