import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { signer } from '../../test/helpers/sigv4-client.js';
import type { GatewayConfig } from './config.js';
import { answerOf, decide, questionOf } from './verifier.js';

const ACCOUNT = '123456789012';
const ROOT = { accessKeyId: 'AKIAROOTVERIFIER0000', secretAccessKey: 'root-secret-verifier-000000000000000000' };
const T0 = new Date('2026-12-04T10:00:00Z');
const cfg: GatewayConfig = {
  version: 1, generation: '', accountId: ACCOUNT, region: 'us-east-1', maxConnectionMs: 1000, listeners: [],
  keys: { [ROOT.accessKeyId]: { secret: ROOT.secretAccessKey } }, iamUsers: {},
  groups: { app: { groupId: 'app', groupArn: `arn:aws:elasticache:us-east-1:${ACCOUNT}:replicationgroup:app`, users: { 'app-iam': { arn: 'arn:u', nodeSecret: 'node-secret-0123' }, 'no-secret': { arn: 'arn:n' } } } },
};

async function token(group: string, user: string): Promise<string> {
  const req = await signer(ROOT).presign({
    method: 'GET', protocol: 'http:', hostname: group, path: '/', headers: { host: group }, query: { Action: 'connect', User: user },
  }, { expiresIn: 900, signingDate: T0 });
  return `${group}/?${new URLSearchParams(req.query as Record<string, string>).toString()}`;
}

describe('the verifier', () => {
  it('reads only well-formed VERIFY questions', () => {
    assert.deepEqual(questionOf(['VERIFY', 'app', 'u', 't', '10.0.0.1', '1']),
      { groupId: 'app', userName: 'u', token: 't', sourceIp: '10.0.0.1', secureTransport: true });
    assert.equal(questionOf(['VERIFY', 'app', 'u', 't', '10.0.0.1', 'yes']), undefined);
    assert.equal(questionOf(['VERIFY', 'app', 'u', 't', '10.0.0.1']), undefined);
    assert.equal(questionOf(['PING']), undefined);
    assert.equal(questionOf('VERIFY'), undefined);
    assert.deepEqual(questionOf(['SECRET', 'app', 'u', 't']),
      { groupId: 'app', userName: 'u', token: 't', sourceIp: undefined, secureTransport: undefined, wantsSecret: true });
    assert.equal(questionOf(['SECRET', 'app', 'u', 't', '10.0.0.1', '1']), undefined);
  });

  it('answers a SECRET question (HELLO 3 AUTH) with the user\'s node secret, only when the login is allowed', async () => {
    const now = new Date(T0.getTime() + 1000);
    const q = questionOf(['SECRET', 'app', 'app-iam', await token('app', 'app-iam')])!;
    assert.equal(answerOf(decide(cfg, q, now), q, cfg), '+OK node-secret-0123\r\n');
    assert.equal(answerOf(decide(cfg, q, new Date(T0.getTime() + 16 * 60_000)), q, cfg), '-DENIED expired\r\n');
    const none = questionOf(['SECRET', 'app', 'no-secret', await token('app', 'no-secret')])!;
    assert.equal(answerOf(decide(cfg, none, now), none, cfg), '-DENIED no-secret\r\n');
    const verify = { ...q, sourceIp: '10.0.0.1', secureTransport: true, wantsSecret: false };
    assert.equal(answerOf(decide(cfg, verify, now), verify, cfg), '+OK\r\n', 'VERIFY never carries the secret');
  });

  it('decides with the group\'s users and the keys, and refuses groups it does not know', async () => {
    const now = new Date(T0.getTime() + 1000);
    const q = { groupId: 'app', userName: 'app-iam', token: await token('app', 'app-iam'), sourceIp: '10.0.0.1', secureTransport: true };
    assert.equal(decide(cfg, q, now).ok, true);
    assert.equal(answerOf(decide(cfg, q, now)), '+OK\r\n');
    assert.equal(decide(cfg, { ...q, groupId: 'other' }, now).ok, false);
    assert.equal(decide(undefined, q, now).ok, false);
    assert.equal(answerOf(decide(cfg, q, new Date(T0.getTime() + 16 * 60_000))), '-DENIED expired\r\n');
    assert.match(answerOf(decide(cfg, { ...q, userName: 'app-other' }, now)), /^-DENIED not-iam-user\r\n$/);
  });
});
