// The EC2 API on the ElastiCache endpoint: Version=2016-11-15 selects it, its credential scope
// names `ec2`, its errors are EC2's XML; ElastiCache requests are served as before.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { CreateSecurityGroupCommand, DescribeSecurityGroupsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeCacheSubnetGroupsCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { buildRegistry } from '../actions/registry.js';
import { makeTestServices, type TestServices } from '../actions/test-services.js';
import { createAuthenticator } from '../auth/authenticate.js';
import { createApiServer } from '../http.js';
import { buildEc2Registry } from './actions/registry.js';
import { signRequest } from '../../../test/helpers/sigv4-client.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
let t: TestServices;
let app: ReturnType<typeof createApiServer>;
let base = '';
let ec2: EC2Client;
let elasticache: ElastiCacheClient;

before(async () => {
  t = await makeTestServices();
  app = createApiServer({
    actions: buildRegistry(t.svc), ec2Actions: buildEc2Registry(t.svc),
    beforeAction: createAuthenticator({ secretFor: (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined) }),
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`;
  ec2 = new EC2Client({ endpoint: base, region: 'us-east-1', maxAttempts: 1, credentials: KEY });
  elasticache = new ElastiCacheClient({ endpoint: base, region: 'us-east-1', maxAttempts: 1, credentials: KEY });
});
after(async () => {
  ec2.destroy();
  elasticache.destroy();
  await app.close();
  await t.close();
});

/** POSTs `body` signed for `service`. */
async function post(body: string, service: string): Promise<{ status: number; text: string }> {
  const { headers } = await signRequest(`${base}/`, { body, service, credentials: KEY, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  const res = await fetch(`${base}/`, { method: 'POST', headers, body });
  return { status: res.status, text: await res.text() };
}

test('@aws-sdk/client-ec2 and the ElastiCache client are both served on one endpoint', async () => {
  const created = await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'web', Description: 'web servers' }));
  assert.match(created.GroupId!, /^sg-[0-9a-f]{17}$/);
  const described = await ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: [created.GroupId!] }));
  assert.equal(described.SecurityGroups![0]!.GroupName, 'web');
  assert.match(described.$metadata.requestId ?? '', /./);
  const subnets = await elasticache.send(new DescribeCacheSubnetGroupsCommand({}));
  assert.equal(subnets.CacheSubnetGroups![0]!.CacheSubnetGroupName, 'default');
});

test('EC2 errors: EC2\'s XML and a 400, which the SDK surfaces as the EC2 code', async () => {
  await assert.rejects(ec2.send(new DescribeSecurityGroupsCommand({ GroupIds: ['sg-0123456789abcdef0'] })), (e: Record<string, any>) => {
    assert.equal(e.name, 'InvalidGroup.NotFound');
    assert.equal(e.message, "The security group 'sg-0123456789abcdef0' does not exist");
    assert.equal(e.$metadata.httpStatusCode, 400);
    return true;
  });
  const r = await post('Action=DescribeSecurityGroups&Version=2016-11-15&GroupId.1=nope', 'ec2');
  assert.equal(r.status, 400);
  assert.match(r.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<Response><Errors><Error><Code>InvalidGroupId\.Malformed<\/Code><Message>[^<]+<\/Message><\/Error><\/Errors><RequestID>[^<]+<\/RequestID><\/Response>$/);
  for (const [body, code] of [
    ['Action=RunInstances&Version=2016-11-15', 'InvalidAction'],
    ['Action=DescribeSecurityGroups&Version=2016-11-15&Colour=blue', 'UnknownParameter'],
    ['Version=2016-11-15', 'MissingAction'],
  ] as const) {
    const res = await post(body, 'ec2');
    assert.equal(res.status, 400, body);
    assert.ok(res.text.includes(`<Response><Errors><Error><Code>${code}</Code>`), res.text);
  }
});

test('the credential scope must name the API\'s service: ec2 for EC2, elasticache for ElastiCache', async () => {
  const wrongForEc2 = await post('Action=DescribeSecurityGroups&Version=2016-11-15', 'elasticache');
  assert.equal(wrongForEc2.status, 403);
  assert.ok(wrongForEc2.text.includes('<Response><Errors><Error><Code>SignatureDoesNotMatch</Code>'), wrongForEc2.text);
  assert.ok(wrongForEc2.text.includes("Credential should be scoped to correct service: 'ec2'"));
  const wrongForElastiCache = await post('Action=DescribeCacheSubnetGroups&Version=2015-02-02', 'ec2');
  assert.equal(wrongForElastiCache.status, 403);
  assert.ok(wrongForElastiCache.text.includes('<ErrorResponse'), 'ElastiCache keeps its own error format');
  assert.ok(wrongForElastiCache.text.includes("scoped to correct service: 'elasticache'"));
  const ok = await post('Action=DescribeSecurityGroups&Version=2016-11-15', 'ec2');
  assert.equal(ok.status, 200);
  assert.match(ok.text, /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<DescribeSecurityGroupsResponse xmlns="http:\/\/ec2\.amazonaws\.com\/doc\/2016-11-15\/"><requestId>/);
  const unsigned = await fetch(`${base}/`, { method: 'POST', body: 'Action=DescribeSecurityGroups&Version=2016-11-15',
    headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.equal(unsigned.status, 403);
  assert.ok((await unsigned.text()).includes('<Code>MissingAuthenticationToken</Code>'));
});
