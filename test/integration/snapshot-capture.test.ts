/**
 * Capturing a shard's RDB from real nodes (src/snapshots/engine/capture.ts): from the replica of
 * a primary/replica pair, over TLS, through a proxy that flips a byte or drops the connection
 * (faults a real node cannot be made to show), with a consumer that stops reading (backpressure
 * reaches the node's fork child), against a silent server (timeout) and with wrong credentials.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFile, writeFile } from 'node:fs/promises';
import { getPriority } from 'node:os';
import net from 'node:net';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { Redis } from 'ioredis';
import { AdminPool, observeNode, replicaOf } from '../../src/engine/admin.js';
import { LocalProcessProvider } from '../../src/engine/local-provider.js';
import type { NodeSpec } from '../../src/engine/types.js';
import { CaptureError, captureRdb } from '../../src/snapshots/engine/index.js';
import { BACKGROUND_NICE } from '../../src/snapshots/engine/fork-priority.js';
import { waitFor } from '../../src/util/wait.js';
import { useCleanup } from '../helpers/cleanup.js';
import { makeCertificates } from '../helpers/endpoints-tls.js';
import { testNodeSpec } from '../helpers/redis.js';
import { captureToBuffer, compareData, readNode, sourceOf, writeDataset } from '../helpers/snapshot-data.js';
import { restoreInto } from '../../src/snapshots/engine/index.js';
import { REDIS_SERVER } from '../helpers/redis.js';

const cleanup = useCleanup();
let provider: LocalProcessProvider;
const pool = new AdminPool({ commandTimeoutMs: 5000 });

before(async () => {
  provider = new LocalProcessProvider({ nodesDir: await cleanup.tmpDir('cachefleet-capture-') });
  cleanup.defer(() => pool.closeAll());
});

async function start(overrides: Partial<NodeSpec> = {}): Promise<NodeSpec> {
  const spec = await testNodeSpec(overrides);
  const st = await provider.ensureRunning(spec);
  cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
  return spec;
}

/** The node's admin connection, connected (pool connections are lazy and queue nothing). */
const admin = (s: NodeSpec) => pool.ready(s.address, s.port);

/**
 * A TCP proxy to `to` that passes node → client bytes through `tamper` (which may destroy the
 * sockets); `onNodeEnd` runs when the node closes its side (default: the client's side is closed too).
 */
async function faultyProxy(to: NodeSpec, tamper: (chunk: Buffer, seen: number, client: net.Socket) => Buffer | undefined,
  onNodeEnd: (client: net.Socket) => void = (client) => client.destroy()): Promise<{ port: number }> {
  const server = net.createServer((client) => {
    const upstream = net.connect({ host: to.address, port: to.port });
    let seen = 0;
    client.on('error', () => upstream.destroy());
    upstream.on('error', () => client.destroy());
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => onNodeEnd(client));
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      const out = tamper(chunk, seen, client);
      seen += chunk.length;
      if (out && !client.destroyed) client.write(out);
    });
  });
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  cleanup.defer(() => new Promise((resolve) => server.close(resolve)));
  return { port: (server.address() as net.AddressInfo).port };
}

function checkRdbFile(path: string): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile('redis-check-rdb', [path], { timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, output: `${stdout}${stderr}` });
    });
  });
}

describe('captureRdb', () => {
  let primary: NodeSpec;
  let replica: NodeSpec;

  before(async () => {
    [primary, replica] = await Promise.all([start(), start()]);
    await writeDataset(await admin(primary), 3000);
    await replicaOf(await admin(replica), primary);
    await waitFor(async () => {
      const [p, r] = await Promise.all([observeNode(await admin(primary)), observeNode(await admin(replica))]);
      return r.linkUp && r.replOffset === p.replOffset;
    }, { timeoutMs: 10_000, what: 'the replica in sync' });
  });

  it('takes the replica\'s RDB: redis-check-rdb passes it, and it restores to exactly the same data', async () => {
    const rdb = await captureToBuffer({ address: replica.address, port: replica.port });
    assert.equal(rdb.subarray(0, 5).toString(), 'REDIS');
    const dir = await cleanup.tmpDir('cachefleet-capture-file-');
    await writeFile(join(dir, 'shard.rdb'), rdb);
    const check = await checkRdbFile(join(dir, 'shard.rdb'));
    assert.equal(check.code, 0, check.output);
    assert.match(check.output, /RDB looks OK/);

    const t0 = Date.now(); // TTLs are compared across everything from here to the last read
    const expected = await readNode(await admin(primary));
    const target = await start();
    await restoreInto([sourceOf(rdb)], [{ primary: { address: target.address, port: target.port } }],
      { redisServer: REDIS_SERVER, workDir: await cleanup.tmpDir('cachefleet-capture-work-') });
    const actual = await readNode(await admin(target));
    const problems = compareData(actual, expected, Date.now() - t0);
    assert.deepEqual(problems, []);
    assert.equal(expected.size, 3000 + 60, 'the data set holds every key written');
  });

  it('leaves no dump file on the node: the transfer is diskless', async () => {
    const { readdir } = await import('node:fs/promises');
    await captureToBuffer({ address: replica.address, port: replica.port });
    const files = await readdir(provider.paths(replica.key).dir);
    assert.deepEqual(files.filter((f) => /\.rdb$/.test(f)), []);
  });

  it('refuses a stream with a byte flipped on the way: in the data, or in the CRC64 trailer', async () => {
    // In the data: redis-check-rdb finds whatever it breaks (an object, or the checksum at the end).
    let flipped = false;
    const inData = await faultyProxy(replica, (chunk, seen) => {
      const at = 100_000 - seen;
      if (!flipped && at >= 0 && at < chunk.length) {
        chunk[at] = chunk[at]! ^ 0x01;
        flipped = true;
      }
      return chunk;
    });
    const c = captureRdb({ address: '127.0.0.1', port: inData.port }, { timeoutMs: 10_000 });
    let streamError: unknown;
    c.stream.on('error', (e) => { streamError = e; });
    c.stream.resume();
    await assert.rejects(c.done, (e: unknown) => e instanceof CaptureError && e.reason === 'corrupt');
    assert.ok(flipped);
    await waitFor(() => streamError !== undefined, { timeoutMs: 2000, what: 'the stream to error' });
    assert.equal(c.stream.readableEnded, false, 'the stream never ends cleanly');

    // In the trailer: every object parses, only the checksum tells. Past the first KiB (the replies
    // and the transfer's header), the proxy holds back the last 48 bytes it has seen (8 of CRC, 40 of
    // end mark) until the node closes, then sends them with the CRC's last byte flipped.
    let held = Buffer.alloc(0);
    const inCrc = await faultyProxy(replica, (chunk, seen) => {
      if (seen + chunk.length <= 1024) return chunk;
      const all = Buffer.concat([held, chunk]);
      held = Buffer.from(all.subarray(Math.max(0, all.length - 48)));
      return all.subarray(0, all.length - held.length);
    }, (client) => {
      held[7] = held[7]! ^ 0x80;
      client.end(held);
    });
    const crc = captureRdb({ address: '127.0.0.1', port: inCrc.port }, { timeoutMs: 10_000 });
    crc.stream.resume();
    await assert.rejects(crc.done, (e: unknown) => e instanceof CaptureError && e.reason === 'corrupt' && /CRC error/.test(e.message));
  });

  it('rejects when the connection drops midway', async () => {
    const proxy = await faultyProxy(replica, (chunk, seen, client) => {
      if (seen + chunk.length > 50_000) {
        client.write(chunk.subarray(0, Math.max(0, 50_000 - seen)));
        client.destroy();
        return undefined;
      }
      return chunk;
    });
    const c = captureRdb({ address: '127.0.0.1', port: proxy.port }, { timeoutMs: 10_000 });
    c.stream.resume();
    await assert.rejects(c.done, (e: unknown) => e instanceof CaptureError && e.reason === 'connection' && /closed the connection/.test(e.message));
  });

  it('a consumer that stops reading stalls the node\'s fork child instead of buffering', async () => {
    const big = await start();
    // ~24 MB of incompressible values: far more than the socket buffers in between.
    const client = await admin(big);
    for (let i = 0; i < 24; i++) {
      const p = client.pipeline();
      for (let j = 0; j < 1000; j++) p.set(`big:${i}:${j}`, (await import('node:crypto')).randomBytes(1024));
      await p.exec();
    }
    const nodePid = (await provider.status(big.key)).pid!;
    const c = captureRdb({ address: big.address, port: big.port }, { timeoutMs: 10_000, highWaterMark: 256 * 1024, nodePid });
    const first = await new Promise<Buffer>((resolve) => c.stream.once('data', (d: Buffer) => { c.stream.pause(); resolve(d); }));
    assert.ok(first.length > 0);
    await waitFor(async () => /rdb_bgsave_in_progress:1/.test(String(await client.info('persistence'))), { timeoutMs: 5000, what: 'the fork child' });
    // Nothing is read for a while: the child must still be there, blocked, and little buffered here.
    const buffered: number[] = [];
    for (let i = 0; i < 10; i++) {
      await new Promise((r) => setTimeout(r, 100)); // sampling period while the consumer stays paused
      buffered.push(c.stream.readableLength);
    }
    assert.match(String(await client.info('persistence')), /rdb_bgsave_in_progress:1/, 'the child waits for the consumer');
    // Background work: the fork child runs reniced.
    const children = (await readFile(`/proc/${nodePid}/task/${nodePid}/children`, 'utf8')).split(/\s+/).filter(Boolean).map(Number);
    assert.deepEqual(children.map((pid) => getPriority(pid)), children.map(() => BACKGROUND_NICE));
    assert.equal(children.length, 1);
    assert.ok(Math.max(...buffered) <= 2 * 256 * 1024, `buffered ${Math.max(...buffered)} bytes`);
    let bytes = first.length;
    c.stream.on('data', (d: Buffer) => { bytes += d.length; });
    c.stream.resume();
    const done = await c.done;
    assert.equal(done.bytes, bytes);
    assert.ok(bytes > 24_000_000, `${bytes} bytes`);
  });

  it('times out on a server that never answers, refuses wrong credentials, and fails without its checker', async () => {
    // Reads (and ignores) what it is sent: a socket nobody reads never sees the peer's end.
    const silent = net.createServer((s) => { s.on('error', () => undefined); s.resume(); });
    await new Promise<void>((resolve) => silent.listen({ host: '127.0.0.1', port: 0 }, resolve));
    cleanup.defer(() => { silent.close(); });
    const port = (silent.address() as net.AddressInfo).port;
    const t0 = Date.now();
    const c = captureRdb({ address: '127.0.0.1', port }, { timeoutMs: 300 });
    await assert.rejects(c.done, (e: unknown) => e instanceof CaptureError && e.reason === 'timeout');
    assert.ok(Date.now() - t0 < 3000);
    // The silent server's connection is closed by the capture.
    await waitFor(() => new Promise<boolean>((r) => silent.getConnections((_, n) => r(n === 0))), { timeoutMs: 2000, what: 'the connection closed' });

    const withUser = await start({ config: { user: ['default on nopass ~* &* +@all', 'cachefleet-admin on >right-password ~* &* +@all'] } });
    const wrong = captureRdb({ address: withUser.address, port: withUser.port, auth: { username: 'cachefleet-admin', password: 'wrong' } });
    await assert.rejects(wrong.done, (e: unknown) => e instanceof CaptureError && e.reason === 'refused' && /WRONGPASS/.test(e.message));
    // Without its checker, a capture refuses to vouch for the bytes.
    const unchecked = captureRdb({ address: withUser.address, port: withUser.port, auth: { username: 'cachefleet-admin', password: 'right-password' } },
      { checker: '/nonexistent/redis-check-rdb' });
    unchecked.stream.resume();
    await assert.rejects(unchecked.done, (e: unknown) => e instanceof CaptureError && e.reason === 'unchecked' && /not found/.test(e.message));
    const right = await captureToBuffer({ address: withUser.address, port: withUser.port, auth: { username: 'cachefleet-admin', password: 'right-password' } });
    assert.equal(right.subarray(0, 5).toString(), 'REDIS');
  });

  it('captures over TLS from a node serving TLS only', async () => {
    const dir = await cleanup.tmpDir('cachefleet-capture-tls-');
    const base = await testNodeSpec();
    const certs = await makeCertificates(dir, [base.address]);
    const spec: NodeSpec = { ...base, tls: { certFile: certs.certFile, keyFile: certs.keyFile, caFile: certs.caFile } };
    const st = await provider.ensureRunning(spec);
    cleanup.trackPid(st.pid, provider.paths(spec.key).conf);
    const client = new Redis({ host: spec.address, port: spec.port, tls: { ca: certs.caPem }, lazyConnect: true });
    cleanup.defer(() => client.disconnect());
    await client.connect();
    await writeDataset(client, 300, 'tls');
    const t0 = Date.now();
    const expected = await readNode(client);
    const rdb = await captureToBuffer({ address: spec.address, port: spec.port, tls: { ca: certs.caPem } });
    // Plaintext against the TLS port is refused (nothing there speaks the protocol in the clear).
    const plain = captureRdb({ address: spec.address, port: spec.port }, { timeoutMs: 2000 });
    await assert.rejects(plain.done, CaptureError);

    const target = await start();
    await restoreInto([sourceOf(rdb)], [{ primary: { address: target.address, port: target.port } }],
      { redisServer: REDIS_SERVER, workDir: await cleanup.tmpDir('cachefleet-capture-work-') });
    const actual = await readNode(await admin(target));
    assert.deepEqual(compareData(actual, expected, Date.now() - t0), []);
  });
});
