import assert from 'node:assert/strict';
import net from 'node:net';
import tls from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { connectInOrder, isTlsClientHello } from './sniff.js';
import type { Target } from './types.js';

/** The first chunk a real TLS client (node's) sends: its ClientHello. */
async function clientHello(): Promise<Buffer> {
  const server = net.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  try {
    const { port } = server.address() as net.AddressInfo;
    const first = new Promise<Buffer>((resolve) => server.once('connection', (s) => s.once('data', (d: Buffer) => { resolve(d); s.destroy(); })));
    const c = tls.connect({ host: '127.0.0.1', port, rejectUnauthorized: false });
    c.on('error', () => {});
    try {
      return await first;
    } finally {
      c.destroy();
    }
  } finally {
    server.close();
  }
}

describe('isTlsClientHello', () => {
  it('tells a ClientHello from what Redis clients send first', async () => {
    assert.ok(isTlsClientHello(await clientHello()));
    assert.ok(!isTlsClientHello(Buffer.from('*1\r\n$4\r\nPING\r\n')), 'RESP');
    assert.ok(!isTlsClientHello(Buffer.from('PING\r\n')), 'inline command');
    assert.ok(!isTlsClientHello(Buffer.alloc(0)));
  });
});

describe('connectInOrder', () => {
  const servers: net.Server[] = [];
  const accepted: net.Socket[] = [];
  let live: Target;
  let live2: Target;
  let refused: Target;

  const listen = async (): Promise<Target> => {
    const s = net.createServer((c) => accepted.push(c));
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    return { address: '127.0.0.1', port: (s.address() as net.AddressInfo).port };
  };

  before(async () => {
    live = await listen();
    live2 = await listen();
    // A port that was just free: nothing listens there, so connecting is refused.
    const gone = await listen();
    await new Promise((r) => servers.pop()!.close(r));
    refused = gone;
  });
  after(() => {
    for (const c of accepted) c.destroy();
    for (const s of servers) s.close();
  });

  it('skips targets that refuse and returns the first that accepts, with the target used', async () => {
    const up = await connectInOrder([refused, live, live2]);
    assert.ok(up);
    assert.deepEqual(up.target, live);
    assert.equal(up.socket.remotePort, live.port);
    up.socket.destroy();
  });

  it('tries in order, not round robin', async () => {
    for (let i = 0; i < 3; i++) {
      const up = await connectInOrder([live2, live]);
      assert.deepEqual(up?.target, live2);
      up?.socket.destroy();
    }
  });

  it('undefined when none accepts, or there is none', async () => {
    assert.equal(await connectInOrder([refused, refused]), undefined);
    assert.equal(await connectInOrder([]), undefined);
  });

  it('binds the local address it is given', async () => {
    const up = await connectInOrder([live], { localAddress: '127.0.0.3' });
    assert.equal(up?.socket.localAddress, '127.0.0.3');
    up?.socket.destroy();
  });

  it('an abort ends the attempt, also one under way', async () => {
    const aborted = new AbortController();
    aborted.abort();
    assert.equal(await connectInOrder([live], { signal: aborted.signal }), undefined);
    const aborter = new AbortController();
    const attempt = connectInOrder([live, live2], { signal: aborter.signal });
    aborter.abort(); // the connect is in flight: it completes on a later turn of the event loop
    assert.equal(await attempt, undefined);
  });
});
