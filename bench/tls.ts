/**
 * TLS in transit and AUTH token costs:
 *   1. GET throughput (redis-benchmark, 50 clients, with and without -P 16) through the primary
 *      endpoint of a group with TLS and an AUTH token (`--tls --cacert <service CA> -a TOKEN`),
 *      as a ratio of a plaintext group's primary node reached directly (the fastest plaintext
 *      path). TLS direct to the node is measured too, to split the TLS cost from the NAT's.
 *      Runs alternate (ABBA) so load drift hits both sides alike; ratios are medians.
 *   2. An AUTH token rotation across a 3-node group: ModifyReplicationGroup ROTATE → no
 *      AuthTokenStatus and available again, then SET → the same; wall time of each.
 *
 * Use from bench/index.ts:
 *   import { measureTls, tlsRows } from './tls.js';
 *   await section('TLS and AUTH', async () => { rows.push(...tlsRows(await measureTls(svc.client, svc.dataDir, quick))); });
 * or on its own: `npm run build && node dist/bench/tls.js [--quick]`.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CreateReplicationGroupCommand, ModifyReplicationGroupCommand, type ElastiCacheClient } from '@aws-sdk/client-elasticache';
import { caPaths } from '../src/security/ca.js';
import { waitFor } from '../src/util/wait.js';
import { addressesOf, createGroup, deleteGroup, describeGroup, NODE_TYPE, redisCommand, waitAvailable, waitGone, type GroupAddresses } from './groups.js';
import { runStandalone } from './service.js';
import { median, ms, now, progress, ratio, rps, table, type Row } from './stats.js';

type Endpoint = { host: string; port: number };
export interface TlsMode { name: string; requests: number; pipeline: number }

export interface TlsModeResult {
  mode: TlsMode;
  plainDirect: number[];
  tlsDirect: number[];
  tlsEndpoint: number[];
  /** Median over repetitions of tlsEndpoint / plainDirect. */
  endpointRatio: number;
  /** Median over repetitions of tlsDirect / plainDirect. */
  directRatio: number;
}

export interface TlsResult {
  modes: TlsModeResult[];
  /** ModifyReplicationGroup ROTATE → applied on every node (no AuthTokenStatus, available), ms. */
  rotateMs: number;
  /** ModifyReplicationGroup SET → applied on every node, ms. */
  setMs: number;
}

const TOKEN = 'Bench-Token-0123456789!';
const NEW_TOKEN = 'Bench-Token-Rotated-9876543210';
const KEY = 'key:__rand_int__';
const CLIENTS = 50;

interface Target extends Endpoint { tls?: { caFile: string; password: string } }

function redisBenchmark(t: Target, mode: TlsMode): Promise<number> {
  const args = ['-h', t.host, '-p', String(t.port), '-c', String(CLIENTS), '-n', String(mode.requests), '-t', 'get', '--csv'];
  if (t.tls) args.push('--tls', '--cacert', t.tls.caFile, '-a', t.tls.password);
  if (mode.pipeline > 1) args.push('-P', String(mode.pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      // The token is on the command line: never echo the arguments.
      if (err) return reject(new Error(`redis-benchmark against ${t.host}:${t.port}${t.tls ? ' (TLS)' : ''} failed: ${err.message.split('\n')[0]}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve(value);
    });
  });
}

function redisCliTls(t: Endpoint, caFile: string, password: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('redis-cli', ['--tls', '--cacert', caFile, '-h', t.host, '-p', String(t.port), '-a', password, '--no-auth-warning', ...args],
      { timeout: 10_000 }, (err, stdout) => (err ? reject(new Error(`redis-cli against ${t.host}:${t.port} failed: ${err.message.split('\n')[0]}`)) : resolve(stdout.trim())));
  });
}

/** Applied on every node: available with no AuthTokenStatus pending. */
async function waitApplied(client: ElastiCacheClient, id: string): Promise<void> {
  await waitFor(async () => {
    const g = await describeGroup(client, id);
    return g?.Status === 'available' && !g.PendingModifiedValues?.AuthTokenStatus;
  }, { timeoutMs: 60_000, intervalMs: 5, what: `the AUTH token update of ${id} to be applied` });
}

export async function measureTls(client: ElastiCacheClient, dataDir: string, quick: boolean): Promise<TlsResult> {
  const plainId = 'bench-tls-plain';
  const tlsId = 'bench-tls-secure';
  const caFile = caPaths(dataDir).certFile;
  progress('creating a plaintext and a TLS + AUTH 3-node group');
  await createGroup(client, plainId, 3);
  await client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: tlsId, ReplicationGroupDescription: 'benchmark TLS', NumCacheClusters: 3, CacheNodeType: NODE_TYPE,
    Engine: 'redis', TransitEncryptionEnabled: true, AuthToken: TOKEN,
  }));
  try {
    const plain: GroupAddresses = addressesOf(await waitAvailable(client, plainId));
    const secure: GroupAddresses = addressesOf(await waitAvailable(client, tlsId));
    await waitFor(() => redisCommand(plain.primaryNode.host, plain.primaryNode.port, ['SET', KEY, 'xyz']),
      { timeoutMs: 10_000, intervalMs: 5, what: 'the plaintext primary to accept a SET' });
    await waitFor(async () => (await redisCliTls(secure.primaryEndpoint, caFile, TOKEN, ['SET', KEY, 'xyz'])) === 'OK',
      { timeoutMs: 10_000, intervalMs: 20, what: 'the TLS primary endpoint to accept a SET' });

    const reps = quick ? 1 : 3;
    const modes: TlsMode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const results: TlsModeResult[] = [];
    const tlsAuth = { caFile, password: TOKEN };
    for (const mode of modes) {
      const pd: number[] = [], td: number[] = [], te: number[] = [];
      for (let i = 0; i < reps; i++) {
        const runs: Array<[number[], Target]> = [[pd, plain.primaryNode], [td, { ...secure.primaryNode, tls: tlsAuth }], [te, { ...secure.primaryEndpoint, tls: tlsAuth }]];
        for (const [out, target] of i % 2 === 0 ? runs : [...runs].reverse()) out.push(await redisBenchmark(target, mode));
        progress(`${mode.name} ${i + 1}/${reps}: plaintext direct ${rps(pd[i]!)}, TLS direct ${rps(td[i]!)}, TLS endpoint ${rps(te[i]!)} rps`);
      }
      results.push({
        mode, plainDirect: pd, tlsDirect: td, tlsEndpoint: te,
        endpointRatio: median(te.map((v, i) => v / pd[i]!)), directRatio: median(td.map((v, i) => v / pd[i]!)),
      });
    }

    progress('AUTH token rotation across the 3-node TLS group');
    let t0 = now();
    await client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: tlsId, AuthToken: NEW_TOKEN, AuthTokenUpdateStrategy: 'ROTATE', ApplyImmediately: true }));
    await waitApplied(client, tlsId);
    const rotateMs = now() - t0;
    t0 = now();
    await client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: tlsId, AuthToken: NEW_TOKEN, AuthTokenUpdateStrategy: 'SET', ApplyImmediately: true }));
    await waitApplied(client, tlsId);
    const setMs = now() - t0;
    // Checked, not assumed: only the new token works on every node.
    for (const n of [secure.primaryNode, ...secure.replicaNodes]) {
      if ((await redisCliTls(n, caFile, NEW_TOKEN, ['PING'])) !== 'PONG') throw new Error(`${n.host}: the new token does not work after SET`);
      if ((await redisCliTls(n, caFile, TOKEN, ['PING'])) === 'PONG') throw new Error(`${n.host}: the old token still works after SET`);
    }
    return { modes: results, rotateMs, setMs };
  } finally {
    for (const id of [plainId, tlsId]) await deleteGroup(client, id).catch(() => undefined);
    for (const id of [plainId, tlsId]) await waitGone(client, id).catch(() => undefined);
  }
}

export function tlsRows(r: TlsResult): Row[] {
  return [
    ...r.modes.map((m): Row => ({
      measure: `TLS primary endpoint / plaintext primary node, ${m.mode.name} -c 50`,
      value: `${ratio(m.endpointRatio)} (${rps(median(m.tlsEndpoint))} / ${rps(median(m.plainDirect))} rps; TLS direct ${ratio(m.directRatio)})`,
      goal: '',
    })),
    { measure: 'AUTH token ROTATE → applied on 3 nodes', value: ms(r.rotateMs, 0), goal: '' },
    { measure: 'AUTH token SET → applied on 3 nodes', value: ms(r.setMs, 0), goal: '' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone(async (svc, quick) => table(tlsRows(await measureTls(svc.client, svc.dataDir, quick)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
