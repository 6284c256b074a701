/**
 * A serverless endpoint engine in front of a real Redis Cluster, for integration tests: the
 * cluster (primaries with replicas), a CA and certificate for the endpoint, proxy.json, and the
 * engine started detached as the control plane starts it. Everything is tracked by the Cleanup.
 */
import { spawn } from 'node:child_process';
import { openSync, closeSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Cluster, type ClusterOptions } from 'ioredis';
import { writeFileAtomic } from '../../src/endpoints/proxy-files.js';
import { evenSlotRanges } from '../../src/engine/slot-plan.js';
import type { ServerlessProxyConfig, ServerlessProxyStatus } from '../../src/serverless/proxy/config.js';
import { TUNING_ENV, type Tuning } from '../../src/serverless/proxy/tuning.js';
import { waitFor } from '../../src/util/wait.js';
import type { Cleanup } from './cleanup.js';
import { makeCertificates } from './endpoints-tls.js';
import { isFree, randomLoopbackAddress } from './net.js';
import { TestCluster, type TestNode } from './redis-cluster.js';
import { readJson } from '../../src/endpoints/proxy-files.js';

export const MAIN = fileURLToPath(new URL('../../src/serverless/proxy/main.js', import.meta.url));

export interface ServerlessFixture {
  tc: TestCluster;
  /** shards[i] = [primary, ...replicas]. */
  shards: TestNode[][];
  dir: string;
  configPath: string;
  config: ServerlessProxyConfig;
  caPem: string;
  caFile: string;
  host: string;
  port: number;
  readerPort: number;
  pid?: number;
}

export interface FixtureOptions {
  shards?: number;
  replicas?: number;
  workers?: number;
  limits?: Partial<ServerlessProxyConfig['limits']>;
  auth?: ServerlessProxyConfig['auth'];
  tuning?: Partial<Tuning>;
}

async function endpointAddress(): Promise<string> {
  for (let i = 0; i < 50; i++) {
    const a = randomLoopbackAddress();
    if ((await isFree(a, 6379)) && (await isFree(a, 6380))) return a;
  }
  throw new Error('no loopback address with 6379 and 6380 free');
}

export async function serverlessFixture(cleanup: Cleanup, opts: FixtureOptions = {}): Promise<ServerlessFixture> {
  const nShards = opts.shards ?? 3;
  const replicas = opts.replicas ?? 1;
  const tc = await TestCluster.create(cleanup, 'cachefleet-sl-cluster-');
  const nodes = await tc.startNodes(nShards * (1 + replicas));
  await tc.meetAll(nodes, 'mesh');
  const shards = Array.from({ length: nShards }, (_, i) => nodes.slice(i * (1 + replicas), (i + 1) * (1 + replicas)));
  await tc.formShards(shards, evenSlotRanges(nShards));
  const dir = await cleanup.tmpDir('cachefleet-sl-proxy-');
  const host = await endpointAddress();
  const certs = await makeCertificates(join(dir, 'tls'), [host]);
  writeFileSync(join(dir, 'admin.pw'), 'unused\n');
  const configPath = join(dir, 'proxy.json');
  const config: ServerlessProxyConfig = {
    version: 1,
    generation: 'g1',
    cacheName: 'sl-test',
    listen: { host, port: 6379, readerPort: 6380 },
    tls: { certFile: certs.certFile, keyFile: certs.keyFile },
    seeds: [{ host: shards[0]![0]!.address, port: shards[0]![0]!.port }],
    // The test nodes' default user has no password: any password logs in.
    backend: { tls: false, admin: { user: 'default', passwordFile: join(dir, 'admin.pw') } },
    auth: opts.auth ?? { mode: 'default', defaultLogin: { user: 'default', passwordFile: join(dir, 'admin.pw') } },
    workers: opts.workers ?? 2,
    limits: { maxArguments: 3999, ...opts.limits },
  };
  writeFileAtomic(configPath, JSON.stringify(config));
  return { tc, shards, dir, configPath, config, caPem: certs.caPem, caFile: certs.caFile, host, port: 6379, readerPort: 6380 };
}

/** Starts the engine detached (as the control plane does) and waits until its workers listen. */
export async function startEngine(cleanup: Cleanup, f: ServerlessFixture, tuning: Partial<Tuning> = {}): Promise<number> {
  const log = openSync(join(f.dir, 'proxy.log'), 'a');
  const child = spawn(process.execPath, [MAIN, f.configPath], {
    detached: true,
    stdio: ['ignore', log, log],
    env: { ...process.env, [TUNING_ENV]: JSON.stringify({ retryDelayMs: 20, topologyRefreshMs: 1000, ...tuning }) },
  });
  closeSync(log);
  child.unref();
  f.pid = child.pid!;
  cleanup.trackPid(child.pid, f.configPath);
  await waitStatus(f, (s) => s.generation === f.config.generation && s.listening.length === 2 && s.workers.length === f.config.workers);
  return child.pid!;
}

export function status(f: ServerlessFixture): ServerlessProxyStatus | undefined {
  return readJson<ServerlessProxyStatus>(join(f.dir, 'proxy-status.json'));
}

export function waitStatus(f: ServerlessFixture, ok: (s: ServerlessProxyStatus) => boolean, timeoutMs = 15_000): Promise<ServerlessProxyStatus> {
  return waitFor(() => {
    const s = status(f);
    return s && ok(s) ? s : undefined;
  }, { timeoutMs, what: 'engine status' });
}

/** An ioredis Cluster through the endpoint (TLS); disconnected by the cleanup. */
export function endpointCluster(cleanup: Cleanup, f: ServerlessFixture, extra: ClusterOptions = {}): Cluster {
  const c = new Cluster([{ host: f.host, port: f.port }], {
    slotsRefreshTimeout: 3000,
    redisOptions: { tls: { ca: f.caPem }, connectTimeout: 3000 },
    ...extra,
  });
  cleanup.defer(() => c.disconnect());
  return c;
}
