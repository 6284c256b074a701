import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { nodeInfoFromFields, parseInfo, parseInfoList } from './info.js';

// Captured from redis-server 7.0 (INFO uses CRLF line ends).
const crlf = (s: string) => s.trim().split('\n').join('\r\n') + '\r\n';
const primaryInfo = crlf(`
# Server
redis_version:7.0.15
redis_mode:standalone
executable:redis-server
run_id:b5c6f1e0d1a2b3c4d5e6f708192a3b4c5d6e7f80
uptime_in_seconds:42

# Replication
role:master
connected_slaves:2
slave0:ip=127.0.0.1,port=7802,state=online,offset=1234,lag=0
slave1:ip=127.0.0.2,port=7803,state=wait_bgsave,offset=0,lag=1
master_failover_state:no-failover
master_replid:87324e0ddce8424f10b8652ab958bdc3e02d6560
master_repl_offset:1234
second_repl_offset:-1

# Memory
used_memory:939480
used_memory_human:917.46K
maxmemory:104857600

# Persistence
loading:0
`);
const replicaInfo = crlf(`
# Server
redis_version:7.0.15
run_id:0123456789abcdef0123456789abcdef01234567
uptime_in_seconds:3
# Replication
role:slave
master_host:127.0.0.1
master_port:7801
master_link_status:down
master_sync_in_progress:1
slave_read_repl_offset:1
slave_repl_offset:1
connected_slaves:0
master_repl_offset:0
# Memory
used_memory:1000
maxmemory:0
# Persistence
loading:1
`);

describe('parseInfo', () => {
  it('flattens sections, skips headers and blank lines, keeps colons in values', () => {
    const f = parseInfo(primaryInfo);
    assert.equal(f.redis_version, '7.0.15');
    assert.equal(f.executable, 'redis-server');
    assert.equal(f.role, 'master');
    assert.equal(f['# Server'], undefined);
    assert.equal(parseInfo('a:b:c\r\n').a, 'b:c');
    assert.deepEqual(parseInfo(''), {});
  });
  it('splits key=value lists', () => {
    assert.deepEqual(parseInfoList('keys=1,expires=0,avg_ttl=0'), { keys: '1', expires: '0', avg_ttl: '0' });
  });
});

describe('nodeInfoFromFields', () => {
  it('describes a primary with its replicas', () => {
    assert.deepEqual(nodeInfoFromFields(parseInfo(primaryInfo)), {
      runId: 'b5c6f1e0d1a2b3c4d5e6f708192a3b4c5d6e7f80',
      version: '7.0.15',
      role: 'primary',
      replOffset: 1234,
      connectedReplicas: [
        { ip: '127.0.0.1', port: 7802, state: 'online', offset: 1234, lag: 0 },
        { ip: '127.0.0.2', port: 7803, state: 'wait_bgsave', offset: 0, lag: 1 },
      ],
      uptimeSeconds: 42,
      usedMemory: 939480,
      maxmemory: 104857600,
      loading: false,
    });
  });
  it('describes a syncing replica', () => {
    const info = nodeInfoFromFields(parseInfo(replicaInfo));
    assert.equal(info.role, 'replica');
    assert.equal(info.masterHost, '127.0.0.1');
    assert.equal(info.masterPort, 7801);
    assert.equal(info.linkUp, false);
    assert.equal(info.syncInProgress, true);
    assert.equal(info.replOffset, 1);
    assert.deepEqual(info.connectedReplicas, []);
    assert.equal(info.loading, true);
  });
  it('reports linkUp once the link is up', () => {
    const f = { ...parseInfo(replicaInfo), master_link_status: 'up' };
    assert.equal(nodeInfoFromFields(f).linkUp, true);
  });
});
