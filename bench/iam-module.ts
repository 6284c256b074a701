/**
 * IAM authentication's cost once logged in, with the IAM auth module (native/iam-auth) on the
 * node: raw redis-servers with TLS (no service, no gateway), GET throughput (redis-benchmark, 50
 * clients, with and without -P 16):
 * - the IAM user logged in with a token (redis-benchmark's AUTH <user> <token>: checked by the
 *   module asking the verifier, run in this process) on a node that loads the module,
 * - a password user on that same node (the module's command filter sees every command),
 * - a password user on a node without the module: the baseline, "TLS straight to a node".
 * Runs alternate so load drift hits every side alike; ratios are medians of ratios taken in one run.
 *
 * `npm run bench -- --only 'iam module'`, or `npm run build && node dist/bench/iam-module.js [--quick]`.
 */
import { execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { GatewayConfig } from '../src/gateway/config.js';
import { IAM_MODULE_BUILD_PATH, iamModuleArgs } from '../src/security/iam-module.js';
import { startVerifier } from '../src/gateway/verifier.js';
import { waitFor } from '../src/util/wait.js';
import { Cleanup } from '../test/helpers/cleanup.js';
import { makeCertificates, type TestCertificates } from '../test/helpers/endpoints-tls.js';
import { jsToken } from '../test/helpers/iam-token.js';
import { freePort } from '../test/helpers/net.js';
import { REDIS_SERVER } from '../test/helpers/redis.js';
import { cpuTimeMs } from './service.js';
import { median, progress, ratio, rps, table, type Row } from './stats.js';

interface Mode { name: string; requests: number; pipeline: number }
interface Side { port: number; user: string; password: string; pid: number }

export interface IamModuleResult {
  mode: Mode;
  /** rps: IAM user on the module's node; password user there; password user on a node without the module. */
  iam: number[];
  passwordModule: number[];
  passwordPlain: number[];
  iamRatio: number;
  passwordModuleRatio: number;
  /**
   * The serving redis-server's CPU time (user + system) per request, µs (medians), per side: what
   * the node spends, much steadier on a shared machine than rps.
   */
  cpuUs: { iam: number; passwordModule: number; passwordPlain: number };
}

const HOST = '127.0.0.1';
const GROUP = 'bench-iam-module';
const IAM_USER = 'bench-iam-user';
const PW_USER = 'bench-pw-user';
const PW = 'Bench-Password-User-0001';
const ROOT = { accessKeyId: 'AKIABENCHMODULE00000', secretAccessKey: 'bench-module-secret-0000000000000000000' };

function redisBenchmark(side: Side, caFile: string, mode: Mode): Promise<number> {
  const args = ['-h', HOST, '-p', String(side.port), '-c', '50', '-n', String(mode.requests), '-t', 'get', '--csv',
    '--tls', '--cacert', caFile, '--user', side.user, '-a', side.password];
  if (mode.pipeline > 1) args.push('-P', String(mode.pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      // Credentials are on the command line: never echo the arguments.
      if (err) return reject(new Error(`redis-benchmark against ${HOST}:${side.port} failed: ${err.message.split('\n')[0]}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve(value);
    });
  });
}

function redisCli(side: Side, caFile: string, ...command: string[]): Promise<string> {
  return new Promise((resolve) => {
    execFile('redis-cli', ['--tls', '--cacert', caFile, '-h', HOST, '-p', String(side.port), '--user', side.user, '--pass', side.password,
      '--no-auth-warning', ...command], { timeout: 10_000 }, (_err, stdout) => resolve(String(stdout).trim()));
  });
}

async function startNode(cleanup: Cleanup, dir: string, certs: TestCertificates, extra: string[]): Promise<{ port: number; pid: number }> {
  const port = await freePort(HOST);
  const proc = spawn(REDIS_SERVER, [
    '--bind', HOST, '--port', '0', '--tls-port', String(port), '--tls-cert-file', certs.certFile, '--tls-key-file', certs.keyFile,
    '--tls-ca-cert-file', certs.caFile, '--tls-auth-clients', 'no', '--save', '', '--appendonly', 'no', '--dir', dir,
    '--user', 'default', 'off', '--user', PW_USER, 'on', `>${PW}`, '~*', '&*', '+@all', ...extra,
  ], { stdio: 'ignore' });
  cleanup.trackPid(proc.pid, REDIS_SERVER);
  const side: Side = { port, user: PW_USER, password: PW, pid: proc.pid! };
  await waitFor(async () => (await redisCli(side, certs.caFile, 'PING')) === 'PONG', { timeoutMs: 10_000, intervalMs: 50, what: `redis-server on ${port}` });
  return { port, pid: proc.pid! };
}

export async function measureIamModule(quick: boolean): Promise<IamModuleResult[]> {
  if (!existsSync(IAM_MODULE_BUILD_PATH)) throw new Error(`the IAM auth module is not built (${IAM_MODULE_BUILD_PATH}): npm run build`);
  const cleanup = new Cleanup();
  try {
    const dir = await cleanup.tmpDir('cachefleet-bench-iam-module-');
    const certs = await makeCertificates(dir, [HOST]);
    const config: GatewayConfig = {
      version: 1, generation: 'bench', accountId: '123456789012', region: 'us-east-1', maxConnectionMs: 12 * 3_600_000, listeners: [],
      keys: { [ROOT.accessKeyId]: { secret: ROOT.secretAccessKey } }, iamUsers: {},
      groups: { [GROUP]: { groupId: GROUP, groupArn: `arn:aws:elasticache:us-east-1:123456789012:replicationgroup:${GROUP}`, users: { [IAM_USER]: { arn: 'arn:user' } } } },
    };
    const socket = join(dir, 'verifier', 'verify.sock');
    let logins = 0;
    const verifier = await startVerifier({ socketPath: socket, config: () => config, log: () => { logins++; } });
    cleanup.defer(() => verifier.close());
    progress('starting a TLS node with the IAM auth module (an IAM user and a password user) and one without it (the password user)');
    const moduleNode = await startNode(cleanup, dir, certs, [
      '--user', IAM_USER, 'on', '>never-used-secret-0123456789', '~*', '&*', '+@all',
      '--loadmodule', IAM_MODULE_BUILD_PATH, ...iamModuleArgs({ socket, adminUser: 'nobody', group: GROUP, users: [IAM_USER] }),
    ]);
    const plainNode = await startNode(cleanup, dir, certs, []);
    const iam: Side = { ...moduleNode, user: IAM_USER, password: await jsToken(ROOT, GROUP, IAM_USER) };
    const pwModule: Side = { ...moduleNode, user: PW_USER, password: PW };
    const pwPlain: Side = { ...plainNode, user: PW_USER, password: PW };
    if ((await redisCli(iam, certs.caFile, 'ACL', 'WHOAMI')) !== IAM_USER) throw new Error('the IAM user cannot log in on the module\'s node');

    const reps = quick ? 1 : 5;
    const modes: Mode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const out: IamModuleResult[] = [];
    for (const mode of modes) {
      const ie: number[] = [], pm: number[] = [], pp: number[] = [], ic: number[] = [], mc: number[] = [], pc: number[] = [];
      for (let i = 0; i < reps; i++) {
        const runs: Array<[number[], number[], Side]> = [[pp, pc, pwPlain], [ie, ic, iam], [pm, mc, pwModule]];
        for (const [into, cpu, side] of i % 2 === 0 ? runs : [...runs].reverse()) {
          const before = await cpuTimeMs(side.pid);
          into.push(await redisBenchmark(side, certs.caFile, mode));
          cpu.push(((await cpuTimeMs(side.pid)) - before) * 1000 / mode.requests);
        }
        progress(`${mode.name} ${i + 1}/${reps}: password, no module ${rps(pp[i]!)}; IAM via the module ${rps(ie[i]!)}; password, module loaded ${rps(pm[i]!)} rps; ` +
          `redis-server CPU ${pc[i]!.toFixed(2)} / ${ic[i]!.toFixed(2)} / ${mc[i]!.toFixed(2)} µs a request`);
      }
      out.push({
        mode, iam: ie, passwordModule: pm, passwordPlain: pp,
        iamRatio: median(ie.map((v, i) => v / pp[i]!)), passwordModuleRatio: median(pm.map((v, i) => v / pp[i]!)),
        cpuUs: { iam: median(ic), passwordModule: median(mc), passwordPlain: median(pc) },
      });
    }
    progress(`the verifier answered ${logins} logins (one per redis-benchmark connection)`);
    return out;
  } finally {
    await cleanup.run();
  }
}

export function iamModuleRows(r: IamModuleResult[]): Row[] {
  return r.flatMap((m): Row[] => [{
    measure: `IAM-authenticated connection via the node's IAM auth module / password user on a node without it (TLS), ${m.mode.name} -c 50`,
    value: `${ratio(m.iamRatio)} (${rps(median(m.iam))} / ${rps(median(m.passwordPlain))} rps; password user on the module's node ${ratio(m.passwordModuleRatio)})`,
    goal: '~1.0',
    ok: m.iamRatio >= 0.9,
  }, {
    measure: `redis-server CPU per request: IAM user on the module's node / password user there / node without the module, ${m.mode.name} -c 50`,
    value: `${m.cpuUs.iam.toFixed(2)} / ${m.cpuUs.passwordModule.toFixed(2)} / ${m.cpuUs.passwordPlain.toFixed(2)} µs`,
    goal: '',
  }]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  measureIamModule(process.argv.includes('--quick')).then((r) => console.log(table(iamModuleRows(r)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
