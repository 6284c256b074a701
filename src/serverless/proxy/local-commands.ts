/**
 * Commands the endpoint answers itself, as ElastiCache Serverless does: the connection's own
 * state (HELLO, AUTH, SELECT, CLIENT…), and the cluster's shape (CLUSTER SLOTS, SHARDS, NODES,
 * INFO, MYID), which describe one virtual node owning every slot (virtual-cluster.ts).
 */
import { createHash } from 'node:crypto';
import { BackendConnection, type Login } from './backend.js';
import { REFUSED_CLUSTER, slotOf, unknownCommand } from './commands.js';
import { array, bulk, encodeCommand, error, integer, map, OK, simple, type Proto } from './resp.js';
import type { ClientSession as Session } from './client.js';
import { clientInfoLine } from './introspection.js';
import { clusterInfoText, clusterNodesText, clusterShards, clusterSlots, virtualIds } from './virtual-cluster.js';

const PONG = simple('PONG');
const PING = encodeCommand(['PING']);

/** Answers `name` when the proxy itself does; false when it is not a local command. */
export function localCommand(s: Session, name: string, args: Buffer[], bytesIn: number): boolean {
  const arg = (i: number) => args[i]?.toString().toLowerCase();
  switch (name) {
    case 'ping':
      if (s.proto === 2 && s.subs.count > 0) s.answer(array([bulk('pong'), bulk(args[1] ?? '')]), bytesIn);
      else s.answer(args[1] ? bulk(args[1]) : PONG, bytesIn);
      return true;
    case 'echo':
      s.answer(args.length === 2 ? bulk(args[1]!) : wrongArity(name), bytesIn);
      return true;
    case 'quit':
      s.answer(OK, bytesIn);
      s.quit();
      return true;
    case 'reset':
      s.reset();
      s.answer(simple('RESET'), bytesIn);
      return true;
    case 'select':
      s.answer(arg(1) === '0' ? OK : error('ERR SELECT is not allowed in cluster mode'), bytesIn);
      return true;
    case 'readonly': case 'readwrite': case 'asking':
      s.answer(OK, bytesIn);
      return true;
    case 'auth':
      if (args.length < 2 || args.length > 3) s.answer(wrongArity(name), bytesIn);
      else authenticate(s, args.length === 3 ? args[1]! : Buffer.from('default'), args[args.length - 1]!, bytesIn, () => OK);
      return true;
    case 'hello':
      hello(s, args, bytesIn);
      return true;
    case 'client':
      s.answer(client(s, arg(1) ?? '', args), bytesIn);
      return true;
    case 'cluster': {
      const reply = cluster(s, arg(1) ?? '', args);
      if (!reply) return false; // forwarded (COUNTKEYSINSLOT, GETKEYSINSLOT)
      s.answer(reply, bytesIn);
      return true;
    }
    case 'subscribe': case 'ssubscribe':
      if (args.length < 2) s.answer(wrongArity(name), bytesIn);
      else if (name === 'ssubscribe' && new Set(args.slice(1).map((c) => slotOf(c))).size > 1) {
        s.answer(error("CROSSSLOT Keys in request don't hash to the same slot"), bytesIn);
      } else s.answer(s.subs.subscribe(args.slice(1), name === 'ssubscribe'), bytesIn);
      return true;
    case 'unsubscribe': case 'sunsubscribe':
      s.answer(s.subs.unsubscribe(args.slice(1), name === 'sunsubscribe'), bytesIn);
      return true;
  }
  return false;
}

const wrongArity = (name: string) => error(`ERR wrong number of arguments for '${name}' command`);

const logins = new Map<string, Login>();

/** The Login of user and password, one object per pair (pools are keyed by it). */
export function loginOf(user: string, password: string): Login {
  const key = `${user}:${createHash('sha256').update(password).digest('hex').slice(0, 16)}`;
  let login = logins.get(key);
  if (!login) logins.set(key, (login = { user, password, key }));
  return login;
}

/**
 * 'default' auth: every client is the default user already, and AUTH is accepted as it is by a
 * node whose default user has no password. 'user-group': the password is checked by logging in to
 * a node on a fresh connection; the client's traffic then runs on that login's pooled connections.
 */
function authenticate(s: Session, user: Buffer, password: Buffer, bytesIn: number, reply: () => Buffer): void {
  if (s.ctx.defaultLogin) {
    s.answer(reply(), bytesIn);
    return;
  }
  const p = s.reserve();
  const login = loginOf(user.toString(), password.toString());
  const node = s.ctx.topology.map?.shards[s.id % Math.max(1, s.ctx.topology.map.shards.length)]?.primary;
  if (!node) {
    s.finish(p, error('CLUSTERDOWN The cluster is down'), bytesIn, 'other', performance.now());
    return;
  }
  const conn = new BackendConnection({
    node, login, proto: 2, readonly: false, connectTimeoutMs: s.ctx.tuning.connectTimeoutMs,
    ...s.ctx.router.connectOptions,
  });
  conn.send(PING, 1, (replies, lost) => {
    conn.destroy('auth checked');
    if (replies) {
      s.login = login;
      s.finish(p, reply(), bytesIn, 'other', performance.now());
    } else if (lost?.reason.includes('WRONGPASS') || lost?.reason.includes('login failed')) {
      s.finish(p, error('WRONGPASS invalid username-password pair or user is disabled.'), bytesIn, 'other', performance.now());
    } else {
      s.finish(p, error(`ERR could not check the credentials: ${lost?.reason}`), bytesIn, 'other', performance.now());
    }
  });
}

function hello(s: Session, args: Buffer[], bytesIn: number): void {
  let proto = s.proto;
  let i = 1;
  if (args.length > 1) {
    const v = Number(args[1]!.toString());
    if (v !== 2 && v !== 3) return s.answer(error('NOPROTO unsupported protocol version'), bytesIn);
    proto = v;
    i = 2;
  }
  let auth: [Buffer, Buffer] | undefined;
  for (; i < args.length; i++) {
    const opt = args[i]!.toString().toLowerCase();
    if (opt === 'auth' && i + 2 < args.length) {
      auth = [args[i + 1]!, args[i + 2]!];
      i += 2;
    } else if (opt === 'setname' && i + 1 < args.length) {
      s.name = args[++i];
    } else return s.answer(error(`ERR Syntax error in HELLO option '${opt}'`), bytesIn);
  }
  if (!auth && !s.login) return s.answer(error('NOAUTH HELLO must be called with the client already authenticated, otherwise the HELLO <proto> AUTH <user> <pass> option can be used to authenticate the client and select the RESP protocol version at the same time'), bytesIn);
  const reply = () => {
    s.proto = proto;
    return map([
      ['server', bulk('redis')], ['version', bulk(s.ctx.version)], ['proto', integer(proto)], ['id', integer(s.id)],
      ['mode', bulk('cluster')], ['role', bulk('master')], ['modules', array([])],
    ], proto as Proto);
  };
  if (auth) authenticate(s, auth[0], auth[1], bytesIn, reply);
  else s.answer(reply(), bytesIn);
}

function client(s: Session, sub: string, args: Buffer[]): Buffer {
  switch (sub) {
    case 'setname':
      s.name = args[2];
      return OK;
    case 'getname': return bulk(s.name ?? null, s.proto);
    case 'id': return integer(s.id);
    case 'setinfo': case 'no-evict': case 'no-touch': return OK;
    case 'info': case 'list':
      // The caller's own connection: the endpoint's workers do not share their clients.
      return bulk(clientInfoLine({
        id: s.id, addr: `${s.socket.remoteAddress}:${s.socket.remotePort}`, laddr: `${s.socket.localAddress}:${s.localPort}`,
        name: s.name?.toString() ?? '', age: Math.floor((Date.now() - s.connectedAt) / 1000),
        sub: s.subs.classic.size, ssub: s.subs.sharded.size, user: s.login?.user ?? 'default', resp: s.proto, cmd: `client|${sub}`,
      }));
    case 'tracking': case 'caching': case 'getredir': case 'trackinginfo':
      return error('ERR CLIENT TRACKING is not supported by this endpoint');
    default:
      return error(unknownCommand(`client|${sub}`, args.slice(1)));
  }
}

function cluster(s: Session, sub: string, args: Buffer[]): Buffer | undefined {
  const ep = s.ctx.endpoint;
  switch (sub) {
    case 'slots': return clusterSlots(ep);
    case 'shards': return clusterShards(ep, s.proto);
    case 'nodes': return bulk(clusterNodesText(ep, s.localPort));
    case 'info': return bulk(clusterInfoText());
    case 'myid': return bulk(s.reader ? virtualIds(ep).replica : virtualIds(ep).primary);
    case 'myshardid': return bulk(virtualIds(ep).primary);
    case 'keyslot': return args.length === 3 ? integer(slotOf(args[2]!)) : wrongArity('cluster|keyslot');
    case 'countkeysinslot': case 'getkeysinslot': return undefined;
  }
  if (REFUSED_CLUSTER.has(sub)) return error(unknownCommand(`cluster|${sub}`, args.slice(1)));
  return error(`ERR unknown subcommand '${sub}'. Try CLUSTER HELP.`);
}
