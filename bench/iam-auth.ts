/**
 * IAM authentication's cost once a connection has logged in, through the whole service: GET
 * throughput (redis-benchmark, 50 clients, with and without -P 16) of a TLS group with an IAM
 * user, through its primary endpoint, logged in with an IAM token, as a ratio of a node reached
 * directly with a password user (redis-server's own TLS): the primary node of a second TLS group
 * without IAM users. Also a password user through the IAM group's endpoint. With the default
 * `--iam-auth-path node` the IAM group's nodes check the token with the IAM auth module and the
 * endpoint is kernel NAT to the node; with `gateway` (bench service option) it is the IAM auth
 * gateway (TLS ended and made again). The gateway process's CPU time per request is read too
 * (with the module it only runs the verifier, which answers logins, not requests). Runs alternate
 * so load drift hits every side alike; ratios are medians of ratios taken in one run.
 *
 * `npm run bench -- --only 'iam auth'`, or on its own: `npm run build && node dist/bench/iam-auth.js [--quick]`.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import {
  CreateReplicationGroupCommand, CreateUserCommand, CreateUserGroupCommand, DeleteUserCommand, DeleteUserGroupCommand, DescribeUserGroupsCommand,
} from '@aws-sdk/client-elasticache';
import { readPid } from '../src/endpoints/proxy-files.js';
import { gatewayPaths } from '../src/gateway/index.js';
import { dataPaths } from '../src/paths/index.js';
import { caPaths } from '../src/security/ca.js';
import { waitFor } from '../src/util/wait.js';
import { jsToken } from '../test/helpers/iam-token.js';
import { addressesOf, deleteGroup, NODE_TYPE, waitAvailable, waitGone } from './groups.js';
import { cpuTimeMs, runStandalone, type BenchService } from './service.js';
import { median, progress, ratio, rps, table, type Row } from './stats.js';

interface Mode { name: string; requests: number; pipeline: number }
interface Side { host: string; port: number; user: string; password: string }

export interface IamAuthModeResult {
  mode: Mode;
  /** rps: IAM user through the IAM group's primary endpoint, password user there, password user direct to another group's node. */
  iamEndpoint: number[];
  passwordEndpoint: number[];
  passwordDirect: number[];
  /** Medians of iamEndpoint / passwordDirect and passwordEndpoint / passwordDirect. */
  iamRatio: number;
  passwordRatio: number;
  /**
   * The gateway process's CPU time (user + system) per request in the IAM and the password runs,
   * µs (medians): what the gateway itself costs, much steadier on a shared machine than rps.
   */
  iamGatewayCpuUs: number;
  passwordGatewayCpuUs: number;
}

const GROUP = 'bench-iam-auth';
/** The same TLS setup without IAM users: its nodes are redis-server itself. */
const DIRECT_GROUP = 'bench-iam-direct';
const IAM_USER = 'bench-iam-user';
const PW_USER = 'bench-pw-user';
const PW = 'Bench-Password-User-0001';

function redisBenchmark(side: Side, caFile: string, mode: Mode): Promise<number> {
  const args = ['-h', side.host, '-p', String(side.port), '-c', '50', '-n', String(mode.requests), '-t', 'get', '--csv',
    '--tls', '--cacert', caFile, '--user', side.user, '-a', side.password];
  if (mode.pipeline > 1) args.push('-P', String(mode.pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      // Credentials are on the command line: never echo the arguments.
      if (err) return reject(new Error(`redis-benchmark against ${side.host}:${side.port} failed: ${err.message.split('\n')[0]}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve(value);
    });
  });
}

function ping(side: Side, caFile: string): Promise<string> {
  return new Promise((resolve) => {
    execFile('redis-cli', ['--tls', '--cacert', caFile, '-h', side.host, '-p', String(side.port), '--user', side.user, '--pass', side.password,
      '--no-auth-warning', 'SET', 'key:__rand_int__', 'xyz'], { timeout: 10_000 }, (_err, stdout) => resolve(String(stdout).trim()));
  });
}

export async function measureIamAuth(svc: BenchService, quick: boolean): Promise<IamAuthModeResult[]> {
  const { client } = svc;
  const caFile = caPaths(svc.dataDir).certFile;
  progress('creating a TLS group whose user group holds an IAM user and a password user, and one with the password user alone');
  await client.send(new CreateUserCommand({ UserId: IAM_USER, UserName: IAM_USER, Engine: 'redis', AccessString: 'on ~* +@all', AuthenticationMode: { Type: 'iam' } }));
  await client.send(new CreateUserCommand({ UserId: PW_USER, UserName: PW_USER, Engine: 'redis', AccessString: 'on ~* +@all', Passwords: [PW] }));
  await client.send(new CreateUserGroupCommand({ UserGroupId: 'bench-iam-users', Engine: 'redis', UserIds: ['default', IAM_USER, PW_USER] }));
  await client.send(new CreateUserGroupCommand({ UserGroupId: 'bench-pw-users', Engine: 'redis', UserIds: ['default', PW_USER] }));
  // A new user group is `creating` until the service has taken it in; only an active one can be attached.
  for (const id of ['bench-iam-users', 'bench-pw-users']) {
    await waitFor(async () => (await client.send(new DescribeUserGroupsCommand({ UserGroupId: id }))).UserGroups?.[0]?.Status === 'active',
      { timeoutMs: 20_000, what: `user group ${id} to be active` });
  }
  for (const [id, userGroup] of [[GROUP, 'bench-iam-users'], [DIRECT_GROUP, 'bench-pw-users']] as const) {
    await client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: id, ReplicationGroupDescription: 'benchmark IAM auth', NumCacheClusters: 1, CacheNodeType: NODE_TYPE,
      Engine: 'redis', TransitEncryptionEnabled: true, UserGroupIds: [userGroup],
    }));
  }
  try {
    const g = addressesOf(await waitAvailable(client, GROUP, { timeoutMs: 60_000 }));
    const direct = addressesOf(await waitAvailable(client, DIRECT_GROUP, { timeoutMs: 60_000 }));
    // The admin key is the account root: always allowed to connect (a policy check costs the login only).
    const token = await jsToken(svc.credentials, GROUP, IAM_USER);
    const iam: Side = { ...g.primaryEndpoint, user: IAM_USER, password: token };
    const pwEndpoint: Side = { ...g.primaryEndpoint, user: PW_USER, password: PW };
    const pwDirect: Side = { ...direct.primaryNode, user: PW_USER, password: PW };
    for (const side of [iam, pwEndpoint, pwDirect]) {
      await waitFor(async () => (await ping(side, caFile)) === 'OK', { timeoutMs: 20_000, intervalMs: 50, what: `${side.user} to log in at ${side.host}:${side.port}` });
    }
    const reps = quick ? 1 : 3;
    const modes: Mode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const gatewayPid = readPid(gatewayPaths(dataPaths(svc.dataDir).iamGateway).pid);
    if (gatewayPid === undefined) throw new Error('no IAM gateway/verifier process runs for the benchmark group');
    const out: IamAuthModeResult[] = [];
    for (const mode of modes) {
      const ie: number[] = [], pe: number[] = [], pd: number[] = [], ic: number[] = [], pc: number[] = [];
      for (let i = 0; i < reps; i++) {
        const runs: Array<[number[], Side, number[] | undefined]> = [[pd, pwDirect, undefined], [ie, iam, ic], [pe, pwEndpoint, pc]];
        for (const [into, side, cpu] of i % 2 === 0 ? runs : [...runs].reverse()) {
          const before = await cpuTimeMs(gatewayPid);
          into.push(await redisBenchmark(side, caFile, mode));
          cpu?.push(((await cpuTimeMs(gatewayPid)) - before) * 1000 / mode.requests);
        }
        progress(`${mode.name} ${i + 1}/${reps}: password direct ${rps(pd[i]!)}, IAM via the endpoint ${rps(ie[i]!)}, password via the endpoint ${rps(pe[i]!)} rps; ` +
          `gateway/verifier CPU ${ic[i]!.toFixed(2)} / ${pc[i]!.toFixed(2)} µs a request`);
      }
      out.push({
        mode, iamEndpoint: ie, passwordEndpoint: pe, passwordDirect: pd,
        iamRatio: median(ie.map((v, i) => v / pd[i]!)), passwordRatio: median(pe.map((v, i) => v / pd[i]!)),
        iamGatewayCpuUs: median(ic), passwordGatewayCpuUs: median(pc),
      });
    }
    return out;
  } finally {
    for (const id of [GROUP, DIRECT_GROUP]) await deleteGroup(client, id).catch(() => undefined);
    for (const id of [GROUP, DIRECT_GROUP]) await waitGone(client, id).catch(() => undefined);
    for (const id of ['bench-iam-users', 'bench-pw-users']) await client.send(new DeleteUserGroupCommand({ UserGroupId: id })).catch(() => undefined);
    for (const id of [IAM_USER, PW_USER]) await client.send(new DeleteUserCommand({ UserId: id })).catch(() => undefined);
  }
}

export function iamAuthRows(r: IamAuthModeResult[]): Row[] {
  return r.flatMap((m): Row[] => [{
    measure: `IAM-authenticated connection via the primary endpoint / password user direct to a node of a group without IAM users (TLS), ${m.mode.name} -c 50`,
    value: `${ratio(m.iamRatio)} (${rps(median(m.iamEndpoint))} / ${rps(median(m.passwordDirect))} rps; password user via the same endpoint ${ratio(m.passwordRatio)})`,
    goal: '',
  }, {
    measure: `IAM gateway/verifier process CPU per request, IAM user (password user), ${m.mode.name} -c 50`,
    value: `${m.iamGatewayCpuUs.toFixed(2)} µs (${m.passwordGatewayCpuUs.toFixed(2)} µs)`,
    goal: '',
  }]);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone(async (svc, quick) => table(iamAuthRows(await measureIamAuth(svc, quick)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
