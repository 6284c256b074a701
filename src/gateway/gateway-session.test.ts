import assert from 'node:assert/strict';
import { duplexPair, type Duplex } from 'node:stream';
import { describe, it } from 'node:test';
import { waitFor } from '../util/wait.js';
import { encode } from './first-command.js';
import { MAX_READ_COMMANDS, runSession, type SessionDeps } from './gateway-session.js';

const cmd = (...a: string[]) => encode(a.map((s) => Buffer.from(s)));

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
  it('sends an accepted IAM login with the node secret, after what came first, then pipes bytes as they are', async () => {
    const s = session();
    s.send(Buffer.concat([cmd('INFO'), cmd('AUTH', 'iam-app', 'good'), Buffer.from('*1\r\n$4\r\nPING\r\n')]));
    const want = cmd('INFO').toString() + cmd('AUTH', 'iam-app', 'node-secret').toString() + '*1\r\n$4\r\nPING\r\n';
    await waitFor(() => s.node() === want, { timeoutMs: 2000, what: 'the node to get the login' });
    s.send('AUTH iam-app something-inline\r\n'); // handed over: not read any more
    await waitFor(() => s.node().endsWith('something-inline\r\n'), { timeoutMs: 2000, what: 'raw bytes' });
  });

  it('sends a refused login with a password nobody has (the node answers WRONGPASS in order); others untouched', async () => {
    const s = session();
    s.send(Buffer.concat([cmd('AUTH', 'iam-app', 'expired'), cmd('AUTH', 'pw-user', 'its-password'), cmd('AUTH', 'default-password')]));
    const want = [cmd('AUTH', 'iam-app', 'iam-token-refused'), cmd('AUTH', 'pw-user', 'its-password'), cmd('AUTH', 'default-password')]
      .map(String).join('');
    await waitFor(() => s.node() === want, { timeoutMs: 2000, what: 'the node to get the commands' });
  });

  it('hands over after a few commands without a login, and at once on an inline command', async () => {
    const s = session();
    s.send(Buffer.concat(Array.from({ length: MAX_READ_COMMANDS }, () => cmd('PING'))));
    s.send(cmd('AUTH', 'iam-app', 'good'));
    await waitFor(() => s.node().endsWith(cmd('AUTH', 'iam-app', 'good').toString()), { timeoutMs: 2000, what: 'the late AUTH, untouched' });
    const t = session();
    t.send('PING\r\n');
    t.send(cmd('AUTH', 'iam-app', 'good'));
    await waitFor(() => t.node() === `PING\r\n${cmd('AUTH', 'iam-app', 'good').toString()}`, { timeoutMs: 2000, what: 'inline, then untouched' });
  });

  it('closes an IAM-authenticated connection after maxConnectionMs', async () => {
    const s = session({ maxConnectionMs: 50 });
    s.send(cmd('AUTH', 'iam-app', 'good'));
    await waitFor(() => s.closed(), { timeoutMs: 2000, what: 'the connection to close' });
  });
});
