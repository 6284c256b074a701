import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { signer } from '../../test/helpers/sigv4-client.js';
import { ConnectTokenError, verifyConnectToken } from './connect-token.js';

const KEY = { accessKeyId: 'AKIAIOSFODNN7EXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' };
const T0 = new Date('2026-12-04T10:00:00Z');

/** A token as the JS SDK sample builds it: presign, then the URL without its scheme. */
async function token(opts: { host?: string; user?: string; action?: string; expiresIn?: number; at?: Date; secret?: string } = {}): Promise<string> {
  const host = opts.host ?? 'my-group';
  const s = signer({ ...KEY, secretAccessKey: opts.secret ?? KEY.secretAccessKey });
  const req = await s.presign({
    method: 'GET', protocol: 'http:', hostname: host, path: '/', headers: { host },
    query: { Action: opts.action ?? 'connect', User: opts.user ?? 'app-user' },
  }, { expiresIn: opts.expiresIn ?? 900, signingDate: opts.at ?? T0 });
  const q = Object.entries(req.query ?? {}).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`).join('&');
  return `${host}/?${q}`;
}

const check = (t: string, over: Partial<Parameters<typeof verifyConnectToken>[0]> = {}) => verifyConnectToken({
  token: t, userName: 'app-user', cacheIds: ['my-group'], now: new Date(T0.getTime() + 60_000),
  secretFor: (id) => (id === KEY.accessKeyId ? KEY.secretAccessKey : undefined), ...over,
});

const reason = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ConnectTokenError, String(e));
    return e.reason;
  }
  return 'accepted';
};

describe('verifyConnectToken', () => {
  let tooLong = '';
  const other = { host: '', user: '', action: '', secret: '' };
  before(async () => {
    tooLong = await token({ expiresIn: 901 });
    other.host = await token({ host: 'other-group' });
    other.user = await token({ user: 'someone' });
    other.action = await token({ action: 'describe' });
    other.secret = await token({ secret: 'not-the-secret-at-all-000000000000000000' });
  });

  it('accepts a token presigned for this cache and user while it is valid', async () => {
    const v = check(await token());
    assert.deepEqual(v, { accessKeyId: KEY.accessKeyId, region: 'us-east-1', cacheId: 'my-group' });
    assert.equal(check(`http://${await token()}`).accessKeyId, KEY.accessKeyId, 'with its scheme left on');
  });

  it('refuses it once expired, and a lifetime over 15 minutes', async () => {
    const t = await token({ expiresIn: 60 });
    assert.equal(reason(() => check(t, { now: new Date(T0.getTime() + 61_000) })), 'expired');
    assert.equal(reason(() => check(t, { now: new Date(T0.getTime() + 59_000) })), 'accepted');
    assert.equal(reason(() => check(tooLong)), 'too-long');
  });

  it('refuses another cache, another user, another action, a wrong secret, an unknown key', async () => {
    assert.equal(reason(() => check(other.host)), 'wrong-cache');
    assert.equal(reason(() => check(other.user)), 'wrong-user');
    assert.equal(reason(() => check(other.action)), 'wrong-action');
    assert.equal(reason(() => check(other.secret)), 'bad-signature');
    assert.equal(reason(() => check(other.secret, { secretFor: () => undefined })), 'unknown-key');
    assert.equal(reason(() => check('garbage')), 'malformed');
    const tampered = (await token()).replace('User=app-user', 'User=app-user&X-Extra=1');
    assert.equal(reason(() => check(tampered)), 'bad-signature');
  });
});

