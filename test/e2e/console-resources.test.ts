/**
 * The console's resource pages in real Chromium against the running service: a parameter group
 * created, its maxmemory-policy changed on its page (a bad timeout shows the API's message beside
 * the field and sets nothing), a user and a user group holding it, a security group with an inbound
 * rule (the service's EC2 API through the console's route), a subnet group (a bad subnet id shown
 * beside its field, then created and its description edited), axe-core on each page, and each
 * deleted, confirmed by its typed name. Screenshots as console.test.ts takes them.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import {
  DescribeCacheParameterGroupsCommand, DescribeCacheParametersCommand, DescribeCacheSubnetGroupsCommand, DescribeUserGroupsCommand, DescribeUsersCommand,
} from '@aws-sdk/client-elasticache';
import { DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { useCleanup } from '../helpers/cleanup.js';
import { axeCheck, skipWithoutChromium, useConsole } from '../helpers/browser.js';

const PARAMS = 'console-params';
const USER = 'console-user';
const USER_GROUP = 'console-users';
const SECURITY_GROUP = 'console-sg';
const SUBNETS = 'console-subnets';

describe('the console\'s resource pages in Chromium', { timeout: 90_000, skip: skipWithoutChromium() }, () => {
  const cleanup = useCleanup();
  const ui = useConsole(cleanup, { signIn: true });

  test("resource pages: a parameter group's maxmemory-policy changed on its page (a bad value shows the API's message), a user and a user group holding it, an inbound rule, a subnet group; each deleted, confirmed", async () => {
    const { svc, page, shots } = ui;
    const started = Date.now();
    const confirmDelete = async (button: string, name: string) => {
      await page.getByRole('button', { name: button, exact: true }).click();
      const dialog = page.getByRole('dialog');
      assert.equal(await dialog.getByRole('button', { name: 'Delete' }).isDisabled(), true, 'not before the name is typed');
      await dialog.getByLabel('To confirm, type').fill(name);
      await dialog.getByRole('button', { name: 'Delete' }).click();
      await dialog.waitFor({ state: 'detached' });
    };

    // Parameter groups: create, then edit a value on the group's page.
    await page.goto(`${svc.url}/console/#/`);
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Parameter groups' }).click();
    await page.getByRole('heading', { name: 'Parameter groups', exact: true }).waitFor();
    await page.locator('tr[data-parameter-group="default.redis7"]').filter({ hasText: 'Built-in (read-only)' }).waitFor();
    await axeCheck(page, '#/parameter-groups');
    await page.getByLabel('Parameter group name').fill(PARAMS);
    await page.getByLabel('Family').selectOption('redis7');
    await page.getByRole('button', { name: 'Create parameter group' }).click();
    await page.getByRole('heading', { name: PARAMS, exact: true }).waitFor();
    const policy = page.locator('tr[data-parameter="maxmemory-policy"]');
    await policy.getByRole('button', { name: 'Edit maxmemory-policy' }).click();
    await policy.getByLabel('Value of maxmemory-policy').selectOption('allkeys-lru');
    await policy.getByRole('button', { name: 'Save maxmemory-policy' }).click();
    await policy.locator('[data-value]').filter({ hasText: /^allkeys-lru$/ }).waitFor();
    const timeout = page.locator('tr[data-parameter="timeout"]');
    await timeout.getByRole('button', { name: 'Edit timeout' }).click();
    await timeout.getByLabel('Value of timeout').fill('soon');
    await timeout.getByRole('button', { name: 'Save timeout' }).click();
    const timeoutError = page.locator('#param-timeout-error');
    await timeoutError.waitFor();
    assert.match(await timeoutError.textContent() ?? '', /timeout.*InvalidParameterValue/);
    assert.equal(await timeout.getByLabel('Value of timeout').getAttribute('aria-invalid'), 'true');
    const values = new Map(((await svc.client.send(new DescribeCacheParametersCommand({ CacheParameterGroupName: PARAMS, Source: 'user' }))).Parameters ?? [])
      .map((p) => [p.ParameterName, p.ParameterValue]));
    assert.deepEqual([...values], [['maxmemory-policy', 'allkeys-lru']], 'the good value set, the bad one not');
    await axeCheck(page, `#/parameter-groups/${PARAMS}`);
    await page.evaluate(() => scrollTo(0, 0));
    await page.screenshot({ path: join(shots, 'parameter-group.png') });

    // Users and user groups.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await page.getByRole('heading', { name: 'Users and user groups', exact: true }).waitFor();
    await page.getByLabel('User ID').fill(USER);
    await page.getByLabel('Passwords').fill('console-user-password-0123');
    await page.getByRole('button', { name: 'Create user', exact: true }).click();
    await page.locator(`tr[data-user="${USER}"] .status[data-status="active"]`).waitFor({ timeout: 10_000 });
    await page.getByLabel('User group ID').fill(USER_GROUP);
    await page.getByRole('form', { name: 'Create a user group' }).getByLabel(USER, { exact: true }).check();
    await page.getByRole('button', { name: 'Create user group' }).click();
    const ug = page.locator(`tr[data-user-group="${USER_GROUP}"]`);
    await ug.locator('.status[data-status="active"]').waitFor({ timeout: 10_000 });
    assert.equal(await ug.locator('td.users').textContent(), `default, ${USER}`);
    const [user] = (await svc.client.send(new DescribeUsersCommand({ UserId: USER }))).Users ?? [];
    assert.deepEqual([user?.UserGroupIds, user?.Authentication], [[USER_GROUP], { Type: 'password', PasswordCount: 1 }]);
    await axeCheck(page, '#/users');
    await page.screenshot({ path: join(shots, 'users.png'), fullPage: true });

    // Security groups, through the service's EC2 API.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Security groups' }).click();
    await page.getByLabel('Security group name').fill(SECURITY_GROUP);
    await page.getByLabel('Description').fill('made in the console');
    await page.getByRole('button', { name: 'Create security group' }).click();
    const sg = page.locator(`section[data-security-group="${SECURITY_GROUP}"]`);
    await sg.getByLabel('Source').fill('10.20.0.0/16');
    await sg.getByRole('button', { name: 'Add inbound rule' }).click();
    await sg.locator('tr[data-rule="tcp 6379 10.20.0.0/16"]').waitFor();
    const ec2 = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => ec2.destroy());
    const made = (await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [SECURITY_GROUP] }] }))).SecurityGroups ?? [];
    assert.deepEqual(made.map((g) => g.IpPermissions?.map((p) => [p.IpProtocol, p.FromPort, p.ToPort, p.IpRanges?.map((r) => r.CidrIp)])),
      [[['tcp', 6379, 6379, ['10.20.0.0/16']]]]);
    await axeCheck(page, '#/security-groups');
    await page.screenshot({ path: join(shots, 'security-groups.png'), fullPage: true });
    await confirmDelete(`Delete security group ${SECURITY_GROUP}`, SECURITY_GROUP);
    await sg.waitFor({ state: 'detached' });

    // Subnet groups: a bad subnet id shows the API's message beside the field; create, edit the description, delete.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Subnet groups' }).click();
    await page.getByRole('heading', { name: 'Subnet groups', exact: true }).waitFor();
    await page.getByLabel('Subnet group name').fill(SUBNETS);
    await page.getByLabel('Subnet IDs').fill('subnet-a, bad/subnet');
    await page.getByRole('button', { name: 'Create subnet group' }).click();
    await page.locator('#subnet-subnets-error').filter({ hasText: "Subnet id 'bad/subnet' is invalid" }).waitFor();
    assert.equal((await svc.client.send(new DescribeCacheSubnetGroupsCommand({}))).CacheSubnetGroups?.some((g) => g.CacheSubnetGroupName === SUBNETS), false);
    await page.getByLabel('Subnet IDs').fill('subnet-a, subnet-b');
    await page.getByRole('button', { name: 'Create subnet group' }).click();
    const subnets = page.locator(`tr[data-subnet-group="${SUBNETS}"]`);
    await subnets.filter({ hasText: 'subnet-b' }).waitFor();
    await subnets.getByRole('button', { name: `Edit ${SUBNETS}` }).click();
    await page.getByRole('dialog').getByLabel('Description').fill('edited in the console');
    await page.getByRole('dialog').getByRole('button', { name: 'Save' }).click();
    await subnets.filter({ hasText: 'edited in the console' }).waitFor();
    await axeCheck(page, '#/subnet-groups');
    await page.screenshot({ path: join(shots, 'subnet-groups.png') });
    await confirmDelete(`Delete ${SUBNETS}`, SUBNETS);
    await subnets.waitFor({ state: 'detached' });

    // Delete what was made, each confirmed by its name.
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Users' }).click();
    await confirmDelete(`Delete user group ${USER_GROUP}`, USER_GROUP);
    await ug.waitFor({ state: 'detached', timeout: 10_000 });
    await confirmDelete(`Delete user ${USER}`, USER);
    await page.locator(`tr[data-user="${USER}"]`).waitFor({ state: 'detached', timeout: 10_000 });
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Parameter groups' }).click();
    await confirmDelete(`Delete ${PARAMS}`, PARAMS);
    await page.locator(`tr[data-parameter-group="${PARAMS}"]`).waitFor({ state: 'detached' });
    assert.deepEqual((await svc.client.send(new DescribeCacheParameterGroupsCommand({}))).CacheParameterGroups?.filter((g) => g.CacheParameterGroupName === PARAMS), []);
    assert.deepEqual((await svc.client.send(new DescribeUserGroupsCommand({}))).UserGroups?.map((g) => g.UserGroupId), []);
    assert.deepEqual((await ec2.send(new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-name', Values: [SECURITY_GROUP] }] }))).SecurityGroups, []);
    console.log(`resource pages: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(ui.cspViolations, []);
  });
});
