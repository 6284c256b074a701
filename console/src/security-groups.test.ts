import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeEc2Input } from '../../src/api/ec2/decode.js';
import { getEc2Operation } from '../../src/api/ec2/model.js';
import { createSecurityGroupParams, ingressParams, rulesOf } from './security-groups.js';

const decode = (action: string, p: Record<string, string>) => decodeEc2Input(getEc2Operation(action)!, Object.entries(p));

test("the security group requests decode with the service's own EC2 decoder", () => {
  assert.deepEqual(decode('CreateSecurityGroup', createSecurityGroupParams('web', '')), { GroupName: 'web', Description: 'web' });
  assert.deepEqual(decode('AuthorizeSecurityGroupIngress', ingressParams('sg-1', { protocol: 'tcp', ports: '6379-6380', source: '10.0.0.0/16' })),
    { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6380, IpRanges: [{ CidrIp: '10.0.0.0/16' }] }] });
  assert.deepEqual(decode('RevokeSecurityGroupIngress', ingressParams('sg-1', { protocol: '-1', ports: '6379', source: 'sg-2' })),
    { GroupId: 'sg-1', IpPermissions: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-2' }] }] });
});

test('a permission is shown as one rule per source', () => {
  assert.deepEqual(rulesOf([{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '10.0.0.0/8' }], UserIdGroupPairs: [{ GroupId: 'sg-9' }] }]), [
    { key: 'tcp 6379 10.0.0.0/8', protocol: 'tcp', ports: '6379', source: '10.0.0.0/8' },
    { key: 'tcp 6379 sg-9', protocol: 'tcp', ports: '6379', source: 'sg-9' },
  ]);
  assert.deepEqual(rulesOf([{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]).map((r) => r.ports), ['']);
});
