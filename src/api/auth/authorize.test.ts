import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isAwsError } from '../../errors/index.js';
import { IamDirectory } from '../../iam/index.js';
import { SqliteStore } from '../../store/index.js';
import { elasticacheResources } from '../actions/resources.js';
import { ec2Resources } from '../ec2/resources.js';
import { iamResources } from '../iam/resources.js';
import type { AuthorizationRequest } from '../types.js';
import { createAuthorizer } from './authorize.js';

const scope = { accountId: '123456789012', region: 'eu-west-1' };
const EC = 'arn:aws:elasticache:eu-west-1:123456789012';

test('the resource of each ElastiCache action: the one its identifier names, else *', () => {
  const cases: Array<[string, object, string[]]> = [
    ['CreateReplicationGroup', { ReplicationGroupId: 'App-1', CacheParameterGroupName: 'pg' }, [`${EC}:replicationgroup:app-1`, `${EC}:parametergroup:pg`]],
    ['IncreaseReplicaCount', { ReplicationGroupId: 'a' }, [`${EC}:replicationgroup:a`]],
    ['CreateServerlessCache', { ServerlessCacheName: 'Orders', UserGroupId: 'ug' }, [`${EC}:serverlesscache:orders`, `${EC}:usergroup:ug`]],
    ['DeleteServerlessCache', { ServerlessCacheName: 'orders' }, [`${EC}:serverlesscache:orders`]],
    ['TestFailover', { ReplicationGroupId: 'a', NodeGroupId: '0001' }, [`${EC}:replicationgroup:a`]],
    ['CreateCacheCluster', { CacheClusterId: 'c', ReplicationGroupId: 'a' }, [`${EC}:cluster:c`, `${EC}:replicationgroup:a`]],
    ['RebootCacheCluster', { CacheClusterId: 'c' }, [`${EC}:cluster:c`]],
    ['DescribeCacheParameters', { CacheParameterGroupName: 'p' }, [`${EC}:parametergroup:p`]],
    ['ModifyCacheSubnetGroup', { CacheSubnetGroupName: 's' }, [`${EC}:subnetgroup:s`]],
    ['ModifyUserGroup', { UserGroupId: 'g' }, [`${EC}:usergroup:g`]],
    ['DeleteUser', { UserId: 'u' }, [`${EC}:user:u`]],
    ['AddTagsToResource', { ResourceName: `${EC}:cluster:c` }, [`${EC}:cluster:c`]],
    ['DescribeReplicationGroups', {}, ['*']],
    ['DescribeEvents', {}, ['*']],
    ['DescribeCacheEngineVersions', {}, ['*']],
  ];
  for (const [action, input, expected] of cases) assert.deepEqual(elasticacheResources(action, input, scope), expected, action);
});

test('EC2 and IAM resources', () => {
  assert.deepEqual(ec2Resources('DescribeSecurityGroups', { GroupIds: ['sg-1'] }, scope), ['*']);
  assert.deepEqual(ec2Resources('AuthorizeSecurityGroupIngress', { GroupId: 'sg-1' }, scope), ['arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1']);
  assert.deepEqual(ec2Resources('CreateTags', { Resources: ['sg-1', 'eni-2'] }, scope), [
    'arn:aws:ec2:eu-west-1:123456789012:security-group/sg-1', 'arn:aws:ec2:eu-west-1:123456789012:network-interface/eni-2']);
  const iam = iamResources({ userPath: (n) => (n === 'ann' ? '/dev/' : undefined), groupPath: () => '/', userOfKey: (k) => (k === 'AKIAANN' ? 'ann' : undefined) });
  assert.deepEqual(iam('ListUsers', {}, scope), ['*']);
  assert.deepEqual(iam('AddUserToGroup', { GroupName: 'g', UserName: 'ann' }, scope), ['arn:aws:iam::123456789012:group/g']);
  assert.deepEqual(iam('CreateAccessKey', {}, scope, { requestId: 'r', action: 'CreateAccessKey', accessKeyId: 'AKIAANN' }),
    ['arn:aws:iam::123456789012:user/dev/ann']);
  assert.deepEqual(iam('GetUser', {}, scope, { requestId: 'r', action: 'GetUser', accessKeyId: 'AKIAROOT' }), ['arn:aws:iam::123456789012:root']);
});

test('the authorizer: root passes, a user is held to its policies, refusals in AWS\'s words', async (t) => {
  const store = new SqliteStore(':memory:');
  t.after(() => store.close());
  await store.commit([
    { op: 'create', kind: 'iamUser', id: 'bob', doc: { userName: 'Bob', userId: 'AIDA1', path: '/', createdAt: '', tags: [], groupNames: [],
      policies: { p: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*',
        Condition: { StringEqualsIfExists: { 'aws:ResourceTag/team': 'blue' } } }] }) } } },
    { op: 'create', kind: 'iamAccessKey', id: 'AKIABOB', doc: { accessKeyId: 'AKIABOB', secretAccessKey: 's', userName: 'Bob', status: 'Active', createdAt: '' } },
  ]);
  const directory = await IamDirectory.load(store, '123456789012');
  const looked: string[] = [];
  const authorize = createAuthorizer({ directory, isRootKey: (id) => id === 'AKIAROOT', region: 'eu-west-1',
    resourceTags: async (arn) => { looked.push(arn); return arn.endsWith(':red') ? [{ Key: 'team', Value: 'red' }] : []; } });
  const req = (accessKeyId: string, action: string, resources: string[]): AuthorizationRequest => ({
    action, resources, input: {}, deniedCode: 'AccessDenied', ctx: { requestId: 'r', action, accessKeyId, sourceIp: '127.0.0.1' } });
  await authorize(req('AKIAROOT', 'iam:CreateUser', ['*']));
  await authorize(req('AKIABOB', 'elasticache:DeleteCacheCluster', [`${EC}:cluster:blue`]));
  await assert.rejects(Promise.resolve(authorize(req('AKIABOB', 'elasticache:DeleteCacheCluster', [`${EC}:cluster:red`]))),
    (e: unknown) => isAwsError(e) && e.code === 'AccessDenied' && e.httpStatus === 403 && e.message ===
      `User: arn:aws:iam::123456789012:user/Bob is not authorized to perform: elasticache:DeleteCacheCluster on resource: ${EC}:cluster:red ` +
      'because no identity-based policy allows the elasticache:DeleteCacheCluster action');
  await assert.rejects(Promise.resolve(authorize({ ...req('AKIABOB', 'ec2:CreateSecurityGroup', ['*']), deniedCode: 'UnauthorizedOperation' })),
    (e: unknown) => isAwsError(e) && e.code === 'UnauthorizedOperation' && e.message.startsWith('You are not authorized to perform this operation.'));
  assert.deepEqual(looked, [`${EC}:cluster:blue`, `${EC}:cluster:red`], 'tags are looked up per resource, only when a policy asks');
});
