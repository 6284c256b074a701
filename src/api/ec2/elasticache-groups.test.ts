// ElastiCache's SecurityGroupIds must name security groups of the EC2 API on the same endpoint.
import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import CreateCacheCluster from '../actions/CreateCacheCluster.js';
import CreateReplicationGroup from '../actions/CreateReplicationGroup.js';
import DeleteReplicationGroup from '../actions/DeleteReplicationGroup.js';
import DescribeCacheClusters from '../actions/DescribeCacheClusters.js';
import ModifyCacheCluster from '../actions/ModifyCacheCluster.js';
import ModifyReplicationGroup from '../actions/ModifyReplicationGroup.js';
import { assertFaultChangesNothing, fakeEngine, insertCacheCluster, makeTestServices, type TestServices } from '../actions/test-services.js';
import { setGroupStatus } from '../../resources/test-services.js';
import CreateSecurityGroup from './actions/CreateSecurityGroup.js';
import DeleteSecurityGroup from './actions/DeleteSecurityGroup.js';

let t: TestServices;
let sg: string;
beforeEach(async () => {
  t = await makeTestServices({ engines: [fakeEngine()] });
  sg = (await t.call(CreateSecurityGroup, { GroupName: 'redis', Description: 'redis' })).GroupId;
});
afterEach(async () => { await t.close(); });

const UNKNOWN = 'sg-0123456789abcdef0';

test('create-replication-group and create-cache-cluster with an unknown group id are refused and create nothing', async () => {
  const e = await assertFaultChangesNothing(t.svc, () => t.call(CreateReplicationGroup, {
    ReplicationGroupId: 'rg', ReplicationGroupDescription: 'd', NumCacheClusters: 2, SecurityGroupIds: [sg, UNKNOWN],
  }), 'InvalidParameterValue');
  assert.equal(e.message, `Some security group Id not recognized by EC2: ${UNKNOWN}`);
  await assertFaultChangesNothing(t.svc, () => t.call(CreateCacheCluster, { CacheClusterId: 'cc', CacheNodeType: 'cache.t3.micro', SecurityGroupIds: ['sg-1'] }), 'InvalidParameterValue');
  const out = await t.call(CreateReplicationGroup, { ReplicationGroupId: 'rg', ReplicationGroupDescription: 'd', NumCacheClusters: 1, SecurityGroupIds: [sg] });
  assert.equal(out.ReplicationGroup.ReplicationGroupId, 'rg');
  const clusters = (await t.call(DescribeCacheClusters, {})).CacheClusters;
  assert.deepEqual(clusters[0].SecurityGroups, [{ SecurityGroupId: sg, Status: 'active' }]);
  await assertFaultChangesNothing(t.svc, () => t.call(DeleteSecurityGroup, { GroupId: sg }), 'DependencyViolation');
  // Once the replication group is being deleted, neither it nor its members (not yet marked) hold the group.
  await t.call(DeleteReplicationGroup, { ReplicationGroupId: 'rg' });
  assert.equal((await t.store.get('cacheCluster', 'rg-001'))!.doc.deleteRequested, undefined);
  assert.deepEqual(await t.call(DeleteSecurityGroup, { GroupId: sg }), { Return: true, GroupId: sg });
});

test('modify-cache-cluster and modify-replication-group with an unknown group id are refused and change nothing', async () => {
  await insertCacheCluster(t.svc, 'cc');
  await assertFaultChangesNothing(t.svc, () => t.call(ModifyCacheCluster, { CacheClusterId: 'cc', SecurityGroupIds: [UNKNOWN] }), 'InvalidParameterValue');
  await t.call(ModifyCacheCluster, { CacheClusterId: 'cc', SecurityGroupIds: [sg] });
  assert.deepEqual((await t.store.get('cacheCluster', 'cc'))!.doc.securityGroupIds, [sg]);

  await t.call(CreateReplicationGroup, { ReplicationGroupId: 'rg', ReplicationGroupDescription: 'd', NumCacheClusters: 1 });
  await setGroupStatus(t.store, 'rg', (g) => { g.status = 'available'; });
  await assertFaultChangesNothing(t.svc, () => t.call(ModifyReplicationGroup, { ReplicationGroupId: 'rg', SecurityGroupIds: [UNKNOWN], ApplyImmediately: true }),
    'InvalidParameterValue');
  await t.call(ModifyReplicationGroup, { ReplicationGroupId: 'rg', SecurityGroupIds: [sg], ApplyImmediately: true });
  assert.deepEqual((await t.store.get('replicationGroup', 'rg'))!.doc.securityGroupIds, [sg]);
});
