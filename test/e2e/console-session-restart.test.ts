/**
 * A console session outlives the control plane: signed in over the console's JSON route, the
 * service killed with kill -9 and started again on the same data directory, the same cookie and
 * CSRF token still call the API. The state database holds the session's hash, not its id.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { useCleanup } from '../helpers/cleanup.js';
import { startService } from '../helpers/service.js';
import { dataPaths } from '../../src/service/data-dir.js';

describe('console sessions across a restart of the control plane', { timeout: 60_000 }, () => {
  const cleanup = useCleanup();

  test('the cookie signed in before a kill -9 still works after the restart', async () => {
    const svc = await startService(cleanup);
    const origin = new URL(svc.url).origin;
    const signIn = await fetch(`${svc.url}/console/api/sign-in`, {
      method: 'POST', headers: { origin, 'content-type': 'application/json' },
      body: JSON.stringify({ accessKeyId: svc.credentials.accessKeyId, secretAccessKey: svc.credentials.secretAccessKey }),
    });
    assert.equal(signIn.status, 200);
    const cookie = (signIn.headers.get('set-cookie') ?? '').split(';')[0]!;
    const { csrfToken } = await signIn.json() as { csrfToken: string };

    await svc.kill9();
    await svc.restart();
    const state = dataPaths(svc.dataDir).state;
    for (const file of [state, `${state}-wal`].filter((f) => existsSync(f))) {
      assert.ok(!readFileSync(file).includes(cookie.split('=')[1]!), `no session id in ${file}`);
    }

    const session = await fetch(`${svc.url}/console/api/session`, { headers: { cookie } });
    assert.equal(session.status, 200);
    assert.equal((await session.json() as { csrfToken: string }).csrfToken, csrfToken);
    const call = await fetch(`${svc.url}/console/api/call/elasticache/DescribeReplicationGroups`, {
      method: 'POST', headers: { origin, cookie, 'content-type': 'application/json', 'x-cachefleet-csrf': csrfToken }, body: JSON.stringify({ params: {} }),
    });
    assert.equal(call.status, 200);
    assert.deepEqual(await call.json(), { ReplicationGroups: [] });
  });
});
