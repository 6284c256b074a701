/**
 * The create form's pickers in real Chromium against the running service: a parameter group, a
 * security group (the service's EC2 API) and a subnet group made with the SDKs are offered by the
 * form (parameter groups of the engine's family), and a cache created from it gets them.
 * A parameter group that does not suit cluster mode is refused by the API, its message beside the
 * field, and nothing is created. axe-core on the form with its pickers and with that error.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateCacheParameterGroupCommand, CreateCacheSubnetGroupCommand, DescribeCacheClustersCommand, DescribeCacheParameterGroupsCommand,
  DescribeReplicationGroupsCommand,
} from '@aws-sdk/client-elasticache';
import { CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import type { Page } from 'playwright-core';
import { useCleanup } from '../helpers/cleanup.js';
import type { TestService } from '../helpers/service.js';
import { CHROMIUM, axeCheck, openConsole, signIn } from '../helpers/browser.js';
import { requireOrSkip } from '../helpers/prerequisites.js';
import { waitAvailable } from '../helpers/groups.js';

const GROUP = 'pickers-group';
const PARAMS = 'pickers-params';
const SECURITY_GROUP = 'pickers-sg';
const SUBNETS = 'pickers-subnets';

const skip = requireOrSkip(!CHROMIUM && 'chromium (Debian\'s package; scripts/setup.sh --test installs it)');

describe("the create form's subnet group, security groups and parameter group pickers", { timeout: 90_000, skip }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let page: Page;
  let cspViolations: string[];
  let sgId: string;

  before(async () => {
    ({ svc, page, cspViolations } = await openConsole(cleanup));
    await svc.client.send(new CreateCacheParameterGroupCommand({ CacheParameterGroupName: PARAMS, CacheParameterGroupFamily: 'redis7', Description: 'pickers' }));
    await svc.client.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: SUBNETS, CacheSubnetGroupDescription: 'pickers', SubnetIds: ['subnet-a'] }));
    const ec2 = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => ec2.destroy());
    sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: SECURITY_GROUP, Description: 'pickers' }))).GroupId!;
    await signIn(page, svc);
  });

  test("the pickers offer what exists (parameter groups of the engine's family only); the API's refusal shows beside the field; the cache gets what was picked", async () => {
    await page.goto(`${svc.url}/console/#/create`);
    await page.getByRole('heading', { name: 'Create a Redis cache', exact: true }).waitFor();
    const parameterGroup = page.getByLabel('Parameter group');
    await parameterGroup.locator('option').filter({ hasText: new RegExp(`^${PARAMS}$`) }).waitFor({ state: 'attached' });
    const sgBox = page.getByRole('checkbox', { name: `${SECURITY_GROUP} (${sgId})` });
    await sgBox.waitFor();

    // Parameter groups: those of the default version's family, redis7 (the one family cachefleet has
    // today, so the filter itself is unit-tested: console/src/create-choices.test.ts).
    const all = (await svc.client.send(new DescribeCacheParameterGroupsCommand({}))).CacheParameterGroups ?? [];
    const offered = await parameterGroup.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
    assert.deepEqual(offered.sort(), ['', ...all.filter((g) => g.CacheParameterGroupFamily === 'redis7').map((g) => g.CacheParameterGroupName!)].sort());
    await axeCheck(page, '#/create with its pickers');

    // Cluster mode with a group whose cluster-enabled is no: the API says so beside the parameter group.
    await page.getByLabel('Name').fill(GROUP);
    await page.getByLabel('Cluster mode (data sharded across several shards)').check();
    await parameterGroup.selectOption(PARAMS);
    await page.getByRole('button', { name: 'Create' }).click();
    const paramsError = page.locator('#parameterGroup-error');
    await paramsError.waitFor();
    assert.match(await paramsError.textContent() ?? '', new RegExp(`${PARAMS} has cluster-enabled no.*InvalidParameterCombination`));
    assert.equal(await parameterGroup.getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? [], [], 'nothing was created');
    await axeCheck(page, '#/create with an error beside the parameter group');

    // Without cluster mode: one node, the subnet group, the security group and the parameter group picked.
    await page.getByLabel('Cluster mode (data sharded across several shards)').uncheck();
    await page.getByLabel('Replicas').fill('0');
    await page.getByLabel('Subnet group').selectOption(SUBNETS);
    await sgBox.check();
    assert.equal(await parameterGroup.inputValue(), PARAMS, 'the parameter group kept');
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: GROUP, level: 1 }).waitFor();
    const group = await waitAvailable(svc.client, GROUP, 30_000);
    assert.deepEqual(group.MemberClusters, [`${GROUP}-001`]);
    const clusters = (await svc.client.send(new DescribeCacheClustersCommand({ CacheClusterId: `${GROUP}-001` }))).CacheClusters ?? [];
    assert.deepEqual(clusters.map((c) => [c.CacheParameterGroup?.CacheParameterGroupName, c.CacheSubnetGroupName, c.SecurityGroups?.map((s) => s.SecurityGroupId)]),
      [[PARAMS, SUBNETS, [sgId]]]);
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(cspViolations, []);
  });
});
