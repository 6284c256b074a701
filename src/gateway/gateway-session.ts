/**
 * One client connection through the IAM auth gateway. The gateway connects to the node at once and
 * passes the node's replies straight back; of what the client sends, it reads its first commands
 * (first-command.ts) until a login with IAM succeeds, or at most {@link MAX_READ_COMMANDS}:
 * - `AUTH <iam-user> <token>` (or HELLO … AUTH): the token is checked (connect-auth.ts). Accepted:
 *   the node gets the same command with the user's node secret in place of the token, and answers
 *   it (OK, or HELLO's reply). Refused: the node gets it with a password no user has, and answers
 *   Redis's own WRONGPASS, in its place among the replies; the client may try again.
 * - anything else (another user's AUTH, the default user's, an `INFO` ready check …) goes to the
 *   node as sent, so password users and the default user work as without the gateway.
 * Then the connection is handed over: the bytes are piped both ways without being looked at (no
 * per-command work), and one logged in with IAM is closed `maxConnectionMs` (12 hours) after its
 * login, as ElastiCache does.
 */
import type { Duplex } from 'node:stream';
import type { Target } from '../endpoints/types.js';
import type { ConnectDecision } from './connect-auth.js';
import { loginOf, parseCommand } from './first-command.js';

/** Commands read before the connection is handed over untouched (a client logs in among its first ones). */
export const MAX_READ_COMMANDS = 8;
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

  let buffered: Buffer = Buffer.alloc(0);
  let read = 0;
  const handOver = (): void => {
    client.off('data', onData);
    if (buffered.length > 0) upstream.write(buffered);
    buffered = Buffer.alloc(0);
    client.pipe(upstream);
  };
  const onData = (chunk: Buffer): void => {
    buffered = buffered.length === 0 ? chunk : Buffer.concat([buffered, chunk]);
    for (;;) {
      const p = parseCommand(buffered);
      if (p.kind === 'incomplete') return;
      if (p.kind === 'other') return handOver();
      read++;
      const login = loginOf(p.args);
      const command = buffered.subarray(0, p.end);
      buffered = buffered.subarray(p.end);
      if (!login || !deps.isIamUser(login.user)) {
        upstream.write(command);
      } else {
        const decision = deps.authorize(login.user, login.password);
        if (decision.ok) {
          deps.log('info', 'IAM login accepted', { user: login.user, accessKeyId: decision.accessKeyId });
          upstream.write(login.withPassword(deps.nodeSecret(login.user)));
          if (timer) clearTimeout(timer);
          timer = setTimeout(() => {
            deps.log('info', 'closing an IAM-authenticated connection: its time limit is reached', { user: login.user });
            finish();
          }, deps.maxConnectionMs);
          timer.unref();
          return handOver();
        }
        deps.log('warn', 'IAM login refused', { user: login.user, reason: decision.reason, why: decision.message, accessKeyId: decision.accessKeyId });
        upstream.write(login.withPassword(REFUSED));
      }
      if (read >= MAX_READ_COMMANDS) return handOver();
    }
  };
  client.on('data', onData);
  if (first && first.length > 0) onData(first);
}
