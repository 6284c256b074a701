import assert from 'node:assert/strict';
import { duplexPair, type Duplex } from 'node:stream';
import { describe, it, mock } from 'node:test';
import { waitFor } from '../util/wait.js';
import { encode } from './first-command.js';
import { runSession, type SessionDeps } from './gateway-session.js';

const cmd = (...a: (string | Buffer)[]) => encode(a.map((s) => (typeof s === 'string' ? Buffer.from(s) : s)));

/** A session over in-memory streams: what the node receives, and the client's end. */
function session(over: Partial<SessionDeps> = {}) {
  const [client, clientEnd] = duplexPair();
  const [upstream, nodeEnd] = duplexPair();
  let atNode = Buffer.alloc(0);
  nodeEnd.on('data', (c: Buffer) => { atNode = Buffer.concat([atNode, c]); });
  let closed = false;
  runSession(client as Duplex, undefined, {
    isIamUser: (u) => u === 'iam-app',
    nodeSecret: () => 'node-secret',
    authorize: (_u, token) => (token === 'good' ? { ok: true, accessKeyId: 'AKIA', principal: 'p' } : { ok: false, reason: 'expired', message: 'm' }),
    connect: () => ({ socket: upstream as Duplex, target: { address: '127.0.0.1', port: 1 } }),
    maxConnectionMs: 60_000,
    log: () => {},
    ...over,
  }, () => {}, () => { closed = true; });
  return { send: (b: Buffer | string) => clientEnd.write(b), node: () => atNode.toString('latin1'), nodeEnd, clientEnd, closed: () => closed };
}

describe('runSession', () => {
  it('sends an accepted IAM login with the node secret, after what came first, and what follows as it came', async () => {
    const s = session();
    s.send(Buffer.concat([cmd('INFO'), cmd('AUTH', 'iam-app', 'good'), Buffer.from('*1\r\n$4\r\nPING\r\n')]));
    const want = cmd('INFO').toString() + cmd('AUTH', 'iam-app', 'node-secret').toString() + '*1\r\n$4\r\nPING\r\n';
    await waitFor(() => s.node() === want, { timeoutMs: 2000, what: 'the node to get the login' });
    s.send(cmd('SET', 'k', cmd('AUTH', 'iam-app', 'good'))); // a value that looks like a login is a value
    await waitFor(() => s.node() === want + cmd('SET', 'k', cmd('AUTH', 'iam-app', 'good')).toString(), { timeoutMs: 2000, what: 'the value, untouched' });
  });

  it('sends a refused login with a password nobody has (the node answers WRONGPASS in order); others untouched', async () => {
    const s = session();
    s.send(Buffer.concat([cmd('AUTH', 'iam-app', 'expired'), cmd('AUTH', 'pw-user', 'its-password'), cmd('AUTH', 'default-password')]));
    const want = [cmd('AUTH', 'iam-app', 'iam-token-refused'), cmd('AUTH', 'pw-user', 'its-password'), cmd('AUTH', 'default-password')]
      .map(String).join('');
    await waitFor(() => s.node() === want, { timeoutMs: 2000, what: 'the node to get the commands' });
  });

  it('checks an IAM login wherever it comes: after many commands, after an inline one', async () => {
    const s = session();
    s.send(Buffer.concat([...Array.from({ length: 100 }, () => cmd('PING')), Buffer.from('PING\r\n'), cmd('AUTH', 'iam-app', 'good')]));
    await waitFor(() => s.node().endsWith(`PING\r\n${cmd('AUTH', 'iam-app', 'node-secret').toString()}`), { timeoutMs: 2000, what: 'the late login, checked' });
  });

  it('closes an IAM-authenticated connection after maxConnectionMs', async () => {
    const s = session({ maxConnectionMs: 50 });
    s.send(cmd('AUTH', 'iam-app', 'good'));
    await waitFor(() => s.closed(), { timeoutMs: 2000, what: 'the connection to close' });
  });

  describe('renewing the limit with a new login (ElastiCache: AUTH or HELLO with a new token before the 12 hours)', () => {
    /** Lets the streams deliver what was written (they use immediates, not the mocked timers). */
    const settle = async () => { for (let i = 0; i < 5; i++) await new Promise((r) => setImmediate(r)); };

    it('an accepted re-AUTH pushes the close to maxConnectionMs after it; a refused one changes nothing', async (t) => {
      mock.timers.enable({ apis: ['setTimeout'] });
      t.after(() => mock.timers.reset());
      const s = session({ maxConnectionMs: 1000 });
      s.send(cmd('AUTH', 'iam-app', 'good'));
      await settle();
      mock.timers.tick(600);
      s.send(Buffer.concat([cmd('GET', 'k'), cmd('HELLO', '3', 'AUTH', 'iam-app', 'good')]));
      await settle();
      assert.ok(s.node().endsWith(cmd('HELLO', '3', 'AUTH', 'iam-app', 'node-secret').toString()), 'the renewal reaches the node rewritten');
      mock.timers.tick(500); // 1100 ms after the first login, 500 after the second
      await settle();
      assert.equal(s.closed(), false, 'still open past the first limit');
      s.send(cmd('AUTH', 'iam-app', 'expired')); // refused: WRONGPASS from the node, the limit stays
      await settle();
      assert.ok(s.node().endsWith(cmd('AUTH', 'iam-app', 'iam-token-refused').toString()));
      mock.timers.tick(499);
      await settle();
      assert.equal(s.closed(), false);
      mock.timers.tick(1);
      await settle();
      assert.equal(s.closed(), true, 'closed one limit after the accepted renewal');
    });

    it('a refused first login starts no limit; a later accepted one does', async (t) => {
      mock.timers.enable({ apis: ['setTimeout'] });
      t.after(() => mock.timers.reset());
      const s = session({ maxConnectionMs: 1000 });
      s.send(cmd('AUTH', 'iam-app', 'expired'));
      await settle();
      mock.timers.tick(5000);
      await settle();
      assert.equal(s.closed(), false);
      s.send(cmd('AUTH', 'iam-app', 'good'));
      await settle();
      mock.timers.tick(1000);
      await settle();
      assert.equal(s.closed(), true);
    });
  });
});
