/**
 * The IAM auth module (native/iam-auth) in a real redis-server 7.0 (test/helpers/iam-module-node.ts):
 * the token and the node secret never shown in SLOWLOG, MONITOR or the command stats; an IAM
 * connection closed its time limit after the last accepted login (AUTH) or after it was made
 * (HELLO 3), a re-AUTH renewing it; a login inside MULTI refused; and a verifier that is silent or
 * gone refuses logins without hanging the node.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { waitFor } from '../../src/util/wait.js';
import { jsToken } from '../helpers/iam-token.js';
import { GROUP, KEYS, LIMIT_MS, NODE_SECRET, RESP_WRONGPASS, WRONGPASS, closed, delay, errorOf, useIamModuleNode } from '../helpers/iam-module-node.js';

const m = useIamModuleNode();

describe('the IAM auth module on redis-server 7.0: secrets, time limits, a verifier gone', { timeout: 120_000 }, () => {
  it('never shows the token or the node secret in SLOWLOG, MONITOR or the command stats', async () => {
    const a = await m.admin();
    await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await a.call('SLOWLOG', 'RESET');
    const monitor = await a.monitor();
    const seen: string[] = [];
    monitor.on('monitor', (_t: string, args: string[]) => seen.push(args.join(' ')));
    try {
      const token = await jsToken(KEYS.root, GROUP, 'app-iam');
      const ok = await m.hello3('app-iam', token, 'SETNAME', 'watched');
      assert.match(ok.reply, /^%7\r\n/);
      const refused = await m.hello3('app-iam', token.replace(/X-Amz-Signature=[0-9a-f]{4}/, 'X-Amz-Signature=0000'));
      assert.equal(refused.reply, RESP_WRONGPASS);
      // Malformed HELLOs Redis refuses before it redacts AUTH's arguments: the module blanks the token first.
      const bad = await m.raw();
      bad.send('HELLO', '4', 'AUTH', 'app-iam', token);
      assert.match(await bad.until(/\r\n$/), /^-NOPROTO/);
      bad.send('HELLO', '3', 'FOO', 'AUTH', 'app-iam', token);
      assert.match(await bad.until(/\r\n$/), /^-ERR Syntax error/);
      ok.c.send('PING');
      await ok.c.until(/PONG/);
      await waitFor(() => seen.some((l) => /^ping$/i.test(l)), { timeoutMs: 5000, what: 'MONITOR to show the PING' });
      const hellos = seen.filter((l) => /^hello 3 auth/i.test(l));
      assert.equal(hellos.length, 2, JSON.stringify(seen));
      for (const l of hellos) assert.match(l, /^hello 3 auth \(redacted\) \(redacted\)/i, l);
      assert.equal(seen.filter((l) => /^hello/i.test(l)).length, 4, JSON.stringify(seen));
      const slowlog = JSON.stringify(await a.call('SLOWLOG', 'GET', '100'));
      assert.match(slowlog, /"HELLO","3","AUTH","\(redacted\)","\(redacted\)"/i, slowlog);
      const stats = String(await a.call('INFO', 'commandstats'));
      assert.match(stats, /cmdstat_hello:calls=/);
      for (const text of [slowlog, stats, seen.join('\n')]) {
        assert.ok(!text.includes(NODE_SECRET) && !text.includes('X-Amz-Signature'), text);
      }
    } finally {
      monitor.disconnect();
      await a.call('CONFIG', 'SET', 'slowlog-log-slower-than', '10000');
    }
  });

  it('closes an IAM connection its time limit after the last accepted login; a refused re-AUTH changes nothing', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const once = await m.client();
    const onceClosed = closed(once);
    await once.call('AUTH', 'app-iam', token);
    const t0 = Date.now();
    // Renewed halfway: open past the first limit, closed one limit after the renewal.
    const renewed = await m.client();
    const renewedClosed = closed(renewed);
    await renewed.call('AUTH', 'app-iam', token);
    // Refused halfway: still logged in, and closed at the first limit.
    const refused = await m.client();
    const refusedClosed = closed(refused);
    await refused.call('AUTH', 'app-iam', token);
    await delay(LIMIT_MS / 2);
    const t1 = Date.now();
    assert.equal(await renewed.call('AUTH', 'app-iam', token), 'OK');
    assert.equal(await errorOf(refused.call('AUTH', 'app-iam', 'nope/?Action=connect&User=app-iam&X-Amz-Signature=00')), WRONGPASS);
    assert.equal(await refused.call('ACL', 'WHOAMI'), 'app-iam');

    const deadline = (p: Promise<number>) => Promise.race([p, delay(LIMIT_MS * 3).then(() => { throw new Error('not closed in time'); })]);
    const [a, c] = await Promise.all([deadline(onceClosed), deadline(refusedClosed)]);
    for (const at of [a, c]) assert.ok(at - t0 >= LIMIT_MS - 100 && at - t0 < LIMIT_MS + 1500, `closed ${at - t0} ms after the login`);
    assert.equal(await renewed.ping(), 'PONG', 'renewed: still open past the first limit');
    const b = await deadline(renewedClosed);
    assert.ok(b - t1 >= LIMIT_MS - 100, `renewed closed ${b - t1} ms after the renewal`);
  });

  it('closes a HELLO 3 connection its time limit after the connection was made; AUTH with a token renews it', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const t0 = Date.now();
    const once = await m.hello3('app-iam', token);
    const renewed = await m.hello3('app-iam', token);
    const moved = await m.hello3('app-iam', token);
    for (const h of [once, renewed, moved]) assert.match(h.reply, /^%7\r\n/);
    await delay(LIMIT_MS / 2);
    // AUTH keeps RESP3 and starts the module's own limit from this login.
    renewed.c.send('AUTH', 'app-iam', token);
    assert.equal(await renewed.c.until(/\r\n$/), '+OK\r\n');
    const t1 = Date.now();
    // A password login on it: no longer an IAM connection, no limit.
    moved.c.send('AUTH', 'pw-user', 'pw-user-password');
    assert.equal(await moved.c.until(/\r\n$/), '+OK\r\n');

    const deadline = (p: Promise<number>) => Promise.race([p, delay(LIMIT_MS * 3).then(() => { throw new Error('not closed in time'); })]);
    const [a, b] = await Promise.all([deadline(once.c.closed), deadline(renewed.c.closed)]);
    const made = a - t0;
    assert.ok(made >= LIMIT_MS && made < LIMIT_MS + 3000, `closed ${made} ms after the connection was made (CLIENT LIST ages are whole seconds)`);
    assert.ok(b - t0 >= LIMIT_MS + 1000, `renewed: open past the first limit (closed ${b - t0} ms after it was made)`);
    assert.ok(b - t1 >= LIMIT_MS - 100 && b - t1 < LIMIT_MS + 1500, `renewed closed ${b - t1} ms after the renewal`);
    moved.c.send('PING');
    assert.equal(await moved.c.until(/\r\n$/), '+PONG\r\n', 'a password user\'s connection stays');
  });

  it('passes logins of users that are no longer IAM users to Redis', async () => {
    const a = await m.admin();
    assert.equal(await a.call('CACHEFLEET.IAMCONFIG', 'USERS'), 'OK');
    const c = await m.client();
    assert.equal(await errorOf(c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam'))), WRONGPASS);
    await a.call('CACHEFLEET.IAMCONFIG', 'USERS', 'app-iam');
    assert.equal(await c.call('AUTH', 'app-iam', await jsToken(KEYS.root, GROUP, 'app-iam')), 'OK');
  });

  it('refuses an IAM login inside MULTI, and refuses (never hangs, never crashes) when the verifier is silent or gone', async () => {
    const token = await jsToken(KEYS.root, GROUP, 'app-iam');
    const c = await m.client();
    await c.call('AUTH', 'pw-user', 'pw-user-password');
    const [[err]] = (await c.multi().call('AUTH', 'app-iam', token).exec()) as [[Error | null, unknown]];
    assert.match(String(err?.message), /cannot run inside MULTI/);
    assert.equal(await c.call('ACL', 'WHOAMI'), 'pw-user');

    const a = await m.admin();
    assert.equal(await a.call('CACHEFLEET.IAMCONFIG', 'VERIFY-TIMEOUT-MS', '500', 'USERS', 'app-iam'), 'OK');
    await new Promise<void>((resolve) => m.verifier.close(() => resolve()));
    const silent = net.createServer((s) => s.resume()); // reads, never answers
    await new Promise<void>((resolve) => silent.listen(m.socketPath, resolve));
    m.cleanup.defer(() => silent.close());
    const leaving = await m.client();
    void leaving.call('AUTH', 'app-iam', token).catch(() => undefined);
    m.fleet.close(leaving); // gone while its login is being checked
    const waiting = await m.client();
    const started = Date.now();
    assert.equal(await errorOf(waiting.call('AUTH', 'app-iam', token)), WRONGPASS);
    assert.ok(Date.now() - started >= 400, 'refused once the verifier timed out');
    // HELLO 3 holds the main thread for its check: never longer than hello-verify-timeout-ms (100 ms).
    const pings = (async () => { let n = 0; const until = Date.now() + 600; while (Date.now() < until) { await a.ping(); n++; } return n; })();
    const helloStarted = Date.now();
    const slow = await m.hello3('app-iam', token);
    const helloMs = Date.now() - helloStarted;
    assert.match(slow.reply, /^-NOPROTO/, 'not decided in time: left to the module\'s command, which does not switch protocols');
    assert.ok(helloMs < 500, `HELLO 3 answered in ${helloMs} ms`);
    assert.ok(await pings > 5, 'the server kept answering');
    await new Promise<void>((resolve) => silent.close(() => resolve()));
    assert.equal(await errorOf(waiting.call('AUTH', 'app-iam', token)), WRONGPASS, 'no verifier at all');
    assert.match((await m.hello3('app-iam', token)).reply, /^-NOPROTO/, 'no verifier at all: HELLO 3');
    assert.equal(await a.ping(), 'PONG');
  });
});
