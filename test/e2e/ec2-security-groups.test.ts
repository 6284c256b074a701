/**
 * The EC2 security-group subset on the service's endpoint, driven as users drive it: the aws
 * CLI's `aws ec2` commands (credential scope `ec2`), boto3's EC2 client and @aws-sdk/client-ec2.
 * An app group and a redis group admitting the app group and a CIDR, an interface in the app
 * group, a replication group naming the redis group (an unknown id refused), deletion refused
 * while anything depends on a group, revocation, and deletion once the cache group is gone.
 */
import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  AuthorizeSecurityGroupIngressCommand, DeleteNetworkInterfaceCommand, DescribeNetworkInterfacesCommand, DescribeSecurityGroupsCommand,
  EC2Client, ModifyNetworkInterfaceAttributeCommand, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { pythonWith, run } from '../helpers/e2e-exec.js';
import { signRequest } from '../helpers/sigv4-client.js';
import { waitAvailable } from '../helpers/groups.js';
import { skipOrFail } from '../helpers/prerequisites.js';

const BOTO3_SCRIPT = String.raw`
import json, sys
import boto3, botocore.exceptions
url, redis_sg, app_sg = sys.argv[1], sys.argv[2], sys.argv[3]
c = boto3.client('ec2', endpoint_url=url, region_name='us-east-1')
out = {}
g = c.describe_security_groups(GroupIds=[redis_sg])['SecurityGroups'][0]
out['ingress'] = g['IpPermissions']
out['byName'] = [x['GroupId'] for x in c.describe_security_groups(Filters=[{'Name': 'group-name', 'Values': ['redis-*']}])['SecurityGroups']]
rules = c.describe_security_group_rules(Filters=[{'Name': 'group-id', 'Values': [redis_sg]}])['SecurityGroupRules']
out['rules'] = sorted([r.get('CidrIpv4') or r['ReferencedGroupInfo']['GroupId'] for r in rules if not r['IsEgress']])
r = c.authorize_security_group_ingress(GroupId=redis_sg, IpPermissions=[{'IpProtocol': 'tcp', 'FromPort': 7000, 'ToPort': 7001,
    'IpRanges': [{'CidrIp': '10.9.0.0/16', 'Description': 'boto3 rule'}]}])
out['authorized'] = [r['Return'], [x['SecurityGroupRuleId'][:4] for x in r['SecurityGroupRules']]]
for label, call in [('duplicate', lambda: c.authorize_security_group_ingress(GroupId=redis_sg, IpPermissions=[{'IpProtocol': 'tcp',
        'FromPort': 7000, 'ToPort': 7001, 'IpRanges': [{'CidrIp': '10.9.0.0/16'}]}])),
    ('notFound', lambda: c.describe_security_groups(GroupIds=['sg-0123456789abcdef0'])),
    ('badCidr', lambda: c.authorize_security_group_ingress(GroupId=redis_sg, IpProtocol='tcp', FromPort=1, ToPort=1, CidrIp='10.0.0.1/33'))]:
    try:
        call()
        out[label] = 'accepted'
    except botocore.exceptions.ClientError as e:
        out[label] = [e.response['Error']['Code'], e.response['ResponseMetadata']['HTTPStatusCode']]
rid = [x['SecurityGroupRuleId'] for x in r['SecurityGroupRules']]
out['revoked'] = c.revoke_security_group_ingress(GroupId=redis_sg, SecurityGroupRuleIds=rid)['Return']
c.create_tags(Resources=[app_sg], Tags=[{'Key': 'team', 'Value': 'python'}])
out['tags'] = c.describe_security_groups(Filters=[{'Name': 'tag:team', 'Values': ['python']}])['SecurityGroups'][0]['Tags']
c.delete_tags(Resources=[app_sg], Tags=[{'Key': 'team'}])
print(json.dumps(out))
`;

describe('aws ec2 security groups on the service endpoint', { timeout: 180_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let ec2Client: EC2Client;
  let appSg = '';
  let redisSg = '';
  let eni = '';

  /** `aws <service> <args> --endpoint-url …`, parsed; the failure's stderr when `expectFailure`. */
  async function aws(service: 'ec2' | 'elasticache', args: string[], expectFailure = false): Promise<any> {
    const r = await run('aws', [service, ...args, '--endpoint-url', svc.url, '--output', 'json'], { env: svc.env, timeoutMs: 60_000 });
    if (expectFailure) {
      assert.notEqual(r.code, 0, `aws ${service} ${args.join(' ')} succeeded: ${r.stdout}`);
      return r.stderr;
    }
    if (r.code !== 0) throw new Error(`aws ${service} ${args.join(' ')} exited with ${r.code}: ${r.stderr}`);
    return r.stdout.trim() ? JSON.parse(r.stdout) : {};
  }
  const ec2 = (...args: string[]) => aws('ec2', args);
  const ec2Fails = (...args: string[]) => aws('ec2', args, true) as Promise<string>;

  before(async () => {
    svc = await startService(cleanup);
    ec2Client = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials, maxAttempts: 1 });
  });
  after(() => ec2Client?.destroy());

  test('create-security-group: app and redis groups, sg- ids, tags', async () => {
    const app = await ec2('create-security-group', '--group-name', 'application', '--description', 'App servers');
    appSg = app.GroupId;
    const redis = await ec2('create-security-group', '--group-name', 'redis-sg', '--description', 'Security group for ElastiCache Redis',
      '--tag-specifications', 'ResourceType=security-group,Tags=[{Key=env,Value=test}]');
    redisSg = redis.GroupId;
    assert.match(appSg, /^sg-[0-9a-f]{17}$/);
    assert.match(redisSg, /^sg-[0-9a-f]{17}$/);
    assert.deepEqual(redis.Tags, [{ Key: 'env', Value: 'test' }]);
    assert.match(await ec2Fails('create-security-group', '--group-name', 'redis-sg', '--description', 'again'), /InvalidGroup\.Duplicate/);
    assert.match(await ec2Fails('create-security-group', '--group-name', 'sg-bad', '--description', 'x'), /InvalidParameterValue/);
  });

  test('authorize-security-group-ingress: --ip-permissions (JSON and shorthand), --protocol/--port/--cidr, --source-group', async () => {
    const byGroup = await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--ip-permissions',
      JSON.stringify([{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: appSg, Description: 'Redis from application' }],
        IpRanges: [{ CidrIp: '127.0.1.0/24', Description: 'second host' }] }]));
    assert.equal(byGroup.Return, true);
    assert.equal(byGroup.SecurityGroupRules.length, 2);
    for (const r of byGroup.SecurityGroupRules) assert.match(r.SecurityGroupRuleId, /^sgr-[0-9a-f]{17}$/);
    assert.deepEqual(byGroup.SecurityGroupRules.map((r: any) => r.ReferencedGroupInfo?.GroupId ?? r.CidrIpv4).sort(), [appSg, '127.0.1.0/24'].sort());
    const byCidr = await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.0/24');
    assert.equal(byCidr.SecurityGroupRules[0].CidrIpv4, '127.0.0.0/24');
    await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6380-6381', '--source-group', appSg);
    await ec2('authorize-security-group-ingress', '--group-id', redisSg, '--ip-permissions',
      `IpProtocol=tcp,FromPort=6382,ToPort=6382,UserIdGroupPairs=[{GroupId=${appSg}}]`);
    assert.match(await ec2Fails('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.0/24'),
      /InvalidPermission\.Duplicate/);
    assert.match(await ec2Fails('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '10.0.0.1/33'),
      /InvalidParameterValue.*Value \(10\.0\.0\.1\/33\) for parameter cidrIp is invalid/);
    assert.match(await ec2Fails('authorize-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '1', '--source-group',
      'sg-0123456789abcdef0'), /InvalidGroup\.NotFound/);
  });

  test('describe-security-groups shows IpPermissions with UserIdGroupPairs and IpRanges, by ids, names and filters', async () => {
    const out = await ec2('describe-security-groups', '--group-ids', redisSg);
    const g = out.SecurityGroups[0];
    assert.equal(g.GroupName, 'redis-sg');
    assert.match(g.VpcId, /^vpc-[0-9a-f]+$/);
    assert.match(g.OwnerId, /^\d{12}$/);
    const p6379 = g.IpPermissions.find((p: any) => p.FromPort === 6379);
    assert.deepEqual(p6379.UserIdGroupPairs.map((x: any) => [x.GroupId, x.Description]), [[appSg, 'Redis from application']]);
    assert.deepEqual(p6379.IpRanges, [{ CidrIp: '127.0.1.0/24', Description: 'second host' }, { CidrIp: '127.0.0.0/24' }]);
    assert.deepEqual(g.IpPermissions.find((p: any) => p.FromPort === 6380).UserIdGroupPairs.map((x: any) => x.GroupId), [appSg]);
    assert.deepEqual(g.IpPermissionsEgress, [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] }]);
    const byName = await ec2('describe-security-groups', '--group-names', 'application');
    assert.deepEqual(byName.SecurityGroups.map((x: any) => x.GroupId), [appSg]);
    const filtered = await ec2('describe-security-groups', '--filters', `Name=vpc-id,Values=${g.VpcId}`, 'Name=tag:env,Values=test');
    assert.deepEqual(filtered.SecurityGroups.map((x: any) => x.GroupId), [redisSg]);
    const rules = await ec2('describe-security-group-rules', '--filters', `Name=group-id,Values=${redisSg}`);
    assert.equal(rules.SecurityGroupRules.filter((r: any) => !r.IsEgress).length, 5);
    assert.match(await ec2Fails('describe-security-groups', '--group-ids', 'sg-0123456789abcdef0'),
      /InvalidGroup\.NotFound.*The security group 'sg-0123456789abcdef0' does not exist/);
  });

  test('create-network-interface in the app group; describe by group and address; an address in use is refused', async () => {
    const out = await ec2('create-network-interface', '--subnet-id', 'subnet-app', '--private-ip-address', '127.0.0.50', '--groups', appSg,
      '--description', 'app host');
    eni = out.NetworkInterface.NetworkInterfaceId;
    assert.match(eni, /^eni-[0-9a-f]{17}$/);
    assert.equal(out.NetworkInterface.PrivateIpAddress, '127.0.0.50');
    assert.deepEqual(out.NetworkInterface.Groups, [{ GroupId: appSg, GroupName: 'application' }]);
    const byGroup = await ec2('describe-network-interfaces', '--filters', `Name=group-id,Values=${appSg}`);
    assert.deepEqual(byGroup.NetworkInterfaces.map((n: any) => n.NetworkInterfaceId), [eni]);
    const byAddress = await ec2('describe-network-interfaces', '--filters', 'Name=addresses.private-ip-address,Values=127.0.0.50');
    assert.deepEqual(byAddress.NetworkInterfaces.map((n: any) => n.NetworkInterfaceId), [eni]);
    assert.match(await ec2Fails('create-network-interface', '--subnet-id', 'subnet-app', '--private-ip-address', '127.0.0.50'), /InvalidIPAddress\.InUse/);
    await ec2('modify-network-interface-attribute', '--network-interface-id', eni, '--groups', appSg, redisSg);
    const byId = await ec2('describe-network-interfaces', '--network-interface-ids', eni);
    assert.deepEqual(byId.NetworkInterfaces[0].Groups.map((g: any) => g.GroupId), [appSg, redisSg]);
    const auto = await ec2('create-network-interface', '--subnet-id', 'subnet-app');
    assert.match(auto.NetworkInterface.PrivateIpAddress, /^127\.100\.\d+\.\d+$/);
    await ec2('delete-network-interface', '--network-interface-id', auto.NetworkInterface.NetworkInterfaceId);
  });

  test('create-replication-group --security-group-ids: the redis group is accepted, an unknown id refused', async () => {
    const refused = await aws('elasticache', ['create-replication-group', '--replication-group-id', 'sg-refused', '--replication-group-description', 'x',
      '--engine', 'redis', '--num-cache-clusters', '1', '--security-group-ids', 'sg-0123456789abcdef0'], true);
    assert.match(refused, /InvalidParameterValue.*Some security group Id not recognized by EC2: sg-0123456789abcdef0/);
    const out = await aws('elasticache', ['create-replication-group', '--replication-group-id', 'guarded', '--replication-group-description', 'guarded',
      '--engine', 'redis', '--cache-node-type', 'cache.t4g.micro', '--num-cache-clusters', '1', '--security-group-ids', redisSg]);
    assert.equal(out.ReplicationGroup.Status, 'creating');
    const described = await aws('elasticache', ['describe-cache-clusters', '--cache-cluster-id', 'guarded-001']);
    assert.deepEqual(described.CacheClusters[0].SecurityGroups, [{ SecurityGroupId: redisSg, Status: 'active' }]);
    const groups = await aws('elasticache', ['describe-replication-groups', '--replication-group-id', 'sg-refused'], true);
    assert.match(groups, /ReplicationGroupNotFoundFault/, 'the refused create left nothing behind');
  });

  test('delete-security-group is refused with DependencyViolation while anything depends on the group', async () => {
    assert.match(await ec2Fails('delete-security-group', '--group-id', redisSg),
      new RegExp(`DependencyViolation.*resource ${redisSg} has a dependent object`));
    assert.match(await ec2Fails('delete-security-group', '--group-id', appSg), /DependencyViolation/);
    assert.match(await ec2Fails('delete-security-group', '--group-name', 'application'), /DependencyViolation/);
  });

  test('boto3: describe, rules, authorize/revoke by rule id, EC2 error codes, tags', async (t) => {
    const py = await pythonWith('boto3');
    if (!py) return skipOrFail(t, 'no Python with boto3');
    const r = await run(py, ['-c', BOTO3_SCRIPT, svc.url, redisSg, appSg], { env: svc.env, timeoutMs: 60_000 });
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.byName, [redisSg]);
    assert.deepEqual(out.rules, ['127.0.0.0/24', '127.0.1.0/24', appSg, appSg, appSg].sort());
    assert.deepEqual(out.authorized, [true, ['sgr-']]);
    assert.deepEqual(out.duplicate, ['InvalidPermission.Duplicate', 400]);
    assert.deepEqual(out.notFound, ['InvalidGroup.NotFound', 400]);
    assert.deepEqual(out.badCidr, ['InvalidParameterValue', 400]);
    assert.equal(out.revoked, true);
    assert.deepEqual(out.tags, [{ Key: 'team', Value: 'python' }]);
  });

  test('@aws-sdk/client-ec2: modify the interface\'s groups, revoke rules, errors as EC2 codes', async () => {
    const ni = (await ec2Client.send(new DescribeNetworkInterfacesCommand({ NetworkInterfaceIds: [eni] }))).NetworkInterfaces![0]!;
    assert.deepEqual(ni.Groups!.map((g) => g.GroupName), ['application', 'redis-sg']);
    await ec2Client.send(new ModifyNetworkInterfaceAttributeCommand({ NetworkInterfaceId: eni, Groups: [appSg] }));
    const after = (await ec2Client.send(new DescribeNetworkInterfacesCommand({ Filters: [{ Name: 'group-id', Values: [redisSg] }] }))).NetworkInterfaces;
    assert.deepEqual(after, []);
    await assert.rejects(ec2Client.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: redisSg,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6380, ToPort: 6379, IpRanges: [{ CidrIp: '10.0.0.0/8' }] }] })),
    (e: any) => e.name === 'InvalidParameterValue' && e.$metadata.httpStatusCode === 400);
    const revoked = await ec2Client.send(new RevokeSecurityGroupIngressCommand({ GroupId: redisSg,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '127.0.0.0/24' }] }] }));
    assert.equal(revoked.Return, true);
    await assert.rejects(ec2Client.send(new RevokeSecurityGroupIngressCommand({ GroupId: redisSg,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, IpRanges: [{ CidrIp: '127.0.0.0/24' }] }] })),
    (e: any) => e.name === 'InvalidPermission.NotFound');
    const g = (await ec2Client.send(new DescribeSecurityGroupsCommand({ GroupIds: [redisSg] }))).SecurityGroups![0]!;
    assert.deepEqual(g.IpPermissions!.flatMap((p) => p.IpRanges!.map((r) => r.CidrIp)), ['127.0.1.0/24']);
  });

  test('a request for EC2 signed for elasticache is refused in EC2\'s error format', async () => {
    const body = 'Action=DescribeSecurityGroups&Version=2016-11-15';
    const signed = await signRequest(`${svc.url}/`, { body, credentials: svc.credentials, service: 'elasticache',
      headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    const res = await fetch(signed.url, { method: 'POST', headers: signed.headers, body });
    assert.equal(res.status, 403);
    const text = await res.text();
    assert.ok(text.includes('<Response><Errors><Error><Code>SignatureDoesNotMatch</Code>'), text);
  });

  test('revoke, delete the interface and the cache group: then delete-security-group works', async () => {
    await ec2('revoke-security-group-ingress', '--group-id', redisSg, '--ip-permissions',
      JSON.stringify([{ IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379, UserIdGroupPairs: [{ GroupId: appSg }] }]));
    await ec2('revoke-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6380-6381', '--source-group', appSg);
    assert.match(await ec2Fails('delete-security-group', '--group-id', appSg), /DependencyViolation.*a rule of security group/);
    await ec2('revoke-security-group-ingress', '--group-id', redisSg, '--ip-permissions',
      `IpProtocol=tcp,FromPort=6382,ToPort=6382,UserIdGroupPairs=[{GroupId=${appSg}}]`);
    assert.match(await ec2Fails('revoke-security-group-ingress', '--group-id', redisSg, '--protocol', 'tcp', '--port', '6379', '--cidr', '127.0.0.0/24'),
      /InvalidPermission\.NotFound/);
    const rules = (await ec2('describe-security-group-rules', '--filters', `Name=group-id,Values=${redisSg}`)).SecurityGroupRules;
    const second = rules.find((r: any) => r.CidrIpv4 === '127.0.1.0/24');
    const revoked = await ec2('revoke-security-group-ingress', '--group-id', redisSg, '--security-group-rule-ids', second.SecurityGroupRuleId);
    assert.deepEqual(revoked.RevokedSecurityGroupRules.map((r: any) => r.CidrIpv4), ['127.0.1.0/24']);
    await ec2Client.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni }));
    // No rule and no interface names the app group any more.
    assert.deepEqual(await ec2('delete-security-group', '--group-id', appSg), { Return: true, GroupId: appSg });
    assert.match(await ec2Fails('delete-security-group', '--group-id', redisSg), /DependencyViolation.*replication group guarded/);
    await waitAvailable(svc.client, 'guarded', 60_000);
    await aws('elasticache', ['delete-replication-group', '--replication-group-id', 'guarded']);
    const waited = await run('aws', ['elasticache', 'wait', 'replication-group-deleted', '--replication-group-id', 'guarded', '--endpoint-url', svc.url],
      { env: svc.env, timeoutMs: 90_000 });
    assert.equal(waited.code, 0, waited.stderr);
    assert.deepEqual(await ec2('delete-security-group', '--group-id', redisSg), { Return: true, GroupId: redisSg });
    assert.deepEqual((await ec2('describe-security-groups')).SecurityGroups, []);
  });
});
