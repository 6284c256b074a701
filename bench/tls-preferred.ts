/**
 * TransitEncryptionMode preferred: what the sniffing listener in front of each node costs, and how
 * long a mode change takes.
 *   1. GET throughput (redis-benchmark -c 50) through the primary endpoint of a group in preferred
 *      mode, plaintext and TLS, as ratios of the same client against a plaintext group's primary
 *      node (direct) and a required-mode group's primary endpoint (kernel NAT, TLS end to end);
 *   2. ModifyReplicationGroup preferred → required and back, and plaintext → preferred, until
 *      every node of the 3-node group serves the new mode (no PendingModifiedValues, available).
 * In the suite: `node dist/bench/index.js --only 'tls preferred'`; alone: `node dist/bench/tls-preferred.js [--quick]`.
 */
import { execFile } from 'node:child_process';
import { pathToFileURL } from 'node:url';
import { CreateReplicationGroupCommand, ModifyReplicationGroupCommand, type ElastiCacheClient, type ReplicationGroup } from '@aws-sdk/client-elasticache';
import { caPaths } from '../src/security/ca.js';
import { waitFor } from '../src/util/wait.js';
import { addressesOf, createGroup, deleteGroup, describeGroup, NODE_TYPE, redisCommand, waitAvailable, waitGone } from './groups.js';
import { runStandalone } from './service.js';
import { median, ms, now, progress, ratio, rps, table, type Row } from './stats.js';

type Endpoint = { host: string; port: number };
interface Mode { name: string; requests: number; pipeline: number }

export interface PreferredModeResult {
  mode: Mode;
  plainDirect: number[];
  plainPreferred: number[];
  tlsRequired: number[];
  tlsPreferred: number[];
}

export interface PreferredResult {
  modes: PreferredModeResult[];
  /** ModifyReplicationGroup → every node serves the new mode, ms. */
  toRequiredMs: number;
  toPreferredMs: number;
  plainToPreferredMs: number;
}

const KEY = 'key:__rand_int__';

function benchmark(t: Endpoint, mode: Mode, caFile?: string): Promise<number> {
  const args = ['-h', t.host, '-p', String(t.port), '-c', '50', '-n', String(mode.requests), '-t', 'get', '--csv'];
  if (caFile) args.push('--tls', '--cacert', caFile);
  if (mode.pipeline > 1) args.push('-P', String(mode.pipeline));
  return new Promise((resolve, reject) => {
    execFile('redis-benchmark', args, { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${err.message.split('\n')[0]}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const value = line ? Number(line.split(',')[1]?.replace(/"/g, '')) : NaN;
      if (!Number.isFinite(value) || value <= 0) return reject(new Error(`no GET rps in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve(value);
    });
  });
}

/** Time from the modify call to every node serving the new mode. */
async function timeModify(client: ElastiCacheClient, id: string, input: { TransitEncryptionEnabled?: boolean; TransitEncryptionMode?: 'preferred' | 'required' }): Promise<number> {
  const t0 = now();
  await client.send(new ModifyReplicationGroupCommand({ ReplicationGroupId: id, ApplyImmediately: true, ...input }));
  await waitFor(async () => {
    const g = await describeGroup(client, id);
    return g?.Status === 'available' && Object.keys(g.PendingModifiedValues ?? {}).length === 0;
  }, { timeoutMs: 60_000, intervalMs: 5, what: `${id} to serve ${input.TransitEncryptionMode ?? 'its new mode'}` });
  return now() - t0;
}

export async function measurePreferred(client: ElastiCacheClient, dataDir: string, quick: boolean): Promise<PreferredResult> {
  const ids = { plain: 'bench-pref-plain', required: 'bench-pref-required', preferred: 'bench-pref-preferred' };
  const caFile = caPaths(dataDir).certFile;
  progress('creating a plaintext, a required-TLS and a preferred-TLS 3-node group');
  await createGroup(client, ids.plain, 3);
  for (const [id, mode] of [[ids.required, 'required'], [ids.preferred, 'preferred']] as const) {
    await client.send(new CreateReplicationGroupCommand({
      ReplicationGroupId: id, ReplicationGroupDescription: `benchmark TLS ${mode}`, NumCacheClusters: 3, CacheNodeType: NODE_TYPE,
      Engine: 'redis', TransitEncryptionEnabled: true, TransitEncryptionMode: mode,
    }));
  }
  try {
    const groups: Record<string, ReplicationGroup> = {};
    for (const id of Object.values(ids)) groups[id] = await waitAvailable(client, id);
    const plain = addressesOf(groups[ids.plain]!);
    const required = addressesOf(groups[ids.required]!);
    const preferred = addressesOf(groups[ids.preferred]!);
    for (const t of [plain.primaryNode, preferred.primaryEndpoint]) {
      await waitFor(() => redisCommand(t.host, t.port, ['SET', KEY, 'xyz']), { timeoutMs: 10_000, intervalMs: 5, what: `a SET at ${t.host}` });
    }

    const reps = quick ? 1 : 3;
    const modes: Mode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const results: PreferredModeResult[] = [];
    for (const mode of modes) {
      const r: PreferredModeResult = { mode, plainDirect: [], plainPreferred: [], tlsRequired: [], tlsPreferred: [] };
      for (let i = 0; i < reps; i++) {
        const runs: Array<[number[], Endpoint, string | undefined]> = [
          [r.plainDirect, plain.primaryNode, undefined], [r.plainPreferred, preferred.primaryEndpoint, undefined],
          [r.tlsRequired, required.primaryEndpoint, caFile], [r.tlsPreferred, preferred.primaryEndpoint, caFile],
        ];
        for (const [out, target, ca] of i % 2 === 0 ? runs : [...runs].reverse()) out.push(await benchmark(target, mode, ca));
        progress(`${mode.name} ${i + 1}/${reps}: plaintext direct ${rps(r.plainDirect[i]!)}, plaintext preferred ${rps(r.plainPreferred[i]!)}, ` +
          `TLS required ${rps(r.tlsRequired[i]!)}, TLS preferred ${rps(r.tlsPreferred[i]!)} rps`);
      }
      results.push(r);
    }

    progress('mode changes across the 3-node group');
    const toRequiredMs = await timeModify(client, ids.preferred, { TransitEncryptionMode: 'required' });
    const toPreferredMs = await timeModify(client, ids.preferred, { TransitEncryptionMode: 'preferred' });
    const plainToPreferredMs = await timeModify(client, ids.plain, { TransitEncryptionEnabled: true, TransitEncryptionMode: 'preferred' });
    return { modes: results, toRequiredMs, toPreferredMs, plainToPreferredMs };
  } finally {
    for (const id of Object.values(ids)) await deleteGroup(client, id).catch(() => undefined);
    for (const id of Object.values(ids)) await waitGone(client, id).catch(() => undefined);
  }
}

const pairRatio = (a: number[], b: number[]): number => median(a.map((v, i) => v / b[i]!));

export function preferredRows(r: PreferredResult): Row[] {
  return [
    ...r.modes.flatMap((m): Row[] => [
      { measure: `Preferred endpoint plaintext / plaintext node, ${m.mode.name} -c 50`,
        value: `${ratio(pairRatio(m.plainPreferred, m.plainDirect))} (${rps(median(m.plainPreferred))} / ${rps(median(m.plainDirect))} rps)`, goal: '' },
      { measure: `Preferred endpoint TLS / required endpoint TLS, ${m.mode.name} -c 50`,
        value: `${ratio(pairRatio(m.tlsPreferred, m.tlsRequired))} (${rps(median(m.tlsPreferred))} / ${rps(median(m.tlsRequired))} rps)`, goal: '' },
    ]),
    { measure: 'TLS preferred → required, applied on 3 nodes', value: ms(r.toRequiredMs, 0), goal: '' },
    { measure: 'TLS required → preferred, applied on 3 nodes', value: ms(r.toPreferredMs, 0), goal: '' },
    { measure: 'plaintext → TLS preferred, applied on 3 nodes', value: ms(r.plainToPreferredMs, 0), goal: '' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone(async (svc, quick) => table(preferredRows(await measurePreferred(svc.client, svc.dataDir, quick)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
