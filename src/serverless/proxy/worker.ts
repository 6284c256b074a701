/**
 * One worker of the serverless endpoint engine (started by main.ts, never directly):
 *   node worker.js <proxy.json> <worker index>
 * It listens on the endpoint's two ports beside the other workers (SO_REUSEPORT: the kernel spreads
 * new connections among them), applies each configuration the supervisor sends, and writes its
 * usage counters to usage-<index>.json about once a second.
 */
import { readFileSync } from 'node:fs';
import net from 'node:net';
import tls from 'node:tls';
import { dirname, join, resolve } from 'node:path';
import { sourceAllowed } from '../../endpoints/addresses.js';
import { writeFileAtomic } from '../../endpoints/proxy-files.js';
import { SERVICE_UMASK } from '../../paths/index.js';
import type { ServerlessComputeCharge, ServerlessProxyConfig, ServerlessUsage } from './config.js';
import type { WorkerContext } from './context.js';
import { loginOf } from './local-commands.js';
import { EcpuBucket, emptyCounters } from './metering.js';
import { Router, type RouterOptions } from './router.js';
import { Session } from './session.js';
import { Topology, type TopologyOptions } from './topology.js';
import { tuningFromEnv } from './tuning.js';
import { clientsPerWorker, MAX_CLIENTS_ERROR, openFilesLimit } from './client-limit.js';
import type { ToSupervisor, ToWorker } from './ipc.js';

process.umask(SERVICE_UMASK);
const configPath = resolve(process.argv[2] ?? '');
const index = Number(process.argv[3] ?? 0);
const tuning = tuningFromEnv();
const startedAt = new Date().toISOString();

function log(level: string, msg: string, extra: Record<string, unknown> = {}): void {
  process.stdout.write(`${JSON.stringify({ time: new Date().toISOString(), level, pid: process.pid, worker: index, msg, ...extra })}\n`);
}

let config: ServerlessProxyConfig | undefined;
let ctx: WorkerContext | undefined;
let servers: { key: string; server: net.Server }[] = [];
let listenKey = '';
const sessions = new Set<Session>();
const fdLimit = openFilesLimit();
let clientIds = 0;
/** The last CPU part of ECPUs the supervisor handed on (compute.json). */
let compute: ServerlessComputeCharge | undefined;

const readSecret = (file: string) => readFileSync(file, 'utf8').trim();

function send(msg: ToSupervisor): void {
  process.send?.(msg);
}

async function apply(next: ServerlessProxyConfig): Promise<void> {
  const errors: string[] = [];
  const admin = loginOf(next.backend.admin.user, readSecret(next.backend.admin.passwordFile));
  const tlsCa = next.backend.tls && next.backend.caFile ? readFileSync(next.backend.caFile, 'utf8') : undefined;
  const topoOpts: TopologyOptions = {
    seeds: next.seeds, admin, ...(tlsCa ? { tlsCa } : {}), connectTimeoutMs: tuning.connectTimeoutMs,
    ...(next.backend.sourceAddress ? { localAddress: next.backend.sourceAddress } : {}),
    queryTimeoutMs: tuning.topologyQueryTimeoutMs, refreshMs: tuning.topologyRefreshMs, minIntervalMs: tuning.topologyMinIntervalMs, log,
  };
  const routerOpts: RouterOptions = {
    ...(tlsCa ? { tlsCa } : {}), connectTimeoutMs: tuning.connectTimeoutMs, replyTimeoutMs: tuning.replyTimeoutMs, poolSize: tuning.poolSize,
    ...(next.backend.sourceAddress ? { localAddress: next.backend.sourceAddress } : {}),
    retryDeadlineMs: tuning.retryDeadlineMs, retryDelayMs: tuning.retryDelayMs,
  };
  const defaultLogin = next.auth.mode === 'default' ? loginOf(next.auth.defaultLogin.user, readSecret(next.auth.defaultLogin.passwordFile)) : undefined;
  const share = next.limits.ecpuPerSecondMax ? next.limits.ecpuPerSecondMax / Math.max(1, next.workers) : undefined;
  if (!ctx) {
    const topology = new Topology(topoOpts);
    topology.start();
    ctx = {
      endpoint: { cacheName: next.cacheName, ...next.listen }, defaultLogin, maxArguments: next.limits.maxArguments,
      router: new Router(routerOpts, topology), topology, counters: emptyCounters(),
      bucket: share ? new EcpuBucket(share) : undefined, tuning, version: '7.0.0',
      nextClientId: () => ++clientIds, log,
    };
  } else {
    const was = ctx.router.connectOptions;
    // Pooled connections made with another login, CA or source address are closed (made again as needed).
    const loginChanged = ctx.defaultLogin?.key !== defaultLogin?.key || was.tlsCa !== tlsCa || was.localAddress !== next.backend.sourceAddress;
    ctx.topology.update(topoOpts);
    ctx.router.update(routerOpts);
    if (loginChanged) ctx.router.closeAll();
    ctx.endpoint = { cacheName: next.cacheName, ...next.listen };
    ctx.defaultLogin = defaultLogin;
    ctx.maxArguments = next.limits.maxArguments;
    if (!share) ctx.bucket = undefined;
    else if (ctx.bucket) ctx.bucket.setRate(share);
    else ctx.bucket = new EcpuBucket(share);
  }
  config = next;
  chargeCompute();
  await listen(next, errors);
  send({ type: 'applied', generation: next.generation, listening: servers.map((s) => s.key), errors });
}

/**
 * The CPU part of the cache's ECPUs, this worker's share (the maximum is split alike), drained from
 * the bucket until the charge's end (on this process's clock, from the control plane's `at`).
 */
function chargeCompute(): void {
  if (!ctx?.bucket || !config || !compute) return;
  const untilMs = Date.parse(compute.at) + compute.forMs - Date.now();
  ctx.bucket.setDrain(compute.ecpuPerSecond / Math.max(1, config.workers), performance.now() + Math.max(0, untilMs));
}

/** (Re)creates the two listeners when the address, ports or certificate changed. */
async function listen(c: ServerlessProxyConfig, errors: string[]): Promise<void> {
  const cert = readFileSync(c.tls.certFile);
  const key = readFileSync(c.tls.keyFile);
  const wanted = JSON.stringify([c.listen, cert.toString('base64').slice(-64), c.allow ?? null]);
  if (wanted === listenKey && servers.length === 2) return;
  for (const s of servers) s.server.close();
  servers = [];
  listenKey = wanted;
  for (const port of [c.listen.port, c.listen.readerPort]) {
    const server = tls.createServer({ cert, key }, (socket) => onClient(socket, port));
    server.on('tlsClientError', () => {});
    try {
      await new Promise<void>((res, rej) => {
        server.once('error', rej);
        server.listen({ host: c.listen.host, port, reusePort: true }, () => res());
      });
      servers.push({ key: `${c.listen.host}:${port}`, server });
    } catch (e) {
      errors.push(`${c.listen.host}:${port}: ${(e as Error).message}`);
      listenKey = '';
    }
  }
}

function onClient(socket: tls.TLSSocket, port: number): void {
  if (!ctx || !config) return void socket.destroy();
  if (config.allow && !sourceAllowed(socket.remoteAddress ?? '', config.allow)) return void socket.destroy();
  if (sessions.size >= clientsPerWorker(tuning.maxClients, config.workers, fdLimit)) {
    // As Redis past maxclients: the error, then the connection closed.
    return void socket.end(MAX_CLIENTS_ERROR);
  }
  socket.setNoDelay(true);
  const s = new Session(ctx, socket, port);
  sessions.add(s);
  ctx.counters.newConnections++;
  ctx.counters.currConnections++;
  socket.on('close', () => {
    if (sessions.delete(s)) ctx!.counters.currConnections--;
  });
}

function writeUsage(): void {
  if (!ctx) return;
  const usage: ServerlessUsage = { worker: index, pid: process.pid, startedAt, writtenAt: new Date().toISOString(), ...ctx.counters };
  try {
    writeFileAtomic(join(dirname(configPath), `usage-${index}.json`), `${JSON.stringify(usage)}\n`);
  } catch (e) {
    log('warn', 'usage not written', { error: (e as Error).message });
  }
}

function exit(): void {
  writeUsage();
  for (const s of servers) s.server.close();
  for (const s of sessions) s.close();
  ctx?.router.closeAll();
  ctx?.topology.stop();
  process.exit(0);
}

process.on('message', (m: ToWorker) => {
  if (m.type === 'config') {
    apply(m.config).catch((e) => {
      log('error', 'configuration not applied', { error: (e as Error).message });
      send({ type: 'applied', generation: config?.generation ?? '', listening: servers.map((s) => s.key), errors: [(e as Error).message] });
    });
  } else if (m.type === 'compute') {
    compute = m.charge;
    chargeCompute();
  } else if (m.type === 'stop') exit();
});
// The supervisor gone means nobody follows proxy.json for this worker any more.
process.on('disconnect', exit);
process.on('SIGTERM', exit);
setInterval(writeUsage, tuning.usageWriteMs).unref();
send({ type: 'ready' });
