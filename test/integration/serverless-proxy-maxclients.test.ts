/**
 * The serverless endpoint's maxclients (ElastiCache Serverless: 65,000 a cache; 3 here, one
 * worker): past it a client gets Redis's own "max number of clients reached" and its connection
 * closed; a place freed is taken again.
 */
import assert from 'node:assert/strict';
import { describe, it, before } from 'node:test';
import tls from 'node:tls';
import { Redis } from 'ioredis';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { serverlessFixture, startEngine, type ServerlessFixture } from '../helpers/serverless-proxy.js';

const cleanup = useCleanup();
let f: ServerlessFixture;

before(async () => {
  f = await serverlessFixture(cleanup, { shards: 1, replicas: 0, workers: 1 });
  await startEngine(cleanup, f, { maxClients: 3 });
});

describe('serverless endpoint engine: maxclients', { timeout: 30_000 }, () => {
  it('refuses the client past the limit with Redis\'s error, and admits one again once a place is free', async () => {
    const open = () => {
      const r = new Redis({ host: f.host, port: f.port, tls: { ca: f.caPem }, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
      r.on('error', () => undefined);
      cleanup.defer(() => r.disconnect());
      return r;
    };
    const admitted = [open(), open(), open()];
    for (const r of admitted) {
      await r.connect();
      assert.equal(await r.ping(), 'PONG');
    }
    // The fourth, on a bare TLS socket: the bytes Redis itself sends past maxclients, then the close.
    const said = await new Promise<string>((resolve, reject) => {
      const sock = tls.connect({ host: f.host, port: f.port, ca: f.caPem });
      let text = '';
      sock.on('data', (d) => { text += d.toString(); });
      sock.on('error', reject);
      sock.on('close', () => resolve(text));
      setTimeout(() => { sock.destroy(); reject(new Error(`not closed; got ${JSON.stringify(text)}`)); }, 5000).unref();
    });
    assert.equal(said, '-ERR max number of clients reached\r\n');
    assert.deepEqual(await Promise.all(admitted.map((r) => r.ping())), ['PONG', 'PONG', 'PONG'], 'the others are untouched');

    admitted[0]!.disconnect();
    const next = open();
    await waitFor(async () => {
      try {
        await next.connect();
        return (await next.ping()) === 'PONG';
      } catch {
        next.disconnect();
        return false;
      }
    }, { timeoutMs: 5000, what: 'a client admitted in the freed place' });
  });
});
