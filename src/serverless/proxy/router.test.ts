import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { loginOf } from './local-commands.js';
import { encodeCommand } from './resp.js';
import { redirection, Router } from './router.js';
import type { Topology } from './topology.js';

const b = (s: string) => Buffer.from(s);

describe('redirection', () => {
  it('recognises replies that mean the command did not run', () => {
    assert.equal(redirection([b('-MOVED 3999 127.0.0.1:6381\r\n')]), 'MOVED 3999 127.0.0.1:6381');
    assert.equal(redirection([b('-ASK 3999 127.0.0.1:6381\r\n')]), 'ASK 3999 127.0.0.1:6381');
    assert.equal(redirection([b('-TRYAGAIN Multiple keys request during rehashing of slot\r\n')])?.startsWith('TRYAGAIN'), true);
    assert.equal(redirection([b('-CLUSTERDOWN The cluster is down\r\n')])?.startsWith('CLUSTERDOWN'), true);
    assert.equal(redirection([b("-READONLY You can't write against a read only replica.\r\n")])?.startsWith('READONLY'), true);
    assert.equal(redirection([b('-ERR wrong number of arguments\r\n')]), undefined);
    assert.equal(redirection([b('+OK\r\n')]), undefined);
  });

  it('in a transaction: only when EXEC was aborted because a queued command was redirected', () => {
    const ok = b('+OK\r\n');
    const moved = b('-MOVED 1 h:1\r\n');
    const abort = b('-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.equal(redirection([ok, moved, abort]), 'MOVED 1 h:1');
    assert.equal(redirection([ok, b('-ERR syntax\r\n'), abort]), undefined);
    assert.equal(redirection([ok, b('+QUEUED\r\n'), b('*1\r\n:1\r\n')]), undefined);
  });
});

describe('Router', () => {
  const servers: net.Server[] = [];
  after(() => servers.forEach((s) => s.close()));

  it('past its deadline, a slot that keeps moving gets an error with no node address, never the redirection', async () => {
    // A node that logs in and then answers every command MOVED to itself (a slot whose owners disagree).
    const server = net.createServer((sock) => {
      const parser = new RedisParser({
        returnReply: (cmd: string[]) => sock.write(cmd[0] === 'AUTH' ? '+OK\r\n' : `-MOVED 1 127.0.0.1:${port}\r\n`),
        returnError: () => {},
      });
      sock.on('data', (d) => parser.execute(d));
      sock.on('error', () => {});
    });
    servers.push(server);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as net.AddressInfo).port;
    const node = { host: '127.0.0.1', port };
    const shard = { primary: node, replicas: [] };
    const topology = { map: { shards: [shard], shardOf: () => shard }, refresh: async () => {} } as unknown as Topology;
    const router = new Router({ connectTimeoutMs: 1000, replyTimeoutMs: 1000, poolSize: 1, retryDeadlineMs: 200, retryDelayMs: 10 }, topology);
    try {
      const replies = await new Promise<Buffer[]>((cb) => router.run({
        frame: encodeCommand(['GET', 'k']), n: 1, slot: 1, replica: false, retrySafe: true, login: loginOf('u', 'p'), proto: 2, lane: 0, cb,
      }));
      const text = replies[0]!.toString();
      assert.match(text, /^-TRYAGAIN /);
      assert.doesNotMatch(text, /MOVED|127\.0\.0\.1/);
    } finally {
      router.closeAll();
    }
  });
});
