import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CLIENT_REPLY_REPLY, HELLO3_REPLY, NOREPLICAS_REPLY } from './durable-session.js';
import { WAIT, b, bulk, cat, cmd, same, session, toClient, toServer } from './durable-test-fixtures.js';

describe('DurableSession: writes wait for a replica', () => {
  it('a single write: WAIT follows it; OK is released only by WAIT ≥ 1', () => {
    const s = session();
    same(toServer(s.fromClient(cmd('SET', 'k', 'v'))), cat(cmd('SET', 'k', 'v'), WAIT));
    same(toClient(s.fromServer(b('+OK\r\n'))), b(''), 'held until the replica has it');
    same(toClient(s.fromServer(b(':1\r\n'))), b('+OK\r\n'));
    assert.equal(s.stats.waits, 1);
  });

  it('reads pass at once and never wait', () => {
    const s = session();
    same(toServer(s.fromClient(cat(cmd('GET', 'k'), cmd('PING')))), cat(cmd('GET', 'k'), cmd('PING')));
    same(toClient(s.fromServer(b('$1\r\nv\r\n+PONG\r\n'))), b('$1\r\nv\r\n+PONG\r\n'));
    assert.equal(s.stats.waits, 0);
  });

  it('a pipeline of writes costs one WAIT, after the last write', () => {
    const s = session();
    const writes = cat(cmd('SET', 'a', '1'), cmd('SET', 'b', '2'), cmd('INCR', 'c'));
    same(toServer(s.fromClient(writes)), cat(writes, WAIT));
    same(toClient(s.fromServer(b('+OK\r\n+OK\r\n:7\r\n'))), b(''));
    same(toClient(s.fromServer(b(':2\r\n'))), b('+OK\r\n+OK\r\n:7\r\n'));
  });

  it('keeps reply order: replies after a held write are held too; reads after the WAIT pass', () => {
    const s = session();
    const c = cat(cmd('GET', 'x'), cmd('SET', 'a', '1'), cmd('GET', 'b'), cmd('SET', 'c', '2'), cmd('GET', 'a'));
    same(toServer(s.fromClient(c)),
      cat(cmd('GET', 'x'), cmd('SET', 'a', '1'), cmd('GET', 'b'), cmd('SET', 'c', '2'), WAIT, cmd('GET', 'a')));
    same(toClient(s.fromServer(b('$1\r\nx\r\n+OK\r\n$1\r\nb\r\n+OK\r\n'))), b('$1\r\nx\r\n'), 'only the read before the first write');
    same(toClient(s.fromServer(b(':1\r\n$1\r\n1\r\n'))), b('+OK\r\n$1\r\nb\r\n+OK\r\n$1\r\n1\r\n'));
  });

  it('MULTI/EXEC: one WAIT after EXEC when the transaction wrote; QUEUED replies are not held', () => {
    const s = session();
    const tx = cat(cmd('MULTI'), cmd('SET', 'a', '1'), cmd('GET', 'a'), cmd('EXEC'));
    same(toServer(s.fromClient(tx)), cat(tx, WAIT));
    same(toClient(s.fromServer(b('+OK\r\n+QUEUED\r\n+QUEUED\r\n'))), b('+OK\r\n+QUEUED\r\n+QUEUED\r\n'));
    same(toClient(s.fromServer(b('*2\r\n+OK\r\n$1\r\n1\r\n'))), b(''), 'EXEC held');
    same(toClient(s.fromServer(b(':1\r\n'))), b('*2\r\n+OK\r\n$1\r\n1\r\n'));
    // A read-only transaction, and one split over two reads: WAIT only after the EXEC that wrote.
    const ro = cat(cmd('MULTI'), cmd('GET', 'a'), cmd('EXEC'));
    same(toServer(s.fromClient(ro)), ro);
    same(toServer(s.fromClient(cat(cmd('MULTI'), cmd('DEL', 'a')))), cat(cmd('MULTI'), cmd('DEL', 'a')), 'no WAIT inside MULTI');
    same(toServer(s.fromClient(cmd('EXEC'))), cat(cmd('EXEC'), WAIT));
  });

  it('WAIT returning 0: write replies become NOREPLICAS; reads, errors and null replies stay', () => {
    const s = session();
    s.fromClient(cat(cmd('SET', 'a', '1'), cmd('GET', 'b'), cmd('INCR', 'str'), cmd('SET', 'n', '1', 'NX'), cmd('SET', 'c', '2')));
    const replies = b('+OK\r\n$1\r\nb\r\n-ERR value is not an integer or out of range\r\n$-1\r\n+OK\r\n');
    same(toClient(s.fromServer(replies)), b(''));
    same(toClient(s.fromServer(b(':0\r\n'))), cat(NOREPLICAS_REPLY, b('$1\r\nb\r\n-ERR value is not an integer or out of range\r\n$-1\r\n'),
      NOREPLICAS_REPLY));
    assert.equal(NOREPLICAS_REPLY.toString(), '-NOREPLICAS Not enough good replicas to write.\r\n');
    assert.equal(s.stats.noReplicas, 2);
    // An error from WAIT itself (e.g. the node became a replica) counts as no replica.
    s.fromClient(cmd('SET', 'a', '1'));
    same(toClient(s.fromServer(b('+OK\r\n-ERR WAIT cannot be used with replica instances\r\n'))), NOREPLICAS_REPLY);
  });

  it('binary keys and values pass unchanged both ways', () => {
    const s = session();
    const value = Buffer.from(Array.from({ length: 512 }, (_, i) => i % 256)); // includes \r\n, NUL, 0xff
    const key = Buffer.from([0, 13, 10, 255, 42]);
    same(toServer(s.fromClient(cmd('SET', key, value))), cat(cmd('SET', key, value), WAIT));
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n'))), b('+OK\r\n'));
    s.fromClient(cmd('GET', key));
    const out = toClient(s.fromServer(bulk(value)));
    assert.ok(out.equals(bulk(value)));
  });

  it('a reply split across reads, byte by byte, is reassembled in order', () => {
    const s = session();
    s.fromClient(cat(cmd('SET', 'a', 'x'.repeat(100)), cmd('GET', 'a'), cmd('LRANGE', 'l', '0', '-1')));
    const replies = cat(b('+OK\r\n'), b(':1\r\n'), bulk('x'.repeat(100)), b('*3\r\n$1\r\na\r\n$-1\r\n:5\r\n'));
    const got: Buffer[] = [];
    for (let i = 0; i < replies.length; i++) got.push(toClient(s.fromServer(replies.subarray(i, i + 1))));
    same(Buffer.concat(got), cat(b('+OK\r\n'), bulk('x'.repeat(100)), b('*3\r\n$1\r\na\r\n$-1\r\n:5\r\n')));
  });

  it('a command split across reads is forwarded once complete, WAIT after it', () => {
    const s = session();
    const c = cmd('SET', 'k', 'value');
    const sent: Buffer[] = [];
    for (let i = 0; i < c.length; i++) sent.push(toServer(s.fromClient(c.subarray(i, i + 1))));
    same(Buffer.concat(sent), cat(c, WAIT));
    assert.ok(sent.slice(0, -1).every((x) => x.length === 0), 'nothing before the command is complete');
  });

  it('a huge value is forwarded before it is complete, and its reply too', () => {
    const s = session();
    const big = Buffer.alloc(300_000, 'v');
    const c = cmd('SET', 'k', big);
    let sent = 0;
    const first = toServer(s.fromClient(c.subarray(0, 100_000)));
    assert.equal(first.length, 100_000, 'a 100 kB partial command goes out at once');
    sent += first.length;
    const rest = toServer(s.fromClient(c.subarray(100_000)));
    same(Buffer.concat([first, rest]), cat(c, WAIT));
    sent += rest.length;
    assert.equal(sent, c.length + WAIT.length);
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n'))), b('+OK\r\n'));
    s.fromClient(cmd('GET', 'k'));
    const reply = bulk(big);
    const part = toClient(s.fromServer(reply.subarray(0, 150_000)));
    assert.equal(part.length, 150_000, 'a large read reply streams through');
    assert.ok(Buffer.concat([part, toClient(s.fromServer(reply.subarray(150_000)))]).equals(reply));
  });

  it('inline commands (telnet, health checks) are understood, writes included', () => {
    const s = session();
    same(toServer(s.fromClient(b('PING\r\n'))), b('PING\r\n'));
    same(toClient(s.fromServer(b('+PONG\r\n'))), b('+PONG\r\n'));
    same(toServer(s.fromClient(b('SET a b\r\n\r\nGET a\n'))), cat(b('SET a b\r\n'), WAIT, b('\r\nGET a\n')));
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n$1\r\nb\r\n'))), b('+OK\r\n$1\r\nb\r\n'));
    // Mixed in one read: RESP, then inline, then RESP; and an inline line split over reads.
    same(toServer(s.fromClient(cat(cmd('GET', 'a'), b('DEL a\r\n'), cmd('GET', 'a')))), cat(cmd('GET', 'a'), b('DEL a\r\n'), WAIT, cmd('GET', 'a')));
    same(toServer(s.fromClient(b('INCR '))), b(''));
    same(toServer(s.fromClient(b('n\r\n'))), cat(b('INCR n\r\n'), WAIT));
  });

  it('empty multibulks get no reply and no entry', () => {
    const s = session();
    same(toServer(s.fromClient(b('*0\r\n*-1\r\n'))), b('*0\r\n*-1\r\n'));
    s.fromClient(cmd('GET', 'a'));
    same(toClient(s.fromServer(b('$-1\r\n'))), b('$-1\r\n'));
  });
});

describe('DurableSession: modes that must keep working', () => {
  it('pub/sub: messages pass; leaving it is checked with a PING barrier before the next write', () => {
    const s = session();
    same(toServer(s.fromClient(cat(cmd('SET', 'a', '1'), cmd('SUBSCRIBE', 'ch')))), cat(cmd('SET', 'a', '1'), WAIT, cmd('SUBSCRIBE', 'ch')));
    const sub = b('*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n');
    const msg = b('*3\r\n$7\r\nmessage\r\n$2\r\nch\r\n$5\r\nhello\r\n');
    same(toClient(s.fromServer(cat(b('+OK\r\n:1\r\n'), sub, msg))), cat(b('+OK\r\n'), sub, msg));
    same(toServer(s.fromClient(cmd('PING'))), cmd('PING'));
    same(toClient(s.fromServer(b('*2\r\n$4\r\npong\r\n$0\r\n\r\n'))), b('*2\r\n$4\r\npong\r\n$0\r\n\r\n'));
    const unsub = b('*3\r\n$11\r\nunsubscribe\r\n$2\r\nch\r\n:0\r\n');
    same(toServer(s.fromClient(cmd('UNSUBSCRIBE'))), cmd('UNSUBSCRIBE'));
    // A write: the session first asks the server whether it is still in pub/sub mode.
    const out = toServer(s.fromClient(cat(cmd('SET', 'b', '2'), cmd('GET', 'b'))));
    const m = /^\*2\r\n\$4\r\nPING\r\n\$(\d+)\r\n(cachefleet-barrier-[0-9a-f-]+)\r\n$/.exec(out.toString('latin1'));
    assert.ok(m, `barrier sent: ${JSON.stringify(out.toString())}`);
    const token = m[2]!;
    same(toClient(s.fromServer(unsub)), unsub);
    // Not in pub/sub any more: the PING answer is a plain bulk; the kept commands go out with a WAIT.
    const resumed = s.fromServer(bulk(token));
    same(toClient(resumed), b(''));
    same(toServer(resumed), cat(cmd('SET', 'b', '2'), WAIT, cmd('GET', 'b')));
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n$1\r\n2\r\n'))), b('+OK\r\n$1\r\n2\r\n'));
  });

  it('pub/sub: a command the server refuses in pub/sub mode reaches it once the barrier says so', () => {
    const s = session();
    s.fromClient(cmd('SUBSCRIBE', 'ch'));
    s.fromServer(b('*3\r\n$9\r\nsubscribe\r\n$2\r\nch\r\n:1\r\n'));
    const token = /cachefleet-barrier-[0-9a-f-]+/.exec(toServer(s.fromClient(cmd('GET', 'k'))).toString())![0];
    const still = s.fromServer(cat(b('*2\r\n$4\r\npong\r\n'), bulk(token)));
    same(toServer(still), cmd('GET', 'k'));
    same(toClient(still), b(''), 'the barrier answer is swallowed');
    const err = b("-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n");
    same(toClient(s.fromServer(err)), err);
    // RESET ends pub/sub mode; what follows waits for +RESET.
    same(toServer(s.fromClient(cat(cmd('RESET'), cmd('SET', 'a', '1')))), cmd('RESET'));
    const after = s.fromServer(b('+RESET\r\n'));
    same(toClient(after), b('+RESET\r\n'));
    same(toServer(after), cat(cmd('SET', 'a', '1'), WAIT));
  });

  it('SUBSCRIBE inside MULTI enters pub/sub mode after EXEC', () => {
    const s = session();
    s.fromClient(cat(cmd('MULTI'), cmd('SUBSCRIBE', 'x'), cmd('EXEC')));
    same(toClient(s.fromServer(b('+OK\r\n+QUEUED\r\n*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n'))),
      b('+OK\r\n+QUEUED\r\n*1\r\n*3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n'));
    const msg = b('*3\r\n$7\r\nmessage\r\n$1\r\nx\r\n$1\r\nm\r\n');
    same(toClient(s.fromServer(msg)), msg);
  });

  it('MONITOR: its stream passes; RESET brings the connection back to durable writes', () => {
    const s = session();
    same(toServer(s.fromClient(cmd('MONITOR'))), cmd('MONITOR'));
    const lines = b('+OK\r\n+1700000000.000000 [0 127.0.0.1:5000] "SET" "a" "1"\r\n');
    same(toClient(s.fromServer(lines)), lines);
    same(toServer(s.fromClient(cmd('PING'))), cmd('PING'));
    same(toClient(s.fromServer(b('+PONG\r\n+1700000000.1 [0 127.0.0.1:5000] "RESET"\r\n'))), b('+PONG\r\n+1700000000.1 [0 127.0.0.1:5000] "RESET"\r\n'));
    same(toServer(s.fromClient(cat(cmd('RESET'), cmd('SET', 'a', '1')))), cmd('RESET'));
    const r = s.fromServer(b('+RESET\r\n'));
    same(toClient(r), b('+RESET\r\n'));
    same(toServer(r), cat(cmd('SET', 'a', '1'), WAIT));
  });

  it('blocking commands just answer later; a write one (BLPOP) is followed by WAIT', () => {
    const s = session();
    same(toServer(s.fromClient(cat(cmd('BLPOP', 'q', '0'), cmd('GET', 'x')))), cat(cmd('BLPOP', 'q', '0'), WAIT, cmd('GET', 'x')));
    same(toClient(s.fromServer(b('*2\r\n$1\r\nq\r\n$1\r\nv\r\n'))), b(''));
    same(toClient(s.fromServer(b(':1\r\n$-1\r\n'))), b('*2\r\n$1\r\nq\r\n$1\r\nv\r\n$-1\r\n'));
    same(toServer(s.fromClient(cmd('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'))), cmd('XREAD', 'BLOCK', '0', 'STREAMS', 's', '$'));
  });

  it('HELLO 3 and CLIENT REPLY OFF|SKIP are refused in order, without reaching the server', () => {
    const s = session();
    const o = s.fromClient(cat(cmd('SET', 'a', '1'), cmd('HELLO', '3'), cmd('GET', 'a')));
    same(toServer(o), cat(cmd('SET', 'a', '1'), WAIT, cmd('GET', 'a')));
    same(toClient(o), b(''));
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n$1\r\n1\r\n'))), cat(b('+OK\r\n'), HELLO3_REPLY, b('$1\r\n1\r\n')));
    assert.match(HELLO3_REPLY.toString(), /^-NOPROTO /);
    const idle = s.fromClient(cmd('CLIENT', 'REPLY', 'OFF'));
    same(toServer(idle), b(''));
    same(toClient(idle), CLIENT_REPLY_REPLY, 'answered at once when nothing is outstanding');
    same(toServer(s.fromClient(cmd('HELLO', '2'))), cmd('HELLO', '2'));
    same(toServer(s.fromClient(cmd('CLIENT', 'REPLY', 'ON'))), cmd('CLIENT', 'REPLY', 'ON'));
  });

  it('SYNC/PSYNC turn the connection into a plain pipe', () => {
    const s = session();
    s.fromClient(cmd('PSYNC', '?', '-1'));
    const payload = b('+FULLRESYNC abc 0\r\n$5\r\nREDIS');
    same(toClient(s.fromServer(payload)), payload);
    same(toServer(s.fromClient(b('anything'))), b('anything'));
  });

  it('a malformed multibulk goes to the server unchanged (it answers with a protocol error)', () => {
    const s = session();
    same(toServer(s.fromClient(cat(cmd('SET', 'a', '1'), b('*1\r\n!x\r\n')))), cat(cmd('SET', 'a', '1'), WAIT, b('*1\r\n!x\r\n')));
    same(toClient(s.fromServer(b('+OK\r\n:1\r\n-ERR Protocol error: expected \'$\', got \'!\'\r\n'))),
      b('+OK\r\n-ERR Protocol error: expected \'$\', got \'!\'\r\n'));
  });

  it('a reply nobody asked for is passed on and the connection closed', () => {
    const s = session();
    same(toClient(s.fromServer(b('-ERR max number of clients reached\r\n'))), b('-ERR max number of clients reached\r\n'));
    assert.ok(s.closeReason);
  });
});
