/**
 * Who may use the web console, in real Chromium against a running service that has no cache: a
 * request from another origin (a page on another port of the same host, and a forged request
 * carrying the session's cookie and CSRF token) is refused; an IAM user's key signs in and the
 * user's policies apply to what the console does (a read-only user's create is refused at the
 * form's foot, and nothing is made); axe-core finds no serious issue on the sign-in page and the
 * create form, with that error and without; a session outlives the control plane (kill -9 and a
 * restart on the same data directory: the same cookie and CSRF token still call the API, and the
 * state database holds the session's hash, not its id). (The story of a group: console.test.ts.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DescribeReplicationGroupsCommand } from '@aws-sdk/client-elasticache';
import { CreateAccessKeyCommand, CreateUserCommand, IAMClient, PutUserPolicyCommand } from '@aws-sdk/client-iam';
import { useCleanup } from '../helpers/cleanup.js';
import { axeCheck, skipWithoutChromium, useConsole } from '../helpers/browser.js';
import { waitFor } from '../../src/util/wait.js';
import { dataPaths } from '../../src/service/data-dir.js';

describe('who may use the web console, in Chromium', { timeout: 60_000, skip: skipWithoutChromium() }, () => {
  const cleanup = useCleanup();
  const ui = useConsole(cleanup, { signIn: true });
  /** The signed-in context's session: its cookie (name=value) and CSRF token. */
  const session = async () => {
    const { svc, context } = ui;
    const cookie = (await context.cookies()).find((c) => c.name === 'cachefleet_console');
    const r = await context.request.get(`${svc.url}/console/api/session`);
    return { status: r.status(), cookie: `${cookie?.name}=${cookie?.value}`, csrfToken: r.ok() ? ((await r.json()) as { csrfToken: string }).csrfToken : '' };
  };

  test('a request from another origin is refused', async () => {
    const { svc, context } = ui;
    const before = svc.logs.filter((l) => l.includes('console request refused: origin')).length;
    // A page on another port of the same host is the same site (SameSite sends the cookie), but not the same origin.
    const evil = createServer((_req, res) => {
      res.setHeader('content-type', 'text/html');
      res.end(`<script>fetch(${JSON.stringify(`${svc.url}/console/api/sign-out`)}, { method: 'POST', mode: 'no-cors', credentials: 'include' })
        .finally(() => { document.title = 'sent'; });</script>`);
    });
    await new Promise<void>((r) => evil.listen(0, '127.0.0.1', r));
    cleanup.defer(() => new Promise((r) => evil.close(r)));
    const other = await context.newPage();
    await other.goto(`http://127.0.0.1:${(evil.address() as AddressInfo).port}/`);
    await waitFor(async () => (await other.title()) === 'sent', { timeoutMs: 5000, what: 'the other origin to send its request' });
    await other.close();
    await waitFor(() => svc.logs.filter((l) => l.includes('console request refused: origin')).length > before,
      { timeoutMs: 5000, what: 'the refusal to be logged' });
    // Still signed in: the forged sign-out did nothing.
    const { status, cookie, csrfToken } = await session();
    assert.equal(status, 200);

    // A forged request carrying the session cookie and the CSRF token, from another origin.
    const call = (origin: string) => fetch(`${svc.url}/console/api/call/elasticache/DescribeReplicationGroups`, {
      method: 'POST', body: JSON.stringify({ params: {} }), headers: { cookie, 'x-cachefleet-csrf': csrfToken, origin, 'content-type': 'application/json' },
    });
    assert.equal((await call('http://127.0.0.1:1')).status, 403);
    const same = await call(new URL(svc.url).origin);
    assert.equal(same.status, 200, 'the same request from the console origin passes');
    assert.deepEqual(await same.json(), { ReplicationGroups: [] });
  });

  test("an IAM user's key signs in, and the user's policies apply to what the console does; the sign-in page and the create form pass axe-core", async () => {
    const { svc, browser } = ui;
    const iam = new IAMClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => iam.destroy());
    await iam.send(new CreateUserCommand({ UserName: 'console-viewer' }));
    await iam.send(new PutUserPolicyCommand({ UserName: 'console-viewer', PolicyName: 'read-only', PolicyDocument: JSON.stringify({
      Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' }] }) }));
    const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'console-viewer' }))).AccessKey!;
    const viewer = await browser.newContext({ viewport: { width: 1200, height: 820 } });
    cleanup.defer(() => viewer.close());
    const p = await viewer.newPage();
    await p.goto(`${svc.url}/console/#/create`);
    await p.getByRole('heading', { name: 'Sign in to cachefleet', exact: true }).waitFor();
    await axeCheck(p, 'the sign-in page');
    await p.getByLabel('Access key ID').fill(key.AccessKeyId!);
    await p.getByLabel('Secret access key').fill(key.SecretAccessKey!);
    await p.getByRole('button', { name: 'Sign in' }).click();
    // Signed in, on the page asked for; the form's choices are read with the user's Describe calls.
    await p.getByRole('heading', { name: 'Create a Redis cache', exact: true }).waitFor();
    await p.getByLabel('Node type').locator('option').nth(1).waitFor({ state: 'attached' });
    await axeCheck(p, '#/create');

    await p.getByLabel('Name').fill('viewer-made');
    await p.getByRole('button', { name: 'Create' }).click();
    // About no one field: at the form's foot, which takes the focus.
    await p.locator('#create-error').filter({ hasText: /not authorized to perform: elasticache:CreateReplicationGroup.*\(AccessDenied\)/ }).waitFor();
    assert.equal(await p.evaluate(() => document.activeElement?.id), 'create-error');
    await axeCheck(p, '#/create with an error at its foot');
    assert.deepEqual((await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [], [], 'nothing was created');
  });

  // Last: it stops the control plane that the tests above use.
  test('the session signed in before a kill -9 of the control plane still works after its restart', async () => {
    const { svc } = ui;
    const before = await session();
    assert.equal(before.status, 200);
    await svc.kill9();
    await svc.restart();
    const state = dataPaths(svc.dataDir).state;
    for (const file of [state, `${state}-wal`].filter((f) => existsSync(f))) {
      assert.ok(!readFileSync(file).includes(before.cookie.split('=')[1]!), `no session id in ${file}`);
    }
    const after = await session();
    assert.deepEqual([after.status, after.csrfToken], [200, before.csrfToken]);
    const call = await fetch(`${svc.url}/console/api/call/elasticache/DescribeReplicationGroups`, {
      method: 'POST', headers: { origin: new URL(svc.url).origin, cookie: after.cookie, 'content-type': 'application/json', 'x-cachefleet-csrf': after.csrfToken },
      body: JSON.stringify({ params: {} }),
    });
    assert.equal(call.status, 200);
    assert.deepEqual(await call.json(), { ReplicationGroups: [] });
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(ui.cspViolations, []);
  });
});
