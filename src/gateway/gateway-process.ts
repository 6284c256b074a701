/**
 * The IAM auth gateway: a detached process in front of every address (group endpoints and node
 * endpoints, see plan.ts) of replication groups that have IAM users, started and fed by the control
 * plane (supervisor.ts):
 *   node dist/src/gateway/gateway-process.js <data-dir>/iam-gateway/gateway.json
 * Redis cannot check an IAM token, so NAT rules send clients here instead of to the node; the
 * gateway ends TLS with a certificate for the group's addresses, checks IAM logins wherever they
 * come in a connection (gateway-session.ts), logs in to the node for them, and pipes bytes. It runs
 * apart from the control plane: killing the control plane drops no connection, and tokens are
 * checked on with the keys and policies last written to gateway.json. It follows that file as the
 * endpoint proxy follows routes.json (a watch, and a re-read every second) and exits when the file
 * is removed (teardown).
 */
import net from 'node:net';
import tls from 'node:tls';
import { readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, resolve } from 'node:path';
import { Duplex } from 'node:stream';
import { readJson, readPid, writeFileAtomic } from '../endpoints/proxy-files.js';
import { sourceAllowed } from '../endpoints/addresses.js';
import type { Target } from '../endpoints/types.js';
import { SERVICE_UMASK } from '../paths/index.js';
import { authorizeConnect } from './connect-auth.js';
import { gatewayPaths, type GatewayConfig, type GatewayListener, type GatewayStatus } from './config.js';
import { isGatewayProcess } from './process-check.js';
import { runSession, type Handed } from './gateway-session.js';
import { startVerifier } from './verifier.js';

interface ListenerState {
  listener: GatewayListener;
  server?: net.Server;
  serverKey?: string;
  context?: tls.SecureContext;
  /** The certificate files the context was made of. */
  contextKey?: string;
  next: number;
  handed: Set<Handed>;
  error?: string;
}

const RESCAN_MS = 1000;

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg, ...extra })}\n`);
}

process.umask(SERVICE_UMASK);
const configPath = resolve(process.argv[2] ?? '');
const paths = gatewayPaths(dirname(configPath));
const states = new Map<string, ListenerState>();
let config: GatewayConfig | undefined;
let lastText = '';
let lastStatus = '';
let watcher: FSWatcher | undefined;
/** The verifier the nodes' IAM auth module asks (path `node`), and the socket it listens on. */
let verifier: { server: net.Server; socket: string } | undefined;
let timer: NodeJS.Timeout | undefined;

/** A socket whose first bytes were already read, as a stream a TLSSocket can wrap (TLS "preferred"). */
function replaying(socket: net.Socket, first: Buffer): Duplex {
  const d = new Duplex({
    read() { socket.resume(); },
    write(chunk: Buffer, _enc, cb) { socket.write(chunk, cb); },
    final(cb) { socket.end(); cb(); },
    destroy(err, cb) { socket.destroy(); cb(err); },
  });
  d.push(first);
  socket.on('data', (c: Buffer) => { if (!d.push(c)) socket.pause(); });
  socket.on('end', () => d.push(null));
  socket.on('error', (e) => d.destroy(e));
  socket.on('close', () => d.destroy());
  return d;
}

function onClient(ls: ListenerState, socket: net.Socket): void {
  const l = ls.listener; // as of this client's accept, even if retargeted meanwhile
  if (l.allow && !sourceAllowed(socket.remoteAddress ?? '', l.allow)) {
    socket.resetAndDestroy();
    return;
  }
  socket.setNoDelay(true);
  socket.on('error', () => socket.destroy());
  const sourceIp = socket.remoteAddress ?? '';
  const start = (client: Duplex, secure: boolean, first?: Buffer): void => runSession(client, first, {
    isIamUser: (u) => Object.hasOwn(l.users, u),
    nodeSecret: (u) => l.users[u]!.nodeSecret,
    authorize: (user, token) => authorizeConnect(config!, { listener: l, userName: user, token, sourceIp, secureTransport: secure, now: new Date() }),
    connect: () => connectUpstream(ls, l),
    maxConnectionMs: config?.maxConnectionMs ?? 12 * 3_600_000,
    log: (level, msg, extra) => log(level, msg, { listener: l.id, client: sourceIp, ...extra }),
  }, (h) => ls.handed.add(h), (h) => ls.handed.delete(h));
  const serveTls = (raw: Duplex): void => {
    const secure = new tls.TLSSocket(raw as net.Socket, { isServer: true, secureContext: ls.context! });
    secure.on('error', () => secure.destroy());
    start(secure, true);
  };
  if (!ls.context) {
    socket.resetAndDestroy();
    return;
  }
  if (l.tls.mode === 'required') {
    serveTls(socket);
    return;
  }
  // TLS "preferred": a TLS handshake record (0x16) is a TLS client, anything else plaintext.
  socket.once('data', (first: Buffer) => {
    socket.pause();
    if (first[0] === 0x16) serveTls(replaying(socket, first));
    else start(socket, false, first);
    socket.resume();
  });
}

function connectUpstream(ls: ListenerState, l: GatewayListener): { socket: Duplex; target: Target } | undefined {
  if (l.targets.length === 0) return undefined;
  const target = l.targets[ls.next++ % l.targets.length]!;
  ls.next %= l.targets.length;
  let ca: Buffer;
  try {
    ca = readFileSync(l.tls.caFile);
  } catch (err) {
    log('warn', 'cannot read the CA certificate', { listener: l.id, err: String(err) });
    return undefined;
  }
  // tls.connect hands localAddress to net.connect (its typings leave it out).
  const options: tls.ConnectionOptions & { localAddress: string } = {
    host: target.address, port: target.port, ca, localAddress: l.sourceAddress ?? target.address,
  };
  const socket = tls.connect(options);
  socket.setNoDelay(true);
  return { socket, target };
}

function loadContext(ls: ListenerState): void {
  const key = `${ls.listener.tls.certFile}\n${ls.listener.tls.keyFile}`;
  if (ls.contextKey === key) return;
  try {
    ls.context = tls.createSecureContext({ cert: readFileSync(ls.listener.tls.certFile), key: readFileSync(ls.listener.tls.keyFile) });
    ls.contextKey = key;
  } catch (err) {
    ls.error = `cannot load the certificate: ${String(err)}`;
  }
}

function listen(ls: ListenerState, key: string): Promise<void> {
  return new Promise((done) => {
    const server = net.createServer({ noDelay: true }, (c) => onClient(ls, c));
    server.once('error', (err) => {
      if (ls.error !== err.message) log('warn', 'cannot listen; retrying', { listener: ls.listener.id, listen: key, err: err.message });
      ls.error = err.message;
      server.close();
      done();
    });
    server.listen({ host: ls.listener.address, port: ls.listener.port, exclusive: true }, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => log('error', 'listener error', { listener: ls.listener.id, err: err.message }));
      ls.server = server;
      ls.serverKey = key;
      ls.error = undefined;
      log('info', 'listening', { listener: ls.listener.id, listen: key });
      done();
    });
  });
}

const sameTarget = (a: Target, b: Target) => a.address === b.address && a.port === b.port;

async function apply(file: GatewayConfig): Promise<void> {
  const desired = new Map(file.listeners.map((l) => [l.id, l]));
  for (const [id, ls] of states) {
    const l = desired.get(id);
    if (!l || `${l.address}:${l.port}` !== ls.serverKey) {
      ls.server?.close(); // established connections carry on
      ls.server = undefined;
      ls.serverKey = undefined;
    }
    if (!l) states.delete(id);
  }
  for (const l of file.listeners) {
    let ls = states.get(l.id);
    if (!ls) states.set(l.id, (ls = { listener: l, next: 0, handed: new Set() }));
    // A target gone from the endpoint (a failover, a replica out of the reader endpoint): its
    // connections close, so their clients reconnect to the current one (as NAT's are dropped).
    for (const h of [...ls.handed]) {
      if (!l.targets.some((t) => sameTarget(t, h.target))) {
        h.close();
        ls.handed.delete(h);
      }
    }
    ls.listener = l;
    ls.error = undefined;
    loadContext(ls);
    if (!ls.server && !ls.error) await listen(ls, `${l.address}:${l.port}`);
  }
  config = file;
  await applyVerifier(file);
}

/** Serves the verifier while the config names groups whose nodes ask it; stops it otherwise. */
async function applyVerifier(file: GatewayConfig): Promise<void> {
  const want = file.verifier && Object.keys(file.groups ?? {}).length > 0 ? file.verifier : undefined;
  if (verifier && verifier.socket !== want?.socket) {
    verifier.server.close();
    verifier = undefined;
  }
  if (!want || verifier) return;
  try {
    const server = await startVerifier({
      socketPath: want.socket, config: () => config, log: (level, msg, extra) => log(level, msg, extra),
      ...(want.nodeGid !== undefined ? { nodeGid: want.nodeGid } : {}),
    });
    server.on('error', (err) => log('error', 'verifier error', { err: err.message }));
    verifier = { server, socket: want.socket };
    log('info', 'verifier listening', { socket: want.socket });
  } catch (err) {
    log('warn', 'cannot serve the verifier; retrying', { socket: want.socket, err: String(err) });
  }
}

function writeStatus(): void {
  const status: GatewayStatus = {
    pid: process.pid,
    generation: config?.generation ?? '',
    listening: [...states.values()].flatMap((s) => (s.serverKey ? [s.serverKey] : [])),
    errors: [...states.values()].flatMap((s) => (s.error ? [{ listenerId: s.listener.id, message: s.error }] : [])),
  };
  const text = JSON.stringify(status);
  if (text === lastStatus) return;
  writeFileAtomic(paths.status, text);
  lastStatus = text;
}

function shutdown(reason: string): void {
  log('info', 'exiting', { reason });
  if (timer) clearInterval(timer);
  watcher?.close();
  for (const ls of states.values()) ls.server?.close();
  if (verifier) {
    verifier.server.close();
    try { unlinkSync(verifier.socket); } catch { /* gone */ }
  }
  if (readPid(paths.pid) === process.pid) {
    for (const p of [paths.pid, paths.status]) {
      try { unlinkSync(p); } catch { /* gone */ }
    }
  }
  process.exit(0);
}

let running = false;
let rerun = false;
async function reconcile(retry: boolean): Promise<void> {
  if (running) {
    rerun = true;
    return;
  }
  running = true;
  try {
    do {
      rerun = false;
      let text: string;
      try {
        text = readFileSync(configPath, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return shutdown('config file removed');
        log('error', 'cannot read the config', { err: String(err) });
        continue;
      }
      const failed = [...states.values()].some((s) => s.error);
      if (text !== lastText || (retry && failed)) {
        const file = readJson<GatewayConfig>(configPath);
        if (!file) {
          if (text !== lastText) log('error', 'invalid config file; keeping the current one');
        } else {
          await apply(file);
        }
        lastText = text;
      }
      if (config) await applyVerifier(config); // again, if it could not listen before
      writeStatus();
    } while (rerun);
  } finally {
    running = false;
  }
}

function main(): void {
  const other = readPid(paths.pid);
  if (other && other !== process.pid && isGatewayProcess(other, configPath)) {
    log('info', 'another gateway already serves this config; exiting', { other });
    process.exit(0);
  }
  writeFileAtomic(paths.pid, `${process.pid}\n`);
  // A data-path process must not die on one bad socket: log and keep serving everyone else.
  process.on('uncaughtException', (err) => log('error', 'uncaught exception', { err: err.stack ?? String(err) }));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  try {
    watcher = watch(paths.dir, (_e, name) => { if (name === basename(configPath)) void reconcile(false); });
    watcher.on('error', () => { watcher?.close(); watcher = undefined; });
  } catch {
    watcher = undefined;
  }
  timer = setInterval(() => void reconcile(true), RESCAN_MS);
  log('info', 'IAM auth gateway started', { config: configPath });
  void reconcile(false);
}

main();
