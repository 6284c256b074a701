/**
 * The web console in real Chromium against the running service, the story of a group: a signed-out
 * browser reaches neither pages nor API routes; sign-in with the admin key; the dashboard lists a
 * group created through the SDK and shows it turn available without a reload; the group's page
 * shows its primary endpoint; a test failover confirmed in the dialog shows its event and the new
 * primary; the create form shows bad input beside its field, then creates a 3-node TLS group with an
 * AUTH token that redis-cli writes to through the copied endpoint; that group's page takes a
 * snapshot (a bad name shows the API's message beside the field and creates nothing), restores it
 * into a new TLS cache and redis-cli reads the key back from it, then adds and removes a tag and
 * copies and deletes a snapshot (confirmed by its typed name); the group's page adds a replica
 * (modifying, then available with three nodes), modifies it (a retention out of range shown beside
 * its field), reboots a node from the nodes table (rebooting, then available), refuses a
 * too-short AUTH token beside its field and changes nothing, rotates the token (ROTATE: both work;
 * SET: only the new one, checked with redis-cli), and deletes a group with a final snapshot (its ID
 * typed) that the Snapshots page then lists. axe-core finds no serious issue on each of these pages
 * as the story leaves it: the dashboard, a group's page and its modify dialog, the Snapshots page.
 * Screenshots of the main pages go to docs/console/ (with CACHEFLEET_UPDATE_SCREENSHOTS=1). (What
 * needs no group — another origin refused, an IAM user's policies, the sign-in page and the create
 * form under axe-core: console-access.test.ts; the resource pages: console-resources.test.ts;
 * resharding a cluster-mode group and a serverless cache's page: console-sharded.test.ts.)
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  CreateReplicationGroupCommand, DescribeCacheClustersCommand, DescribeReplicationGroupsCommand,
  DescribeSnapshotsCommand, ListTagsForResourceCommand,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { axeCheck, skipWithoutChromium, useConsole } from '../helpers/browser.js';
import { waitFor } from '../../src/util/wait.js';
import { redisCli } from '../helpers/e2e-exec.js';

const GROUP = 'console-group';
const TLS_GROUP = 'console-tls';
const AUTH_TOKEN = 'console-auth-token-0123456789';
const SNAPSHOT = 'console-snap';
const RESTORED_GROUP = 'console-restored';
const NEW_AUTH_TOKEN = 'console-rotated-token-9876543210';
const FINAL_SNAPSHOT = 'console-final';

describe('web console in Chromium', { timeout: 150_000, skip: skipWithoutChromium() }, () => {
  const cleanup = useCleanup();
  const ui = useConsole(cleanup);

  test('signed out, no page or API route shows anything but the sign-in', async () => {
    const { svc, page, shots } = ui;
    await page.goto(`${svc.url}/console/#/groups/${GROUP}`);
    await page.getByRole('heading', { name: 'Sign in to cachefleet', exact: true }).waitFor();
    const status = await page.evaluate(async () => (await fetch('/console/api/call/elasticache/DescribeReplicationGroups',
      { method: 'POST', body: '{}', headers: { 'content-type': 'application/json' } })).status);
    assert.equal(status, 401, 'the same-origin API route needs a session');
    const session = await page.evaluate(async () => (await fetch('/console/api/session')).status);
    assert.equal(session, 401);
    await page.screenshot({ path: join(shots, 'sign-in.png') });
  });

  test('sign in with the admin key; the dashboard shows a group created through the SDK turn available', async () => {
    const { svc, context, page, shots } = ui;
    await page.goto(`${svc.url}/console/#/`);
    await page.getByLabel('Access key ID').fill(svc.credentials.accessKeyId);
    await page.getByLabel('Secret access key').fill('not the secret');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').filter({ hasText: 'not valid' }).waitFor();
    await page.getByLabel('Secret access key').fill(svc.credentials.secretAccessKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Caches', exact: true }).waitFor();
    const cookie = (await context.cookies()).find((c) => c.name === 'cachefleet_console');
    assert.ok(cookie?.httpOnly && cookie.sameSite === 'Strict' && cookie.expires > Date.now() / 1000, 'HttpOnly, SameSite=Strict, expiring');
    assert.ok(!page.url().includes(svc.credentials.secretAccessKey), 'no secret in the URL');
    assert.ok(!svc.logs.some((l) => l.includes(svc.credentials.secretAccessKey) || l.includes(cookie.value)), 'no secret in the logs');

    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: GROUP, ReplicationGroupDescription: 'made by the SDK, watched in the console',
      CacheNodeType: 'cache.t3.micro', NumCacheClusters: 2, AutomaticFailoverEnabled: true,
    }));
    const status = page.locator(`tr[data-group="${GROUP}"] .status`);
    await status.waitFor({ timeout: 10_000 });
    // Seen by polling, in the page that was loaded before the group existed: no reload.
    await page.locator(`tr[data-group="${GROUP}"] .status[data-status="available"]`).waitFor({ timeout: 40_000 });
    await page.screenshot({ path: join(shots, 'dashboard.png') });
    await axeCheck(page, '#/ with a group');
  });

  test("the group's page shows its primary endpoint, and a test failover shows its event", async () => {
    const { svc, page, shots } = ui;
    const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
    const primary = g.NodeGroups![0]!.PrimaryEndpoint!;
    await page.getByRole('link', { name: GROUP, exact: true }).first().click();
    await page.getByRole('heading', { name: GROUP, level: 1 }).waitFor();
    assert.equal(await page.locator('code[data-endpoint="Primary endpoint"]').textContent(), `${primary.Address}:${primary.Port}`);
    await page.locator('tr[data-role="primary"]').waitFor();
    // Its configuration, each resource linked to its page.
    const configuration = page.locator('[data-configuration]');
    const parameterGroup = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: g.MemberClusters![0]! }))).CacheClusters![0]!.CacheParameterGroup!.CacheParameterGroupName!;
    assert.match(await configuration.textContent() ?? '', /Engine version7\.0.*User groupsnone.*Encryption at restoff/);
    await page.screenshot({ path: join(shots, 'group.png'), fullPage: true });
    await configuration.getByRole('link', { name: parameterGroup, exact: true }).click();
    await page.getByRole('heading', { name: parameterGroup, exact: true, level: 1 }).waitFor();
    await page.goBack();
    await page.getByRole('heading', { name: GROUP, level: 1 }).waitFor();

    await page.getByRole('button', { name: 'Test failover…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.waitFor();
    await dialog.getByRole('button', { name: 'Start test failover' }).click();
    await page.locator('.events li').filter({ hasText: 'Test Failover API called for node group 0001' }).waitFor({ timeout: 10_000 });
    // The replica becomes the primary on the same page, without a reload.
    await page.locator(`tr[data-node="${GROUP}-002"][data-role="primary"]`).waitFor({ timeout: 30_000 });
  });

  test('the create form shows the API error beside its field and creates nothing; then a 3-node TLS group with an AUTH token', async () => {
    const { svc, context, page } = ui;
    await page.goto(`${svc.url}/console/#/`);
    await page.getByRole('link', { name: 'Create a cache' }).click();
    await page.getByRole('heading', { name: 'Create a Redis cache', exact: true }).waitFor();
    await page.getByLabel('Name').fill('1bad');
    await page.getByRole('button', { name: 'Create' }).click();
    const nameError = page.locator('#name-error');
    await nameError.waitFor();
    assert.match(await nameError.textContent() ?? '', /ReplicationGroupId '1bad'.*must begin with a letter/);
    assert.equal(await page.getByLabel('Name').getAttribute('aria-invalid'), 'true');
    const groups = (await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [];
    assert.deepEqual(groups.map((g) => g.ReplicationGroupId), [GROUP], 'nothing was created');
    // (create.png is taken by console-create-pickers.test.ts, with a security group and the other pickers filled.)

    // Three nodes: a primary and two replicas (the form's default is one replica).
    await page.getByLabel('Name').fill(TLS_GROUP);
    await page.getByLabel('Replicas', { exact: true }).fill('2');
    await page.getByLabel('Encryption in transit (TLS)').check();
    await page.getByRole('radio', { name: /^AUTH token/ }).check();
    await page.getByLabel('AUTH token', { exact: true }).fill(AUTH_TOKEN);
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: TLS_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 40_000 });
    const tlsGroup = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: TLS_GROUP }))).ReplicationGroups![0]!;
    assert.deepEqual([tlsGroup.TransitEncryptionEnabled, tlsGroup.AuthTokenEnabled, tlsGroup.MemberClusters?.length], [true, true, 3]);
    assert.deepEqual(tlsGroup.NodeGroups?.[0]?.NodeGroupMembers?.map((m) => m.CurrentRole).sort(), ['primary', 'replica', 'replica']);
    assert.equal(await page.locator('tr[data-node]').count(), 3, 'the three nodes on the page');

    // Copy the primary endpoint from the page, and write and read through it with redis-cli, TLS verified by the CA the page offers.
    await context.grantPermissions(['clipboard-read', 'clipboard-write'], { origin: new URL(svc.url).origin });
    await page.getByRole('button', { name: 'Copy primary endpoint' }).click();
    const copied = await page.evaluate(() => navigator.clipboard.readText());
    const [host, port] = copied.split(':');
    const ca = await page.evaluate(async () => (await fetch('/console/ca.pem')).text());
    assert.match(ca, /BEGIN CERTIFICATE/);
    const caFile = join(await cleanup.tmpDir('console-ca-'), 'ca.pem');
    writeFileSync(caFile, ca);
    const cli = ['--tls', '--cacert', caFile, '--no-auth-warning', '-a', AUTH_TOKEN];
    assert.equal(await redisCli(host!, Number(port), ...cli, 'SET', 'from-console', 'yes'), 'OK');
    assert.equal(await redisCli(host!, Number(port), ...cli, 'GET', 'from-console'), 'yes');
  });

  test("a group's page takes a snapshot and restores it into a new cache that has the data; a bad name shows the API's message", async () => {
    const { svc, page } = ui;
    await page.goto(`${svc.url}/console/#/groups/${TLS_GROUP}`);
    await page.getByRole('heading', { name: TLS_GROUP, level: 1 }).waitFor();
    const snapshotName = page.getByLabel('Snapshot name', { exact: true });
    await snapshotName.fill('1bad');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    const nameError = page.locator('#snapshot-name-error');
    await nameError.waitFor();
    assert.match(await nameError.textContent() ?? '', /Invalid SnapshotName '1bad'.*must begin with a letter/);
    assert.equal(await snapshotName.getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await svc.client.send(new DescribeSnapshotsCommand({}))).Snapshots ?? [], [], 'nothing was created');

    // The key written through the copied endpoint (the test above) is in the snapshot, and in the cache restored from it.
    await snapshotName.fill(SNAPSHOT);
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    const row = page.locator(`tr[data-snapshot="${SNAPSHOT}"]`);
    await row.locator('.status[data-status="available"]').waitFor({ timeout: 20_000 });
    assert.match(await row.textContent() ?? '', /manual.*\d+ MB/);
    await axeCheck(page, `#/groups/${TLS_GROUP} with a snapshot`);

    await row.getByRole('button', { name: `Restore ${SNAPSHOT} to a new cache` }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('New replication group ID').fill(RESTORED_GROUP);
    assert.equal(await dialog.getByLabel('Encryption in transit (TLS)').isChecked(), true, 'TLS as the source group has it');
    await dialog.getByLabel('AUTH token').fill(AUTH_TOKEN);
    await dialog.getByRole('button', { name: 'Restore' }).click();
    await page.getByRole('heading', { name: RESTORED_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 40_000 });

    const [host, port] = (await page.locator('code[data-endpoint="Primary endpoint"]').textContent() ?? '').split(':');
    const restored = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: RESTORED_GROUP }))).ReplicationGroups![0]!;
    assert.equal(host, restored.NodeGroups![0]!.PrimaryEndpoint!.Address, "the page shows the restored group's own endpoint");
    const caFile = join(await cleanup.tmpDir('console-ca-'), 'ca.pem');
    writeFileSync(caFile, await page.evaluate(async () => (await fetch('/console/ca.pem')).text()));
    assert.equal(await redisCli(host!, Number(port), '--tls', '--cacert', caFile, '--no-auth-warning', '-a', AUTH_TOKEN, 'GET', 'from-console'), 'yes');
  });

  test("a group's page adds and removes tags (the API's message beside the key), and copies and deletes a snapshot (its name typed)", async () => {
    const { svc, page } = ui;
    await page.goto(`${svc.url}/console/#/groups/${TLS_GROUP}`);
    await page.getByRole('heading', { name: TLS_GROUP, level: 1 }).waitFor();
    const arn = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: TLS_GROUP }))).ReplicationGroups![0]!.ARN!;
    const tagsOf = async () => (await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList ?? [];
    await page.getByLabel('Tag key').fill('aws:owner');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('#tag-key-error').filter({ hasText: "the prefix 'aws:' is reserved" }).waitFor();
    assert.deepEqual(await tagsOf(), []);
    await page.getByLabel('Tag key').fill('team');
    await page.getByLabel('Tag value').fill('web');
    await page.getByRole('button', { name: 'Add tag' }).click();
    await page.locator('tr[data-tag="team"]').filter({ hasText: 'web' }).waitFor();
    assert.deepEqual(await tagsOf(), [{ Key: 'team', Value: 'web' }]);
    await page.getByRole('button', { name: 'Remove tag team' }).click();
    await page.locator('tr[data-tag="team"]').waitFor({ state: 'detached' });
    assert.deepEqual(await tagsOf(), []);

    const copy = `${SNAPSHOT}-copy`;
    await page.locator(`tr[data-snapshot="${SNAPSHOT}"]`).getByRole('button', { name: `Copy ${SNAPSHOT}` }).click();
    await page.getByRole('dialog').getByLabel('New snapshot name').fill(copy);
    await page.getByRole('dialog').getByRole('button', { name: 'Copy' }).click();
    const copied = page.locator(`tr[data-snapshot="${copy}"]`);
    await copied.locator('.status[data-status="available"]').waitFor({ timeout: 20_000 });
    await copied.getByRole('button', { name: `Delete ${copy}` }).click();
    const confirm = page.getByRole('dialog').getByRole('button', { name: 'Delete' });
    assert.equal(await confirm.isDisabled(), true, 'not before the name is typed');
    await page.getByRole('dialog').getByLabel("To confirm, type the snapshot's name").fill(copy);
    await confirm.click();
    await copied.waitFor({ state: 'detached', timeout: 20_000 });
    const left = (await svc.client.send(new DescribeSnapshotsCommand({}))).Snapshots ?? [];
    assert.deepEqual(left.map((x) => x.SnapshotName), [SNAPSHOT]);
  });

  test("a group's page adds a replica (modifying, then available with one more node) and a bad AUTH token shows the API's message and changes nothing", async () => {
    const { svc, page } = ui;
    const started = Date.now();
    await page.goto(`${svc.url}/console/#/groups/${GROUP}`);
    await page.getByRole('heading', { name: GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('tr[data-node]').count(), 2);
    await page.getByRole('button', { name: 'Replicas…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Replicas per shard').fill('2');
    await dialog.getByRole('button', { name: 'Add replicas' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-notice]').filter({ hasText: 'Adding replicas: 2 per shard.' }).waitFor();
    // The page shows the change in progress, then done, without a reload.
    await page.locator('h1 .status[data-status="modifying"]').waitFor({ timeout: 10_000 });
    await page.locator(`tr[data-node="${GROUP}-003"] .status[data-status="available"]`).waitFor({ timeout: 40_000 });
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.locator('tr[data-node]').count(), 3);
    const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
    assert.equal(g.MemberClusters?.length, 3);
    console.log(`replica added from the page in ${Date.now() - started} ms`);

    // On the TLS group: a token too short is refused beside its field, and the group keeps its token.
    await page.goto(`${svc.url}/console/#/groups/${TLS_GROUP}`);
    await page.getByRole('heading', { name: TLS_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    const before = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: TLS_GROUP }))).ReplicationGroups![0]!;
    assert.ok(before.AuthTokenLastModifiedDate, 'the group has a token');
    await page.getByRole('button', { name: 'Rotate AUTH token…' }).click();
    await dialog.getByLabel('New AUTH token').fill('too-short');
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    const tokenError = page.locator('#auth-token-error');
    await tokenError.waitFor();
    assert.match(await tokenError.textContent() ?? '', /Invalid AuthToken: it must be between 16 and 128 characters long \(got 9\)/);
    assert.equal(await dialog.getByLabel('New AUTH token').getAttribute('aria-invalid'), 'true');
    const after = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: TLS_GROUP }))).ReplicationGroups![0]!;
    assert.equal(after.Status, 'available');
    assert.deepEqual(after.AuthTokenLastModifiedDate, before.AuthTokenLastModifiedDate, 'the token was not changed');
    assert.equal(after.PendingModifiedValues?.AuthTokenStatus, undefined);
  });

  test("modify from a group's page (a bad retention shown beside its field, then applied), and reboot a node from the nodes table", async () => {
    const { svc, page } = ui;
    await page.goto(`${svc.url}/console/#/groups/${GROUP}`);
    await page.getByRole('heading', { name: GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Modify…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Node type').locator('option').nth(1).waitFor({ state: 'attached' });
    await axeCheck(page, 'the modify dialog');
    const retention = dialog.getByLabel('Snapshot retention (days)');
    await retention.fill('99');
    await dialog.getByRole('button', { name: 'Modify' }).click();
    const retentionError = page.locator('#modify-snapshot-retention-error');
    await retentionError.waitFor();
    assert.match(await retentionError.textContent() ?? '', /Invalid SnapshotRetentionLimit 99: it must be between 0 and 35 days/);
    const groupNow = async () => (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: GROUP }))).ReplicationGroups![0]!;
    assert.equal((await groupNow()).SnapshotRetentionLimit, 0, 'nothing changed');
    await retention.fill('2');
    await dialog.getByLabel('Maintenance window', { exact: true }).fill('sun:05:00-sun:06:00');
    await dialog.getByRole('button', { name: 'Modify' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-notice]').filter({ hasText: `Modification of ${GROUP} started.` }).waitFor();
    assert.equal((await groupNow()).SnapshotRetentionLimit, 2);

    const replica = `${GROUP}-003`;
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    await page.locator(`tr[data-node="${replica}"]`).getByRole('button', { name: `Reboot ${replica}` }).click();
    await dialog.getByRole('button', { name: 'Reboot' }).click();
    await page.locator('[data-notice]').filter({ hasText: `Rebooting node ${replica}.` }).waitFor();
    await page.locator(`tr[data-node="${replica}"] .status[data-status="rebooting"]`).waitFor({ timeout: 10_000 });
    await page.locator(`tr[data-node="${replica}"] .status[data-status="available"]`).waitFor({ timeout: 30_000 });
  });

  test('rotating the AUTH token from the page: both tokens work after ROTATE, only the new one after SET', async () => {
    const { svc, page } = ui;
    await page.goto(`${svc.url}/console/#/groups/${TLS_GROUP}`);
    await page.getByRole('heading', { name: TLS_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Rotate AUTH token…' }).click();
    const dialog = page.getByRole('dialog');
    const ep = (await page.locator('code[data-endpoint="Primary endpoint"]').textContent() ?? '').split(':');
    const caFile = join(await cleanup.tmpDir('console-ca-'), 'ca.pem');
    writeFileSync(caFile, await page.evaluate(async () => (await fetch('/console/ca.pem')).text()));
    const cli = (token: string, ...cmd: string[]) => redisCli(ep[0]!, Number(ep[1]), '--tls', '--cacert', caFile, '--no-auth-warning', '-a', token, ...cmd);
    await dialog.getByLabel('New AUTH token').fill(NEW_AUTH_TOKEN);
    await dialog.getByRole('button', { name: 'Rotate' }).click();
    await dialog.getByText('Step 2 of 2').waitFor();
    await waitFor(async () => (await cli(NEW_AUTH_TOKEN, 'PING')) === 'PONG', { timeoutMs: 20_000, what: 'the new token to be accepted' });
    assert.equal(await cli(AUTH_TOKEN, 'PING'), 'PONG', 'the old token still works until SET');
    // SET is accepted once the group is available again with the rotation applied on every node.
    await waitFor(async () => {
      const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: TLS_GROUP }))).ReplicationGroups![0]!;
      return g.Status === 'available' && g.PendingModifiedValues?.AuthTokenStatus === undefined;
    }, { timeoutMs: 20_000, what: 'the rotation to be applied' });
    const set = dialog.getByRole('button', { name: 'Set as the only token' });
    await waitFor(async () => !(await set.isDisabled()), { timeoutMs: 20_000, what: 'the group to be available again for SET' });
    await set.click();
    await dialog.waitFor({ state: 'detached' });
    await waitFor(async () => !/^PONG$/.test(await cli(AUTH_TOKEN, 'PING').catch((e: Error) => e.message)),
      { timeoutMs: 20_000, what: 'the old token to be refused' });
    assert.equal(await cli(NEW_AUTH_TOKEN, 'SET', 'after-rotation', 'yes'), 'OK');
    assert.equal(await cli(NEW_AUTH_TOKEN, 'GET', 'after-rotation'), 'yes');
  });

  test('deleting a group from its page (its ID typed) with a final snapshot: back to the dashboard, the snapshot listed', async () => {
    const { svc, page, shots } = ui;
    await page.goto(`${svc.url}/console/#/groups/${RESTORED_GROUP}`);
    await page.getByRole('heading', { name: RESTORED_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 20_000 });
    await page.getByRole('button', { name: 'Delete…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Final snapshot name (optional)').fill(FINAL_SNAPSHOT);
    const confirm = dialog.getByRole('button', { name: 'Delete' });
    await dialog.getByLabel("To confirm, type the group's ID").fill(RESTORED_GROUP.slice(0, -1));
    assert.equal(await confirm.isDisabled(), true, 'not before the whole ID is typed');
    await dialog.getByLabel("To confirm, type the group's ID").fill(RESTORED_GROUP);
    await confirm.click();
    await page.getByRole('heading', { name: 'Caches', exact: true }).waitFor();
    assert.match(page.url(), /#\/$/);
    await page.getByRole('link', { name: 'Snapshots', exact: true }).click();
    await page.locator(`tr[data-snapshot="${FINAL_SNAPSHOT}"] .status[data-status="available"]`).waitFor({ timeout: 30_000 });
    await waitFor(async () => ((await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [])
      .every((g) => g.ReplicationGroupId !== RESTORED_GROUP), { timeoutMs: 20_000, what: 'the group to be deleted' });
    // The snapshot taken on the TLS group's page links to that group.
    await page.locator(`tr[data-snapshot="${SNAPSHOT}"] a[href="#/groups/${TLS_GROUP}"]`).waitFor();
    await axeCheck(page, '#/snapshots');
    await page.screenshot({ path: join(shots, 'snapshots.png'), fullPage: true });
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(ui.cspViolations, []);
  });
});
