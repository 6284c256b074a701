/**
 * The one way to connect to a node: the options every connection gets (fail fast), what a
 * long-lived connection adds (reconnects with jitter), how credentials, TLS and the local
 * address map onto ioredis; and a one-shot connection against an in-process RESP responder
 * (it comes from the local address asked for, and never outlives its use, even when it fails).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import { waitFor } from '../util/wait.js';
import { nodeConnectionOptions, withNodeConnection } from './connect.js';

describe('node connection options', () => {
  it('a one-shot connection fails fast and never reconnects', () => {
    const o = nodeConnectionOptions('127.0.0.9', 6379);
    assert.equal(o.host, '127.0.0.9');
    assert.equal(o.port, 6379);
    assert.equal(o.lazyConnect, true);
    assert.equal(o.enableOfflineQueue, false);
    assert.equal(o.enableReadyCheck, false);
    assert.equal(o.maxRetriesPerRequest, 0);
    assert.equal(o.connectTimeout, 1000);
    assert.equal(o.commandTimeout, 1000);
    assert.equal(o.retryStrategy?.(1), null);
    assert.equal(o.protocol, 2);
    assert.equal(o.disableClientInfo, true);
    for (const absent of ['username', 'password', 'tls', 'Connector', 'connectionName'] as const) assert.equal(o[absent], undefined, absent);
  });

  it('a long-lived connection reconnects after the interval plus up to 100 ms, with its own timeouts and name', () => {
    const o = nodeConnectionOptions('127.0.0.9', 6380, {
      retryIntervalMs: 250, connectTimeoutMs: 300, commandTimeoutMs: 5000, connectionName: 'cachefleet-admin',
    });
    for (let i = 1; i < 50; i++) {
      const wait = o.retryStrategy?.(i);
      assert.ok(typeof wait === 'number' && wait >= 250 && wait < 350, `retry after ${wait} ms`);
    }
    assert.equal(o.connectTimeout, 300);
    assert.equal(o.commandTimeout, 5000);
    assert.equal(o.connectionName, 'cachefleet-admin');
    assert.equal(o.enableOfflineQueue, false);
  });

  it('maps credentials, TLS and the local address', () => {
    const o = nodeConnectionOptions('127.0.0.9', 6379, {
      auth: { username: 'cachefleet-admin', password: 'secret' }, tls: { ca: 'PEM', servername: 'node.local' }, localAddress: '127.0.0.5',
    });
    assert.equal(o.username, 'cachefleet-admin');
    assert.equal(o.password, 'secret');
    assert.deepEqual(o.tls, { ca: 'PEM', servername: 'node.local' });
    assert.deepEqual(nodeConnectionOptions('127.0.0.9', 6379, { tls: { ca: 'PEM' } }).tls, { ca: 'PEM' });
    assert.equal(nodeConnectionOptions('127.0.0.9', 6379, { auth: { password: 'p' } }).username, undefined, 'AUTH token: the default user');
    assert.ok(o.Connector, 'bound to the local address');
    assert.equal(nodeConnectionOptions('127.0.0.8', 1, { localAddress: '127.0.0.5' }).Connector, o.Connector, 'one connector per address');
    assert.notEqual(nodeConnectionOptions('127.0.0.8', 1, { localAddress: '127.0.0.6' }).Connector, o.Connector);
  });
});

describe('one-shot connections', () => {
  const sockets = new Set<net.Socket>();
  const sources: string[] = [];
  // Answers every command with +PONG (RESP2, no handshake commands are sent: no AUTH, no name).
  const server = net.createServer((s) => {
    sockets.add(s);
    sources.push(s.remoteAddress ?? '');
    s.on('data', () => s.write('+PONG\r\n'));
    s.on('close', () => sockets.delete(s));
    s.on('error', () => undefined);
  });
  after(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const listening = new Promise<number>((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as net.AddressInfo).port)));

  it('connects from the local address asked for, answers, and closes once used or failed', async () => {
    const port = await listening;
    const reply = await withNodeConnection('127.0.0.1', port, { localAddress: '127.0.0.2', retryIntervalMs: 10 }, (c) => c.call('PING'));
    assert.equal(reply, 'PONG');
    assert.deepEqual(sources, ['127.0.0.2']);
    await assert.rejects(withNodeConnection('127.0.0.1', port, {}, async () => { throw new Error('use failed'); }), /use failed/);
    await waitFor(() => sockets.size === 0, { timeoutMs: 2000, intervalMs: 10, what: 'the one-shot connections to close' });
  });

  it('rejects with the reason when nothing listens', async () => {
    const closed = await freePort();
    await assert.rejects(withNodeConnection('127.0.0.1', closed, { retryIntervalMs: 10 }, (c) => c.call('PING')), /ECONNREFUSED/);
  });
});

/** A loopback port nothing listens on (taken, then released). */
async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
