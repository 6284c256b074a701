/**
 * The same user flow from Python: boto3 with its real waiters, modeled exceptions and
 * paginators against the service, and redis-py (when a Python with it is installed; redis-cli
 * otherwise) for the data path through the primary and reader endpoints.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { pythonWith, run, runOk, redisCli } from '../helpers/e2e-exec.js';
import { inCidr, isRedisServer, nodePids } from '../helpers/e2e-nodes.js';
import { waitFor } from '../../src/util/wait.js';
import { requireInCI } from '../helpers/prerequisites.js';


const CONTROL_SCRIPT = String.raw`
import json, sys, time
import boto3

url, phase = sys.argv[1], sys.argv[2]
c = boto3.client('elasticache', endpoint_url=url, region_name='us-east-1')
GROUP = 'py-group'
out = {}

def waiter(name):
    t0 = time.time()
    c.get_waiter(name).wait(ReplicationGroupId=GROUP, WaiterConfig={'Delay': 1, 'MaxAttempts': 60})
    return round(time.time() - t0, 2)

if phase == 'create':
    c.create_cache_subnet_group(CacheSubnetGroupName='py-subnets', CacheSubnetGroupDescription='boto3 subnets',
                                SubnetIds=['subnet-0a1', 'subnet-0b2'])
    r = c.create_replication_group(ReplicationGroupId=GROUP, ReplicationGroupDescription='from boto3', Engine='redis',
                                   EngineVersion='7.0', CacheNodeType='cache.t3.micro', NumCacheClusters=2,
                                   CacheSubnetGroupName='py-subnets', Tags=[{'Key': 'team', 'Value': 'python'}])
    out['createStatus'] = r['ReplicationGroup']['Status']
    try:
        c.create_replication_group(ReplicationGroupId=GROUP, ReplicationGroupDescription='again', NumCacheClusters=1)
        out['duplicate'] = 'accepted'
    except c.exceptions.ReplicationGroupAlreadyExistsFault as e:
        out['duplicate'] = e.response['Error']['Code']
    out['waitedSeconds'] = waiter('replication_group_available')
    out['group'] = c.describe_replication_groups(ReplicationGroupId=GROUP)['ReplicationGroups'][0]

elif phase == 'modify-delete':
    r = c.modify_replication_group(ReplicationGroupId=GROUP, ReplicationGroupDescription='changed by boto3',
                                   SnapshotRetentionLimit=5, ApplyImmediately=True)
    out['modifyAnswer'] = {k: r['ReplicationGroup'].get(k) for k in ('Description', 'SnapshotRetentionLimit', 'Status')}
    waiter('replication_group_available')
    g = c.describe_replication_groups(ReplicationGroupId=GROUP)['ReplicationGroups'][0]
    out['afterModify'] = {k: g.get(k) for k in ('Description', 'SnapshotRetentionLimit', 'Status')}
    out['memberRetention'] = [x['SnapshotRetentionLimit'] for x in c.describe_cache_clusters()['CacheClusters']
                              if x.get('ReplicationGroupId') == GROUP]
    out['tags'] = c.list_tags_for_resource(ResourceName=g['ARN'])['TagList']
    out['deleteStatus'] = c.delete_replication_group(ReplicationGroupId=GROUP)['ReplicationGroup']['Status']
    out['deleteWaitSeconds'] = waiter('replication_group_deleted')
    try:
        c.describe_replication_groups(ReplicationGroupId=GROUP)
        out['afterDelete'] = 'still there'
    except c.exceptions.ReplicationGroupNotFoundFault as e:
        out['afterDelete'] = e.response['Error']['Code']
    out['clustersLeft'] = [x['CacheClusterId'] for x in c.describe_cache_clusters()['CacheClusters']]

elif phase == 'paginate':
    for i in range(25):
        c.create_cache_subnet_group(CacheSubnetGroupName='pager-%02d' % i, CacheSubnetGroupDescription='page test %d' % i,
                                    SubnetIds=['subnet-p%02d' % i])
    pages = list(c.get_paginator('describe_cache_subnet_groups').paginate(PaginationConfig={'PageSize': 20}))
    out['pages'] = [[g['CacheSubnetGroupName'] for g in p['CacheSubnetGroups']] for p in pages]
    out['all'] = [g['CacheSubnetGroupName'] for g in c.describe_cache_subnet_groups(MaxRecords=100)['CacheSubnetGroups']]
    first = c.describe_cache_subnet_groups(MaxRecords=20)
    second = c.describe_cache_subnet_groups(MaxRecords=20, Marker=first['Marker'])
    out['manual'] = [len(first['CacheSubnetGroups']), len(second['CacheSubnetGroups']), 'Marker' in second]
    params = list(c.get_paginator('describe_cache_parameters').paginate(CacheParameterGroupName='default.redis7',
                                                                         PaginationConfig={'PageSize': 20}))
    out['parameterPages'] = [len(p['Parameters']) for p in params]
    out['parameterNames'] = [x['ParameterName'] for p in params for x in p['Parameters']]

print(json.dumps(out, default=str))
`;

const REDIS_PY_SCRIPT = String.raw`
import json, sys, time
import redis

ph, pp, rh, rp = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4])
out = {}
p = redis.Redis(host=ph, port=pp, socket_timeout=5)
out['set'] = p.set('py:key', 'hello from redis-py')
pipe = p.pipeline()
for i in range(100):
    pipe.set('py:n:%d' % i, i)
out['pipelined'] = sum(1 for x in pipe.execute() if x)
out['primaryRole'] = p.info('replication')['role']
r = redis.Redis(host=rh, port=rp, socket_timeout=5)
deadline = time.time() + 10
while True:
    v, last = r.get('py:key'), r.get('py:n:99')
    if (v is not None and last is not None) or time.time() > deadline:
        break
    time.sleep(0.05)
out['readerValue'] = v.decode() if v is not None else None
out['readerLast'] = last.decode() if last is not None else None
out['readerRole'] = r.info('replication')['role']
try:
    r.set('py:via-reader', 'x')
    out['readerWrite'] = 'accepted'
except redis.exceptions.ReadOnlyError:
    out['readerWrite'] = 'READONLY'
print(json.dumps(out))
`;

describe('boto3 and redis-py', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let dir: string;
  let boto3Python: string;
  let group: any;

  async function control(phase: string): Promise<any> {
    const r = await runOk(boto3Python, [join(dir, 'control.py'), svc.url, phase], { env: svc.env, timeoutMs: 90_000 });
    return JSON.parse(r.stdout.trim().split('\n').pop()!);
  }

  before(async () => {
    const [s, py] = await Promise.all([startService(cleanup), pythonWith('boto3')]);
    svc = s;
    assert.ok(py, "no Python with boto3 (tried python3 and /usr/bin/python3)");
    boto3Python = py;
    dir = await cleanup.tmpDir('cachefleet-e2e-py-');
    await writeFile(join(dir, 'control.py'), CONTROL_SCRIPT);
    await writeFile(join(dir, 'redis_check.py'), REDIS_PY_SCRIPT);
  });

  test('create_replication_group → waiter replication_group_available → describe', async () => {
    const out = await control('create');
    assert.equal(out.createStatus, 'creating');
    assert.equal(out.duplicate, 'ReplicationGroupAlreadyExists', 'a duplicate id raises the modeled ReplicationGroupAlreadyExistsFault');
    assert.ok(out.waitedSeconds < 60);
    group = out.group;
    assert.equal(group.ReplicationGroupId, 'py-group');
    assert.equal(group.Status, 'available');
    assert.equal(group.Description, 'from boto3');
    assert.equal(group.CacheNodeType, 'cache.t3.micro');
    assert.deepEqual(group.MemberClusters, ['py-group-001', 'py-group-002']);
    const ng = group.NodeGroups[0];
    assert.deepEqual(ng.NodeGroupMembers.map((m: any) => m.CurrentRole), ['primary', 'replica']);
    assert.deepEqual(ng.NodeGroupMembers.map((m: any) => m.PreferredAvailabilityZone), ['us-east-1a', 'us-east-1b']);
    for (const ep of [ng.PrimaryEndpoint, ng.ReaderEndpoint]) {
      assert.ok(inCidr(ep.Address, svc.cidr), `${ep.Address} not in ${svc.cidr}`);
      assert.equal(ep.Port, 6379);
    }
  });

  test('write through the primary endpoint, read through the reader endpoint (redis-py, else redis-cli)', async (t) => {
    const ng = group.NodeGroups[0];
    const { Address: ph, Port: pp } = ng.PrimaryEndpoint;
    const { Address: rh, Port: rp } = ng.ReaderEndpoint;
    const redisPython = await pythonWith('redis');
    if (redisPython) {
      t.diagnostic(`redis-py from ${redisPython}`);
      const r = await runOk(redisPython, [join(dir, 'redis_check.py'), ph, String(pp), rh, String(rp)], { timeoutMs: 30_000 });
      const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
      assert.deepEqual(out, {
        set: true, pipelined: 100, primaryRole: 'master',
        readerValue: 'hello from redis-py', readerLast: '99', readerRole: 'slave', readerWrite: 'READONLY',
      });
    } else {
      requireInCI('no Python with redis-py');
      t.diagnostic('no Python with redis-py: the data path runs through redis-cli');
      assert.equal(await redisCli(ph, pp, 'set', 'py:key', 'hello'), 'OK');
      await waitFor(async () => (await redisCli(rh, rp, 'get', 'py:key')) === 'hello', { timeoutMs: 10_000, intervalMs: 100, what: 'replication' });
      assert.match(await redisCli(rh, rp, 'role'), /^slave\n/);
    }
  });

  test('modify_replication_group (description, snapshot retention) → delete → waiter replication_group_deleted', async () => {
    const pids = await nodePids(svc.dataDir);
    assert.deepEqual([...pids.keys()].sort(), ['py-group-001-0001', 'py-group-002-0001']);
    const out = await control('modify-delete');
    assert.deepEqual(out.modifyAnswer.Description, 'changed by boto3');
    assert.deepEqual(out.modifyAnswer.SnapshotRetentionLimit, 5);
    assert.deepEqual(out.afterModify, { Description: 'changed by boto3', SnapshotRetentionLimit: 5, Status: 'available' });
    assert.deepEqual(out.memberRetention, [5, 5], 'the member clusters take the new snapshot retention');
    assert.deepEqual(out.tags, [{ Key: 'team', Value: 'python' }]);
    assert.equal(out.deleteStatus, 'deleting');
    assert.equal(out.afterDelete, 'ReplicationGroupNotFoundFault');
    assert.deepEqual(out.clustersLeft, []);
    for (const [key, pid] of pids) {
      await waitFor(async () => !(await isRedisServer(pid)), { timeoutMs: 10_000, what: `node ${key} (pid ${pid}) to exit` });
    }
  });

  test('paginators: 25 subnet groups in pages of 20, parameters in pages of 20', async () => {
    const out = await control('paginate');
    const pages = out.pages as string[][];
    assert.equal(pages.length, 2, `expected two pages, got ${pages.map((p) => p.length).join(' + ')}`);
    assert.equal(pages[0]!.length, 20);
    const paged = pages.flat();
    assert.equal(new Set(paged).size, paged.length, 'no name is listed twice');
    assert.deepEqual(paged, out.all, 'the pages add up to the unpaginated list, in order');
    for (let i = 0; i < 25; i++) assert.ok(paged.includes(`pager-${String(i).padStart(2, '0')}`), `pager-${i} missing`);
    assert.deepEqual(out.manual, [20, paged.length - 20, false]);
    const paramPages = out.parameterPages as number[];
    assert.ok(paramPages.length >= 2 && paramPages.slice(0, -1).every((n) => n === 20), `parameter pages: ${paramPages.join(', ')}`);
    assert.equal(new Set(out.parameterNames).size, out.parameterNames.length);
    assert.ok(out.parameterNames.includes('maxmemory-policy'));
  });
});
