/**
 * The serverless endpoint engine's cost (src/serverless/proxy), on raw redis-servers (no service):
 * a 1-shard Redis Cluster behind the engine (the service's number of workers, TLS), against a TLS port of the same kind
 * of node reached directly ("a direct TLS node"), both on this machine's loopback.
 * - GET and SET throughput, redis-benchmark -c 50, pipelines of 1 and 16 (ratio endpoint / direct);
 * - latency added: p50 and p99 of GET with one client (-c 1), endpoint minus direct;
 * - ECPUs metered per 1,000 GETs of 1 KB and of 4 KB (the definition: (bytes in + out) / 1 KB each).
 * Runs alternate (ABBA) so load drift hits both sides alike; ratios are medians.
 *
 * `npm run bench -- --only 'serverless proxy'`, or `npm run build && node dist/bench/serverless-proxy.js [--quick]`.
 */
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Redis } from 'ioredis';
import { readJson } from '../src/endpoints/proxy-files.js';
import type { ServerlessUsage } from '../src/serverless/proxy/config.js';
import { waitFor } from '../src/util/wait.js';
import { defaultEngineWorkers } from '../src/reconciler/serverless/options.js';
import { Cleanup as TestCleanup } from '../test/helpers/cleanup.js';
import { tlsPortArgs } from '../test/helpers/endpoints-tls.js';
import { REDIS_SERVER } from '../test/helpers/redis.js';
import { serverlessFixture, startEngine, type ServerlessFixture } from '../test/helpers/serverless-proxy.js';
import { median, ms, progress, ratio, rps, table, type Row } from './stats.js';

interface Target { host: string; port: number; caFile: string }
interface BenchLine { rps: number; p50: number; p99: number }

export interface ServerlessProxyResult {
  throughput: { name: string; direct: number[]; endpoint: number[]; ratio: number }[];
  latency: { direct: BenchLine; endpoint: BenchLine };
  ecpuPer1000: { size: number; measured: number; expected: number }[];
}

const DIRECT_PORT = 6390;

function redisBenchmark(t: Target, args: string[]): Promise<BenchLine> {
  const all = ['-h', t.host, '-p', String(t.port), '--tls', '--cacert', t.caFile, '--csv', ...args];
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', all, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${t.host}:${t.port}: ${err.message.split('\n')[0]}\n${stderr}`));
      // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
      const line = stdout.split('\n').find((l) => /^"(GET|SET)"/.test(l));
      const f = line?.split(',').map((x) => Number(x.replace(/"/g, '')));
      if (!f || !(f[1]! > 0)) return reject(new Error(`no result in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve({ rps: f[1]!, p50: f[4]!, p99: f[6]! });
    });
  });
}

function sumUsage(f: ServerlessFixture): ServerlessUsage[] {
  return Array.from({ length: f.config.workers }, (_, i) => readJson<ServerlessUsage>(join(f.dir, `usage-${i}.json`))).filter((u): u is ServerlessUsage => !!u);
}

async function freshEcpu(f: ServerlessFixture): Promise<number> {
  const t = Date.now();
  await waitFor(() => sumUsage(f).length === f.config.workers && sumUsage(f).every((u) => Date.parse(u.writtenAt) > t), { timeoutMs: 5000, what: 'usage files' });
  return sumUsage(f).reduce((s, u) => s + u.ecpu, 0);
}

export async function measureServerlessProxy(quick: boolean): Promise<ServerlessProxyResult> {
  const cleanup = new TestCleanup();
  // Interrupted (Ctrl-C, a timeout): stop the engine and the nodes before going.
  const onSignal = () => void cleanup.run().finally(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    // CACHEFLEET_BENCH_ENGINE_WORKERS: the engine's worker processes (default: the service's, half the cores).
    const workers = Number(process.env.CACHEFLEET_BENCH_ENGINE_WORKERS ?? defaultEngineWorkers());
    progress(`a 1-shard cluster behind the engine (${workers} worker${workers === 1 ? '' : 's'}), and a direct TLS node`);
    const f = await serverlessFixture(cleanup, { shards: 1, replicas: 0, workers });
    await startEngine(cleanup, f);
    const node = f.shards[0]![0]!;
    // The node itself gets a TLS port on the endpoint's address, so the certificate fits both.
    const certs = { certFile: f.config.tls.certFile, keyFile: f.config.tls.keyFile, caFile: f.caFile };
    const direct = spawn(REDIS_SERVER, ['--port', '0', '--bind', f.host, '--save', '', '--appendonly', 'no', ...tlsPortArgs(certs, DIRECT_PORT)], { stdio: 'ignore' });
    cleanup.trackPid(direct.pid, `${f.host}:${DIRECT_PORT}`);
    const d: Target = { host: f.host, port: DIRECT_PORT, caFile: f.caFile };
    const e: Target = { host: f.host, port: f.port, caFile: f.caFile };
    // A PING before redis-benchmark: started against a port not yet listening, it can spin forever.
    await waitFor(async () => {
      const c = new Redis({ host: d.host, port: d.port, tls: { ca: f.caPem }, lazyConnect: true, retryStrategy: () => null, protocol: 2 });
      c.on('error', () => {});
      try {
        await c.connect();
        return (await c.ping()) === 'PONG';
      } finally {
        c.disconnect();
      }
    }, { timeoutMs: 10_000, what: 'the direct TLS node' });
    void node;

    const reps = quick ? 1 : 3;
    const n = quick ? 50_000 : 200_000;
    const modes = [
      { name: 'GET -c 50', args: ['-c', '50', '-n', String(n), '-t', 'get'] },
      { name: 'SET -c 50', args: ['-c', '50', '-n', String(n), '-t', 'set'] },
      { name: 'GET -c 50 -P 16', args: ['-c', '50', '-n', String(n * 4), '-t', 'get', '-P', '16'] },
      { name: 'SET -c 50 -P 16', args: ['-c', '50', '-n', String(n * 4), '-t', 'set', '-P', '16'] },
    ];
    const throughput: ServerlessProxyResult['throughput'] = [];
    for (const m of modes) {
      const dr: number[] = [], er: number[] = [];
      for (let i = 0; i < reps; i++) {
        const runs: [number[], Target][] = i % 2 === 0 ? [[dr, d], [er, e]] : [[er, e], [dr, d]];
        for (const [out, t] of runs) out.push((await redisBenchmark(t, m.args)).rps);
        progress(`${m.name} ${i + 1}/${reps}: direct ${rps(dr[i]!)}, endpoint ${rps(er[i]!)} rps`);
      }
      throughput.push({ name: m.name, direct: dr, endpoint: er, ratio: median(er.map((v, i) => v / dr[i]!)) });
    }

    progress('latency with one client (GET -c 1)');
    const lat = ['-c', '1', '-n', quick ? '20000' : '50000', '-t', 'get'];
    const directLat = await redisBenchmark(d, lat);
    const endpointLat = await redisBenchmark(e, lat);

    progress('ECPUs per 1,000 GETs of 1 KB and 4 KB');
    const r = new Redis({ host: f.host, port: f.port, tls: { ca: f.caPem }, protocol: 2 });
    try {
      const ecpuPer1000: ServerlessProxyResult['ecpuPer1000'] = [];
      for (const size of [1024, 4096]) {
        const key = `ecpu:${size}`;
        await r.set(key, 'x'.repeat(size));
        const before = await freshEcpu(f);
        for (let i = 0; i < 1000; i += 100) await Promise.all(Array.from({ length: 100 }, () => r.get(key)));
        const measured = (await freshEcpu(f)) - before;
        // GET ecpu:<size> is 29 or 29+1 bytes in; the reply $<size>\r\n<data>\r\n.
        const bytesIn = `*2\r\n$3\r\nGET\r\n$${key.length}\r\n${key}\r\n`.length;
        const bytesOut = `$${size}\r\n`.length + size + 2;
        ecpuPer1000.push({ size, measured, expected: 1000 * Math.max(1, (bytesIn + bytesOut) / 1024) });
      }
      return { throughput, latency: { direct: directLat, endpoint: endpointLat }, ecpuPer1000 };
    } finally {
      r.disconnect();
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup.run();
  }
}

export function serverlessProxyRows(r: ServerlessProxyResult): Row[] {
  return [
    ...r.throughput.map((t): Row => ({
      measure: `serverless endpoint / direct TLS node, ${t.name}`,
      value: `${ratio(t.ratio)} (${rps(median(t.endpoint))} / ${rps(median(t.direct))} rps)`,
      goal: t.name.endsWith('-P 16') ? '' : '≥ 0.6',
      ok: t.name.endsWith('-P 16') ? undefined : t.ratio >= 0.6,
    })),
    {
      measure: 'serverless endpoint: latency added, GET -c 1 (p50 / p99)',
      value: `${ms(r.latency.endpoint.p50 - r.latency.direct.p50, 3)} / ${ms(r.latency.endpoint.p99 - r.latency.direct.p99, 3)} (direct ${r.latency.direct.p50} / ${r.latency.direct.p99} ms)`,
      goal: 'p50 < 0.2 ms',
      ok: r.latency.endpoint.p50 - r.latency.direct.p50 < 0.2,
    },
    ...r.ecpuPer1000.map((x): Row => ({
      measure: `ECPUs metered per 1,000 GETs of ${x.size / 1024} KB`,
      value: `${x.measured.toFixed(1)} (definition: ${x.expected.toFixed(1)})`,
      goal: '= definition',
      ok: Math.abs(x.measured - x.expected) < 0.5,
    })),
  ];
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const quick = process.argv.includes('--quick');
  const r = await measureServerlessProxy(quick);
  console.log(table(serverlessProxyRows(r)));
}
