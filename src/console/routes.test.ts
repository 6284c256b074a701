import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createApiServer } from '../api/http.js';
import { AwsError } from '../errors/index.js';
import type { ActionHandler, AuthorizationRequest } from '../api/types.js';
import { consoleMount } from './routes.js';
import { SessionStore } from './session.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { CSRF_HEADER, SESSION_COOKIE } from './guard.js';

const KEYS = new Map([['AKIAADMIN', 'admin-secret'], ['AKIAREADER', 'reader-secret']]);
const seen: { inputs: unknown[]; authorized: AuthorizationRequest[]; logs: string[] } = { inputs: [], authorized: [], logs: [] };
let clock = 1_000_000;
const sessions = new SessionStore({ ttlMs: 60_000, now: () => clock });

const describeGroups: ActionHandler<{ ReplicationGroupId?: string; MaxRecords?: number }> = {
  name: 'DescribeReplicationGroups',
  handle(input, ctx) {
    seen.inputs.push({ input, accessKeyId: ctx.accessKeyId });
    return { ReplicationGroups: [{ ReplicationGroupId: input.ReplicationGroupId ?? 'g1', Status: 'available' }] };
  },
};

const app = createApiServer({
  actions: new Map([[describeGroups.name, describeGroups]]),
  // The API's own authorization step: the reader key may not describe group "secret".
  authorize: (req) => {
    seen.authorized.push(req);
    if (req.ctx.accessKeyId === 'AKIAREADER' && req.resources.some((r) => r.endsWith(':secret'))) {
      throw new AwsError('AccessDenied', `not allowed: ${req.action}`, 403);
    }
  },
  mount: consoleMount({
    secretFor: (id) => KEYS.get(id), secure: false, sessions,
    files: new Map([['index.html', { contentType: 'text/html; charset=utf-8', body: Buffer.from('<!doctype html><title>c</title>') }]]),
    logger: { info: (o) => seen.logs.push(JSON.stringify(o)), warn() {}, error: (o) => seen.logs.push(JSON.stringify(o)) },
  }),
});
after(() => app.close());

const ORIGIN = 'http://console.test';
const HOST = 'console.test';

async function signIn(accessKeyId: string, secretAccessKey: string) {
  const res = await app.inject({ method: 'POST', url: '/console/api/sign-in', headers: { host: HOST, origin: ORIGIN, 'content-type': 'application/json' },
    payload: JSON.stringify({ accessKeyId, secretAccessKey }) });
  const cookie = String(res.headers['set-cookie'] ?? '');
  return { res, cookie: cookie.split(';')[0]!, setCookie: cookie, body: res.json() as { csrfToken: string; accessKeyId: string } };
}

function call(session: { cookie: string; body: { csrfToken: string } }, params: Record<string, unknown>, headers: Record<string, string> = {}) {
  return app.inject({ method: 'POST', url: '/console/api/call/elasticache/DescribeReplicationGroups',
    headers: { host: HOST, origin: ORIGIN, cookie: session.cookie, [CSRF_HEADER]: session.body.csrfToken, ...headers },
    payload: JSON.stringify({ params }) });
}

test('sign-in sets an HttpOnly, SameSite=Strict, expiring cookie and checks the secret server-side', async () => {
  const bad = await signIn('AKIAADMIN', 'wrong');
  assert.equal(bad.res.statusCode, 401);
  assert.equal(bad.res.headers['set-cookie'], undefined);
  const unknown = await signIn('AKIANOBODY', 'x');
  assert.equal(unknown.res.statusCode, 401);
  const ok = await signIn('AKIAADMIN', 'admin-secret');
  assert.equal(ok.res.statusCode, 200);
  assert.match(ok.setCookie, new RegExp(`^${SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/console; Max-Age=60; HttpOnly; SameSite=Strict$`));
  assert.equal(ok.body.accessKeyId, 'AKIAADMIN');
  assert.ok(!seen.logs.join('\n').includes('admin-secret'), 'no secret in the logs');
  assert.ok(!seen.logs.join('\n').includes(ok.cookie.split('=')[1]!), 'no session id in the logs');
});

test('an action runs through the API pipeline: Query decoding, authorization of the signed-in key, the handler', async () => {
  const admin = await signIn('AKIAADMIN', 'admin-secret');
  const res = await call(admin, { ReplicationGroupId: 'g7', MaxRecords: '20' });
  assert.equal(res.statusCode, 200);
  assert.deepEqual(res.json(), { ReplicationGroups: [{ ReplicationGroupId: 'g7', Status: 'available' }] });
  assert.deepEqual(seen.inputs.at(-1), { input: { ReplicationGroupId: 'g7', MaxRecords: 20 }, accessKeyId: 'AKIAADMIN' });
  assert.equal(seen.authorized.at(-1)!.action, 'elasticache:DescribeReplicationGroups');
  assert.match(seen.authorized.at(-1)!.resources[0]!, /:replicationgroup:g7$/);

  const reader = await signIn('AKIAREADER', 'reader-secret');
  const denied = await call(reader, { ReplicationGroupId: 'secret' });
  assert.equal(denied.statusCode, 403);
  assert.equal(denied.json().error.code, 'AccessDenied');
  const invalid = await call(admin, { MaxRecords: 'many' });
  assert.equal(invalid.statusCode, 400, 'the Query decoder validates the input');
  const unknown = await app.inject({ method: 'POST', url: '/console/api/call/elasticache/NoSuchAction',
    headers: { host: HOST, origin: ORIGIN, cookie: admin.cookie, [CSRF_HEADER]: admin.body.csrfToken }, payload: '{}' });
  assert.equal(unknown.json().error.code, 'InvalidAction');
});

test('signed out, nothing but the shell and sign-in answers', async () => {
  const session = await app.inject({ method: 'GET', url: '/console/api/session', headers: { host: HOST } });
  assert.equal(session.statusCode, 401);
  const res = await call({ cookie: `${SESSION_COOKIE}=forged`, body: { csrfToken: 'x' } }, {});
  assert.equal(res.statusCode, 401);
  const ca = await app.inject({ method: 'GET', url: '/console/ca.pem', headers: { host: HOST } });
  assert.equal(ca.statusCode, 401);
  const shell = await app.inject({ method: 'GET', url: '/console/', headers: { host: HOST } });
  assert.equal(shell.statusCode, 200);
  assert.match(String(shell.headers['content-security-policy']), /script-src 'self'/);
  assert.doesNotMatch(String(shell.headers['content-security-policy']), /unsafe-inline/);
  assert.equal(shell.headers['x-frame-options'], 'DENY');
});

test('a state-changing request needs the session CSRF token and the console origin', async () => {
  const admin = await signIn('AKIAADMIN', 'admin-secret');
  assert.equal((await call(admin, {}, { [CSRF_HEADER]: 'wrong' })).statusCode, 403);
  const noToken = await app.inject({ method: 'POST', url: '/console/api/call/elasticache/DescribeReplicationGroups',
    headers: { host: HOST, origin: ORIGIN, cookie: admin.cookie }, payload: '{}' });
  assert.equal(noToken.json().error.code, 'InvalidCsrfToken');
  const other = await call(admin, {}, { origin: 'http://evil.test' });
  assert.equal(other.statusCode, 403);
  assert.equal(other.json().error.code, 'InvalidOrigin');
  assert.equal((await call(admin, {}, { origin: 'https://console.test' })).statusCode, 403, 'another scheme is another origin');
  const noOrigin = await app.inject({ method: 'POST', url: '/console/api/sign-in', headers: { host: HOST },
    payload: JSON.stringify({ accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret' }) });
  assert.equal(noOrigin.statusCode, 403, 'sign-in too (login CSRF)');
  assert.equal((await call(admin, {})).statusCode, 200);
});

test('sessions expire, end at sign-out, and end when their key is no longer accepted', async () => {
  const admin = await signIn('AKIAADMIN', 'admin-secret');
  assert.equal((await call(admin, {})).statusCode, 200);
  const out = await app.inject({ method: 'POST', url: '/console/api/sign-out',
    headers: { host: HOST, origin: ORIGIN, cookie: admin.cookie, [CSRF_HEADER]: admin.body.csrfToken } });
  assert.equal(out.statusCode, 200);
  assert.match(String(out.headers['set-cookie']), /Max-Age=0/);
  assert.equal((await call(admin, {})).statusCode, 401);

  const later = await signIn('AKIAADMIN', 'admin-secret');
  clock += 60_001;
  assert.equal((await call(later, {})).statusCode, 401, 'absolute expiry');

  const reader = await signIn('AKIAREADER', 'reader-secret');
  KEYS.delete('AKIAREADER');
  try {
    assert.equal((await call(reader, {})).statusCode, 401, 'a deactivated key signs its sessions out');
  } finally {
    KEYS.set('AKIAREADER', 'reader-secret');
  }
});

test('failed sign-ins from one address are throttled', async () => {
  const t = createApiServer({ actions: new Map(), mount: consoleMount({ secretFor: (id) => KEYS.get(id), secure: false, files: new Map(),
    throttle: new SignInThrottle({ maxFailures: 2, windowMs: 60_000 }) }) });
  try {
    const attempt = (secretAccessKey: string) => t.inject({ method: 'POST', url: '/console/api/sign-in', headers: { host: HOST, origin: ORIGIN },
      payload: JSON.stringify({ accessKeyId: 'AKIAADMIN', secretAccessKey }) });
    assert.equal((await attempt('guess-1')).statusCode, 401);
    assert.equal((await attempt('guess-2')).statusCode, 401);
    const refused = await attempt('admin-secret');
    assert.equal(refused.statusCode, 429, 'even the right secret waits');
    assert.ok(Number(refused.headers['retry-after']) > 0);
  } finally {
    await t.close();
  }
});

test('the cookie is Secure when the API is HTTPS', async () => {
  const tls = createApiServer({ actions: new Map(), mount: consoleMount({ secretFor: (id) => KEYS.get(id), secure: true, files: new Map() }) });
  try {
    const res = await tls.inject({ method: 'POST', url: '/console/api/sign-in', headers: { host: HOST, origin: ORIGIN },
      payload: JSON.stringify({ accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret' }) });
    assert.match(String(res.headers['set-cookie']), /; Secure$/);
  } finally {
    await tls.close();
  }
});

test("EC2's security group actions run through the same route: EC2 decoding, EC2 authorization, the handler, CSRF and Origin", async () => {
  const ec2Seen: unknown[] = [];
  const describeSgs: ActionHandler<{ GroupIds?: string[] }> = {
    name: 'DescribeSecurityGroups',
    handle(input, ctx) {
      ec2Seen.push({ input, accessKeyId: ctx.accessKeyId });
      return { SecurityGroups: [{ GroupId: input.GroupIds?.[0] ?? 'sg-1', GroupName: 'web' }] };
    },
  };
  const authorized: AuthorizationRequest[] = [];
  const t = createApiServer({
    actions: new Map(), ec2Actions: new Map([[describeSgs.name, describeSgs]]),
    authorize: (req) => { authorized.push(req); },
    mount: consoleMount({ secretFor: (id) => KEYS.get(id), secure: false, files: new Map() }),
  });
  try {
    const si = await t.inject({ method: 'POST', url: '/console/api/sign-in', headers: { host: HOST, origin: ORIGIN },
      payload: JSON.stringify({ accessKeyId: 'AKIAADMIN', secretAccessKey: 'admin-secret' }) });
    const cookie = String(si.headers['set-cookie']).split(';')[0]!;
    const csrf = (si.json() as { csrfToken: string }).csrfToken;
    const ec2 = (headers: Record<string, string>) => t.inject({ method: 'POST', url: '/console/api/call/ec2/DescribeSecurityGroups',
      headers: { host: HOST, origin: ORIGIN, cookie, [CSRF_HEADER]: csrf, ...headers }, payload: JSON.stringify({ params: { 'GroupId.1': 'sg-0abc' } }) });
    const res = await ec2({});
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), { SecurityGroups: [{ GroupId: 'sg-0abc', GroupName: 'web' }] });
    assert.deepEqual(ec2Seen, [{ input: { GroupIds: ['sg-0abc'] }, accessKeyId: 'AKIAADMIN' }], "decoded by EC2's Query rules");
    assert.equal(authorized.at(-1)!.action, 'ec2:DescribeSecurityGroups');
    assert.equal((await ec2({ [CSRF_HEADER]: 'wrong' })).statusCode, 403);
    assert.equal((await ec2({ origin: 'http://evil.test' })).json().error.code, 'InvalidOrigin');
    assert.equal(ec2Seen.length, 1, 'refused requests reach no handler');
    const unknown = await t.inject({ method: 'POST', url: '/console/api/call/ec2/RunInstances',
      headers: { host: HOST, origin: ORIGIN, cookie, [CSRF_HEADER]: csrf }, payload: '{}' });
    assert.equal(unknown.json().error.code, 'InvalidAction');
  } finally {
    await t.close();
  }
});
