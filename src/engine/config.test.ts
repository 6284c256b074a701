import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { quoteConfigValue, renderRedisConf } from './config.js';
import type { NodeSpec } from './types.js';

const paths = { dir: '/nodes/n1', conf: '/nodes/n1/redis.conf', pid: '/nodes/n1/redis.pid', log: '/nodes/n1/redis.log' };
const spec = (config: NodeSpec['config'] = {}): NodeSpec => ({
  key: 'n1',
  binary: 'redis-server',
  address: '127.1.2.3',
  port: 6379,
  config,
});
const lines = (text: string) => text.split('\n').filter((l) => l && !l.startsWith('#'));

describe('quoteConfigValue', () => {
  it('leaves plain values bare', () => {
    assert.equal(quoteConfigValue('allkeys-lru'), 'allkeys-lru');
    assert.equal(quoteConfigValue('100mb'), '100mb');
    assert.equal(quoteConfigValue('/var/lib/x'), '/var/lib/x');
  });
  it('renders the empty string as ""', () => {
    assert.equal(quoteConfigValue(''), '""');
  });
  it('double-quotes values with spaces, quotes, backslashes and controls', () => {
    assert.equal(quoteConfigValue('900 1'), '"900 1"');
    assert.equal(quoteConfigValue('a"b'), '"a\\"b"');
    assert.equal(quoteConfigValue("it's"), '"it\'s"');
    assert.equal(quoteConfigValue('a\\b'), '"a\\\\b"');
    assert.equal(quoteConfigValue('x\ny\tz\r'), '"x\\ny\\tz\\r"');
    assert.equal(quoteConfigValue('bell\x07'), '"bell\\x07"');
    assert.equal(quoteConfigValue('caf\u00e9 \u2603'), '"caf\u00e9 \u2603"');
  });
});

describe('renderRedisConf', () => {
  it('loads a full sync from the socket whatever the spec says (the directive is managed)', () => {
    assert.ok(lines(renderRedisConf(spec(), paths)).includes('repl-diskless-load swapdb'));
    assert.throws(() => renderRedisConf(spec({ 'repl-diskless-load': 'disabled' }), paths), /managed by the node provider/);
  });
  it('starts with the managed directives and the cache defaults', () => {
    assert.deepEqual(lines(renderRedisConf(spec(), paths)), [
      'bind 127.1.2.3',
      'port 6379',
      'dir .',
      'pidfile redis.pid',
      'logfile redis.log',
      'daemonize no',
      'protected-mode no',
      'proc-title-template "{title} {listen-addr} {server-mode} /nodes/n1/redis.conf"',
      'repl-diskless-load swapdb',
      'save ""',
      'appendonly no',
      'repl-diskless-sync yes',
      'repl-diskless-sync-delay 0',
      'repl-ping-replica-period 1',
      'rdbcompression no',
      'bind-source-addr 127.1.2.3',
      'replica-announce-ip 127.1.2.3',
      'enable-module-command yes',
    ]);
  });
  it('appends spec directives sorted, arrays as repeated lines, overriding defaults', () => {
    const out = lines(
      renderRedisConf(
        spec({ 'maxmemory-policy': 'volatile-lru', save: ['900 1', '300 10'], appendonly: 'yes', 'notify-keyspace-events': '' }),
        paths,
      ),
    );
    assert.ok(!out.includes('save ""'));
    assert.ok(!out.includes('appendonly no'));
    assert.deepEqual(out.slice(-5), [
      'appendonly yes',
      'maxmemory-policy volatile-lru',
      'notify-keyspace-events ""',
      'save "900 1"',
      'save "300 10"',
    ]);
  });
  it('renders the arguments of non-table directives as separate tokens', () => {
    const out = lines(
      renderRedisConf(
        spec({ 'rename-command': ['FLUSHALL ""', 'CONFIG my-config'], replicaof: '127.0.0.9 6379', user: 'app on >p\\w ~* +@all' }),
        paths,
      ),
    );
    assert.deepEqual(out.slice(-4), [
      'rename-command FLUSHALL ""',
      'rename-command CONFIG my-config',
      'replicaof 127.0.0.9 6379',
      'user app on ">p\\\\w" ~* +@all',
    ]);
  });
  it('names the node\'s files relative to its directory (its working directory), quoting what needs it', () => {
    const p = { dir: '/my nodes/n1', conf: '/my nodes/n1/redis.conf', pid: '/my nodes/n1/redis.pid', log: '/my nodes/n1/my log' };
    const out = lines(renderRedisConf(spec(), p));
    assert.ok(out.includes('dir .'));
    assert.ok(out.includes('logfile "my log"'));
    assert.ok(lines(renderRedisConf(spec(), { ...p, log: '/elsewhere/redis.log' })).includes('logfile /elsewhere/redis.log'), 'outside: absolute');
  });
  it('refuses managed directives and malformed names', () => {
    assert.throws(() => renderRedisConf(spec({ port: '1234' }), paths), /managed/);
    assert.throws(() => renderRedisConf(spec({ Bind: '0.0.0.0' }), paths), /managed/);
    assert.throws(() => renderRedisConf(spec({ include: '/etc/x.conf' }), paths), /managed/);
    assert.throws(() => renderRedisConf(spec({ 'maxmemory\nport': '1' }), paths), /invalid/);
    assert.throws(() => renderRedisConf(spec({ '': '1' }), paths), /invalid/);
  });
  it('is deterministic regardless of key order', () => {
    const a = renderRedisConf(spec({ a: '1', b: '2' }), paths);
    const b = renderRedisConf(spec({ b: '2', a: '1' }), paths);
    assert.equal(a, b);
  });
  it('renders TLS required: TLS only on the node port, TLS replication and bus', () => {
    const tls = { certFile: '/c/n.crt', keyFile: '/c/n.key', caFile: '/c/ca.crt' };
    const l = lines(renderRedisConf({ ...spec(), tls }, paths));
    assert.deepEqual(l.slice(1, 9), [
      'port 0', 'tls-port 6379', 'tls-cert-file /c/n.crt', 'tls-key-file /c/n.key', 'tls-ca-cert-file /c/ca.crt',
      'tls-auth-clients no', 'tls-replication yes', 'tls-cluster yes',
    ]);
  });
  it('renders TLS preferred: plaintext on the node port, TLS on the internal port, plaintext replication and bus', () => {
    const tls = { certFile: '/c/n.crt', keyFile: '/c/n.key', caFile: '/c/ca.crt', mode: 'preferred' as const };
    const l = lines(renderRedisConf({ ...spec(), tls }, paths));
    assert.deepEqual(l.slice(1, 9), [
      'port 6379', 'tls-port 26379', 'tls-cert-file /c/n.crt', 'tls-key-file /c/n.key', 'tls-ca-cert-file /c/ca.crt',
      'tls-auth-clients no', 'tls-replication no', 'tls-cluster no',
    ]);
  });
});
