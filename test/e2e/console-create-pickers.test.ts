/**
 * The create form's pickers in real Chromium against the running service: a parameter group, a
 * security group (the service's EC2 API) and a subnet group made with the SDKs are offered by the
 * form (parameter groups of the engine's family), and a cache created from it gets them.
 * A parameter group that does not suit cluster mode is refused by the API, its message beside the
 * field, and nothing is created. axe-core on the form with its pickers and with that error.
 * Then that cache's page under some traffic (the service collecting metrics every second): the CPU,
 * memory, connections and hits/misses charts draw their points (issue 15's "see the metric charts
 * draw data"), and still do for 1 day and 1 week. Screenshots: create.png (the form with its pickers,
 * a security group offered) and metrics.png, as console.test.ts takes its own.
 * Then the form's two other paths: a serverless cache (its usage limits and security group; a limit
 * out of range refused beside its field) and a designed cache whose access control is a user group
 * (refused beside the user group without TLS in transit, created with it).
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  CreateCacheParameterGroupCommand, CreateCacheSubnetGroupCommand, CreateUserCommand, CreateUserGroupCommand, DescribeCacheClustersCommand,
  DescribeCacheParameterGroupsCommand, DescribeReplicationGroupsCommand, DescribeServerlessCachesCommand, DescribeUserGroupsCommand,
} from '@aws-sdk/client-elasticache';
import { AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, EC2Client } from '@aws-sdk/client-ec2';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { join } from 'node:path';
import { useCleanup } from '../helpers/cleanup.js';
import { axeCheck, skipWithoutChromium, useConsole } from '../helpers/browser.js';
import { describeGroup, endpoint, primaryClient, waitAvailable } from '../helpers/groups.js';
import { redisCli } from '../helpers/e2e-exec.js';
import { waitFor } from '../../src/util/wait.js';

const GROUP = 'pickers-group';
const PARAMS = 'pickers-params';
const SECURITY_GROUP = 'pickers-sg';
const SUBNETS = 'pickers-subnets';
const SERVERLESS = 'pickers-serverless';
const RBAC_GROUP = 'pickers-rbac';
const USER_GROUP = 'pickers-users';

describe("the create form's subnet group, security groups and parameter group pickers; the new cache's metric charts", { timeout: 150_000, skip: skipWithoutChromium() }, () => {
  const cleanup = useCleanup();
  // Metrics collected every second (ElastiCache's period is 60 s), so the charts have points within seconds.
  const ui = useConsole(cleanup, { signIn: true, service: { args: ['--metrics-period-seconds', '1'] } });
  let sgId: string;
  let ec2: EC2Client;

  before(async () => {
    const { svc } = ui;
    await svc.client.send(new CreateCacheParameterGroupCommand({ CacheParameterGroupName: PARAMS, CacheParameterGroupFamily: 'redis7', Description: 'pickers' }));
    await svc.client.send(new CreateCacheSubnetGroupCommand({ CacheSubnetGroupName: SUBNETS, CacheSubnetGroupDescription: 'pickers', SubnetIds: ['subnet-a'] }));
    ec2 = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => ec2.destroy());
    sgId = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: SECURITY_GROUP, Description: 'pickers' }))).GroupId!;
  });

  test("the pickers offer what exists (parameter groups of the engine's family only); the API's refusal shows beside the field; the cache gets what was picked", async () => {
    const { svc, page, shots } = ui;
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
    await page.screenshot({ path: join(shots, 'create.png'), fullPage: true });

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

  test("the cache's page draws the CPU, memory, connections and hits/misses charts, and keeps them drawn for 1 day and 1 week", async () => {
    const { svc, page, shots } = ui;
    const started = Date.now();
    // The cache has the security group picked above, with no inbound rule yet: let this host in first.
    await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sgId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '127.0.0.1/32' }] }] }));
    const primary = endpoint(await describeGroup(svc.client, GROUP), 'PrimaryEndpoint');
    await waitFor(async () => (await redisCli(primary.host, primary.port, 'PING').catch(() => '')) === 'PONG', { timeoutMs: 10_000, what: 'the primary endpoint to admit this host' });
    // What the charts draw, per metric: the sum of the last 10 minutes' points, or undefined without one.
    const cw = new CloudWatchClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
    cleanup.defer(() => cw.destroy());
    const metrics = ['EngineCPUUtilization', 'DatabaseMemoryUsagePercentage', 'CurrConnections', 'CacheHits', 'CacheMisses'] as const;
    const stored = async () => {
      const end = new Date();
      const out = await cw.send(new GetMetricDataCommand({
        StartTime: new Date(end.getTime() - 600_000), EndTime: end,
        MetricDataQueries: metrics.map((MetricName, i) => ({ Id: `m${i}`, MetricStat: {
          Metric: { Namespace: 'AWS/ElastiCache', MetricName, Dimensions: [{ Name: 'CacheClusterId', Value: `${GROUP}-001` }] }, Period: 60, Stat: 'Sum' } })),
      }));
      const values = metrics.map((_, i) => out.MetricDataResults?.find((r) => r.Id === `m${i}`)?.Values ?? []);
      return Object.fromEntries(metrics.map((m, i) => [m, values[i]!.length ? values[i]!.reduce((a, v) => a + v, 0) : undefined]));
    };
    // The collector counts hits and misses from its previous reading of the node: lookups made before its first one would not count.
    await waitFor(async () => Object.values(await stored()).every((v) => v !== undefined), { timeoutMs: 15_000, what: 'a stored point of each charted metric' });
    const redis = await primaryClient(cleanup, svc.client, GROUP);
    for (let i = 0; i < 20; i++) await redis.set(`key-${i}`, 'value');
    for (let i = 0; i < 20; i++) assert.equal(await redis.get(`key-${i}`), 'value');
    for (let i = 0; i < 10; i++) assert.equal(await redis.get(`missing-${i}`), null);
    // A chart asks again only every 30 s, so the page is opened once the lookups are stored (and hits differ from
    // misses: with 0 and 0 one dot would hide the other).
    await waitFor(async () => {
      const now = await stored();
      return now.CacheHits! >= 20 && now.CacheMisses! >= 10;
    }, { timeoutMs: 15_000, what: "the lookups' hits and misses stored" });

    const charts = ['CPU (%)', 'Memory (%)', 'Connections', 'Hits and misses'];
    const section = page.locator('section[aria-labelledby="metrics-title"]');
    /** Shows a range (or the page, with its default 1 hour) and waits for its GetMetricData; each chart's points and whether its line was drawn. */
    const show = async (open: () => Promise<unknown>, range: string, period: number) => {
      const answered = page.waitForResponse((r) => r.url().endsWith('/call/cloudwatch/GetMetricData')
        && (JSON.parse(r.request().postData() ?? '{}') as { params?: Record<string, string> }).params?.['MetricDataQueries.member.1.MetricStat.Period'] === String(period));
      await open();
      assert.equal((await answered).status(), 200);
      assert.equal(await section.getByRole('button', { name: range }).getAttribute('aria-pressed'), 'true');
      await page.waitForFunction((titles) => titles.every((t) => {
        const chart = [...document.querySelectorAll<HTMLElement>('figure.chart')].find((f) => f.querySelector('figcaption')?.textContent === t);
        // data-drawn: uPlot has drawn this data for this range (after the paint that changed data-points).
        return Number(chart?.dataset.points) > 0 && chart?.dataset.drawn === `${chart?.dataset.points}@${chart?.dataset.range}` && chart?.querySelector('canvas') !== null;
      }), charts, { timeout: 10_000 });
      return page.evaluate((titles) => titles.map((t) => {
        const chart = [...document.querySelectorAll<HTMLElement>('figure.chart')].find((f) => f.querySelector('figcaption')?.textContent === t)!;
        const canvas = chart.querySelector('canvas')!;
        // The first series' stroke (MetricChart's #2f6fdf) on the canvas: its line or point was drawn, not only the axes.
        // (The canvas is transparent, so an antialiased edge keeps the colour at a lower alpha; a dot on the
        // plot's edge, as the week's latest hour at the right or a value of 0 at the bottom, is half clipped.)
        const px = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height).data;
        let alpha = 0;
        for (let i = 0; i < px.length; i += 4) {
          if (Math.abs(px[i]! - 0x2f) < 48 && Math.abs(px[i + 1]! - 0x6f) < 48 && Math.abs(px[i + 2]! - 0xdf) < 48) alpha = Math.max(alpha, px[i + 3]!);
        }
        return { title: t, points: Number(chart.dataset.points), stroked: alpha > 60, alpha };
      }), charts);
    };
    const expectDrawn = (drawn: Array<{ title: string; points: number; stroked: boolean; alpha: number }>, range: string) => {
      for (const c of drawn) assert.ok(c.points > 0 && c.stroked, `${range}: ${JSON.stringify(c)}`);
    };

    // From the dashboard, as a user reaches it (the page is still on the cache's page the form opened).
    const openPage = async () => {
      await page.goto(`${svc.url}/console/#/`);
      await page.getByRole('link', { name: GROUP, exact: true }).first().click();
    };
    expectDrawn(await show(openPage, '1 hour', 60), '1 hour');
    await section.scrollIntoViewIfNeeded();
    await section.screenshot({ path: join(shots, 'metrics.png') });
    expectDrawn(await show(() => section.getByRole('button', { name: '1 day' }).click(), '1 day', 300), '1 day');
    expectDrawn(await show(() => section.getByRole('button', { name: '1 week' }).click(), '1 week', 3600), '1 week');
    console.log(`metric charts drawn for 3 ranges: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  test('serverless from the form: only what CreateServerlessCache takes; a limit out of range beside its field; created with its limits and security group', async () => {
    const { svc, page } = ui;
    await page.goto(`${svc.url}/console/#/create`);
    await page.getByRole('heading', { name: 'Create a Redis cache', exact: true }).waitFor();
    await page.getByRole('radio', { name: 'Serverless', exact: true }).check();
    const form = page.getByRole('form', { name: 'Create a serverless cache' });
    const sgBox = form.getByRole('checkbox', { name: `${SECURITY_GROUP} (${sgId})` });
    await sgBox.waitFor();
    assert.equal(await page.getByLabel('Node type').count(), 0, 'no node type: the service sizes a serverless cache');
    await axeCheck(page, '#/create, serverless');

    await form.getByLabel('Name', { exact: true }).fill(SERVERLESS);
    await form.getByLabel('Maximum data storage (GB)').fill('5');
    await form.getByLabel('Maximum ECPU per second').fill('5');
    await sgBox.check();
    await form.getByRole('button', { name: 'Create' }).click();
    const ecpuError = page.locator('#ecpuMax-error');
    await ecpuError.waitFor();
    assert.match(await ecpuError.textContent() ?? '', /ECPUPerSecond\.Maximum 5\b.*InvalidParameterValue/);
    assert.equal(await form.getByLabel('Maximum ECPU per second').getAttribute('aria-invalid'), 'true');
    assert.deepEqual((await svc.client.send(new DescribeServerlessCachesCommand({}))).ServerlessCaches ?? [], [], 'nothing was created');

    await form.getByLabel('Maximum ECPU per second').fill('5000');
    await form.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: SERVERLESS, level: 1 }).waitFor();
    assert.equal(new URL(page.url()).hash, `#/serverless/${SERVERLESS}`);
    const cache = (await svc.client.send(new DescribeServerlessCachesCommand({ ServerlessCacheName: SERVERLESS }))).ServerlessCaches![0]!;
    assert.deepEqual([cache.CacheUsageLimits?.DataStorage?.Maximum, cache.CacheUsageLimits?.DataStorage?.Unit, cache.CacheUsageLimits?.ECPUPerSecond?.Maximum,
      cache.SecurityGroupIds, cache.MajorEngineVersion], [5, 'GB', 5000, [sgId], '7']);
    // Its page follows it to available (the backing group's two nodes start within seconds).
    await page.locator('h1 .status[data-status="available"]').waitFor({ timeout: 15_000 });
  });

  test('a designed cache with a user group as its access control: refused beside the user group without TLS, created with it', async () => {
    const { svc, page } = ui;
    await svc.client.send(new CreateUserCommand({
      UserId: 'pickers-default', UserName: 'default', Engine: 'redis', AccessString: 'on ~* +@all', Passwords: ['pickers-default-password-0123'] }));
    await svc.client.send(new CreateUserGroupCommand({ UserGroupId: USER_GROUP, Engine: 'redis', UserIds: ['pickers-default'] }));
    await waitFor(async () => (await svc.client.send(new DescribeUserGroupsCommand({ UserGroupId: USER_GROUP }))).UserGroups?.[0]?.Status === 'active',
      { timeoutMs: 10_000, what: 'the user group to be active' });

    await page.goto(`${svc.url}/console/#/create`);
    await page.getByRole('heading', { name: 'Create a Redis cache', exact: true }).waitFor();
    await page.getByLabel('Name', { exact: true }).fill(RBAC_GROUP);
    await page.getByLabel('Replicas', { exact: true }).fill('0');
    await page.getByRole('radio', { name: /^User group/ }).check();
    const userGroup = page.getByLabel('User group', { exact: true });
    await userGroup.locator('option').filter({ hasText: new RegExp(`^${USER_GROUP}$`) }).waitFor({ state: 'attached' });
    await userGroup.selectOption(USER_GROUP);
    await page.getByRole('button', { name: 'Create' }).click();
    const ugError = page.locator('#userGroup-error');
    await ugError.waitFor();
    assert.match(await ugError.textContent() ?? '', /UserGroupIds: .*need TransitEncryptionEnabled true.*InvalidParameterCombination/);
    assert.equal(await userGroup.getAttribute('aria-invalid'), 'true');
    await axeCheck(page, '#/create with an error beside the user group');
    const ids = async () => ((await svc.client.send(new DescribeReplicationGroupsCommand({}))).ReplicationGroups ?? []).map((g) => g.ReplicationGroupId);
    assert.ok(!(await ids()).includes(RBAC_GROUP), 'nothing was created');

    await page.getByLabel('Encryption in transit (TLS)').check();
    await page.getByRole('button', { name: 'Create' }).click();
    await page.getByRole('heading', { name: RBAC_GROUP, level: 1 }).waitFor();
    const group = (await svc.client.send(new DescribeReplicationGroupsCommand({ ReplicationGroupId: RBAC_GROUP }))).ReplicationGroups![0]!;
    assert.deepEqual([group.UserGroupIds, group.TransitEncryptionEnabled, group.AuthTokenEnabled], [[USER_GROUP], true, false]);
  });

  test('no CSP violation was reported', () => {
    assert.deepEqual(ui.cspViolations, []);
  });
});
