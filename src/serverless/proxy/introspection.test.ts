import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { clientInfoLine, combineInfo } from './introspection.js';

describe('the endpoint described as one node', () => {
  it('CLIENT INFO: every field of Redis 7.0, the integers redis-py parses among them', () => {
    const line = clientInfoLine({ id: 7, addr: '127.0.0.1:5000', laddr: '127.1.2.3:6379', name: 'c1', age: 3, sub: 1, ssub: 2, user: 'default', resp: 3, cmd: 'client|info' });
    assert.ok(line.endsWith('\n'));
    const fields = new Map(line.trim().split(' ').map((kv) => kv.split('=') as [string, string]));
    assert.deepEqual([...fields.keys()], ['id', 'addr', 'laddr', 'fd', 'name', 'age', 'idle', 'flags', 'db', 'sub', 'psub', 'ssub', 'multi',
      'qbuf', 'qbuf-free', 'argv-mem', 'multi-mem', 'rbs', 'rbp', 'obl', 'oll', 'omem', 'tot-mem', 'events', 'cmd', 'user', 'redir', 'resp']);
    // redis-py 4.3's parse_client_info: int() of each of these.
    for (const k of ['id', 'age', 'idle', 'db', 'sub', 'psub', 'multi', 'qbuf', 'qbuf-free', 'obl', 'argv-mem', 'oll', 'omem', 'tot-mem']) {
      assert.ok(Number.isInteger(Number(fields.get(k))), k);
    }
    assert.equal(fields.get('name'), 'c1');
    assert.equal(fields.get('ssub'), '2');
    assert.equal(fields.get('resp'), '3');
  });

  it('INFO: the Keyspace section sums every shard, other sections are the first shard\'s', () => {
    const shard = (keys: number, expires: number, ttl: number) =>
      `# Server\r\nredis_version:7.0.15\r\n\r\n# Cluster\r\ncluster_enabled:1\r\n\r\n# Keyspace\r\n` +
      (keys ? `db0:keys=${keys},expires=${expires},avg_ttl=${ttl}\r\n` : '');
    const all = combineInfo([shard(2, 1, 1000), shard(0, 0, 0), shard(3, 3, 2000)]);
    assert.equal(all, `# Server\r\nredis_version:7.0.15\r\n\r\n# Cluster\r\ncluster_enabled:1\r\n\r\n# Keyspace\r\ndb0:keys=5,expires=4,avg_ttl=1750\r\n`);
    // An empty cache: the header alone, as Redis writes it.
    assert.equal(combineInfo([shard(0, 0, 0), shard(0, 0, 0)]), shard(0, 0, 0));
  });

  it('INFO: a section after Keyspace is kept; without a Keyspace section the text is unchanged', () => {
    const a = '# Keyspace\r\ndb0:keys=1,expires=0,avg_ttl=0\r\n\r\n# Other\r\nx:1\r\n';
    const b = '# Keyspace\r\ndb0:keys=2,expires=0,avg_ttl=0\r\n\r\n# Other\r\nx:2\r\n';
    assert.equal(combineInfo([a, b]), '# Keyspace\r\ndb0:keys=3,expires=0,avg_ttl=0\r\n\r\n# Other\r\nx:1\r\n');
    assert.equal(combineInfo(['# Server\r\nredis_version:7.0.15\r\n', '# Server\r\nredis_version:7.0.15\r\n']), '# Server\r\nredis_version:7.0.15\r\n');
  });
});
