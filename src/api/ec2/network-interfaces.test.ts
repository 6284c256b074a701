import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import { assertFault, assertFaultChangesNothing, makeTestServices, type TestServices } from '../actions/test-services.js';
import CreateNetworkInterface from './actions/CreateNetworkInterface.js';
import CreateSecurityGroup from './actions/CreateSecurityGroup.js';
import CreateTags from './actions/CreateTags.js';
import DeleteNetworkInterface from './actions/DeleteNetworkInterface.js';
import DeleteTags from './actions/DeleteTags.js';
import DescribeNetworkInterfaces from './actions/DescribeNetworkInterfaces.js';
import DescribeSecurityGroups from './actions/DescribeSecurityGroups.js';
import ModifyNetworkInterfaceAttribute from './actions/ModifyNetworkInterfaceAttribute.js';

let t: TestServices;
beforeEach(async () => { t = await makeTestServices(); });
afterEach(async () => { await t.close(); });

const group = async (name: string, extra: object = {}): Promise<string> =>
  (await t.call(CreateSecurityGroup, { GroupName: name, Description: name, ...extra })).GroupId;
const createNi = async (input: object) => (await t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', ...input })).NetworkInterface;
const describeIds = async (input: object) =>
  (await t.call(DescribeNetworkInterfaces, input)).NetworkInterfaces.map((n: any) => n.NetworkInterfaceId).sort();

test('create: an eni- id, the given address, its groups, shown as EC2 shows an interface', async () => {
  const app = await group('app');
  const ni = await createNi({ PrivateIpAddress: '127.0.0.50', Groups: [app], Description: 'app host',
    TagSpecifications: [{ ResourceType: 'network-interface', Tags: [{ Key: 'role', Value: 'app' }] }] });
  assert.match(ni.NetworkInterfaceId, /^eni-[0-9a-f]{17}$/);
  assert.equal(ni.PrivateIpAddress, '127.0.0.50');
  assert.deepEqual(ni.PrivateIpAddresses, [{ Primary: true, PrivateIpAddress: '127.0.0.50' }]);
  assert.deepEqual(ni.Groups, [{ GroupId: app, GroupName: 'app' }]);
  assert.equal(ni.SubnetId, 'subnet-1');
  assert.equal(ni.Status, 'available');
  assert.equal(ni.OwnerId, '123456789012');
  assert.equal(ni.Description, 'app host');
  assert.deepEqual(ni.TagSet, [{ Key: 'role', Value: 'app' }]);
  assert.match(ni.MacAddress, /^02(:[0-9a-f]{2}){5}$/);
  const sg = (await t.call(DescribeSecurityGroups, { GroupIds: [app] })).SecurityGroups[0];
  assert.equal(ni.VpcId, sg.VpcId);
});

test('without --private-ip-address the lowest free address of 127.100.0.0/16 is taken', async () => {
  const a = await createNi({});
  const b = await createNi({});
  assert.equal(a.PrivateIpAddress, '127.100.0.1');
  assert.equal(b.PrivateIpAddress, '127.100.0.2');
  await t.call(DeleteNetworkInterface, { NetworkInterfaceId: a.NetworkInterfaceId });
  assert.equal((await createNi({})).PrivateIpAddress, '127.100.0.1');
  await assertFault(t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', PrivateIpAddress: '127.100.0.2' }), 'InvalidIPAddress.InUse', 400);
});

test('create refuses invalid input and creates nothing', async () => {
  const app = await group('app');
  const other = await group('other', { VpcId: 'vpc-elsewhere' });
  await createNi({ PrivateIpAddress: '127.0.0.50' });
  const cases: Array<[string, object]> = [
    ['InvalidIPAddress.InUse', { PrivateIpAddress: '127.0.0.50' }],
    ['InvalidParameterValue', { PrivateIpAddress: '127.0.0.500' }],
    ['InvalidParameterValue', { PrivateIpAddress: '::1' }],
    ['InvalidGroup.NotFound', { Groups: ['sg-0123456789abcdef0'] }],
    ['InvalidGroupId.Malformed', { Groups: ['app'] }],
    ['InvalidParameterValue', { Groups: [app, other] }],
    ['MissingParameter', { SubnetId: '' }],
    ['InvalidParameterValue', { Ipv6AddressCount: 1 }],
    ['InvalidParameterValue', { SecondaryPrivateIpAddressCount: 2 }],
    ['InvalidParameterValue', { TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'a', Value: 'b' }] }] }],
    ['DryRunOperation', { Groups: [app], DryRun: true }],
  ];
  for (const [code, input] of cases) {
    await assertFaultChangesNothing(t.svc, () => t.call(CreateNetworkInterface, { SubnetId: 'subnet-1', ...input }), code);
  }
});

test('describe by ids and by group-id / private-ip-address filters; modify the groups; delete', async () => {
  const app = await group('app');
  const web = await group('web');
  const a = await createNi({ PrivateIpAddress: '127.0.0.50', Groups: [app] });
  const b = await createNi({ PrivateIpAddress: '127.0.0.51', Groups: [web] });
  assert.deepEqual(await describeIds({}), [a.NetworkInterfaceId, b.NetworkInterfaceId].sort());
  assert.deepEqual(await describeIds({ NetworkInterfaceIds: [b.NetworkInterfaceId] }), [b.NetworkInterfaceId]);
  assert.deepEqual(await describeIds({ Filters: [{ Name: 'group-id', Values: [app] }] }), [a.NetworkInterfaceId]);
  assert.deepEqual(await describeIds({ Filters: [{ Name: 'addresses.private-ip-address', Values: ['127.0.0.51'] }] }), [b.NetworkInterfaceId]);
  assert.deepEqual(await describeIds({ Filters: [{ Name: 'private-ip-address', Values: ['127.0.0.5*'] }] }), [a.NetworkInterfaceId, b.NetworkInterfaceId].sort());
  await assertFault(t.call(DescribeNetworkInterfaces, { NetworkInterfaceIds: ['eni-0123456789abcdef0'] }), 'InvalidNetworkInterfaceID.NotFound');
  await assertFault(t.call(DescribeNetworkInterfaces, { NetworkInterfaceIds: ['nic-1'] }), 'InvalidNetworkInterfaceID.Malformed');

  const kicks = t.kicks();
  await t.call(ModifyNetworkInterfaceAttribute, { NetworkInterfaceId: a.NetworkInterfaceId, Groups: [app, web] });
  assert.equal(t.kicks(), kicks + 1);
  assert.deepEqual(await describeIds({ Filters: [{ Name: 'group-id', Values: [web] }] }), [a.NetworkInterfaceId, b.NetworkInterfaceId].sort());
  await t.call(ModifyNetworkInterfaceAttribute, { NetworkInterfaceId: a.NetworkInterfaceId, Description: { Value: 'renamed' } });
  const shown = (await t.call(DescribeNetworkInterfaces, { NetworkInterfaceIds: [a.NetworkInterfaceId] })).NetworkInterfaces[0];
  assert.equal(shown.Description, 'renamed');
  assert.deepEqual(shown.Groups.map((g: any) => g.GroupName), ['app', 'web']);
  const bad: Array<[string, object]> = [
    ['MissingParameter', {}],
    ['MissingParameter', { Groups: [] }],
    ['InvalidGroup.NotFound', { Groups: ['sg-0123456789abcdef0'] }],
    ['InvalidParameterValue', { SourceDestCheck: { Value: false } }],
  ];
  for (const [code, input] of bad) {
    await assertFaultChangesNothing(t.svc, () => t.call(ModifyNetworkInterfaceAttribute, { NetworkInterfaceId: a.NetworkInterfaceId, ...input }), code);
  }
  await assertFault(t.call(ModifyNetworkInterfaceAttribute, { NetworkInterfaceId: 'eni-0123456789abcdef0', Groups: [app] }), 'InvalidNetworkInterfaceID.NotFound');

  await t.call(DeleteNetworkInterface, { NetworkInterfaceId: a.NetworkInterfaceId });
  assert.deepEqual(await describeIds({}), [b.NetworkInterfaceId]);
  await assertFault(t.call(DeleteNetworkInterface, { NetworkInterfaceId: a.NetworkInterfaceId }), 'InvalidNetworkInterfaceID.NotFound');
});

test('create-tags / delete-tags on groups and interfaces, all or nothing', async () => {
  const sg = await group('app');
  const ni = (await createNi({})).NetworkInterfaceId;
  await t.call(CreateTags, { Resources: [sg, ni], Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'cache' }, { Key: 'flag' }] });
  const sgTags = async () => (await t.call(DescribeSecurityGroups, { GroupIds: [sg] })).SecurityGroups[0].Tags;
  const niTags = async () => (await t.call(DescribeNetworkInterfaces, { NetworkInterfaceIds: [ni] })).NetworkInterfaces[0].TagSet;
  assert.deepEqual(await sgTags(), [{ Key: 'env', Value: 'prod' }, { Key: 'team', Value: 'cache' }, { Key: 'flag', Value: '' }]);
  assert.deepEqual(await niTags(), await sgTags());
  await assertFaultChangesNothing(t.svc, () => t.call(CreateTags, { Resources: [sg, 'sg-0123456789abcdef0'], Tags: [{ Key: 'x', Value: 'y' }] }),
    'InvalidGroup.NotFound');
  await assertFaultChangesNothing(t.svc, () => t.call(CreateTags, { Resources: ['i-123'], Tags: [{ Key: 'x', Value: 'y' }] }), 'InvalidID');
  await assertFaultChangesNothing(t.svc, () => t.call(CreateTags, { Resources: [sg],
    Tags: Array.from({ length: 48 }, (_, i) => ({ Key: `k${i}`, Value: 'v' })) }), 'TagLimitExceeded');
  // A Value deletes only a matching value; no Value deletes the key; no tags at all deletes every tag.
  await t.call(DeleteTags, { Resources: [sg], Tags: [{ Key: 'env', Value: 'dev' }, { Key: 'team' }] });
  assert.deepEqual(await sgTags(), [{ Key: 'env', Value: 'prod' }, { Key: 'flag', Value: '' }]);
  await t.call(DeleteTags, { Resources: [sg], Tags: [{ Key: 'flag', Value: '' }] });
  assert.deepEqual(await sgTags(), [{ Key: 'env', Value: 'prod' }]);
  await t.call(DeleteTags, { Resources: [ni] });
  assert.deepEqual(await niTags(), []);
});
