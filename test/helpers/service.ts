/**
 * Runs the real service (`bin/cachefleet.js server`) as a child process for end-to-end tests:
 * its own data directory, a free API port, and its own /24 of loopback addresses for endpoints
 * (127.201-250.x.0/24, apart from the 127.100-200 range single-server tests use). Cleanup stops
 * the service, every node it started (by verified pid), its endpoint routes, and removes the dir.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readFileSync, rmSync } from 'node:fs';
import { verifierSocketPath } from '../../src/security/iam-module.js';
import { Agent as HttpsAgent } from 'node:https';
import { writeFile } from 'node:fs/promises';
import { runOk } from './e2e-exec.js';
import { ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { dataPaths, routeTableName } from '../../src/service/data-dir.js';
import { waitFor } from '../../src/util/wait.js';
import { killVerified, type Cleanup } from './cleanup.js';
import { registerCredentials } from './e2e-query.js';
import type { SigningCredentials } from './sigv4-client.js';
import { fastCliWaiters } from './aws-cli-waiters.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '../../..');
export const CLI = join(ROOT, 'bin/cachefleet.js');

export interface TestService {
  url: string;
  dataDir: string;
  cidr: string;
  /** The admin access key the service created in its data directory. */
  credentials: SigningCredentials;
  /** Environment for the aws CLI / boto3 (the admin access key, region). */
  env: NodeJS.ProcessEnv;
  /** The JS SDK, signing with the admin access key. */
  client: ElastiCacheClient;
  pid(): number;
  /** kill -9 the control plane (nodes and endpoints keep serving). */
  kill9(): Promise<void>;
  /**
   * Start the control plane again on the same data dir and port; `env` adds to its environment
   * (e.g. helpers/faketime.ts's, to run it days later).
   */
  restart(opts?: { env?: NodeJS.ProcessEnv }): Promise<void>;
  /** Lines the service logged (JSON). */
  logs: string[];
}

function randInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/**
 * `automaticBackups`: whether the service takes automatic daily backups. Off unless asked for: a
 * test whose group has a retention and a window open at the hour the test runs would otherwise
 * meet a backup (the group `snapshotting`) now and then.
 */
export async function startService(cleanup: Cleanup, opts: { args?: string[]; automaticBackups?: boolean } = {}): Promise<TestService> {
  const dataDir = await cleanup.tmpDir('cachefleet-e2e-');
  const cidr = `127.${randInt(201, 250)}.${randInt(0, 255)}.0/24`;
  const logs: string[] = [];
  let child: ChildProcess | undefined;
  let url = '';

  const launch = async (port: number, env?: NodeJS.ProcessEnv) => {
    const from = logs.length; // only this launch's lines count (a restart keeps the earlier ones)
    const c = spawn(process.execPath, [CLI, 'server', '--port', String(port), '--data-dir', dataDir, '--endpoint-cidr', cidr,
      '--log-format', 'json', '--reconcile-interval-ms', '500', ...(opts.automaticBackups ? [] : ['--no-automatic-backups']),
      ...(opts.args ?? [])], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child = c;
    cleanup.trackPid(c.pid, CLI);
    let exited = false;
    c.on('exit', () => { exited = true; });
    const lines = createInterface({ input: c.stdout! });
    lines.on('line', (l) => logs.push(l));
    createInterface({ input: c.stderr! }).on('line', (l) => logs.push(l));
    await waitFor(() => {
      if (exited) throw new Error(`service exited:\n${logs.slice(-20).join('\n')}`);
      const line = logs.slice(from).find((l) => l.includes('cachefleet listening on') && (port === 0 || l.includes(`:${port}`)));
      return line ? (JSON.parse(line) as { url: string }).url : undefined;
    }, { timeoutMs: 15_000, what: 'the service to listen' }).then((u) => { url = u; });
  };
  await launch(0);

  cleanup.defer(async () => {
    if (child?.pid) await killVerified(child.pid, CLI);
    // Nodes run detached: stop them by the pids their node directories record.
    const { readdir, readFile } = await import('node:fs/promises');
    for (const key of await readdir(join(dataDir, 'nodes')).catch(() => [] as string[])) {
      const pid = Number((await readFile(join(dataDir, 'nodes', key, 'redis.pid'), 'utf8').catch(() => '')).trim());
      if (pid) await killVerified(pid, join(dataDir, 'nodes', key));
    }
    try { execFileSync('nft', ['delete', 'table', 'ip', routeTableName(dataDir)], { stdio: 'ignore' }); } catch { /* none */ }
    // As root, the IAM verifier's socket lives outside the data directory (security/iam-module.ts).
    if (process.getuid?.() === 0) rmSync(dirname(verifierSocketPath(dataDir, 0)), { recursive: true, force: true });
  });

  // The admin key the service created on its first start (what `cachefleet credentials` prints).
  const admin = (JSON.parse(readFileSync(dataPaths(dataDir).credentials, 'utf8')) as { keys: SigningCredentials[] }).keys[0]!;
  const credentials: SigningCredentials = { accessKeyId: admin.accessKeyId, secretAccessKey: admin.secretAccessKey };
  registerCredentials(url, credentials);
  const env: NodeJS.ProcessEnv = { ...process.env, AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_DEFAULT_REGION: 'us-east-1', AWS_PAGER: '', ...await fastCliWaiters(cleanup) };
  delete env['AWS_SESSION_TOKEN'];
  delete env['AWS_PROFILE'];
  // `server --tls`: the SDK trusts the service's CA (a custom https agent), as a user's app would.
  const apiCa = url.startsWith('https:') ? readFileSync(dataPaths(dataDir).caCert, 'utf8') : undefined;
  const client = new ElastiCacheClient({
    endpoint: url, region: 'us-east-1', credentials,
    ...(apiCa ? { requestHandler: { httpsAgent: new HttpsAgent({ ca: apiCa }) } } : {}),
  });
  cleanup.defer(() => client.destroy());
  return {
    get url() { return url; },
    dataDir, cidr, credentials, env, client, logs,
    pid: () => child!.pid!,
    async kill9() {
      const c = child!;
      const gone = new Promise((r) => c.once('exit', r));
      c.kill('SIGKILL');
      await gone;
    },
    async restart(o?: { env?: NodeJS.ProcessEnv }) {
      await launch(Number(new URL(url).port), o?.env);
    },
  };
}

/**
 * `cachefleet ca` of the service, written to `<data-dir>/client-ca.pem` for clients that take a
 * file (redis-cli --cacert, redis-py ssl_ca_certs); also returned as PEM for ioredis's tls.ca.
 */
export async function writeClientCa(svc: TestService): Promise<{ caFile: string; ca: Buffer }> {
  const out = await runOk(process.execPath, [CLI, 'ca', '--data-dir', svc.dataDir]);
  if (!out.stdout.startsWith('-----BEGIN CERTIFICATE-----')) throw new Error(`cachefleet ca printed no certificate: ${out.stdout.slice(0, 200)}`);
  const caFile = join(svc.dataDir, 'client-ca.pem');
  await writeFile(caFile, out.stdout);
  return { caFile, ca: Buffer.from(out.stdout) };
}
