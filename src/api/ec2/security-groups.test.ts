import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { assertFault, assertFaultChangesNothing, insertCacheCluster, makeTestServices, type TestServices } from '../actions/test-services.js';
import AuthorizeSecurityGroupIngress from './actions/AuthorizeSecurityGroupIngress.js';
import CreateNetworkInterface from './actions/CreateNetworkInterface.js';
import CreateSecurityGroup from './actions/CreateSecurityGroup.js';
import DeleteNetworkInterface from './actions/DeleteNetworkInterface.js';
import DeleteSecurityGroup from './actions/DeleteSecurityGroup.js';
import DescribeSecurityGroupRules from './actions/DescribeSecurityGroupRules.js';
import DescribeSecurityGroups from './actions/DescribeSecurityGroups.js';
import RevokeSecurityGroupIngress from './actions/RevokeSecurityGroupIngress.js';
import { EC2_ACTIONS } from './actions/registry.js';
import { getEc2Operation, ec2OperationNames } from './model.js';
import DescribeCacheSubnetGroups from '../actions/DescribeCacheSubnetGroups.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices(); });
afterEach(async () => { await t.close(); });

const create = async (name: string, extra: object = {}): Promise<string> =>
  (await t.call(CreateSecurityGroup, { GroupName: name, Description: `${name} hosts`, ...extra })).GroupId;
const authorize = (groupId: string, permissions: object[]) => t.call(AuthorizeSecurityGroupIngress, { GroupId: groupId, IpPermissions: permissions });
const tcp = (port: number, sources: object) => ({ IpProtocol: 'tcp', FromPort: port, ToPort: port, ...sources });
const describeOne = async (id: string) => (await t.call(DescribeSecurityGroups, { GroupIds: [id] })).SecurityGroups[0];

test('every operation of the EC2 model subset has an action, and every action an operation', () => {
  const names = EC2_ACTIONS.map((f) => f(t.svc).name).sort();
  assert.deepEqual(names, ec2OperationNames().sort());
  for (const n of names) assert.ok(getEc2Operation(n));
});

test('create: an sg- id, the installation\'s VPC and account, the default egress rule, no ingress, tags', async () => {
  const before = t.kicks();
  const out = await t.call(CreateSecurityGroup, { GroupName: 'redis-sg', Description: 'Redis servers',
    TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'env', Value: 'prod' }] }] });
  assert.match(out.GroupId, /^sg-[0-9a-f]{17}$/);
  assert.equal(out.SecurityGroupArn, `arn:aws:ec2:us-east-1:123456789012:security-group/${out.GroupId}`);
  assert.deepEqual(out.Tags, [{ Key: 'env', Value: 'prod' }]);
  assert.equal(t.kicks(), before + 1);
  const g = await describeOne(out.GroupId);
  const subnetVpc = (await t.call(DescribeCacheSubnetGroups, { CacheSubnetGroupName: 'default' })).CacheSubnetGroups[0].VpcId;
  assert.equal(g.VpcId, subnetVpc, 'the default VPC is the one cache subnet groups are in');
  assert.equal(g.OwnerId, '123456789012');
  assert.equal(g.GroupName, 'redis-sg');
  assert.equal(g.Description, 'Redis servers');
  assert.deepEqual(g.IpPermissions, []);
  assert.deepEqual(g.IpPermissionsEgress, [{ IpProtocol: '-1', UserIdGroupPairs: [], IpRanges: [{ CidrIp: '0.0.0.0/0', Description: undefined }],
    Ipv6Ranges: [], PrefixListIds: [] }]);
  // The same name is free in another VPC; ids are distinct.
  const other = await create('redis-sg', { VpcId: 'vpc-other' });
  assert.notEqual(other, out.GroupId);
  assert.equal((await describeOne(other)).VpcId, 'vpc-other');
});

test('create refuses invalid input with EC2\'s errors and creates nothing', async () => {
  await create('taken');
  const cases: Array<[string, object]> = [
    ['InvalidGroup.Duplicate', { GroupName: 'TAKEN', Description: 'd' }],
    ['MissingParameter', { GroupName: '', Description: 'd' }],
    ['MissingParameter', { GroupName: 'x', Description: '' }],
    ['InvalidParameterValue', { GroupName: 'x', Description: 'd'.repeat(256) }],
    ['InvalidParameterValue', { GroupName: 'n'.repeat(256), Description: 'd' }],
    ['InvalidParameterValue', { GroupName: 'sg-looks-like-an-id', Description: 'd' }],
    ['InvalidParameterValue', { GroupName: 'tab\there', Description: 'd' }],
    ['InvalidGroup.Reserved', { GroupName: 'default', Description: 'd' }],
    ['InvalidVpcID.Malformed', { GroupName: 'x', Description: 'd', VpcId: 'my-vpc' }],
    ['InvalidParameterValue', { GroupName: 'x', Description: 'd', TagSpecifications: [{ ResourceType: 'instance', Tags: [{ Key: 'a', Value: 'b' }] }] }],
    ['InvalidParameterValue', { GroupName: 'x', Description: 'd', TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'aws:x', Value: 'b' }] }] }],
    ['DryRunOperation', { GroupName: 'x', Description: 'd', DryRun: true }],
  ];
  for (const [code, input] of cases) await assertFaultChangesNothing(t.svc, () => t.call(CreateSecurityGroup, input), code);
  const e = await assertFault(t.call(CreateSecurityGroup, { GroupName: 'taken', Description: 'd' }), 'InvalidGroup.Duplicate', 400);
  assert.match(e.message, /^The security group 'taken' already exists for VPC 'vpc-[0-9a-f]+'$/);
});

test('authorize by CIDR and by source group id: sgr- rules, grouped by protocol and ports in describe', async () => {
  const app = await create('app');
  const redis = await create('redis');
  const out = await authorize(redis, [tcp(6379, { UserIdGroupPairs: [{ GroupId: app, Description: 'from app' }], IpRanges: [{ CidrIp: '127.0.0.0/24' }] })]);
  assert.equal(out.Return, true);
  assert.equal(out.SecurityGroupRules.length, 2);
  for (const r of out.SecurityGroupRules) {
    assert.match(r.SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);
    assert.equal(r.GroupId, redis);
    assert.equal(r.IsEgress, false);
    assert.equal(r.FromPort, 6379);
  }
  assert.deepEqual(out.SecurityGroupRules.map((r: any) => r.CidrIpv4 ?? r.ReferencedGroupInfo.GroupId).sort(), ['127.0.0.0/24', app].sort());
  // The aws CLI's --protocol tcp --port 6380 --cidr … form (top-level parameters), and a protocol number.
  await t.call(AuthorizeSecurityGroupIngress, { GroupId: redis, IpProtocol: '6', FromPort: 6380, ToPort: 6380, CidrIp: '10.1.2.3/16' });
  const g = await describeOne(redis);
  assert.deepEqual(g.IpPermissions.map((p: any) => [p.IpProtocol, p.FromPort, p.ToPort]), [['tcp', 6379, 6379], ['tcp', 6380, 6380]]);
  assert.deepEqual(g.IpPermissions[0].UserIdGroupPairs, [{ GroupId: app, UserId: '123456789012', Description: 'from app' }]);
  assert.deepEqual(g.IpPermissions[0].IpRanges, [{ CidrIp: '127.0.0.0/24', Description: undefined }]);
  assert.deepEqual(g.IpPermissions[1].IpRanges.map((r: any) => r.CidrIp), ['10.1.0.0/16'], 'host bits are cleared as EC2 does');
  // By source group name (in the target's VPC), as --source-group app sends it.
  await t.call(AuthorizeSecurityGroupIngress, { GroupId: redis, IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupName: 'APP' }] }] });
  const all = (await describeOne(redis)).IpPermissions.find((p: any) => p.IpProtocol === '-1');
  assert.equal(all.FromPort, undefined);
  assert.equal(all.UserIdGroupPairs[0].GroupId, app);
  const rules = (await t.call(DescribeSecurityGroupRules, { Filters: [{ Name: 'group-id', Values: [redis] }] })).SecurityGroupRules;
  assert.equal(rules.length, 5, '4 ingress rules and the default egress rule');
  assert.equal(rules.filter((r: any) => r.IsEgress).length, 1);
});

test('authorize refuses bad rules with EC2\'s errors and changes nothing', async () => {
  const redis = await create('redis');
  await authorize(redis, [tcp(6379, { IpRanges: [{ CidrIp: '127.0.0.0/24' }] })]);
  const cidr = (c: string) => [tcp(6379, { IpRanges: [{ CidrIp: c }] })];
  const cases: Array<[string, object[] | object]> = [
    ['InvalidPermission.Duplicate', cidr('127.0.0.0/24')],
    ['InvalidPermission.Duplicate', cidr('127.0.0.9/24')],
    ['InvalidParameterValue', cidr('10.0.0.1/33')],
    ['InvalidParameterValue', cidr('10.0.0.256/8')],
    ['InvalidParameterValue', cidr('10.0.0.1')],
    ['InvalidParameterValue', [{ IpProtocol: 'tcp', FromPort: 0, ToPort: 70000, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [{ IpProtocol: 'tcp', FromPort: 6380, ToPort: 6379, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [{ IpProtocol: 'tcp', IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [{ IpProtocol: 'sctp-ish', FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [{ IpProtocol: '256', IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [{ IpProtocol: 'icmp', FromPort: 300, ToPort: -1, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['InvalidParameterValue', [tcp(1, { IpRanges: [{ CidrIp: '1.0.0.0/8', Description: 'ünïcode' }] })]],
    ['InvalidParameterValue', [tcp(1, { Ipv6Ranges: [{ CidrIpv6: '::/0' }] })]],
    ['MissingParameter', [{ FromPort: 1, ToPort: 1, IpRanges: [{ CidrIp: '1.0.0.0/8' }] }]],
    ['MissingParameter', [tcp(1, {})]],
    ['InvalidGroup.NotFound', [tcp(1, { UserIdGroupPairs: [{ GroupId: 'sg-0123456789abcdef0' }] })]],
    ['InvalidGroupId.Malformed', [tcp(1, { UserIdGroupPairs: [{ GroupId: 'sg-nothex' }] })]],
    ['InvalidGroup.NotFound', [tcp(1, { UserIdGroupPairs: [{ GroupName: 'nobody' }] })]],
    ['MissingParameter', []],
  ];
  for (const [code, perms] of cases) await assertFaultChangesNothing(t.svc, () => authorize(redis, perms as object[]), code);
  const bad = await assertFault(authorize(redis, cidr('10.0.0.1/33')), 'InvalidParameterValue');
  assert.match(bad.message, /^Value \(10\.0\.0\.1\/33\) for parameter cidrIp is invalid\. This is not a valid CIDR block\.$/);
  const dup = await assertFault(authorize(redis, cidr('127.0.0.0/24')), 'InvalidPermission.Duplicate');
  assert.match(dup.message, /peer: 127\.0\.0\.0\/24, TCP, from port: 6379, to port: 6379, ALLOW/);
  // Both forms at once, an unknown or malformed target group.
  await assertFaultChangesNothing(t.svc, () => t.call(AuthorizeSecurityGroupIngress, { GroupId: redis, CidrIp: '1.0.0.0/8', IpProtocol: 'tcp', FromPort: 1,
    ToPort: 1, IpPermissions: cidr('2.0.0.0/8') }), 'InvalidParameterCombination');
  const nf = await assertFault(authorize('sg-0123456789abcdef0', cidr('1.0.0.0/8')), 'InvalidGroup.NotFound', 400);
  assert.equal(nf.message, "The security group 'sg-0123456789abcdef0' does not exist");
  await assertFault(authorize('sg-1', cidr('1.0.0.0/8')), 'InvalidGroupId.Malformed');
});

test('revoke by permission and by rule id; a rule that does not exist revokes nothing', async () => {
  const app = await create('app');
  const redis = await create('redis');
  const out = await authorize(redis, [tcp(6379, { UserIdGroupPairs: [{ GroupId: app }], IpRanges: [{ CidrIp: '127.0.0.0/24' }] })]);
  await assertFaultChangesNothing(t.svc, () => t.call(RevokeSecurityGroupIngress, { GroupId: redis,
    IpPermissions: [tcp(6379, { IpRanges: [{ CidrIp: '127.0.0.0/24' }, { CidrIp: '10.0.0.0/8' }] })] }), 'InvalidPermission.NotFound');
  await assertFaultChangesNothing(t.svc, () => t.call(RevokeSecurityGroupIngress, { GroupId: redis, SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] }),
    'InvalidSecurityGroupRuleId.NotFound');
  await assertFaultChangesNothing(t.svc, () => t.call(RevokeSecurityGroupIngress, { GroupId: redis, SecurityGroupRuleIds: ['rule-1'] }),
    'InvalidSecurityGroupRuleId.Malformed');
  const revoked = await t.call(RevokeSecurityGroupIngress, { GroupId: redis, IpPermissions: [tcp(6379, { IpRanges: [{ CidrIp: '127.0.0.0/24' }] })] });
  assert.equal(revoked.Return, true);
  assert.deepEqual(revoked.RevokedSecurityGroupRules.map((r: any) => r.CidrIpv4), ['127.0.0.0/24']);
  const byGroup = out.SecurityGroupRules.find((r: any) => r.ReferencedGroupInfo);
  await t.call(RevokeSecurityGroupIngress, { GroupId: redis, SecurityGroupRuleIds: [byGroup.SecurityGroupRuleId] });
  assert.deepEqual((await describeOne(redis)).IpPermissions, []);
});

test('delete is refused while a cache group, a cache cluster, an interface or another group\'s rule depends on the group', async () => {
  const app = await create('app');
  const redis = await create('redis');
  await authorize(redis, [tcp(6379, { UserIdGroupPairs: [{ GroupId: app }, { GroupId: redis }] })]);
  await insertCacheCluster(t.svc, 'c1', { securityGroupIds: [redis] });
  const e = await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupId: redis }), 'DependencyViolation');
  assert.match(e.message, new RegExp(`^resource ${redis} has a dependent object \\(cache cluster c1\\)$`));
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupId: app }), 'DependencyViolation');
  // A cluster being deleted no longer counts; a rule of the group itself does not either.
  const c1 = (await t.store.get('cacheCluster', 'c1'))!;
  await t.store.commit([{ op: 'update', kind: 'cacheCluster', id: 'c1', doc: { ...c1.doc, deleteRequested: true }, expectVersion: c1.version }]);
  await t.store.commit([{ op: 'create', kind: 'replicationGroup', id: 'rg1', doc: { securityGroupIds: [redis] } as never }]);
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupId: redis }), 'DependencyViolation');
  await t.store.commit([{ op: 'delete', kind: 'replicationGroup', id: 'rg1' }]);
  const ni = await t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', Groups: [redis] });
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupName: 'redis' }), 'DependencyViolation');
  await t.call(DeleteNetworkInterface, { NetworkInterfaceId: ni.NetworkInterface.NetworkInterfaceId });
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupId: redis, DryRun: true }), 'DryRunOperation');
  const deleted = await t.call(DeleteSecurityGroup, { GroupName: 'redis' });
  assert.deepEqual(deleted, { Return: true, GroupId: redis });
  // app was referenced only by redis's rule, gone with it.
  await t.call(DeleteSecurityGroup, { GroupId: app });
  await assertFault(t.call(DeleteSecurityGroup, { GroupId: app }), 'InvalidGroup.NotFound');
  await assertFault(t.call(DeleteSecurityGroup, { GroupName: 'nobody' }), 'InvalidGroup.NotFound');
  await assertFault(t.call(DeleteSecurityGroup, {}), 'MissingParameter');
});

test('describe: by ids, names (default VPC) and filters with wildcards; unknown ids and filters refused', async () => {
  const a = await create('web-a', { TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'env', Value: 'prod' }] }] });
  const b = await create('web-b', { VpcId: 'vpc-x' });
  // Oldest first; the test clock stands still, so compare as sets.
  const ids = async (input: object) => (await t.call(DescribeSecurityGroups, input)).SecurityGroups.map((g: any) => g.GroupId).sort();
  assert.deepEqual(await ids({}), [a, b].sort());
  assert.deepEqual(await ids({ GroupIds: [b] }), [b]);
  assert.deepEqual(await ids({ GroupNames: ['web-a'] }), [a]);
  assert.deepEqual(await ids({ Filters: [{ Name: 'group-name', Values: ['web-*'] }, { Name: 'vpc-id', Values: ['vpc-x'] }] }), [b]);
  assert.deepEqual(await ids({ Filters: [{ Name: 'tag:env', Values: ['prod', 'dev'] }] }), [a]);
  assert.deepEqual(await ids({ Filters: [{ Name: 'group-id', Values: [a] }] }), [a]);
  assert.deepEqual(await ids({ Filters: [{ Name: 'group-name', Values: ['web-?'] }] }), [a, b].sort());
  await assertFault(t.call(DescribeSecurityGroups, { GroupIds: ['sg-0123456789abcdef0'] }), 'InvalidGroup.NotFound');
  await assertFault(t.call(DescribeSecurityGroups, { GroupIds: ['bogus'] }), 'InvalidGroupId.Malformed');
  await assertFault(t.call(DescribeSecurityGroups, { GroupNames: ['web-b'] }), 'InvalidGroup.NotFound');
  await assertFault(t.call(DescribeSecurityGroups, { Filters: [{ Name: 'colour', Values: ['x'] }] }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeSecurityGroups, { DryRun: true }), 'DryRunOperation', 412);
});
