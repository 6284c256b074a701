import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESTRICTION_RULES as R } from './restricted-commands.js';
import { renderRedisConf } from '../engine/config.js';
import type { NodeSpec } from '../engine/types.js';
import { authTokenEnabled, defaultUserRules, initialAuth, sha256Hex, updateAuth, validateAuthToken } from './auth-token.js';
import { normalizeIps } from './certs.js';

const paths = { dir: '/nodes/n1', conf: '/nodes/n1/redis.conf', pid: '/nodes/n1/redis.pid', log: '/nodes/n1/redis.log' };
const now = new Date('2026-01-02T03:04:05.000Z');

describe('auth tokens', () => {
  it('accepts 16-128 printable ASCII characters, with AWS\'s forbidden ones excluded', () => {
    validateAuthToken('YourStrongAuthToken123!');
    validateAuthToken('a'.repeat(16));
    validateAuthToken('a'.repeat(128));
    validateAuthToken("!&#$^<>-'\\~`*()[]{}|;:,.?%+=_");
    for (const bad of ['a'.repeat(15), 'a'.repeat(129), 'abcdefghijklmnop"', 'abcdefghijklmnop/', 'abcdefghijklmnop@', 'abcdefgh ijklmnop', 'abcdefghijklmnop\n']) {
      assert.throws(() => validateAuthToken(bad), /InvalidParameterValue|Invalid AuthToken/, JSON.stringify(bad));
    }
  });

  it('ROTATE keeps the newest previous token; SET only after ROTATE; DELETE refused', () => {
    const a = initialAuth('token-number-one-1', now);
    assert.deepEqual(a.tokenSha256, [sha256Hex('token-number-one-1')]);
    const b = updateAuth(a, true, { AuthToken: 'token-number-two-2', AuthTokenUpdateStrategy: 'ROTATE' }, now)!;
    assert.deepEqual(b.tokenSha256, [sha256Hex('token-number-one-1'), sha256Hex('token-number-two-2')]);
    assert.equal(b.version, 2);
    // The default strategy is ROTATE.
    const c = updateAuth(b, true, { AuthToken: 'token-number-three' }, now)!;
    assert.deepEqual(c.tokenSha256, [sha256Hex('token-number-two-2'), sha256Hex('token-number-three')]);
    const d = updateAuth(c, true, { AuthToken: 'token-number-three', AuthTokenUpdateStrategy: 'set' }, now)!;
    assert.deepEqual(d.tokenSha256, [sha256Hex('token-number-three')]);
    assert.throws(() => updateAuth(d, true, { AuthToken: 'token-number-four', AuthTokenUpdateStrategy: 'SET' }, now), /only after ROTATE/);
    assert.throws(() => updateAuth(d, true, { AuthToken: 'token-number-four', AuthTokenUpdateStrategy: 'DELETE' }, now), /RBAC|role-based/);
    assert.equal(updateAuth(d, true, {}, now), undefined);
  });

  it('renders the default user: nopass without a token (or while passwordless), the token hashes otherwise; restricted commands last', () => {
    assert.deepEqual(defaultUserRules(undefined), ['on', 'nopass', '~*', '&*', '+@all', ...R]);
    const a = initialAuth('token-number-one-1', now);
    assert.deepEqual(defaultUserRules(a), ['on', 'resetpass', `#${sha256Hex('token-number-one-1')}`, '~*', '&*', '+@all', ...R]);
    const rotatedFromNone = updateAuth(undefined, true, { AuthToken: 'token-number-one-1' }, now)!;
    assert.equal(rotatedFromNone.passwordless, true);
    assert.deepEqual(defaultUserRules(rotatedFromNone), ['on', 'nopass', '~*', '&*', '+@all', ...R]);
    assert.equal(authTokenEnabled(rotatedFromNone), true);
    assert.equal(authTokenEnabled(undefined), false);
  });
});

describe('node config with security', () => {
  it('refuses tls-* directives from the spec config (TLS is the spec\'s tls)', () => {
    const spec: NodeSpec = { key: 'n1', binary: 'redis-server', address: '127.1.2.3', port: 6379, config: { 'tls-port': '6380' } };
    assert.throws(() => renderRedisConf(spec, paths), /managed/);
  });

  it('certificate addresses are IP literals, sorted and de-duplicated', () => {
    assert.deepEqual(normalizeIps(['127.0.0.3', '127.0.0.1', '127.0.0.3']), ['127.0.0.1', '127.0.0.3']);
    assert.throws(() => normalizeIps(['example.com']), /not an IP/);
  });
});
