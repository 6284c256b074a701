// The reconciler's side of node security: the redis.conf a node gets (desired.ts nodeSpec) and
// the comparison of a live default user with the wanted rules (security.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RESTRICTION_RULES as R } from '../security/restricted-commands.js';
import { renderRedisConf } from '../engine/config.js';
import { defaultUserRules, initialAuth, sha256Hex } from '../security/auth-token.js';
import type { CacheClusterRecord, CacheParameterGroupRecord } from '../store/index.js';
import { nodeSpec } from './desired.js';
import { sameDefaultUser, shownAs } from './security.js';

const paths = { dir: '/nodes/n1', conf: '/nodes/n1/redis.conf', pid: '/nodes/n1/redis.pid', log: '/nodes/n1/redis.log' };
const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));
const now = new Date('2026-01-02T03:04:05.000Z');

describe('default user', () => {
  it('compares ACL GETUSER replies with the wanted rules', () => {
    const h = sha256Hex('token-number-one-1');
    const reply = (flags: string[], passwords: string[]) =>
      ['flags', flags, 'passwords', passwords, 'commands', `+@all ${[...R].reverse().join(' ')}`, 'keys', '~*', 'channels', '&*', 'selectors', []];
    assert.ok(sameDefaultUser(reply(['on', 'nopass', 'sanitize-payload'], []), defaultUserRules(undefined)));
    assert.ok(!sameDefaultUser(reply(['on', 'nopass'], []), defaultUserRules(initialAuth('token-number-one-1', now))));
    assert.ok(sameDefaultUser(reply(['on'], [h]), defaultUserRules(initialAuth('token-number-one-1', now))));
    assert.ok(!sameDefaultUser(reply(['on'], [h, sha256Hex('x'.repeat(16))]), defaultUserRules(initialAuth('token-number-one-1', now))));
    assert.ok(!sameDefaultUser(reply(['off'], [h]), defaultUserRules(initialAuth('token-number-one-1', now))));
  });

  it('sees a restriction lifted by hand (a command given back, the bare +@all, a selector added)', () => {
    const reply = (commands: string, selectors: unknown[] = []) =>
      ['flags', ['on', 'nopass'], 'passwords', [], 'commands', commands, 'keys', '~*', 'channels', '&*', 'selectors', selectors];
    const rules = defaultUserRules(undefined);
    assert.ok(sameDefaultUser(reply(`+@all ${R.join(' ')}`), rules));
    assert.ok(!sameDefaultUser(reply('+@all'), rules));
    assert.ok(!sameDefaultUser(reply(`+@all ${R.filter((r) => r !== '-config').join(' ')}`), rules));
    assert.ok(!sameDefaultUser(reply(`+@all ${R.join(' ')}`, [['commands', '+@all', 'keys', '~*', 'channels', '']]), rules));
  });

  it('accepts the rules in Redis 7.0\'s own words only as the node showed them right after they were set', () => {
    const reply = (commands: string) => ['flags', ['on', 'nopass'], 'passwords', [], 'commands', commands, 'keys', '~*', 'channels', '&*', 'selectors', []];
    const rules = defaultUserRules(undefined);
    const words = '+@all -@admin +replconf +pfselftest -config +acl|log +monitor -migrate +role -module';
    assert.ok(!sameDefaultUser(reply(words), rules), 'unknown words: set again');
    const shown = shownAs(rules, reply(words));
    assert.ok(sameDefaultUser(reply(words), rules, shown));
    assert.ok(!sameDefaultUser(reply(`${words} +config`), rules, shown), 'a command given back since');
    assert.ok(!sameDefaultUser(reply(words), defaultUserRules(initialAuth('token-number-one-1', now)), shown), 'other rules');
  });
});

describe('node config with security', () => {
  const group: CacheParameterGroupRecord = {
    name: 'default.redis7', arn: 'arn', family: 'redis7', description: '', isGlobal: false, builtIn: true, values: {}, version: 1, createdAt: '',
  };
  const cluster = (over: Partial<CacheClusterRecord> = {}): CacheClusterRecord => ({
    id: 'c1', arn: 'arn', status: 'available', createdAt: '', engine: 'redis', engineVersion: '7.0', engineVersionInstalled: '7.0.15',
    cacheNodeType: 'cache.t3.micro', cacheParameterGroupName: 'default.redis7', cacheSubnetGroupName: 'default', port: 6379,
    securityGroupIds: [], preferredMaintenanceWindow: 'sun:05:00-sun:06:00', snapshotRetentionLimit: 0, snapshotWindow: '03:00-04:00',
    autoMinorVersionUpgrade: true, transitEncryptionEnabled: false, atRestEncryptionEnabled: false, preferredAvailabilityZone: 'us-east-1a',
    nodes: [{ id: '0001', address: '127.1.2.3', port: 6379, availabilityZone: 'us-east-1a', createdAt: '', status: 'available', parameterGroupStatus: 'in-sync' }],
    parameterApplyStatus: 'in-sync', observedGeneration: 0, pending: {}, ...over,
  });
  const engines = [{ version: '7.0.15', major: 7, minor: 0, patch: 15, binary: 'redis-server', family: 'redis7' }];
  const security = { adminUser: 'cachefleet-admin', adminPassword: 'f'.repeat(64),
    tls: { certFile: '/tls/nodes/c1-0001/node-1.crt', keyFile: '/tls/nodes/c1-0001/node-1.key', caFile: '/tls/ca.crt' } };

  it('TLS: port 0, tls-port on the node port, TLS replication and cluster bus, no client certificates', () => {
    const c = cluster({ transitEncryptionEnabled: true, transitEncryptionMode: 'required', auth: initialAuth('YourStrongAuthToken123!', now) });
    const spec = nodeSpec(c, c.nodes[0]!, group, engines, { address: '127.1.2.4', port: 6379 }, security);
    const conf = lines(renderRedisConf(spec, paths));
    assert.deepEqual(conf.slice(0, 9), [
      'bind 127.1.2.3', 'port 0', 'tls-port 6379', 'tls-cert-file /tls/nodes/c1-0001/node-1.crt', 'tls-key-file /tls/nodes/c1-0001/node-1.key',
      'tls-ca-cert-file /tls/ca.crt', 'tls-auth-clients no', 'tls-replication yes', 'tls-cluster yes',
    ]);
    // One token per word, unquoted; only password hashes; replicas authenticate as the admin user.
    assert.ok(conf.includes(`user cachefleet-admin on #${sha256Hex('f'.repeat(64))} ~* &* +@all`));
    assert.ok(conf.includes(`user default on resetpass #${sha256Hex('YourStrongAuthToken123!')} ~* &* +@all ${R.join(' ')}`));
    assert.ok(conf.includes('masteruser cachefleet-admin'));
    assert.ok(conf.includes(`masterauth ${'f'.repeat(64)}`));
    assert.ok(conf.includes('replicaof 127.1.2.4 6379'));
    assert.ok(!conf.join('\n').includes('YourStrongAuthToken123!'));
  });

  it('without TLS: the plain port, the admin user, and a passwordless default user (as today)', () => {
    const c = cluster();
    const conf = lines(renderRedisConf(nodeSpec(c, c.nodes[0]!, group, engines, undefined, security), paths));
    assert.equal(conf[1], 'port 6379');
    assert.ok(!conf.some((l) => l.startsWith('tls-')));
    assert.ok(conf.includes(`user default on nopass ~* &* +@all ${R.join(' ')}`));
  });
});
