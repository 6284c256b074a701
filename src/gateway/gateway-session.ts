/**
 * One client connection through the IAM auth gateway. The gateway connects to the node at once and
 * passes the node's replies straight back. What the client sends goes to the node as it came,
 * chunk by chunk, while a {@link CommandFramer} follows where each command begins (by the lengths
 * in its headers; payloads are never scanned), so that an `AUTH`/`HELLO … AUTH` is found wherever
 * it comes in the connection:
 * - `AUTH <iam-user> <token>` (or HELLO … AUTH, or a bare `AUTH <token>`): the token is checked
 *   (connect-auth.ts). Accepted: the node gets the same command with the user's node secret in
 *   place of the token, and answers it (OK, or HELLO's reply); the connection is closed
 *   `maxConnectionMs` (12 hours) later, as ElastiCache does. Refused: the node gets it with a
 *   password no user has, and answers Redis's own WRONGPASS, in its place among the replies,
 *   keeping the connection's current login (as Redis does for a failed AUTH).
 * - a later accepted IAM login on the same connection renews it, as ElastiCache documents
 *   ("re-authenticate with AUTH or HELLO and a new token before the 12 hours"): the limit is then
 *   12 hours after that login. A refused one changes nothing.
 * - anything else (another user's AUTH, the default user's, every other command) goes to the node
 *   as sent, so password users and the default user work as without the gateway.
 */
import type { Duplex } from 'node:stream';
import type { Target } from '../endpoints/types.js';
import { CommandFramer } from './command-framer.js';
import type { ConnectDecision } from './connect-auth.js';
import { loginOf, parseCommand } from './first-command.js';

/** The password a refused login is sent to the node with: no user has it (node secrets are 64 hex digits). */
const REFUSED = 'iam-token-refused';

export interface Upstream {
  socket: Duplex;
  target: Target;
}

export interface SessionDeps {
  /** Whether `user` is an IAM user of this endpoint's group. */
  isIamUser(user: string): boolean;
  /** The nodes' password of an IAM user. */
  nodeSecret(user: string): string;
  authorize(user: string, token: string): ConnectDecision;
  /** A new connection to the endpoint's current target; undefined when there is none. */
  connect(): Upstream | undefined;
  maxConnectionMs: number;
  log(level: 'info' | 'warn', msg: string, extra?: Record<string, unknown>): void;
}

/** A connection to a node, for the gateway's bookkeeping (retargets close it). */
export interface Handed {
  target: Target;
  close(): void;
}

/** Runs the session; `onOpen` is told once the connection to a node is made, `onClosed` when it ends. */
export function runSession(client: Duplex, first: Buffer | undefined, deps: SessionDeps,
  onOpen: (h: Handed) => void, onClosed: (h: Handed) => void): void {
  const up = deps.connect();
  if (!up) {
    client.destroy();
    return;
  }
  const upstream = up.socket;
  let timer: NodeJS.Timeout | undefined;
  let done = false;
  const handed: Handed = { target: up.target, close: () => { client.destroy(); upstream.destroy(); } };
  const finish = (): void => {
    if (done) return;
    done = true;
    if (timer) clearTimeout(timer);
    handed.close();
    onClosed(handed);
  };
  upstream.on('error', finish);
  upstream.on('close', finish);
  client.on('error', finish);
  client.on('close', finish);
  onOpen(handed);
  upstream.pipe(client);

  /** Whether an IAM login was accepted on this connection (a later one renews it). */
  let loggedIn = false;
  const login = (raw: Buffer): Buffer => {
    const p = parseCommand(raw);
    const l = p.kind === 'command' ? loginOf(p.args) : undefined;
    if (!l || !deps.isIamUser(l.user)) return raw;
    let decision: ConnectDecision;
    try {
      decision = deps.authorize(l.user, l.password);
    } catch (err) {
      decision = { ok: false, reason: 'error', message: String(err) }; // a bug of ours refuses the login, nothing more
    }
    if (!decision.ok) {
      deps.log('warn', loggedIn ? 'IAM re-authentication refused; the connection keeps its login and its limit' : 'IAM login refused',
        { user: l.user, reason: decision.reason, why: decision.message, accessKeyId: decision.accessKeyId });
      return l.withPassword(REFUSED);
    }
    deps.log('info', loggedIn ? 'IAM re-authentication accepted; the connection\'s limit starts again' : 'IAM login accepted',
      { user: l.user, accessKeyId: decision.accessKeyId });
    loggedIn = true;
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      deps.log('info', 'closing an IAM-authenticated connection: its time limit is reached', { user: l.user });
      finish();
    }, deps.maxConnectionMs);
    timer.unref();
    return l.withPassword(deps.nodeSecret(l.user));
  };

  // As client.pipe(upstream) would, with the framer in between: backpressure and the end carried over.
  let full = false;
  const framer = new CommandFramer({
    pass: (bytes) => { if (!upstream.write(bytes)) full = true; },
    login,
  });
  const onData = (chunk: Buffer): void => {
    framer.push(chunk);
    if (!full) return;
    full = false;
    client.pause();
    upstream.once('drain', () => client.resume());
  };
  client.on('data', onData);
  client.on('end', () => upstream.end());
  if (first && first.length > 0) onData(first);
}
