/**
 * BackendConnection against an in-process fake node (ioredis's way: a fake server only for what a
 * real one cannot be made to do, here replies cut at every byte and a connection dropped on cue).
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { after, describe, it } from 'node:test';
import RedisParser from 'redis-parser';
import { BackendConnection, type ReplyCallback } from './backend.js';
import { loginOf } from './local-commands.js';
import { encodeCommand } from './resp.js';

const servers: net.Server[] = [];
after(() => servers.forEach((s) => s.close()));

/** A fake node answering each command with `$n\r\n<arg1>\r\n` (the echo of its first argument), one byte a write. */
async function fakeNode(opts: { dropAfter?: number; wrongPass?: boolean; silentAfter?: number; delayMs?: number } = {}): Promise<{ port: number; seen: string[] }> {
  const seen: string[] = [];
  const server = net.createServer((sock) => {
    let n = 0;
    let nextAt = 0;
    const parser = new RedisParser({
      returnReply: (cmd: string[]) => {
        seen.push(cmd.join(' '));
        if (opts.dropAfter !== undefined && ++n > opts.dropAfter) return sock.destroy();
        if (opts.silentAfter !== undefined && n++ >= opts.silentAfter) return; // frozen: reads, never answers
        const reply = cmd[0] === 'AUTH' ? (opts.wrongPass ? '-WRONGPASS invalid username-password pair\r\n' : '+OK\r\n') : `$${Buffer.byteLength(cmd[1] ?? '')}\r\n${cmd[1] ?? ''}\r\n`;
        const answer = () => { for (const ch of reply) sock.write(ch); };
        // One answer every delayMs, in order (a slow node that keeps answering).
        if (!opts.delayMs) return answer();
        nextAt = Math.max(Date.now(), nextAt) + opts.delayMs;
        setTimeout(answer, nextAt - Date.now());
      },
      returnError: () => {},
    });
    sock.on('data', (d) => parser.execute(d));
    sock.on('error', () => {});
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return { port: (server.address() as net.AddressInfo).port, seen };
}

const conn = (port: number, replyTimeoutMs?: number) => new BackendConnection({
  node: { host: '127.0.0.1', port }, login: loginOf('default', 'pw'), proto: 2, readonly: false, connectTimeoutMs: 1000,
  ...(replyTimeoutMs ? { replyTimeoutMs } : {}),
});

const call = (c: BackendConnection, ...args: string[]) =>
  new Promise<Parameters<ReplyCallback>>((resolve) => c.send(encodeCommand(args), 1, (...r) => resolve(r)));

describe('BackendConnection', () => {
  it('logs in first, then matches pipelined replies to commands in order, however the bytes are cut', async () => {
    const node = await fakeNode();
    const c = conn(node.port);
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => call(c, 'ECHO', `value-${i}`)));
    assert.deepEqual(results.map(([r]) => r![0]!.toString()), results.map((_, i) => `$${`value-${i}`.length}\r\nvalue-${i}\r\n`));
    assert.equal(node.seen[0], 'AUTH default pw');
    c.destroy('done');
  });

  it('gives a node that stopped answering up after a period with no reply: its commands learn they were written', async () => {
    const node = await fakeNode({ silentAfter: 2 });
    const c = conn(node.port, 100);
    const [first] = await call(c, 'ECHO', 'answered');
    assert.equal(first![0]!.toString(), '$8\r\nanswered\r\n');
    const t0 = performance.now();
    const [replies, lost] = await call(c, 'ECHO', 'never-answered');
    const ms = performance.now() - t0;
    assert.equal(replies, undefined);
    assert.equal(lost!.written, true);
    assert.match(lost!.reason, /did not answer for 100 ms/);
    assert.ok(ms >= 100 && ms < 1000, `given up after ${ms.toFixed(0)} ms`);
  });

  it('keeps a slow node that goes on answering, and an idle connection, whatever the time between replies', async () => {
    const node = await fakeNode({ delayMs: 40 });
    const c = conn(node.port, 100);
    // Ten pipelined commands answered 40 ms apart: 400 ms in all, never 100 ms without a reply.
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => call(c, 'ECHO', `slow-${i}`)));
    assert.ok(results.every(([r]) => r !== undefined), 'every command answered');
    await new Promise((r) => setTimeout(r, 250)); // idle for longer than two periods (what is tested is time itself)
    const [after] = await call(c, 'ECHO', 'after-idle');
    assert.ok(after, 'the idle connection still serves');
    assert.equal(c.closed, false);
    c.destroy('done');
  });

  it('never hands a reply to a command after a failed login (the node keeps the old user)', async () => {
    const node = await fakeNode({ wrongPass: true });
    const [replies, lost] = await call(conn(node.port), 'ECHO', 'as-the-previous-user');
    assert.equal(replies, undefined);
    assert.match(lost!.reason, /login failed: WRONGPASS/);
  });

  it('gives a batch (MULTI … EXEC) all its replies at once', async () => {
    const node = await fakeNode();
    const c = conn(node.port);
    const batch = Buffer.concat([encodeCommand(['ECHO', 'a']), encodeCommand(['ECHO', 'b']), encodeCommand(['ECHO', 'c'])]);
    const replies = await new Promise<Buffer[]>((resolve) => c.send(batch, 3, (r) => resolve(r!)));
    assert.deepEqual(replies.map(String), ['$1\r\na\r\n', '$1\r\nb\r\n', '$1\r\nc\r\n']);
    c.destroy('done');
  });

  it('tells commands lost with the connection whether they had been written', async () => {
    const node = await fakeNode({ dropAfter: 2 }); // AUTH and one ECHO answered
    const c = conn(node.port);
    const [first, second] = await Promise.all([call(c, 'ECHO', 'x'), call(c, 'ECHO', 'y')]);
    assert.equal(first[0]![0]!.toString(), '$1\r\nx\r\n');
    assert.equal(second[0], undefined);
    assert.equal(second[1]!.written, true, 'written before the drop: it may have run');
    // A node that refuses the connection: nothing was written.
    const closed = await fakeNode();
    servers.pop()!.close();
    await new Promise((r) => setTimeout(r, 10));
    const [, lost] = await call(conn(closed.port), 'ECHO', 'z');
    assert.equal(lost!.written, false);
  });
});
