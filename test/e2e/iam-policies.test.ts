/**
 * IAM users with least privilege, driven through the real service with the JS SDK: a table of
 * users, each with its own policies, calling ElastiCache, EC2 and IAM itself with its own key.
 * Every refusal is checked for AWS's code, status and wording, and every refused change is
 * checked, with the admin key, to have changed nothing.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToResourceCommand, CreateCacheClusterCommand, CreateCacheParameterGroupCommand, DeleteCacheParameterGroupCommand, DescribeCacheClustersCommand,
  DescribeCacheParameterGroupsCommand, DescribeCacheParametersCommand, DescribeEventsCommand, ElastiCacheClient,
  ModifyCacheParameterGroupCommand,
} from '@aws-sdk/client-elasticache';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import {
  AddUserToGroupCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, DeleteAccessKeyCommand,
  DeleteUserCommand, DeleteUserPolicyCommand, GetUserCommand, GetUserPolicyCommand, IAMClient, ListAccessKeysCommand,
  ListUserPoliciesCommand, PutGroupPolicyCommand, PutUserPolicyCommand, RemoveUserFromGroupCommand, UpdateAccessKeyCommand,
} from '@aws-sdk/client-iam';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';

interface Key { accessKeyId: string; secretAccessKey: string }
interface Clients { ec: ElastiCacheClient; ec2: EC2Client; iam: IAMClient }

let svc: TestService;
let admin: Clients;
let account = '';
const run = Math.random().toString(36).slice(2, 8);
const name = (s: string) => `${s}-${run}`;
const cleanup = useCleanup();

function clients(credentials: Key): Clients {
  const c = {
    ec: new ElastiCacheClient({ endpoint: svc.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
    ec2: new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
    iam: new IAMClient({ endpoint: svc.url, region: 'us-east-1', credentials, maxAttempts: 1 }),
  };
  cleanup.defer(() => { c.ec.destroy(); c.ec2.destroy(); c.iam.destroy(); });
  return c;
}

const doc = (...Statement: object[]) => JSON.stringify({ Version: '2012-10-17', Statement });

/** A new user with these inline policies (one per statement list) and a key; its clients. */
async function userWith(userName: string, ...policies: object[][]): Promise<Clients & { key: Key; userName: string }> {
  await admin.iam.send(new CreateUserCommand({ UserName: userName }));
  for (const [i, statements] of policies.entries()) {
    await admin.iam.send(new PutUserPolicyCommand({ UserName: userName, PolicyName: `p${i}`, PolicyDocument: doc(...statements) }));
  }
  const k = (await admin.iam.send(new CreateAccessKeyCommand({ UserName: userName }))).AccessKey!;
  const key = { accessKeyId: k.AccessKeyId!, secretAccessKey: k.SecretAccessKey! };
  return { ...clients(key), key, userName };
}

/**
 * The call is refused with `code` (403 unless said) and a message matching `message`. The SDK
 * names a modeled error by its shape (`NoSuchEntityException` for the wire code `NoSuchEntity`),
 * an unmodeled one by its code.
 */
async function refused(call: Promise<unknown>, code: string, message?: RegExp, status = 403): Promise<void> {
  await assert.rejects(call, (e: { name: string; message: string; $metadata: { httpStatusCode?: number } }) => {
    assert.ok(e.name === code || e.name === `${code}Exception`, `${e.name}: ${e.message}`);
    assert.equal(e.$metadata.httpStatusCode, status);
    if (message) assert.match(e.message, message);
    return true;
  });
}

async function parameterGroupNames(): Promise<string[]> {
  const out = await admin.ec.send(new DescribeCacheParameterGroupsCommand({}));
  return (out.CacheParameterGroups ?? []).map((g) => g.CacheParameterGroupName!);
}

const createGroup = (c: Clients, groupName: string, tags?: Array<{ Key: string; Value: string }>) => c.ec.send(new CreateCacheParameterGroupCommand({
  CacheParameterGroupName: groupName, CacheParameterGroupFamily: 'redis7', Description: 'iam test', ...(tags ? { Tags: tags } : {}),
}));

describe('IAM users and policies, through the real service', { timeout: 120_000 }, () => {
  before(async () => {
    svc = await startService(cleanup);
    admin = clients(svc.credentials);
    const probe = await userWith(name('probe'));
    account = /^arn:aws:iam::(\d{12}):user\//.exec((await admin.iam.send(new GetUserCommand({ UserName: probe.userName }))).User!.Arn!)![1]!;
  });

  test('1. allowed: a Describe* wildcard allows DescribeCacheClusters', async () => {
    const u = await userWith(name('reader'), [{ Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' }]);
    assert.deepEqual((await u.ec.send(new DescribeCacheClustersCommand({}))).CacheClusters ?? [], []);
  });

  test('2. denied by default: a user without policies, in AWS\'s words', async () => {
    const u = await userWith(name('nobody'));
    await refused(u.ec.send(new DescribeCacheClustersCommand({})), 'AccessDenied', new RegExp(
      `^User: arn:aws:iam::${account}:user/${u.userName} is not authorized to perform: elasticache:DescribeCacheClusters ` +
      'on resource: \\* because no identity-based policy allows the elasticache:DescribeCacheClusters action$'));
  });

  test('3. an explicit deny wins over an allow, and the refused create changes nothing', async () => {
    const u = await userWith(name('denied'), [{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' }],
      [{ Effect: 'Deny', Action: 'elasticache:CreateCacheParameterGroup', Resource: '*' }]);
    const g = name('pg-denied');
    await refused(createGroup(u, g), 'AccessDenied', new RegExp(`elasticache:CreateCacheParameterGroup on resource: ` +
      `arn:aws:elasticache:us-east-1:${account}:parametergroup:${g} with an explicit deny in an identity-based policy$`));
    assert.ok(!(await parameterGroupNames()).includes(g));
    await u.ec.send(new DescribeEventsCommand({})); // the allow still holds for the rest
  });

  test('4. a wildcard action (elasticache:Create*) allows a create', async () => {
    const u = await userWith(name('creator'), [{ Effect: 'Allow', Action: ['elasticache:Create*'], Resource: '*' }]);
    await createGroup(u, name('pg-created'));
    assert.ok((await parameterGroupNames()).includes(name('pg-created')));
  });

  test('5. a wildcard resource: app-* groups yes, others no (unchanged)', async () => {
    const u = await userWith(name('app-admin'), [{ Effect: 'Allow', Action: 'elasticache:*CacheParameterGroup',
      Resource: `arn:aws:elasticache:us-east-1:${account}:parametergroup:app-*` }]);
    await createGroup(u, `app-${run}`);
    await refused(createGroup(u, `db-${run}`), 'AccessDenied', /because no identity-based policy allows/);
    const names = await parameterGroupNames();
    assert.ok(names.includes(`app-${run}`) && !names.includes(`db-${run}`));
  });

  test('5b. every resource a request names is checked: a cluster with another team\'s parameter group is refused', async () => {
    const u = await userWith(name('team-a'), [{ Effect: 'Allow', Action: 'elasticache:CreateCacheCluster',
      Resource: [`arn:aws:elasticache:us-east-1:${account}:cluster:team-a-*`, `arn:aws:elasticache:us-east-1:${account}:parametergroup:team-a-*`] }]);
    const cluster = `team-a-${run}`;
    await refused(u.ec.send(new CreateCacheClusterCommand({ CacheClusterId: cluster, Engine: 'redis', CacheNodeType: 'cache.t3.micro',
      NumCacheNodes: 1, CacheParameterGroupName: 'default.redis7' })), 'AccessDenied',
    new RegExp(`elasticache:CreateCacheCluster on resource: arn:aws:elasticache:us-east-1:${account}:parametergroup:default.redis7 because`));
    const all = await admin.ec.send(new DescribeCacheClustersCommand({}));
    assert.ok(!(all.CacheClusters ?? []).some((c) => c.CacheClusterId === cluster), 'nothing was created');
  });

  test('6. NotAction: everything but IAM', async () => {
    const u = await userWith(name('not-iam'), [{ Effect: 'Allow', NotAction: 'iam:*', Resource: '*' }]);
    await u.ec.send(new DescribeCacheClustersCommand({}));
    await u.ec2.send(new DescribeSecurityGroupsCommand({}));
    await refused(u.iam.send(new CreateUserCommand({ UserName: name('escalated') })), 'AccessDenied', /iam:CreateUser/);
    await refused(admin.iam.send(new GetUserCommand({ UserName: name('escalated') })), 'NoSuchEntity', undefined, 404);
  });

  test('7. a condition on a resource tag: the blue group may be changed, the red one not (unchanged)', async () => {
    const blue = name('pg-blue');
    const red = name('pg-red');
    await createGroup(admin, blue, [{ Key: 'team', Value: 'blue' }]);
    await createGroup(admin, red, [{ Key: 'team', Value: 'red' }]);
    const u = await userWith(name('blue-team'), [{ Effect: 'Allow', Action: ['elasticache:ModifyCacheParameterGroup', 'elasticache:DeleteCacheParameterGroup'],
      Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } }]);
    const setTimeout = (g: string) => u.ec.send(new ModifyCacheParameterGroupCommand({ CacheParameterGroupName: g,
      ParameterNameValues: [{ ParameterName: 'timeout', ParameterValue: '77' }] }));
    await setTimeout(blue);
    await refused(setTimeout(red), 'AccessDenied', new RegExp(`parametergroup:${red} because`));
    const timeout = async (g: string) => (await admin.ec.send(new DescribeCacheParametersCommand({ CacheParameterGroupName: g })))
      .Parameters!.find((p) => p.ParameterName === 'timeout')!.ParameterValue;
    assert.equal(await timeout(blue), '77');
    assert.equal(await timeout(red), '0');
    await refused(u.ec.send(new DeleteCacheParameterGroupCommand({ CacheParameterGroupName: red })), 'AccessDenied');
    await u.ec.send(new DeleteCacheParameterGroupCommand({ CacheParameterGroupName: blue }));
    const names = await parameterGroupNames();
    assert.ok(names.includes(red) && !names.includes(blue));
  });

  test('8. a condition on a request tag: creates must carry team=blue', async () => {
    const u = await userWith(name('tagger'), [{ Effect: 'Allow', Action: 'elasticache:CreateCacheParameterGroup', Resource: '*',
      Condition: { StringEquals: { 'aws:RequestTag/team': 'blue' } } }]);
    await refused(createGroup(u, name('pg-untagged')), 'AccessDenied');
    await createGroup(u, name('pg-tagged'), [{ Key: 'team', Value: 'blue' }]);
    const names = await parameterGroupNames();
    assert.ok(names.includes(name('pg-tagged')) && !names.includes(name('pg-untagged')));
  });

  test('9. a condition on the source IP: loopback allowed, a deny outside 10.0.0.0/8 refuses', async () => {
    const inside = await userWith(name('ip-in'), [{ Effect: 'Allow', Action: '*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } }]);
    await inside.ec.send(new DescribeEventsCommand({}));
    const outside = await userWith(name('ip-out'), [{ Effect: 'Allow', Action: '*', Resource: '*' }],
      [{ Effect: 'Deny', Action: '*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': ['10.0.0.0/8'] } } }]);
    await refused(outside.ec.send(new DescribeEventsCommand({})), 'AccessDenied', /with an explicit deny/);
  });

  test('10. an inactive key is an unknown key until made active again', async () => {
    const u = await userWith(name('sleeper'), [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    await admin.iam.send(new UpdateAccessKeyCommand({ UserName: u.userName, AccessKeyId: u.key.accessKeyId, Status: 'Inactive' }));
    await refused(u.ec.send(new DescribeEventsCommand({})), 'InvalidClientTokenId', /security token included in the request is invalid/);
    await admin.iam.send(new UpdateAccessKeyCommand({ UserName: u.userName, AccessKeyId: u.key.accessKeyId, Status: 'Active' }));
    await u.ec.send(new DescribeEventsCommand({}));
  });

  test('11. a deleted user: its key no longer signs anything', async () => {
    const u = await userWith(name('leaver'), [{ Effect: 'Allow', Action: '*', Resource: '*' }]);
    await refused(admin.iam.send(new DeleteUserCommand({ UserName: u.userName })), 'DeleteConflict', /access keys/, 409);
    await admin.iam.send(new DeleteAccessKeyCommand({ UserName: u.userName, AccessKeyId: u.key.accessKeyId }));
    await refused(admin.iam.send(new DeleteUserCommand({ UserName: u.userName })), 'DeleteConflict', /policies/, 409);
    await admin.iam.send(new DeleteUserPolicyCommand({ UserName: u.userName, PolicyName: 'p0' }));
    await admin.iam.send(new DeleteUserCommand({ UserName: u.userName }));
    await refused(u.ec.send(new DescribeEventsCommand({})), 'InvalidClientTokenId');
    await refused(u.iam.send(new GetUserCommand({})), 'InvalidClientTokenId');
  });

  test('12. a group policy applies to its members, and stops applying on removal', async () => {
    const group = name('readers');
    await admin.iam.send(new CreateGroupCommand({ GroupName: group }));
    await admin.iam.send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: 'read', PolicyDocument: doc(
      { Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' }) }));
    const u = await userWith(name('member'));
    await refused(u.ec.send(new DescribeEventsCommand({})), 'AccessDenied');
    await admin.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: u.userName }));
    await u.ec.send(new DescribeEventsCommand({}));
    await admin.iam.send(new RemoveUserFromGroupCommand({ GroupName: group, UserName: u.userName }));
    await refused(u.ec.send(new DescribeEventsCommand({})), 'AccessDenied');
  });

  test('13. a group deny overrides the user\'s own allow', async () => {
    const group = name('no-deletes');
    await admin.iam.send(new CreateGroupCommand({ GroupName: group }));
    await admin.iam.send(new PutGroupPolicyCommand({ GroupName: group, PolicyName: 'deny', PolicyDocument: doc(
      { Effect: 'Deny', Action: 'elasticache:Delete*', Resource: '*' }) }));
    const u = await userWith(name('deleter'), [{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' }]);
    await admin.iam.send(new AddUserToGroupCommand({ GroupName: group, UserName: u.userName }));
    const g = name('pg-kept');
    await createGroup(u, g);
    await refused(u.ec.send(new DeleteCacheParameterGroupCommand({ CacheParameterGroupName: g })), 'AccessDenied', /explicit deny/);
    assert.ok((await parameterGroupNames()).includes(g));
  });

  test('14. EC2 refuses as EC2 does: UnauthorizedOperation, and no group is created', async () => {
    const u = await userWith(name('ec2-none'), [{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' }]);
    await refused(u.ec2.send(new CreateSecurityGroupCommand({ GroupName: name('sg'), Description: 'x' })), 'UnauthorizedOperation',
      /^You are not authorized to perform this operation\. User: .* is not authorized to perform: ec2:CreateSecurityGroup/);
    const groups = await admin.ec2.send(new DescribeSecurityGroupsCommand({}));
    assert.ok(!(groups.SecurityGroups ?? []).some((g) => g.GroupName === name('sg')));
  });

  test('15. a user cannot grant itself more: PutUserPolicy refused, its policies unchanged', async () => {
    const u = await userWith(name('climber'), [{ Effect: 'Allow', Action: ['iam:Get*', 'iam:List*'], Resource: '*' }]);
    await u.iam.send(new GetUserCommand({}));
    await refused(u.iam.send(new PutUserPolicyCommand({ UserName: u.userName, PolicyName: 'all',
      PolicyDocument: doc({ Effect: 'Allow', Action: '*', Resource: '*' }) })), 'AccessDenied',
    new RegExp(`iam:PutUserPolicy on resource: arn:aws:iam::${account}:user/${u.userName} because`));
    assert.deepEqual((await admin.iam.send(new ListUserPoliciesCommand({ UserName: u.userName }))).PolicyNames, ['p0']);
  });

  test('16. a policy variable: a user manages its own keys only', async () => {
    const self = [{ Effect: 'Allow', Action: ['iam:*AccessKey*'], Resource: `arn:aws:iam::${account}:user/\${aws:username}` }];
    const u = await userWith(name('self'), self);
    const other = await userWith(name('other'));
    assert.equal((await u.iam.send(new ListAccessKeysCommand({}))).AccessKeyMetadata!.length, 1);
    await refused(u.iam.send(new CreateAccessKeyCommand({ UserName: other.userName })), 'AccessDenied');
    assert.equal((await admin.iam.send(new ListAccessKeysCommand({ UserName: other.userName }))).AccessKeyMetadata!.length, 1);
  });

  test('17. a wildcard in the middle of an ARN: tags may be added to app groups only', async () => {
    const u = await userWith(name('tag-app'), [{ Effect: 'Allow', Action: 'elasticache:AddTagsToResource',
      Resource: `arn:aws:elasticache:*:${account}:parametergroup:app-*` }]);
    const arn = (g: string) => `arn:aws:elasticache:us-east-1:${account}:parametergroup:${g}`;
    await u.ec.send(new AddTagsToResourceCommand({ ResourceName: arn(`app-${run}`), Tags: [{ Key: 'k', Value: 'v' }] }));
    await refused(u.ec.send(new AddTagsToResourceCommand({ ResourceName: arn(name('pg-created')), Tags: [{ Key: 'k', Value: 'v' }] })), 'AccessDenied');
  });

  test('18. the admin key is the root: always allowed, with no policy at all', async () => {
    await admin.ec.send(new DescribeEventsCommand({}));
    await admin.iam.send(new CreateUserCommand({ UserName: name('by-root') }));
  });

  test('19. a malformed policy is refused with what is wrong, and nothing is stored', async () => {
    const u = name('malformed');
    await admin.iam.send(new CreateUserCommand({ UserName: u }));
    await refused(admin.iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'bad',
      PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: { Effect: 'Permit', Action: '*', Resource: '*' } }) })),
    'MalformedPolicyDocument', /Invalid effect/, 400);
    await refused(admin.iam.send(new PutUserPolicyCommand({ UserName: u, PolicyName: 'bad', PolicyDocument: '{"Version":' })),
      'MalformedPolicyDocument', /Syntax errors/, 400);
    assert.deepEqual((await admin.iam.send(new ListUserPoliciesCommand({ UserName: u }))).PolicyNames, []);
  });

  test('20. IAM\'s errors: NoSuchEntity 404, EntityAlreadyExists 409, LimitExceeded 409, ValidationError 400', async () => {
    await refused(admin.iam.send(new GetUserCommand({ UserName: name('ghost') })), 'NoSuchEntity', /cannot be found/, 404);
    await refused(admin.iam.send(new CreateUserCommand({ UserName: name('by-root') })), 'EntityAlreadyExists', /already exists/, 409);
    const u = await userWith(name('two-keys'));
    await admin.iam.send(new CreateAccessKeyCommand({ UserName: u.userName }));
    await refused(admin.iam.send(new CreateAccessKeyCommand({ UserName: u.userName })), 'LimitExceeded', /AccessKeysPerUser: 2/, 409);
    await refused(admin.iam.send(new CreateUserCommand({ UserName: 'not a name!' })), 'ValidationError', /UserName/, 400);
  });

  test('21. a secret is shown once; policies read back as put', async () => {
    const u = await userWith(name('reread'), [{ Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' }]);
    const keys = await admin.iam.send(new ListAccessKeysCommand({ UserName: u.userName }));
    assert.deepEqual(Object.keys(keys.AccessKeyMetadata![0]!).sort(), ['AccessKeyId', 'CreateDate', 'Status', 'UserName']);
    const got = await admin.iam.send(new GetUserPolicyCommand({ UserName: u.userName, PolicyName: 'p0' }));
    assert.deepEqual(JSON.parse(decodeURIComponent(got.PolicyDocument!)), JSON.parse(doc({ Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' })));
  });

  test('22. a refusal is logged with who, what and why', () => {
    assert.ok(svc.logs.some((l) => l.includes('request refused: not authorized') && l.includes(name('nobody'))));
  });
});
