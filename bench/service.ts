/**
 * Runs the real service (`bin/cachefleet.js server`) as a child process for the benchmark, with
 * its own temp data directory, a free API port and its own /22 of loopback addresses.
 *
 * Cleanup (also on failure and on Ctrl-C / SIGTERM) removes everything the run started: the
 * service (by pid), every redis-server node (by the pid in <dataDir>/nodes/<key>/redis.pid,
 * only after /proc/<pid>/cmdline shows it is that node), any other process whose command line
 * mentions the data dir (e.g. a redis-benchmark child), the nft table, and the directory.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { verifierSocketPath } from '../src/security/iam-module.js';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { dataPaths, routeTableName } from '../src/service/data-dir.js';
import { waitFor } from '../src/util/wait.js';
import { killVerified, pidGone, pidsReferencing } from '../test/helpers/cleanup.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../..');
const CLI = join(ROOT, 'bin/cachefleet.js');

export interface BenchService {
  url: string;
  dataDir: string;
  cidr: string;
  /** 'nftables' (kernel NAT) or 'proxy', as the service reported at start. */
  router: string;
  client: ElastiCacheClient;
  /** The admin access key the service created in its data directory (what the client signs with). */
  credentials: { accessKeyId: string; secretAccessKey: string };
  /** The service's process id. */
  pid: number;
  /** The last lines the service logged (JSON), for error reports. */
  logTail(n?: number): string;
  /** SIGTERM and wait for the exit (a `--cpu-prof` profile is written then); cleanup still removes the rest. */
  stopGracefully(timeoutMs?: number): Promise<void>;
}

export interface ServiceOptions {
  /** Prefix length of the loopback range for endpoints and nodes (default 22: 1022 addresses). */
  prefixBits?: number;
  /** Extra `cachefleet server` options (e.g. `--memory-overcommit 64`). */
  serverArgs?: string[];
  /** Extra node options for the service process (e.g. `--cpu-prof`). */
  nodeArgs?: string[];
}

/** Everything to undo at the end, last registered first; runs once even if called twice. */
export class Cleanup {
  private readonly steps: (() => unknown)[] = [];
  private running: Promise<void> | undefined;
  /** Set when a signal started the cleanup: errors of the interrupted work are expected then. */
  interrupted = false;

  defer(fn: () => unknown): void {
    this.steps.push(fn);
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      for (const fn of this.steps.splice(0).reverse()) {
        try { await fn(); } catch (e) { console.error(`cleanup: ${(e as Error).message}`); }
      }
    })();
    return this.running;
  }

  /** Runs the cleanup on Ctrl-C / SIGTERM, then exits. */
  onSignals(): void {
    for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
      process.once(sig, () => {
        this.interrupted = true;
        console.error(`\n${sig}: cleaning up…`);
        void this.run().finally(() => process.exit(130));
      });
    }
  }
}

const randInt = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1));

export async function startService(cleanup: Cleanup, opts: ServiceOptions = {}): Promise<BenchService> {
  const dataDir = await mkdtemp(join(tmpdir(), 'cachefleet-bench-'));
  // 100 single-node groups take 300 addresses (primary, reader, node): a /22 has 1022.
  // 127.20-60.x keeps clear of the default 127.77/16 and the 127.100-250 ranges tests use.
  const bits = opts.prefixBits ?? 22;
  const block = 2 ** Math.max(0, 24 - bits); // /24s a range spans
  const cidr = bits >= 24
    ? `127.${randInt(20, 60)}.${randInt(0, 255)}.0/${bits}`
    : `127.${randInt(20, 60)}.${randInt(0, 256 / block - 1) * block}.0/${bits}`;
  const logs: string[] = [];
  const keep = (l: string) => { logs.push(l); if (logs.length > 4000) logs.splice(0, 2000); };
  let child: ChildProcess | undefined;

  cleanup.defer(async () => {
    await rm(dataDir, { recursive: true, force: true, maxRetries: 3 });
  });
  cleanup.defer(async () => {
    if (child?.pid) await killVerified(child.pid, CLI);
    // Nodes run detached from the service: stop them by the pids their directories record.
    const nodes = join(dataDir, 'nodes');
    for (const key of await readdir(nodes).catch(() => [] as string[])) {
      const pid = Number((await readFile(join(nodes, key, 'redis.pid'), 'utf8').catch(() => '')).trim());
      if (pid) await killVerified(pid, join(nodes, key));
    }
    // Safety net: anything else still naming the data dir (a node whose pidfile was not written yet).
    for (const d of await readdir('/proc').catch(() => [] as string[])) {
      if (/^\d+$/.test(d) && Number(d) !== process.pid) await killVerified(Number(d), `${dataDir}/`).catch(() => {});
    }
    try { execFileSync('nft', ['delete', 'table', 'ip', routeTableName(dataDir)], { stdio: 'ignore' }); } catch { /* none */ }
    // As root, the IAM verifier's socket lives outside the data directory (security/iam-module.ts).
    if (process.getuid?.() === 0) rmSync(dirname(verifierSocketPath(dataDir, 0)), { recursive: true, force: true });
  });

  const c = spawn(process.execPath, [...(opts.nodeArgs ?? []), CLI, 'server', '--port', '0', '--data-dir', dataDir, '--endpoint-cidr', cidr,
    '--log-format', 'json', ...(opts.serverArgs ?? [])], { stdio: ['ignore', 'pipe', 'pipe'] });
  child = c;
  let exited = false;
  c.on('exit', () => { exited = true; });
  createInterface({ input: c.stdout! }).on('line', keep);
  createInterface({ input: c.stderr! }).on('line', keep);
  const started = await waitFor(() => {
    if (exited) throw new Error(`service exited:\n${logs.slice(-20).join('\n')}`);
    const line = logs.find((l) => l.includes('cachefleet listening on'));
    return line ? (JSON.parse(line) as { url: string; router: string }) : undefined;
  }, { timeoutMs: 20_000, what: 'the service to listen' });

  const credentials = serviceCredentials(dataDir);
  const client = new ElastiCacheClient({ endpoint: started.url, region: 'us-east-1', credentials });
  cleanup.defer(() => client.destroy());
  return {
    url: started.url, dataDir, cidr, router: started.router, client, credentials, pid: c.pid!,
    logTail: (n = 20) => logs.slice(-n).join('\n'),
    stopGracefully: async (timeoutMs = 30_000) => {
      if (exited) return;
      c.kill('SIGTERM');
      await waitFor(() => exited, { timeoutMs, what: 'the service to exit after SIGTERM' });
    },
  };
}

const credentialsOf = new Map<string, { accessKeyId: string; secretAccessKey: string }>();

/** The admin access key the service created on its first start in `dataDir` (read once). */
export function serviceCredentials(dataDir: string): { accessKeyId: string; secretAccessKey: string } {
  let creds = credentialsOf.get(dataDir);
  if (!creds) {
    const file = JSON.parse(readFileSync(dataPaths(dataDir).credentials, 'utf8')) as { keys: { accessKeyId: string; secretAccessKey: string }[] };
    creds = { accessKeyId: file.keys[0]!.accessKeyId, secretAccessKey: file.keys[0]!.secretAccessKey };
    credentialsOf.set(dataDir, creds);
  }
  return creds;
}

/** CPU time (user + system, ms) a process has used so far. */
export async function cpuTimeMs(pid: number): Promise<number> {
  const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = Number(f[11]) + Number(f[12]); // utime, stime (fields 14 and 15)
  return (ticks * 1000) / CLK_TCK;
}

const CLK_TCK = (() => {
  try { return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100; } catch { return 100; }
})();

/** Pids of live processes (other than us) whose command line mentions the data dir's nodes. */
export async function processesUsing(dataDir: string): Promise<number[]> {
  const out: number[] = [];
  for (const pid of await pidsReferencing(`${dataDir}/nodes/`)) if (!(await pidGone(pid))) out.push(pid);
  return out;
}

/**
 * Runs one benchmark section on its own (`node dist/bench/<section>.js [--quick]`): a fresh
 * service, the measurement, its table, and everything it started removed (also on Ctrl-C).
 */
export async function runStandalone(measure: (svc: BenchService, quick: boolean) => Promise<string>): Promise<void> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cleanup = new Cleanup();
  cleanup.onSignals();
  try {
    console.log(await measure(await startService(cleanup), process.argv.includes('--quick')));
  } finally {
    await cleanup.run();
  }
}
