/**
 * Invalid requests as raw HTTP: each answered with the AWS error code and HTTP status the
 * ElastiCache model gives it, the service still healthy after each one, and nothing
 * half-created: no group, cluster, node directory, redis-server process or endpoint address
 * left behind by a request that failed.
 */
import { describe, test, before } from 'node:test';
import assert from 'node:assert/strict';
import { useCleanup } from '../helpers/cleanup.js';
import { startService, type TestService } from '../helpers/service.js';
import { runOk } from '../helpers/e2e-exec.js';
import { lastOctet, nodeDirs, nodePids, redisServersUsing } from '../helpers/e2e-nodes.js';
import { asList, call, form, healthy, query, type QueryResponse } from '../helpers/e2e-query.js';
import { waitFor } from '../../src/util/wait.js';

interface Case {
  name: string;
  body: string | Uint8Array;
  /** Expected error code(s); several only where the outcome legitimately depends on timing. */
  code: string | string[];
  status: number | number[];
  message?: RegExp;
  path?: string;
  method?: string;
}

const CRG = (params: Record<string, string | number | boolean>) =>
  form('CreateReplicationGroup', { ReplicationGroupDescription: 'bad input', CacheNodeType: 'cache.t3.micro', ...params });
const MODIFY_PG = (group: string, name: string, value: string) => form('ModifyCacheParameterGroup', {
  CacheParameterGroupName: group,
  'ParameterNameValues.ParameterNameValue.1.ParameterName': name,
  'ParameterNameValues.ParameterNameValue.1.ParameterValue': value,
});

describe('bad input', { timeout: 120_000 }, () => {
  const cleanup = useCleanup();
  let svc: TestService;
  let installed: string;
  let raceWinners = 0;
  /** Replication groups created by invalid requests the service accepted (reported, then deleted). */
  const wronglyAccepted: string[] = [];

  async function groupIds(): Promise<string[]> {
    const r = await call(svc.url, 'DescribeReplicationGroups');
    return asList((r['ReplicationGroups'] as any)?.ReplicationGroup).map((g: any) => g.ReplicationGroupId).sort();
  }

  async function clusters(): Promise<any[]> {
    const r = await call(svc.url, 'DescribeCacheClusters', { ShowCacheNodeInfo: true });
    return asList((r['CacheClusters'] as any)?.CacheCluster);
  }

  before(async () => {
    // Over-commit 1: the capacity case (6 × cache.r6g.16xlarge, 2.5 TiB of maxmemory) exceeds any test host.
    svc = await startService(cleanup, { args: ['--memory-overcommit', '1'] });
    installed = /v=(\d+\.\d+\.\d+)/.exec((await runOk('redis-server', ['--version'])).stdout)![1]!;
    await call(svc.url, 'CreateCacheSubnetGroup', { CacheSubnetGroupName: 'bad-sng', CacheSubnetGroupDescription: 'used',
      'SubnetIds.SubnetIdentifier.1': 'subnet-1111', 'SubnetIds.SubnetIdentifier.2': 'subnet-2222' });
    await call(svc.url, 'CreateCacheParameterGroup', { CacheParameterGroupName: 'bad-pg', CacheParameterGroupFamily: 'redis7', Description: 'used' });
    await call(svc.url, 'CreateCacheParameterGroup', { CacheParameterGroupName: 'bad-pg-gone', CacheParameterGroupFamily: 'redis7', Description: 'deleted' });
    await call(svc.url, 'CreateReplicationGroup', { ReplicationGroupId: 'bad-rg', ReplicationGroupDescription: 'valid',
      CacheNodeType: 'cache.t3.micro', NumCacheClusters: 1, CacheSubnetGroupName: 'bad-sng', CacheParameterGroupName: 'bad-pg' });
    await call(svc.url, 'CreateReplicationGroup', { ReplicationGroupId: 'bad-del', ReplicationGroupDescription: 'deleted twice',
      CacheNodeType: 'cache.t3.micro', NumCacheClusters: 1 });
    await waitFor(async () => {
      const r = await call(svc.url, 'DescribeReplicationGroups');
      const gs = asList((r['ReplicationGroups'] as any)?.ReplicationGroup);
      return gs.length === 2 && gs.every((g: any) => g.Status === 'available');
    }, { timeoutMs: 30_000, intervalMs: 100, what: 'bad-rg and bad-del to be available' });
    // The first deletes of "delete twice" are valid requests.
    await call(svc.url, 'DeleteReplicationGroup', { ReplicationGroupId: 'bad-del' });
    await call(svc.url, 'DeleteCacheParameterGroup', { CacheParameterGroupName: 'bad-pg-gone' });
  });

  test('two concurrent creates of one replication group id: exactly one wins', async () => {
    const body = CRG({ ReplicationGroupId: 'bad-race', NumCacheClusters: 1 });
    const answers = await Promise.all(Array.from({ length: 4 }, () => query(svc.url, body)));
    const ok = answers.filter((a) => a.status === 200);
    const refused = answers.filter((a) => a.status !== 200);
    assert.equal(ok.length, 1, `answers: ${answers.map((a) => a.status + ' ' + (a.error?.code ?? '')).join(', ')}`);
    for (const r of refused) assert.equal(r.error?.code, 'ReplicationGroupAlreadyExists', r.text);
    raceWinners = ok.length;
  });

  test('every invalid request gets its AWS error, and the service stays up', async (t) => {
    const invalidUtf8 = new Uint8Array([...new TextEncoder().encode('Action=DescribeCacheClusters&Version=2015-02-02&CacheClusterId=ab'), 0xff, 0xfe, 0x80]);
    const huge = `${form('CreateCacheParameterGroup', { CacheParameterGroupName: 'bad-huge', CacheParameterGroupFamily: 'redis7' })}&Description=${'x'.repeat(2 * 1024 * 1024)}`;
    const longValue = `${form('CreateCacheParameterGroup', { CacheParameterGroupName: 'bad-long', CacheParameterGroupFamily: 'redis7' })}&Description=${'y'.repeat(300 * 1024)}`;
    const accountId = /:(\d{12}):/.exec(JSON.stringify(await call(svc.url, 'DescribeCacheSubnetGroups', { CacheSubnetGroupName: 'bad-sng' })))![1];
    const arn = (type: string, id: string) => `arn:aws:elasticache:us-east-1:${accountId}:${type}:${id}`;

    const cases: Case[] = [
      // Protocol level
      { name: 'no Action', body: 'Version=2015-02-02&CacheClusterId=x', code: 'MissingAction', status: 400 },
      { name: 'empty body', body: '', code: 'MissingAction', status: 400 },
      { name: 'unknown action', body: form('CreateCacheRainbow'), code: 'InvalidAction', status: 400, message: /CreateCacheRainbow/ },
      { name: 'invalid percent-encoding', body: 'Action=DescribeCacheClusters&Version=2015-02-02&CacheClusterId=%ZZ', code: 'MalformedQueryString', status: 404 },
      { name: 'non-UTF-8 bytes', body: invalidUtf8, code: 'MalformedQueryString', status: 404 },
      { name: '2 MiB body', body: huge, code: 'RequestEntityTooLarge', status: 413 },
      { name: '300 KiB value', body: longValue, code: 'InvalidParameterValue', status: 400, message: /too long/ },
      { name: 'POST to another path', body: form('DescribeCacheClusters'), path: '/v1/clusters', code: 'NotFound', status: 404 },
      { name: 'GET query string, unknown cluster', body: '', method: 'GET',
        path: `/?${form('DescribeCacheClusters', { CacheClusterId: 'no-such-cluster' })}`, code: 'CacheClusterNotFound', status: 404 },
      // Missing required members
      { name: 'CreateReplicationGroup without description', body: form('CreateReplicationGroup', { ReplicationGroupId: 'x1' }),
        code: 'MissingParameter', status: 400, message: /ReplicationGroupDescription/ },
      { name: 'CreateReplicationGroup without id', body: form('CreateReplicationGroup', { ReplicationGroupDescription: 'd' }),
        code: 'MissingParameter', status: 400, message: /ReplicationGroupId/ },
      { name: 'CreateCacheSubnetGroup without SubnetIds', body: form('CreateCacheSubnetGroup', { CacheSubnetGroupName: 'x2', CacheSubnetGroupDescription: 'd' }),
        code: 'MissingParameter', status: 400, message: /SubnetIds/ },
      { name: 'CreateCacheParameterGroup without family', body: form('CreateCacheParameterGroup', { CacheParameterGroupName: 'x3', Description: 'd' }),
        code: 'MissingParameter', status: 400, message: /CacheParameterGroupFamily/ },
      { name: 'DeleteCacheCluster without id', body: form('DeleteCacheCluster'), code: 'MissingParameter', status: 400 },
      // Wrong types
      { name: 'NumCacheClusters=abc', body: CRG({ ReplicationGroupId: 'x4', NumCacheClusters: 'abc' }), code: 'InvalidParameterValue', status: 400, message: /NumCacheClusters/ },
      { name: 'AutomaticFailoverEnabled=maybe', body: CRG({ ReplicationGroupId: 'x5', AutomaticFailoverEnabled: 'maybe' }), code: 'InvalidParameterValue', status: 400, message: /AutomaticFailoverEnabled/ },
      { name: 'Port=http', body: CRG({ ReplicationGroupId: 'x6', Port: 'http' }), code: 'InvalidParameterValue', status: 400, message: /Port/ },
      { name: 'list index gap', body: form('CreateCacheSubnetGroup', { CacheSubnetGroupName: 'x7', CacheSubnetGroupDescription: 'd', 'SubnetIds.SubnetIdentifier.2': 's' }),
        code: 'InvalidParameterValue', status: 400 },
      // Out of range
      { name: 'NumCacheClusters=0', body: CRG({ ReplicationGroupId: 'x8', NumCacheClusters: 0 }), code: 'InvalidParameterValue', status: 400 },
      { name: 'NumCacheClusters=7', body: CRG({ ReplicationGroupId: 'x9', NumCacheClusters: 7 }), code: 'InvalidParameterValue', status: 400 },
      { name: 'ReplicasPerNodeGroup=6', body: CRG({ ReplicationGroupId: 'x10', ReplicasPerNodeGroup: 6 }), code: 'InvalidParameterValue', status: 400 },
      { name: 'Port=70000', body: CRG({ ReplicationGroupId: 'x11', Port: 70000 }), code: 'InvalidParameterValue', status: 400 },
      { name: 'SnapshotRetentionLimit=36', body: CRG({ ReplicationGroupId: 'x12', SnapshotRetentionLimit: 36 }), code: 'InvalidParameterValue', status: 400 },
      { name: 'MaxRecords=5', body: form('DescribeCacheClusters', { MaxRecords: 5 }), code: 'InvalidParameterValue', status: 400, message: /MaxRecords/ },
      { name: 'MaxRecords=101', body: form('DescribeReplicationGroups', { MaxRecords: 101 }), code: 'InvalidParameterValue', status: 400, message: /MaxRecords/ },
      { name: 'SnapshotWindow 30 minutes', body: CRG({ ReplicationGroupId: 'x13', SnapshotWindow: '03:00-03:30' }), code: 'InvalidParameterValue', status: 400 },
      { name: 'maintenance window on a day that does not exist', body: CRG({ ReplicationGroupId: 'x14', PreferredMaintenanceWindow: 'fun:05:00-sun:06:00' }),
        code: 'InvalidParameterValue', status: 400 },
      // Bad enums
      { name: 'SourceType=bogus', body: form('DescribeEvents', { SourceType: 'bogus' }), code: 'InvalidParameterValue', status: 400, message: /SourceType/ },
      { name: 'NetworkType=ipv7', body: CRG({ ReplicationGroupId: 'x15', NetworkType: 'ipv7' }), code: 'InvalidParameterValue', status: 400, message: /NetworkType/ },
      // Invalid identifiers
      { name: 'id starting with a digit', body: CRG({ ReplicationGroupId: '1abc' }), code: 'InvalidParameterValue', status: 400, message: /1abc/ },
      { name: 'id with a double hyphen', body: CRG({ ReplicationGroupId: 'a--b' }), code: 'InvalidParameterValue', status: 400 },
      { name: 'id with a trailing hyphen', body: CRG({ ReplicationGroupId: 'abc-' }), code: 'InvalidParameterValue', status: 400 },
      { name: 'id of 41 characters', body: CRG({ ReplicationGroupId: `a${'b'.repeat(40)}` }), code: 'InvalidParameterValue', status: 400 },
      { name: 'id with an underscore', body: CRG({ ReplicationGroupId: 'a_b' }), code: 'InvalidParameterValue', status: 400 },
      // Duplicates
      { name: 'duplicate replication group', body: CRG({ ReplicationGroupId: 'bad-rg' }), code: 'ReplicationGroupAlreadyExists', status: 400 },
      { name: 'duplicate replication group, other case', body: CRG({ ReplicationGroupId: 'BAD-RG' }), code: 'ReplicationGroupAlreadyExists', status: 400 },
      { name: 'duplicate subnet group', body: form('CreateCacheSubnetGroup', { CacheSubnetGroupName: 'bad-sng', CacheSubnetGroupDescription: 'd', 'SubnetIds.SubnetIdentifier.1': 's' }),
        code: 'CacheSubnetGroupAlreadyExists', status: 400 },
      { name: 'duplicate parameter group', body: form('CreateCacheParameterGroup', { CacheParameterGroupName: 'bad-pg', CacheParameterGroupFamily: 'redis7', Description: 'd' }),
        code: 'CacheParameterGroupAlreadyExists', status: 400 },
      { name: 'cache cluster id taken by a group member', body: form('CreateCacheCluster', { CacheClusterId: 'bad-rg-001', CacheNodeType: 'cache.t3.micro' }),
        code: 'CacheClusterAlreadyExists', status: 400 },
      // Unknown resources (NotFound faults, statuses from the model)
      { name: 'unknown parameter group', body: CRG({ ReplicationGroupId: 'x16', CacheParameterGroupName: 'no-such-pg' }), code: 'CacheParameterGroupNotFound', status: 404 },
      { name: 'unknown subnet group', body: CRG({ ReplicationGroupId: 'x17', CacheSubnetGroupName: 'no-such-sng' }), code: 'CacheSubnetGroupNotFoundFault', status: 400 },
      { name: 'unknown replication group', body: form('DescribeReplicationGroups', { ReplicationGroupId: 'no-such-rg' }), code: 'ReplicationGroupNotFoundFault', status: 404 },
      { name: 'unknown cache cluster', body: form('DescribeCacheClusters', { CacheClusterId: 'no-such-cluster' }), code: 'CacheClusterNotFound', status: 404 },
      { name: 'replica for an unknown group', body: form('CreateCacheCluster', { CacheClusterId: 'x18', ReplicationGroupId: 'no-such-rg' }),
        code: 'ReplicationGroupNotFoundFault', status: 404 },
      { name: 'reboot an unknown cluster', body: form('RebootCacheCluster', { CacheClusterId: 'no-such-cluster', 'CacheNodeIdsToReboot.CacheNodeId.1': '0001' }),
        code: 'CacheClusterNotFound', status: 404 },
      { name: 'modify an unknown parameter group', body: MODIFY_PG('no-such-pg', 'maxmemory-policy', 'allkeys-lru'), code: 'CacheParameterGroupNotFound', status: 404 },
      // Parameter groups
      { name: 'modify a default parameter group', body: MODIFY_PG('default.redis7', 'maxmemory-policy', 'allkeys-lru'), code: 'InvalidCacheParameterGroupState', status: 400 },
      { name: 'unknown parameter name', body: MODIFY_PG('bad-pg', 'no-such-parameter', '1'), code: 'InvalidParameterValue', status: 400, message: /no-such-parameter/ },
      { name: 'invalid parameter value', body: MODIFY_PG('bad-pg', 'maxmemory-policy', 'nope'), code: 'InvalidParameterValue', status: 400, message: /nope/ },
      { name: 'non-modifiable parameter', body: MODIFY_PG('bad-pg', 'appendonly', 'yes'), code: 'InvalidParameterValue', status: 400, message: /appendonly/ },
      { name: 'unknown family', body: form('CreateCacheParameterGroup', { CacheParameterGroupName: 'x19', CacheParameterGroupFamily: 'redis99', Description: 'd' }),
        code: 'InvalidParameterValue', status: 400 },
      // Combinations and engine
      { name: 'automatic failover with 1 cluster', body: CRG({ ReplicationGroupId: 'x20', NumCacheClusters: 1, AutomaticFailoverEnabled: true }),
        code: 'InvalidParameterCombination', status: 400 },
      { name: 'Multi-AZ without automatic failover', body: CRG({ ReplicationGroupId: 'x21', NumCacheClusters: 2, MultiAZEnabled: true }),
        code: 'InvalidParameterCombination', status: 400 },
      { name: 'NumCacheClusters and ReplicasPerNodeGroup disagree', body: CRG({ ReplicationGroupId: 'x22', NumCacheClusters: 2, ReplicasPerNodeGroup: 3 }),
        code: 'InvalidParameterCombination', status: 400 },
      { name: 'engine major not installed', body: CRG({ ReplicationGroupId: 'x23', EngineVersion: '6.2' }), code: 'InvalidParameterValue', status: 400,
        message: new RegExp(`6\\.2.*${installed.replace(/\./g, '\\.')}`) },
      { name: 'engine version that is no version', body: CRG({ ReplicationGroupId: 'x24', EngineVersion: 'banana' }), code: 'InvalidParameterValue', status: 400 },
      { name: 'engine memcached', body: CRG({ ReplicationGroupId: 'x25', Engine: 'memcached' }), code: 'InvalidParameterValue', status: 400, message: /memcached/ },
      { name: 'unknown node type', body: CRG({ ReplicationGroupId: 'x26', CacheNodeType: 'cache.x9.huge' }), code: 'InvalidParameterValue', status: 400, message: /cache\.x9\.huge/ },
      // The catalog marks m3/r3 as previous generation: "ElastiCache keeps existing clusters but creates no new ones".
      { name: 'previous-generation node type for a new group', body: CRG({ ReplicationGroupId: 'x30', CacheNodeType: 'cache.m3.medium' }),
        code: 'InvalidParameterValue', status: 400, message: /cache\.m3\.medium/ },
      { name: 'capacity overflow', body: CRG({ ReplicationGroupId: 'x27', CacheNodeType: 'cache.r6g.16xlarge', NumCacheClusters: 6 }),
        code: 'InsufficientCacheClusterCapacity', status: 400 },
      { name: 'preferred AZ outside the subnet group', body: CRG({ ReplicationGroupId: 'x28', NumCacheClusters: 2, CacheSubnetGroupName: 'bad-sng',
        'PreferredCacheClusterAZs.AvailabilityZone.1': 'us-east-1a', 'PreferredCacheClusterAZs.AvailabilityZone.2': 'us-east-1f' }),
        code: 'InvalidParameterValue', status: 400, message: /us-east-1f/ },
      { name: 'NumCacheNodes=2 for redis', body: form('CreateCacheCluster', { CacheClusterId: 'x29', CacheNodeType: 'cache.t3.micro', NumCacheNodes: 2 }),
        code: 'InvalidParameterValue', status: 400 },
      { name: 'CreateCacheCluster without CacheNodeType', body: form('CreateCacheCluster', { CacheClusterId: 'x31' }),
        code: 'InvalidParameterValue', status: 400, message: /The parameter CacheNodeType must be provided and must not be null/ },
      { name: 'Outpost placement (PreferredOutpostArn)', body: form('CreateCacheCluster', { CacheClusterId: 'x32', CacheNodeType: 'cache.t3.micro',
        PreferredOutpostArn: 'arn:aws:outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0' }), code: 'InvalidParameterValue', status: 400, message: /Outposts/ },
      { name: 'Outpost placement (NodeGroupConfiguration PrimaryOutpostArn)', body: CRG({ ReplicationGroupId: 'x33', 'NodeGroupConfiguration.NodeGroupConfiguration.1.PrimaryOutpostArn':
        'arn:aws:outposts:us-east-1:123456789012:outpost/op-0123456789abcdef0' }), code: 'InvalidParameterValue', status: 400, message: /Outposts/ },
      { name: 'user with AuthenticationMode password but no passwords', body: form('CreateUser', { UserId: 'x34', UserName: 'x34', Engine: 'redis',
        AccessString: 'on ~* +@all', NoPasswordRequired: false, 'AuthenticationMode.Type': 'password' }), code: 'InvalidParameterCombination', status: 400 },
      // Pagination and tags
      { name: 'invalid Marker', body: form('DescribeCacheClusters', { Marker: 'not-a-marker' }), code: 'InvalidParameterValue', status: 400, message: /Marker/ },
      { name: 'invalid ARN for tags', body: form('ListTagsForResource', { ResourceName: 'not-an-arn' }), code: 'InvalidARN', status: 400 },
      { name: 'ARN of another account', body: form('ListTagsForResource', { ResourceName: 'arn:aws:elasticache:us-east-1:000000000000:cluster:bad-rg-001' }),
        code: 'InvalidARN', status: 400 },
      { name: 'ARN of a missing cluster', body: form('ListTagsForResource', { ResourceName: arn('cluster', 'no-such-cluster') }), code: 'CacheClusterNotFound', status: 404 },
      { name: 'reserved tag key', body: form('AddTagsToResource', { ResourceName: arn('replicationgroup', 'bad-rg'),
        'Tags.Tag.1.Key': 'aws:owner', 'Tags.Tag.1.Value': 'x' }), code: 'InvalidParameterValue', status: 400 },
      // State conflicts
      { name: 'delete a subnet group in use', body: form('DeleteCacheSubnetGroup', { CacheSubnetGroupName: 'bad-sng' }), code: 'CacheSubnetGroupInUse', status: 400 },
      { name: 'delete a parameter group in use', body: form('DeleteCacheParameterGroup', { CacheParameterGroupName: 'bad-pg' }), code: 'InvalidCacheParameterGroupState', status: 400 },
      { name: 'delete a parameter group twice', body: form('DeleteCacheParameterGroup', { CacheParameterGroupName: 'bad-pg-gone' }), code: 'CacheParameterGroupNotFound', status: 404 },
      { name: 'delete a replication group twice', body: form('DeleteReplicationGroup', { ReplicationGroupId: 'bad-del' }),
        code: ['InvalidReplicationGroupState', 'ReplicationGroupNotFoundFault'], status: [400, 404] },
      { name: 'delete the primary of a group', body: form('DeleteCacheCluster', { CacheClusterId: 'bad-rg-001' }), code: 'InvalidCacheClusterState', status: 400 },
      { name: 'reboot a node the cluster does not have', body: form('RebootCacheCluster', { CacheClusterId: 'bad-rg-001', 'CacheNodeIdsToReboot.CacheNodeId.1': '0002' }),
        code: 'InvalidParameterValue', status: 400 },
      { name: 'modify with no change', body: form('ModifyReplicationGroup', { ReplicationGroupId: 'bad-rg', ApplyImmediately: true }),
        code: 'InvalidParameterCombination', status: 400 },
    ];
    assert.ok(cases.length >= 35);

    const failures: string[] = [];
    for (const c of cases) {
      let res: QueryResponse;
      try {
        res = await query(svc.url, c.body, { path: c.path, method: c.method });
      } catch (e) {
        failures.push(`${c.name}: request failed: ${(e as Error).message}`);
        assert.ok(await healthy(svc.url), `the service stopped answering after "${c.name}"`);
        continue;
      }
      const codes = [c.code].flat();
      const statuses = [c.status].flat();
      const got = `HTTP ${res.status} ${res.error ? `${res.error.code}: ${res.error.message}` : res.text.slice(0, 300)}`;
      if (!res.error) {
        failures.push(`${c.name}: not an <ErrorResponse>: ${got}`);
        // Accepted although invalid: remove what it created so the checks below stay about half-created resources.
        const created = (res.doc?.['CreateReplicationGroupResponse'] as any)?.CreateReplicationGroupResult?.ReplicationGroup?.ReplicationGroupId;
        if (created) {
          wronglyAccepted.push(created);
          await query(svc.url, form('DeleteReplicationGroup', { ReplicationGroupId: created }));
        }
      }
      else if (!codes.includes(res.error.code) || !statuses.includes(res.status)) {
        failures.push(`${c.name}: expected ${codes.join('|')} (HTTP ${statuses.join('|')}), got ${got}`);
      } else if (c.message && !c.message.test(res.error.message)) {
        failures.push(`${c.name}: message does not match ${c.message}: ${res.error.message}`);
      } else if (res.error.type !== 'Sender') {
        failures.push(`${c.name}: <Type> is ${res.error.type}, not Sender`);
      } else if (!/xml/.test(res.contentType ?? '')) {
        failures.push(`${c.name}: content-type ${res.contentType}`);
      } else {
        t.diagnostic(`${c.name}: ${res.status} ${res.error.code}`);
      }
      assert.ok(await healthy(svc.url), `the service stopped answering after "${c.name}"`);
    }
    assert.deepEqual(failures, [], `${failures.length} of ${cases.length} cases answered wrongly:\n${failures.join('\n')}`);
  });

  test('nothing half-created: resources, node directories, processes and addresses are only the valid ones', async () => {
    assert.equal(raceWinners, 1);
    const deleted = ['bad-del', ...wronglyAccepted];
    await waitFor(async () => !(await groupIds()).some((id) => deleted.includes(id)),
      { timeoutMs: 20_000, intervalMs: 100, what: `${deleted.join(', ')} to be deleted` });
    assert.deepEqual(await groupIds(), ['bad-race', 'bad-rg']);
    const cs = await clusters();
    assert.deepEqual(cs.map((c) => c.CacheClusterId).sort(), ['bad-race-001', 'bad-rg-001']);
    await waitFor(async () => (await nodeDirs(svc.dataDir)).length === 2, { timeoutMs: 10_000, what: 'the deleted groups\' node directories to go' });
    assert.deepEqual(await nodeDirs(svc.dataDir), ['bad-race-001-0001', 'bad-rg-001-0001']);
    const pids = [...(await nodePids(svc.dataDir)).values()].sort((a, b) => a - b);
    assert.deepEqual(await redisServersUsing(`${svc.dataDir}/`), pids, 'the only redis-servers of this service are the valid nodes');

    const pgs = await call(svc.url, 'DescribeCacheParameterGroups');
    assert.deepEqual(asList((pgs['CacheParameterGroups'] as any)?.CacheParameterGroup).map((g: any) => g.CacheParameterGroupName)
      .filter((n: string) => !n.startsWith('default.')).sort(), ['bad-pg']);
    const sngs = await call(svc.url, 'DescribeCacheSubnetGroups');
    assert.deepEqual(asList((sngs['CacheSubnetGroups'] as any)?.CacheSubnetGroup).map((g: any) => g.CacheSubnetGroupName).sort(), ['bad-sng', 'default']);
    const tags = await call(svc.url, 'ListTagsForResource', { ResourceName: cs.find((c) => c.CacheClusterId === 'bad-rg-001').ARN });
    assert.deepEqual(asList((tags['TagList'] as any)?.Tag), [], 'a refused AddTagsToResource left no tag');

    // Addresses are handed out lowest-free first: after one more valid create, the addresses in use
    // must be exactly .1 … .N. An address a failed create kept reserved would show up as a hole.
    await call(svc.url, 'CreateReplicationGroup', { ReplicationGroupId: 'bad-probe', ReplicationGroupDescription: 'probe',
      CacheNodeType: 'cache.t3.micro', NumCacheClusters: 1 });
    const rgs = asList(((await call(svc.url, 'DescribeReplicationGroups'))['ReplicationGroups'] as any)?.ReplicationGroup);
    const used: string[] = [];
    for (const g of rgs) {
      const ng = asList(g.NodeGroups?.NodeGroup)[0] as any;
      used.push(ng.PrimaryEndpoint.Address, ng.ReaderEndpoint.Address,
        ...asList(ng.NodeGroupMembers?.NodeGroupMember).map((m: any) => m.ReadEndpoint.Address));
    }
    const octets = [...new Set(used)].map(lastOctet).sort((a, b) => a - b);
    assert.equal(octets.length, used.length, 'no address is used twice');
    assert.deepEqual(octets, Array.from({ length: octets.length }, (_, i) => i + 1), `addresses in use: ${used.join(', ')}`);
  });
});
