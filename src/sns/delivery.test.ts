// SNS deliveries to a real HTTP receiver on loopback: retried with backoff until a 2xx, bounded.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import { after, before, describe, it } from 'node:test';
import { SqliteStore } from '../store/index.js';
import { silentLogger } from '../util/logger.js';
import { SnsDelivery } from './delivery.js';
import { pemSigner, verifyEnvelope, type Envelope } from './envelope.js';

const TOPIC = 'arn:aws:sns:us-east-1:123456789012:t';
let server: Server;
let url = '';
let failFirst = 0;
const hits: Array<{ at: number; env: Envelope }> = [];

before(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => { body += c; });
    req.on('end', () => {
      hits.push({ at: Date.now(), env: JSON.parse(body) });
      res.statusCode = hits.length <= failFirst ? 500 : 200;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  url = `http://127.0.0.1:${typeof a === 'object' && a ? a.port : 0}/`;
});
after(async () => { await new Promise((r) => server.close(r)); });

async function setup() {
  const store = new SqliteStore(':memory:');
  await store.commit([
    { op: 'create', kind: 'snsTopic', id: 't', doc: { name: 't', topicArn: TOPIC, attributes: {}, tags: [], createdAt: '' } },
    { op: 'create', kind: 'snsSubscription', id: 's1', doc: { id: 's1', topicArn: TOPIC, protocol: 'http', endpoint: url, owner: '1', token: 'tok', confirmed: true, rawMessageDelivery: false, createdAt: '' } },
  ]);
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  const delivery = new SnsDelivery({ store, signer: pemSigner(privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'http://x/c.pem'),
    baseUrl: () => 'http://127.0.0.1:1', now: () => new Date(), logger: silentLogger, attempts: 4, baseDelayMs: 40, timeoutMs: 2000 });
  return { store, delivery, publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

describe('SNS delivery', () => {
  it('retries a refused delivery with growing delays until the receiver takes it', async () => {
    hits.length = 0;
    failFirst = 2;
    const { store, delivery, publicKeyPem } = await setup();
    await delivery.publish(TOPIC, 'hello', 'subj');
    await delivery.drain();
    assert.equal(hits.length, 3);
    assert.ok(hits.every((h) => verifyEnvelope(h.env, publicKeyPem)));
    const gaps = [hits[1]!.at - hits[0]!.at, hits[2]!.at - hits[1]!.at];
    assert.ok(gaps[0]! >= 35 && gaps[1]! >= 75, `backoff doubles: ${gaps.join(', ')} ms`);
    await store.close();
  });

  it('gives up after the bounded number of attempts', async () => {
    hits.length = 0;
    failFirst = 100;
    const { store, delivery } = await setup();
    await delivery.publish(TOPIC, 'never taken');
    await delivery.drain();
    assert.equal(hits.length, 4);
    await assert.rejects(delivery.publish('arn:aws:sns:us-east-1:123456789012:missing', 'x'), /Topic does not exist/);
    await store.close();
  });
});
