import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signer } from '../../test/helpers/sigv4-client.js';
import { authorizeConnect, type ConnectRequest } from './connect-auth.js';
import type { GatewayConfig, GatewayListener } from './config.js';

const ACCOUNT = '123456789012';
const RG = `arn:aws:elasticache:us-east-1:${ACCOUNT}:replicationgroup:app`;
const USER = `arn:aws:elasticache:us-east-1:${ACCOUNT}:user:app-user`;
const KEYS = {
  alice: { accessKeyId: 'AKIAALICE00000000000', secretAccessKey: 'alice-secret-000000000000000000000000000' },
  root: { accessKeyId: 'AKIAROOT000000000000', secretAccessKey: 'root-secret-0000000000000000000000000000' },
};
const T0 = new Date('2026-12-04T10:00:00Z');

const listener: GatewayListener = {
  id: 'app/primary', address: '127.0.10.1', port: 6379, targets: [], groupId: 'app', groupArn: RG,
  tls: { certFile: '', keyFile: '', caFile: '', mode: 'required' }, users: { 'app-user': { arn: USER, nodeSecret: 'x' } },
};

const policy = (statements: object[]) => JSON.stringify({ Version: '2012-10-17', Statement: statements });
const config = (policies: string[]): GatewayConfig => ({
  version: 1, generation: '', accountId: ACCOUNT, region: 'us-east-1', maxConnectionMs: 1000, listeners: [listener],
  keys: { [KEYS.alice.accessKeyId]: { secret: KEYS.alice.secretAccessKey, user: 'alice' }, [KEYS.root.accessKeyId]: { secret: KEYS.root.secretAccessKey } },
  iamUsers: { alice: { userName: 'alice', userId: 'AIDAALICE', arn: `arn:aws:iam::${ACCOUNT}:user/alice`, policies, tags: [] } },
});

async function token(key: { accessKeyId: string; secretAccessKey: string }, user = 'app-user'): Promise<string> {
  const req = await signer(key).presign({
    method: 'GET', protocol: 'http:', hostname: 'app', path: '/', headers: { host: 'app' }, query: { Action: 'connect', User: user },
  }, { expiresIn: 900, signingDate: T0 });
  return `app/?${new URLSearchParams(req.query as Record<string, string>).toString()}`;
}

const ask = async (cfg: GatewayConfig, key = KEYS.alice, over: Partial<ConnectRequest> = {}) => authorizeConnect(cfg, {
  listener, userName: 'app-user', token: await token(key), sourceIp: '127.0.0.1', secureTransport: true, now: new Date(T0.getTime() + 1000), ...over,
});

describe('authorizeConnect', () => {
  it('allows a valid token when the policy allows elasticache:Connect on the group and the user', async () => {
    const both = policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: [RG, USER] }]);
    assert.deepEqual(await ask(config([both])), { ok: true, accessKeyId: KEYS.alice.accessKeyId, principal: `arn:aws:iam::${ACCOUNT}:user/alice` });
    const star = policy([{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' }]);
    assert.equal((await ask(config([star]))).ok, true);
  });

  it('refuses when either resource is not allowed, or an explicit deny applies (conditions included)', async () => {
    const groupOnly = policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: RG }]);
    assert.equal((await ask(config([groupOnly]))).ok, false);
    assert.equal((await ask(config([]))).ok, false);
    const denied = policy([{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' },
      { Effect: 'Deny', Action: 'elasticache:Connect', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    const d = await ask(config([denied]));
    assert.ok(!d.ok && d.reason === 'explicit-deny', JSON.stringify(d));
    assert.equal((await ask(config([denied]), KEYS.alice, { sourceIp: '10.1.2.3' })).ok, true);
  });

  it('refuses, never guesses, when the decision reads an address or TLS the login cannot tell (HELLO 3 on the module)', async () => {
    const unknown = { sourceIp: undefined, secureTransport: undefined };
    const star = policy([{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' }]);
    assert.equal((await ask(config([star]), KEYS.alice, unknown)).ok, true, 'a policy without such conditions decides as usual');
    const fromTen = policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    const d = await ask(config([fromTen]), KEYS.alice, unknown);
    assert.ok(!d.ok && d.reason === 'client-unknown' && d.message.includes('aws:SourceIp'), JSON.stringify(d));
    const denyPlain = policy([{ Effect: 'Allow', Action: 'elasticache:*', Resource: '*' },
      { Effect: 'Deny', Action: '*', Resource: '*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }]);
    const t = await ask(config([denyPlain]), KEYS.alice, unknown);
    assert.ok(!t.ok && t.reason === 'client-unknown', JSON.stringify(t));
    assert.equal((await ask(config([denyPlain]), KEYS.alice, { secureTransport: true })).ok, true, 'known: decided');
    const notConnect = policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*' },
      { Effect: 'Deny', Action: 'elasticache:Delete*', Resource: '*', Condition: { IpAddress: { 'aws:SourceIp': '10.0.0.0/8' } } }]);
    assert.equal((await ask(config([notConnect]), KEYS.alice, unknown)).ok, true, 'a statement that does not apply reads nothing');
  });

  it('aws:ResourceTag is each resource\'s own: the group\'s tags on the group, the user\'s on the user', async () => {
    const tagged = policy([{ Effect: 'Allow', Action: 'elasticache:Connect', Resource: '*', Condition: { StringEquals: { 'aws:ResourceTag/team': 'blue' } } }]);
    const withTags = (groupTeam: string | undefined, userTeam: string | undefined) => {
      const l: GatewayListener = {
        ...listener, ...(groupTeam ? { groupTags: [{ Key: 'team', Value: groupTeam }] } : {}),
        users: { 'app-user': { arn: USER, nodeSecret: 'x', ...(userTeam ? { tags: [{ Key: 'team', Value: userTeam }] } : {}) } },
      };
      return { listener: l };
    };
    assert.equal((await ask(config([tagged]), KEYS.alice, withTags('blue', 'blue'))).ok, true);
    const redGroup = await ask(config([tagged]), KEYS.alice, withTags('red', 'blue'));
    assert.ok(!redGroup.ok && redGroup.message.includes(RG), JSON.stringify(redGroup));
    const untaggedUser = await ask(config([tagged]), KEYS.alice, withTags('blue', undefined));
    assert.ok(!untaggedUser.ok && untaggedUser.message.includes(USER), JSON.stringify(untaggedUser));
  });

  it('the account root is always allowed; a token for another user, or expired, never', async () => {
    assert.equal((await ask(config([]), KEYS.root)).ok, true);
    const other = await ask(config([]), KEYS.root, { userName: 'someone' });
    assert.ok(!other.ok && other.reason === 'not-iam-user');
    const late = await ask(config([]), KEYS.root, { now: new Date(T0.getTime() + 901_000) });
    assert.ok(!late.ok && late.reason === 'expired');
  });
});
