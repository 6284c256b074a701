// The EC2 codec against the real clients: botocore's own EC2Serializer / EC2QueryParser (run
// through the machine's python3) and @aws-sdk/client-ec2 (with an in-process request handler).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand, CreateSecurityGroupCommand, DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand,
  DescribeSecurityGroupsCommand, EC2Client, ModifyNetworkInterfaceAttributeCommand,
} from '@aws-sdk/client-ec2';
import { parseQueryString } from '../codec/query-decode.js';
import { botocore, norm, offlineClient, skipWithoutBotocore as skip } from '../codec/test-clients.js';
import { decodeEc2Input } from './decode.js';
import { encodeEc2Error, encodeEc2Result } from './encode.js';
import { getEc2Operation } from './model.js';
import { sampleGroups, sampleInterfaces } from './test-fixtures.js';

const decode = (op: string, body: string) => decodeEc2Input(getEc2Operation(op)!, parseQueryString(body));

const requests: Record<string, object> = {
  CreateSecurityGroup: {
    GroupName: 'redis-sg', Description: 'Redis & friends <ok>', VpcId: 'vpc-0abc',
    TagSpecifications: [{ ResourceType: 'security-group', Tags: [{ Key: 'env', Value: 'prod' }, { Key: 'empty', Value: '' }] }],
  },
  AuthorizeSecurityGroupIngress: {
    GroupId: 'sg-0123456789abcdef0',
    IpPermissions: [
      { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380, IpRanges: [{ CidrIp: '127.0.0.0/24', Description: 'loopback clients' }],
        UserIdGroupPairs: [{ GroupId: 'sg-0aaaaaaaaaaaaaaa1', Description: 'app' }] },
      { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8' }, { CidrIp: '192.168.0.0/16' }] },
    ],
  },
  DescribeSecurityGroups: {
    GroupIds: ['sg-0123456789abcdef0', 'sg-0aaaaaaaaaaaaaaa1'], GroupNames: ['redis-sg'],
    Filters: [{ Name: 'vpc-id', Values: ['vpc-1', 'vpc-2'] }, { Name: 'tag:env', Values: ['prod'] }],
  },
  ModifyNetworkInterfaceAttribute: {
    NetworkInterfaceId: 'eni-0123456789abcdef0', Groups: ['sg-0123456789abcdef0', 'sg-0aaaaaaaaaaaaaaa1'], Description: { Value: 'app host' },
  },
  DescribeNetworkInterfaces: {
    NetworkInterfaceIds: ['eni-0123456789abcdef0'], Filters: [{ Name: 'addresses.private-ip-address', Values: ['127.0.0.50'] }],
  },
  DeleteTags: { Resources: ['sg-0123456789abcdef0'], Tags: [{ Key: 'env' }, { Key: 'empty', Value: '' }] },
  CreateNetworkInterface: {
    SubnetId: 'subnet-1', PrivateIpAddress: '127.0.0.50', Groups: ['sg-0123456789abcdef0'], Description: 'x', ClientToken: 'tok-1',
  },
  RevokeSecurityGroupIngress: { GroupId: 'sg-0123456789abcdef0', SecurityGroupRuleIds: ['sgr-0123456789abcdef0'] },
};

test('botocore-serialized requests decode to the original input', { skip }, () => {
  const ops = Object.keys(requests);
  const bodies = botocore('ec2', ops.map((op) => ({ mode: 'serialize', op, params: requests[op] }))) as string[];
  ops.forEach((op, i) => {
    assert.match(bodies[i]!, new RegExp(`^Action=${op}&Version=2016-11-15&`));
    assert.deepEqual(decode(op, bodies[i]!), requests[op], op);
  });
  // The ec2 layout: capitalized locationNames, lists as Name.N.
  assert.ok(bodies[0]!.includes('GroupDescription=Redis+%26+friends+%3Cok%3E'));
  assert.ok(bodies[0]!.includes('TagSpecification.1.Tag.2.Value=&') || bodies[0]!.endsWith('TagSpecification.1.Tag.2.Value='));
  assert.ok(bodies[1]!.includes('IpPermissions.1.Groups.1.GroupId=sg-0aaaaaaaaaaaaaaa1'));
  assert.ok(bodies[2]!.includes('Filter.2.Value.1=prod'));
  assert.ok(bodies[3]!.includes('SecurityGroupId.2=sg-0aaaaaaaaaaaaaaa1') && bodies[3]!.includes('Description.Value=app+host'));
});

test('botocore parses DescribeSecurityGroups, DescribeNetworkInterfaces, Authorize and an error exactly', { skip }, () => {
  const groups = { SecurityGroups: sampleGroups() };
  const interfaces = { NetworkInterfaces: sampleInterfaces() };
  const authorized = { Return: true, SecurityGroupRules: [{ SecurityGroupRuleId: 'sgr-0123456789abcdef0', GroupId: 'sg-0123456789abcdef0',
    GroupOwnerId: '123456789012', IsEgress: false, IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, ReferencedGroupInfo: { GroupId: 'sg-1', UserId: '123456789012' }, Tags: [] }] };
  const [g, n, a, d, e] = botocore('ec2', [
    { mode: 'parse', op: 'DescribeSecurityGroups', xml: encodeEc2Result('DescribeSecurityGroups', groups, 'rid-1'), status: 200 },
    { mode: 'parse', op: 'DescribeNetworkInterfaces', xml: encodeEc2Result('DescribeNetworkInterfaces', interfaces, 'rid-2'), status: 200 },
    { mode: 'parse', op: 'AuthorizeSecurityGroupIngress', xml: encodeEc2Result('AuthorizeSecurityGroupIngress', authorized, 'rid-3'), status: 200 },
    { mode: 'parse', op: 'DeleteNetworkInterface', xml: encodeEc2Result('DeleteNetworkInterface', undefined, 'rid-4'), status: 200 },
    { mode: 'parse', op: 'DeleteSecurityGroup',
      xml: encodeEc2Error({ code: 'DependencyViolation', message: 'resource sg-1 has a dependent object <x>' }, 'rid-5'), status: 400 },
  ]) as Array<Record<string, any>>;
  for (const [parsed, want, rid] of [[g, groups, 'rid-1'], [n, interfaces, 'rid-2'], [a, authorized, 'rid-3']] as const) {
    assert.equal(parsed!.ResponseMetadata.RequestId, rid);
    delete parsed!.ResponseMetadata;
    assert.deepEqual(parsed, norm(want));
  }
  assert.equal(d!.ResponseMetadata.RequestId, 'rid-4');
  assert.deepEqual(e!.Error, { Code: 'DependencyViolation', Message: 'resource sg-1 has a dependent object <x>' });
  assert.equal(e!.ResponseMetadata.RequestId, 'rid-5');
});

test('@aws-sdk/client-ec2: requests decode to the original input; responses parse back exactly', async () => {
  const groups = sampleGroups();
  const interfaces = sampleInterfaces();
  let sent = '';
  const client = offlineClient(EC2Client, (body) => {
    sent = body;
    const action = new URLSearchParams(body).get('Action')!;
    const outputs: Record<string, unknown> = {
      DescribeSecurityGroups: { SecurityGroups: groups }, DescribeNetworkInterfaces: { NetworkInterfaces: interfaces },
      CreateSecurityGroup: { GroupId: 'sg-0123456789abcdef0', Tags: [{ Key: 'env', Value: 'prod' }] },
      AuthorizeSecurityGroupIngress: { Return: true, SecurityGroupRules: [] },
    };
    return { status: 200, xml: encodeEc2Result(action, outputs[action], 'rid') };
  });
  try {
    for (const [op, Command] of [['CreateSecurityGroup', CreateSecurityGroupCommand], ['AuthorizeSecurityGroupIngress', AuthorizeSecurityGroupIngressCommand],
      ['DescribeSecurityGroups', DescribeSecurityGroupsCommand], ['ModifyNetworkInterfaceAttribute', ModifyNetworkInterfaceAttributeCommand],
      ['DescribeNetworkInterfaces', DescribeNetworkInterfacesCommand]] as const) {
      const out: any = await client.send(new (Command as any)(structuredClone(requests[op])));
      assert.deepEqual(decode(op, sent), requests[op], op);
      assert.equal(out.$metadata.requestId, 'rid');
      if (op === 'DescribeSecurityGroups') assert.deepEqual(norm(out.SecurityGroups), norm(groups));
      if (op === 'DescribeNetworkInterfaces') assert.deepEqual(norm(out.NetworkInterfaces), norm(interfaces));
      if (op === 'CreateSecurityGroup') assert.equal(out.GroupId, 'sg-0123456789abcdef0');
      if (op === 'AuthorizeSecurityGroupIngress') assert.equal(out.Return, true);
    }
    await client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: 'eni-0123456789abcdef0' }));
    assert.deepEqual(decode('DeleteNetworkInterface', sent), { NetworkInterfaceId: 'eni-0123456789abcdef0' });
  } finally {
    client.destroy();
  }
});

test('@aws-sdk/client-ec2: EC2 error responses surface code, message and status', async () => {
  const client = offlineClient(EC2Client, () => ({
    status: 400, xml: encodeEc2Error({ code: 'InvalidGroup.NotFound', message: "The security group 'sg-1' does not exist" }, 'rid-9'),
  }), 'rid-9');
  try {
    await assert.rejects(client.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-1'] })), (e: Record<string, any>) => {
      assert.equal(e.name, 'InvalidGroup.NotFound');
      assert.equal(e.message, "The security group 'sg-1' does not exist");
      assert.equal(e.$metadata.httpStatusCode, 400);
      assert.equal(e.$metadata.requestId, 'rid-9');
      return true;
    });
  } finally {
    client.destroy();
  }
});

test('decoding: unknown parameters are refused, lists need indexes, required members are checked', () => {
  const err = (fn: () => unknown) => { try { fn(); } catch (e) { return (e as { code: string }).code; } return 'none'; };
  assert.equal(err(() => decode('CreateSecurityGroup', 'GroupName=a&GroupDescription=d&Bogus=1')), 'UnknownParameter');
  assert.equal(err(() => decode('CreateSecurityGroup', 'GroupName=a&GroupDescription=d&TagSpecification.1.Nope=1')), 'UnknownParameter');
  assert.equal(err(() => decode('CreateSecurityGroup', 'GroupName=a')), 'MissingParameter');
  assert.equal(err(() => decode('DescribeSecurityGroups', 'GroupId.x=sg-1')), 'UnknownParameter');
  assert.equal(err(() => decode('DescribeSecurityGroups', 'MaxResults=lots')), 'InvalidParameterValue');
  assert.equal(err(() => decode('DescribeSecurityGroups', 'DryRun=maybe')), 'InvalidParameterValue');
  assert.deepEqual(decode('DescribeSecurityGroups', 'Action=DescribeSecurityGroups&Version=2016-11-15&X-Amz-Date=1&GroupId.2=sg-b&GroupId.1=sg-a'),
    { GroupIds: ['sg-a', 'sg-b'] });
  assert.deepEqual(decode('DeleteNetworkInterface', 'NetworkInterfaceId=eni-1&DryRun=true'), { NetworkInterfaceId: 'eni-1', DryRun: true });
});
