/**
 * The fallback data path for hosts without nftables, and the data path of durable routes
 * (cachefleet-durable-writes, see durable-session.ts) and of sniffing routes (TLS "preferred"
 * mode, see sniff.ts) everywhere: a detached TCP proxy process.
 *   node dist/src/endpoints/proxy-process.js <state-dir>/routes.json
 * It runs apart from the control plane so that a control-plane crash or restart drops nothing.
 * It follows routes.json (fs.watch for speed, a periodic re-read in case a watch event is missed):
 * listeners come and go, retargeting affects only new connections, and it exits on its own when
 * routes.json disappears (teardown), so a dead control plane never leaves it running forever.
 */
import net from 'node:net';
import { readdirSync, readFileSync, unlinkSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import {
  DROP_PREFIX, PROXY_FEATURES, isProxyProcess, proxyPaths, readJson, readPid, writeFileAtomic,
  type DropRequest, type ProxyStatus, type RoutesFile,
} from './proxy-files.js';
import { DurableSession, type SessionOutput } from './durable-session.js';
import { sourceAllowed } from './addresses.js';
import { sniffClient } from './sniff.js';
import type { EndpointRoute, Target } from './types.js';
import { SERVICE_UMASK } from '../paths/index.js';

interface Conn {
  client: net.Socket;
  upstream: net.Socket;
  target: Target;
}

interface RouteState {
  route: EndpointRoute;
  /** Round-robin position. */
  next: number;
  conns: Set<Conn>;
  server?: net.Server;
  /** "address:port" the server listens on. */
  serverKey?: string;
  error?: string;
}

const RESCAN_MS = 1000;

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, msg, ...extra })}\n`);
}

// Whatever the proxy writes (its pidfile, status, acks) is for the service's user alone.
process.umask(SERVICE_UMASK);
const routesPath = resolve(process.argv[2] ?? '');
const paths = proxyPaths(dirname(routesPath));
const states = new Map<string, RouteState>();
let generation = '';
let lastStatus = '';
let watcher: FSWatcher | undefined;
let timer: NodeJS.Timeout | undefined;

function onClient(rs: RouteState, client: net.Socket): void {
  // Security groups: a source the route's groups do not admit is refused as a closed port would be.
  if (rs.route.allow && !sourceAllowed(client.remoteAddress ?? '', rs.route.allow)) {
    client.resetAndDestroy();
    return;
  }
  client.setNoDelay(true);
  if (rs.route.tlsTargets) {
    // TLS "preferred" mode: the first bytes choose the targets (see sniff.ts).
    const route = rs.route; // the route as of this client's accept, even if retargeted meanwhile
    sniffClient(client, route, (up, first) => relay(rs, route, client, up.socket, up.target, first));
    return;
  }
  const targets = rs.route.targets;
  if (targets.length === 0) {
    client.resetAndDestroy(); // raced with the listener closing
    return;
  }
  const target = targets[rs.next++ % targets.length]!;
  rs.next %= targets.length;
  const upstream = net.connect({
    host: target.address, port: target.port, noDelay: true,
    ...(rs.route.sourceAddress ? { localAddress: rs.route.sourceAddress } : {}),
  });
  relay(rs, rs.route, client, upstream, target);
}

/** Carries a client's connection to `upstream` (`first`: bytes already read from the client, sent first). */
function relay(rs: RouteState, route: EndpointRoute, client: net.Socket, upstream: net.Socket, target: Target, first?: Buffer): void {
  const conn: Conn = { client, upstream, target };
  rs.conns.add(conn);
  let done = false;
  const finish = (resetClient: boolean): void => {
    if (done) return;
    done = true;
    rs.conns.delete(conn);
    // A reset tells the client at once that its server is gone (as a refused connect would).
    if (resetClient && !client.destroyed) client.resetAndDestroy();
    else client.destroy();
    upstream.destroy();
  };
  upstream.on('error', () => finish(true));
  client.on('error', () => finish(false));
  client.on('close', () => finish(false));
  if (route.durable) {
    durablePipe(route, client, upstream, finish);
    return;
  }
  upstream.on('close', () => finish(false));
  if (first) upstream.write(first);
  client.pipe(upstream);
  upstream.pipe(client);
}

/** Writes `bufs` in order as one writev; false when the socket's buffer is full. */
function writeAll(sock: net.Socket, bufs: Buffer[]): boolean {
  if (bufs.length === 1) return sock.write(bufs[0]!);
  sock.cork();
  let ok = true;
  for (const b of bufs) ok = sock.write(b) && ok;
  sock.uncork();
  return ok;
}

/**
 * A durable route (cachefleet-durable-writes): the bytes go through a DurableSession, which holds a
 * write's reply until a replica has the write (see durable-session.ts). Backpressure as pipe() has it.
 */
function durablePipe(route: EndpointRoute, client: net.Socket, upstream: net.Socket, finish: (reset: boolean) => void): void {
  const session = new DurableSession({ timeoutMs: route.durable!.timeoutMs });
  let clientPaused = false;
  let upstreamPaused = false;
  const send = (out: SessionOutput): void => {
    if (out.toServer.length > 0 && !writeAll(upstream, out.toServer) && !clientPaused) {
      clientPaused = true;
      client.pause();
      upstream.once('drain', () => { clientPaused = false; client.resume(); });
    }
    if (out.toClient.length > 0 && !writeAll(client, out.toClient) && !upstreamPaused) {
      upstreamPaused = true;
      upstream.pause();
      client.once('drain', () => { upstreamPaused = false; upstream.resume(); });
    }
    if (session.closeReason !== undefined && !client.writableEnded) {
      log('warn', 'closing a durable endpoint connection', { route: route.id, reason: session.closeReason });
      client.end(); // after what was written; its close then closes the upstream side
    }
  };
  client.on('data', (chunk: Buffer) => send(session.fromClient(chunk)));
  upstream.on('data', (chunk: Buffer) => send(session.fromServer(chunk)));
  // The server closed: let the client have the last replies (QUIT's +OK) before it closes too.
  // Replies still held for a replica are never sent: those writes stay unacknowledged.
  upstream.on('close', () => {
    if (!client.destroyed && client.writableLength > 0) client.end();
    else finish(false);
  });
}

function closeServer(rs: RouteState): void {
  // close() stops accepting at once; established connections carry on (like NAT'ed ones).
  rs.server?.close();
  rs.server = undefined;
  rs.serverKey = undefined;
}

function listen(rs: RouteState, key: string): Promise<void> {
  return new Promise((done) => {
    const server = net.createServer({ noDelay: true }, (client) => onClient(rs, client));
    server.once('error', (err) => {
      // Log a failure once, not on every retry (the log must not grow by a line a second).
      if (rs.error !== err.message) log('warn', 'cannot listen; retrying', { route: rs.route.id, listen: key, err: err.message });
      rs.error = err.message;
      server.close();
      done();
    });
    server.listen({ host: rs.route.address, port: rs.route.port, exclusive: true }, () => {
      server.removeAllListeners('error');
      server.on('error', (err) => log('error', 'listener error', { route: rs.route.id, err: err.message }));
      rs.server = server;
      rs.serverKey = key;
      rs.error = undefined;
      log('info', 'listening', { route: rs.route.id, listen: key });
      done();
    });
  });
}

async function apply(file: RoutesFile): Promise<void> {
  const desired = new Map(file.routes.map((r) => [r.id, r]));
  // A route with nowhere to send a client has no listener (connections are refused).
  const want = (r: EndpointRoute): string | undefined =>
    (r.targets.length > 0 || (r.tlsTargets?.length ?? 0) > 0 ? `${r.address}:${r.port}` : undefined);
  // Close first, so an address moving from one route to another can be bound again right away.
  for (const [id, rs] of states) {
    const r = desired.get(id);
    if (!r || want(r) !== rs.serverKey) closeServer(rs);
    if (!r) states.delete(id);
  }
  for (const r of file.routes) {
    let rs = states.get(r.id);
    if (!rs) states.set(r.id, (rs = { route: r, next: 0, conns: new Set() }));
    rs.route = r; // retarget: only new connections see the new targets
    const key = want(r);
    if (!key) rs.error = undefined;
    else if (!rs.server) await listen(rs, key); // also retries earlier failures
  }
  generation = file.generation;
}

function handleDrops(): void {
  let names: string[];
  try {
    names = readdirSync(paths.dir).filter((n) => n.startsWith(DROP_PREFIX) && n.endsWith('.json'));
  } catch {
    return;
  }
  for (const name of names) {
    const req = readJson<DropRequest>(join(paths.dir, name));
    const rs = req ? states.get(req.routeId) : undefined;
    let dropped = 0;
    for (const c of rs ? [...rs.conns] : []) {
      if (c.target.address === req!.target.address && c.target.port === req!.target.port) {
        c.client.resetAndDestroy();
        c.upstream.destroy();
        dropped++;
      }
    }
    if (req) log('info', 'dropped connections', { route: req.routeId, target: req.target, dropped });
    try { unlinkSync(join(paths.dir, name)); } catch { /* the router gave up waiting and removed it */ }
  }
}

function writeStatus(): void {
  const status: ProxyStatus = {
    pid: process.pid,
    generation,
    listening: [...states.values()].flatMap((s) => (s.serverKey ? [s.serverKey] : [])),
    errors: [...states.values()].flatMap((s) => (s.error ? [{ routeId: s.route.id, message: s.error }] : [])),
    features: PROXY_FEATURES,
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
  for (const rs of states.values()) closeServer(rs);
  // Only remove files that are ours: a successor may already have written its own.
  if (readPid(paths.pid) === process.pid) {
    for (const p of [paths.pid, paths.status]) {
      try { unlinkSync(p); } catch { /* gone */ }
    }
  }
  process.exit(0);
}

let running = false;
let rerun = false;
let retryDue = false;
let lastBadText = '';
/**
 * One reconcile at a time; events arriving meanwhile coalesce into one more pass. Listeners that
 * failed are retried only from the periodic scan (`retry`), never in a tight loop.
 */
async function reconcile(retry = false): Promise<void> {
  retryDue ||= retry;
  if (running) {
    rerun = true;
    return;
  }
  running = true;
  try {
    do {
      rerun = false;
      const retryNow = retryDue;
      retryDue = false;
      let text: string;
      try {
        text = readFileSync(routesPath, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return shutdown('routes file removed');
        log('error', 'cannot read routes', { err: String(err) });
        continue;
      }
      let file: RoutesFile;
      try {
        file = JSON.parse(text) as RoutesFile;
      } catch (err) {
        if (text !== lastBadText) log('error', 'invalid routes file; keeping current routes', { err: String(err) });
        lastBadText = text;
        continue;
      }
      if (file.generation !== generation || (retryNow && [...states.values()].some((s) => s.error))) await apply(file);
      handleDrops();
      writeStatus();
    } while (rerun);
  } finally {
    running = false;
  }
}

function main(): void {
  const other = readPid(paths.pid);
  if (other && other !== process.pid && isProxyProcess(other, routesPath)) {
    log('info', 'another proxy already serves these routes; exiting', { other });
    process.exit(0);
  }
  writeFileAtomic(paths.pid, `${process.pid}\n`);
  // A data-path process must not die on one bad socket: log and keep serving everyone else.
  process.on('uncaughtException', (err) => log('error', 'uncaught exception', { err: err.stack ?? String(err) }));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGHUP', () => void reconcile(true));
  try {
    // Only our inputs: the status file and proxy.log live in this directory too, and reacting to
    // our own writes would spin.
    watcher = watch(paths.dir, (_event, name) => {
      if (!name || name === basename(routesPath) || name.startsWith(DROP_PREFIX)) void reconcile();
    });
    watcher.on('error', () => { watcher?.close(); watcher = undefined; }); // the periodic scan still runs
  } catch {
    watcher = undefined;
  }
  timer = setInterval(() => void reconcile(true), RESCAN_MS);
  log('info', 'proxy started', { routes: routesPath });
  void reconcile();
}

main();
