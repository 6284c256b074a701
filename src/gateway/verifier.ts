/**
 * The verifier: answers the IAM auth module's questions (native/iam-auth/verifier.h) about IAM
 * logins made on the nodes, over a unix socket. It runs in the IAM auth gateway process, so it
 * needs no control plane either: it checks tokens with the keys and policies last written to
 * gateway.json (its `groups`), with the same checks as the gateway's own logins (connect-auth.ts).
 *
 * Question: a RESP array `VERIFY <group> <user> <token> <client address> <1|0 TLS>`; answer one
 * line, `+OK` or `-DENIED <why>`, then the connection ends (one question per connection).
 *
 * Or `SECRET <group> <user> <token>`, asked by the module's command filter for `HELLO 3 AUTH`
 * (native/iam-auth/iam_auth.c): the same checks without the client's address and TLS (a filter
 * cannot tell them; a policy that conditions on them refuses), answered `+OK <node secret>`, the
 * password the node's ACL knows the user by, which the filter puts in place of the token so that
 * Redis's own HELLO logs the client in and switches its protocol.
 *
 * The socket's directory is the only door (security/iam-module.ts): made by the service (root or
 * the service's user), mode 0750 with the nodes' group, so the nodes' user may connect and nobody
 * else unprivileged can, and only the service can create the socket the nodes trust.
 */
import net from 'node:net';
import { chmodSync, chownSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';
import RedisParser from 'redis-parser';
import { ensureVerifierDir } from '../security/iam-module.js';
import { authorizeConnect, type ConnectDecision } from './connect-auth.js';
import type { GatewayConfig } from './config.js';

/** A question larger than this is not a login (a token is about 1 KB). */
const MAX_QUESTION_BYTES = 64 * 1024;

export interface VerifyQuestion {
  groupId: string;
  userName: string;
  token: string;
  /** Unknown (undefined) in a SECRET question. */
  sourceIp: string | undefined;
  secureTransport: boolean | undefined;
  /** SECRET: answer with the user's node secret. */
  wantsSecret?: boolean;
}

/** The words of a VERIFY or SECRET question, or undefined when they are not one. */
export function questionOf(args: unknown): VerifyQuestion | undefined {
  if (!Array.isArray(args) || !args.every((a) => typeof a === 'string')) return undefined;
  const [verb, groupId, userName, token, sourceIp, secure] = args as string[];
  if (args.length === 4 && verb!.toUpperCase() === 'SECRET') {
    return { groupId: groupId!, userName: userName!, token: token!, sourceIp: undefined, secureTransport: undefined, wantsSecret: true };
  }
  if (args.length !== 6 || verb!.toUpperCase() !== 'VERIFY' || (secure !== '0' && secure !== '1')) return undefined;
  return { groupId: groupId!, userName: userName!, token: token!, sourceIp: sourceIp!, secureTransport: secure === '1' };
}

/** The decision on a question, over the gateway's config (pure). */
export function decide(cfg: GatewayConfig | undefined, q: VerifyQuestion, now: Date): ConnectDecision {
  const group = cfg?.groups?.[q.groupId];
  if (!cfg || !group) return { ok: false, reason: 'unknown-group', message: `no IAM users are known for ${q.groupId}` };
  try {
    return authorizeConnect(cfg, { listener: group, userName: q.userName, token: q.token, sourceIp: q.sourceIp, secureTransport: q.secureTransport, now });
  } catch (err) {
    return { ok: false, reason: 'error', message: String(err) }; // a bug of ours refuses the login, nothing more
  }
}

/**
 * The answer line for a decision; to a SECRET question, `+OK <secret>` (refused when the group's
 * user has no secret: the filter would have nothing to log in with).
 */
export function answerOf(d: ConnectDecision, q?: VerifyQuestion, cfg?: GatewayConfig): string {
  if (!d.ok) return `-DENIED ${d.reason}\r\n`;
  if (!q?.wantsSecret) return '+OK\r\n';
  const secret = cfg?.groups?.[q.groupId]?.users[q.userName]?.nodeSecret;
  return secret && /^[\x21-\x7e]+$/.test(secret) ? `+OK ${secret}\r\n` : '-DENIED no-secret\r\n';
}

export interface VerifierOptions {
  socketPath: string;
  /** The config as last read (the gateway process's). */
  config: () => GatewayConfig | undefined;
  /** The group the nodes run as, given the socket's directory (undefined: the service's own). */
  nodeGid?: number;
  log: (level: 'info' | 'warn', msg: string, extra?: Record<string, unknown>) => void;
  now?: () => Date;
}

/** Serves the verifier on `socketPath` (replacing a stale socket); resolves once listening. */
export function startVerifier(o: VerifierOptions): Promise<net.Server> {
  ensureVerifierDir(dirname(o.socketPath), o.nodeGid);
  rmSync(o.socketPath, { force: true });
  const server = net.createServer((socket) => serve(socket, o));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.socketPath, () => {
      server.removeListener('error', reject);
      // The directory is the door; the socket itself is for its owner and the nodes' group.
      chmodSync(o.socketPath, o.nodeGid === undefined ? 0o600 : 0o660);
      if (o.nodeGid !== undefined) chownSync(o.socketPath, process.getuid?.() ?? 0, o.nodeGid);
      resolve(server);
    });
  });
}

function serve(socket: net.Socket, o: VerifierOptions): void {
  socket.on('error', () => socket.destroy());
  socket.setTimeout(10_000, () => socket.destroy());
  let size = 0;
  let answered = false;
  const answer = (line: string): void => {
    if (answered) return;
    answered = true;
    socket.end(line);
  };
  const parser = new RedisParser({
    returnReply: (reply: unknown) => {
      const q = questionOf(reply);
      if (!q) return answer('-DENIED malformed\r\n');
      const cfg = o.config();
      const d = decide(cfg, q, o.now?.() ?? new Date());
      o.log(d.ok ? 'info' : 'warn', d.ok ? 'IAM login on a node accepted' : 'IAM login on a node refused', {
        group: q.groupId, user: q.userName, client: q.sourceIp ?? '(HELLO 3: unknown)', accessKeyId: d.accessKeyId,
        ...(d.ok ? {} : { reason: d.reason, why: d.message }),
      });
      answer(answerOf(d, q, cfg));
    },
    returnError: () => answer('-DENIED malformed\r\n'),
    returnFatalError: () => answer('-DENIED malformed\r\n'),
  });
  socket.on('data', (chunk: Buffer) => {
    size += chunk.length;
    if (size > MAX_QUESTION_BYTES) return answer('-DENIED too-large\r\n');
    if (!answered) parser.execute(chunk);
  });
}
