import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EndpointRoute } from '../endpoints/types.js';
import type { ReplicationGroupRecord, UserGroupSpec, UserSpec } from '../store/index.js';
import { planGateway } from './plan.js';

const group = (id: string, over: Partial<ReplicationGroupRecord> = {}): ReplicationGroupRecord => ({
  id, arn: `arn:rg:${id}`, transitEncryptionEnabled: true, userGroupIds: ['ug'],
  primaryEndpoint: { address: '127.77.0.10', port: 6379 }, readerEndpoint: { address: '127.77.0.11', port: 6379 }, ...over,
} as unknown as ReplicationGroupRecord);

const user = (id: string, type: 'iam' | 'password', over: Partial<UserSpec> = {}): UserSpec => ({
  userId: id, userName: id, arn: `arn:user:${id}`,
  authentication: type === 'iam' ? { type, passwordHashes: ['h'], nodeSecret: `secret-${id}` } : { type, passwordHashes: ['h'] }, ...over,
} as unknown as UserSpec);

const routes = (id: string): EndpointRoute[] => [
  { id: `${id}/primary`, address: '127.77.0.10', port: 6379, targets: [{ address: '127.77.0.2', port: 6379 }], allow: ['127.0.0.0/8'], sourceAddress: '127.77.0.1' },
  { id: `${id}/reader`, address: '127.77.0.11', port: 6379, targets: [] },
];

const users = new Map([['iam-app', user('iam-app', 'iam')], ['pw', user('pw', 'password')], ['gone', user('gone', 'iam', { deleteRequested: true })]]);
const userGroups = new Map([['ug', { userIds: ['iam-app', 'pw', 'gone'] } as unknown as UserGroupSpec]]);

describe('planGateway', () => {
  it('sends the group endpoints of a group with IAM users through the gateway, with their targets and security groups', () => {
    const plan = planGateway({ routes: routes('g'), groups: [group('g')], userGroups, users });
    assert.deepEqual(plan.routes[0]!.targets, [{ address: '127.77.0.10', port: 46379 }]);
    assert.deepEqual(plan.routes[1]!.targets, [], 'a route with no target stays refused');
    assert.equal(plan.listeners.length, 2);
    const [primary] = plan.listeners;
    assert.deepEqual(primary, {
      id: 'g/primary', address: '127.77.0.10', port: 46379, targets: [{ address: '127.77.0.2', port: 6379 }], groupId: 'g', groupArn: 'arn:rg:g',
      users: { 'iam-app': { arn: 'arn:user:iam-app', nodeSecret: 'secret-iam-app' } }, certIps: ['127.77.0.10', '127.77.0.11'], mode: 'required',
      allow: ['127.0.0.0/8'], sourceAddress: '127.77.0.1',
    });
  });

  it('leaves alone groups without IAM users, without TLS, in cluster mode or being deleted', () => {
    const noIam = new Map([['ug', { userIds: ['pw'] } as unknown as UserGroupSpec]]);
    assert.deepEqual(planGateway({ routes: routes('g'), groups: [group('g')], userGroups: noIam, users }), { routes: routes('g'), listeners: [] });
    for (const over of [{ transitEncryptionEnabled: false }, { clusterEnabled: true }, { deleteRequested: true }, { userGroupIds: [] }]) {
      assert.deepEqual(planGateway({ routes: routes('g'), groups: [group('g', over)], userGroups, users }).listeners, [], JSON.stringify(over));
    }
  });
});
