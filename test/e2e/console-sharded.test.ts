/**
 * The console in real Chromium against the running service, for a cluster-mode group and a
 * serverless cache (both made through the SDK): the group is resharded from its page from 1 shard
 * to 2 (a count out of range shown beside its field), then shows `modifying` and turns available
 * with both shards' nodes; the serverless cache's page, reached from the dashboard (also shot on a
 * phone in dark mode), shows its reader endpoint, refuses a bad snapshot name beside the field and
 * takes a snapshot. axe-core on the serverless page; no CSP violation. (The story of a group:
 * console.test.ts.)
 */
import { before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { CreateReplicationGroupCommand, CreateServerlessCacheCommand, DescribeReplicationGroupsCommand, DescribeServerlessCachesCommand } from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { axeCheck, skipWithoutChromium, useConsole } from '../helpers/browser.js';
import { waitFor } from '../../src/util/wait.js';

const SERVERLESS = 'console-sl';
const SHARDED_GROUP = 'console-sharded';

describe('a cluster-mode group and a serverless cache in the console', { timeout: 120_000, skip: skipWithoutChromium() }, () => {
  const cleanup = useCleanup();
  const ui = useConsole(cleanup, { signIn: true });

  // Both made through the SDK, before the tests: they come up while the browser is busy.
  before(async () => {
    const { svc } = ui;
    await svc.client.send(new CreateServerlessCacheCommand({ ServerlessCacheName: SERVERLESS, Engine: 'redis' }));
    await svc.client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: SHARDED_GROUP, ReplicationGroupDescription: 'resharded in the console', CacheNodeType: 'cache.t3.micro',
      ClusterMode: 'enabled', NumNodeGroups: 1, ReplicasPerNodeGroup: 0, AutomaticFailoverEnabled: true,
    }));
  });

  test("reshard a cluster-mode group from its page: resharding, then available with two shards", async () => {
    const { svc, page } = ui;
    const started = Date.now();
    await page.goto(`${svc.url}/console/#/groups/${SHARDED_GROUP}`);
    await page.getByRole('heading', { name: SHARDED_GROUP, level: 1 }).waitFor();
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 30_000 });
    await page.getByRole('button', { name: 'Reshard…' }).click();
    const dialog = page.getByRole('dialog');
    await dialog.getByLabel('Number of shards').fill('0');
    await dialog.getByRole('button', { name: 'Reshard' }).click();
    await page.locator('#shard-count-error').filter({ hasText: /NodeGroupCount must be between 1 and \d+ \(got 0\)/ }).waitFor();
    await dialog.getByLabel('Number of shards').fill('2');
    await dialog.getByRole('button', { name: 'Reshard' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('[data-notice]').filter({ hasText: `Resharding ${SHARDED_GROUP} from 1 to 2 shards.` }).waitFor();
    await page.locator('h1 .status[data-status="modifying"]').waitFor({ timeout: 10_000 });
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 60_000 });
    const g = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: SHARDED_GROUP }))).ReplicationGroups![0]!;
    assert.equal(g.NodeGroups?.length, 2);
    assert.equal(await page.locator('tr[data-node]').count(), 2, "both shards' nodes on the page");
    console.log(`resharded from the page in ${Date.now() - started} ms`);
  });

  test("a serverless cache's page, reached from the dashboard, shows its reader endpoint and refuses a bad snapshot name beside the field", async () => {
    const { svc, page, shots } = ui;
    await waitFor(async () => (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: SERVERLESS })))
      .ServerlessCaches![0]!.Status === 'available', { timeoutMs: 30_000, what: 'the serverless cache to be available' });
    await page.goto(`${svc.url}/console/#/`);
    const row = page.locator(`tr[data-serverless="${SERVERLESS}"]`);
    await row.waitFor();
    await page.locator(`tr[data-group="${SHARDED_GROUP}"]`).waitFor();
    // The dashboard on a phone in dark mode (a screenshot for the README), then back to the desktop.
    const desktop = page.viewportSize()!;
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.setViewportSize({ width: 390, height: 760 });
    await page.screenshot({ path: join(shots, 'dashboard-phone-dark.png') });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.setViewportSize(desktop);

    await row.getByRole('link', { name: SERVERLESS }).click();
    await page.getByRole('heading', { name: SERVERLESS, level: 1 }).waitFor();
    const sl = (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: SERVERLESS }))).ServerlessCaches![0]!;
    assert.equal(await page.locator('code[data-endpoint="Reader endpoint"]').textContent(), `${sl.ReaderEndpoint!.Address}:${sl.ReaderEndpoint!.Port}`);
    await page.getByLabel('Snapshot name').fill('1bad');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    await page.locator('#sl-snapshot-name-error').filter({ hasText: /ServerlessCacheSnapshotName/ }).waitFor();
    await page.getByLabel('Snapshot name').fill('console-sl-snap');
    await page.getByRole('button', { name: 'Create snapshot' }).click();
    await page.locator('tr[data-snapshot="console-sl-snap"]').waitFor();
    await page.locator('[data-usage] dt').filter({ hasText: 'Data stored' }).waitFor();
    await axeCheck(page, `#/serverless/${SERVERLESS}`);
    await page.screenshot({ path: join(shots, 'serverless.png'), fullPage: true });
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(ui.cspViolations, []);
  });
});
