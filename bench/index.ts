/**
 * The cachefleet benchmark: `npm run bench` (or `node dist/bench/index.js [--quick]`).
 * Starts the real service on a temp data dir, then measures
 *   1. CreateReplicationGroup (3 nodes) → available,
 *   2. GET throughput through the primary/reader endpoints (kernel NAT) vs direct to the node,
 *   3. DescribeReplicationGroups latency with 100 single-node groups,
 *   (also TLS, security groups, IAM policy evaluation, IAM authentication of Redis connections, the web console's
 *   first load and dashboard, CloudWatch alarms and
 *   GetMetricData, failover, durability, cluster mode: one section each),
 *   iam module (IAM logins checked on the node by the IAM auth module vs a plain node, TLS: raw redis-servers, no service),
 *   backups (capture, restore into 1 and 3 shards, primary latency during a capture: raw redis-servers, no service),
 *   restore 3 shards (only with `--only 'restore 3 shards'`: the backups section's restore into 3 shards, by phase and process),
 *   seed 3 shards (only with `--only 'seed 3 shards'`: a 3-shard snapshot into 3 shards, a loader per shard against each primary restarted on its own RDB as the service does),
 *   point-in-time restore's replay (a recorded stream of 1,000,000 writes replayed to a second: raw redis-servers),
 *   serverless proxy (the serverless endpoint engine vs a direct TLS node: throughput, latency added, ECPUs: raw redis-servers),
 *   metrics collection's CPU at 100 and 1,000 nodes, every 60 s and 10 s (real nodes and simulated INFO, no service),
 *   4. scale: control-plane CPU at rest with 100 and 1,000 single-node clusters, failover and
 *      paginated DescribeCacheClusters with 1,000 nodes running (its own service),
 * prints a results table, and removes everything it started (also on failure and Ctrl-C).
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg, release } from 'node:os';
import { backupsRows, measureBackups } from './backups.js';
import { measureRestoreThree, restoreThreeRows } from './backups-restore3.js';
import { measureSeedThree, seedThreeRows } from './backups-seed3.js';
import { measureCreateTime, type CreateTimeResult } from './create-time.js';
import { clusterCreateRows, measureClusterCreate } from './create-cluster-time.js';
import { measureDescribe, type DescribeResult } from './describe-latency.js';
import { measureFailover, type FailoverResult } from './failover.js';
import { measureCluster } from './cluster.js';
import { measureTls, tlsRows } from './tls.js';
import { measurePreferred, preferredRows } from './tls-preferred.js';
import { measureSecurityGroups, securityGroupRows } from './security-groups.js';
import { iamRows, measureIam } from './iam-policies.js';
import { iamAuthRows, measureIamAuth } from './iam-auth.js';
import { iamModuleRows, measureIamModule } from './iam-module.js';
import { durabilityRows, measureDurability } from './durability.js';
import { measurePitrReplay, pitrRows } from './pitr.js';
import { measureScale, scaleRows } from './scale.js';
import { measureServerlessProxy, serverlessProxyRows } from './serverless-proxy.js';
import { measureServerlessScaling, serverlessScalingRows } from './serverless-scaling.js';
import { cloudWatchRows, measureCloudWatch } from './cloudwatch.js';
import { consoleRows, measureConsole } from './console.js';
import { measureMetrics, metricsRows } from './metrics.js';
import { Cleanup, startService } from './service.js';
import { max, median, ms, progress, ratio, rps, sec, table, type Row, type Summary } from './stats.js';
import { measureThroughput, type ThroughputResult } from './throughput.js';

const quick = process.argv.includes('--quick');
/** `--only <name>` runs one section (e.g. `--only failover`), for a quick re-measure. */
const onlyAt = process.argv.indexOf('--only');
const only = onlyAt >= 0 ? process.argv[onlyAt + 1] : undefined;
const plan = quick
  ? { createReps: 2, groups: 20, calls: 50, idleWindowMs: 4000, failovers: 3 }
  : { createReps: 5, groups: 100, calls: 200, idleWindowMs: 10_000, failovers: 10 };
const arg = (name: string) => (process.argv.includes(name) ? process.argv[process.argv.indexOf(name) + 1] : undefined);
/** `--scale-nodes 100,1000`: the node counts the scale section reaches in turn. */
const scaleCounts = (arg('--scale-nodes') ?? (quick ? '20,100' : '100,1000')).split(',').map(Number);
/** `--scale-failovers N`: kills of the scale section's failover measure (0 skips it, e.g. to time only the describes). */
const scaleFailovers = arg('--scale-failovers') !== undefined ? Number(arg('--scale-failovers')) : undefined;
/** `--cpu-prof <dir>`: the scale section's service writes a V8 CPU profile there when it stops. */
const cpuProfDir = arg('--cpu-prof');

function machine(): string[] {
  const cpu = /^model name\s*:\s*(.*)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? 'unknown';
  let redis = 'unknown';
  try { redis = execFileSync('redis-server', ['--version'], { encoding: 'utf8' }).trim(); } catch { /* not found */ }
  return [
    `machine: ${availableParallelism()} CPUs (nproc), ${cpu}, Linux ${release()}`,
    `redis:   ${redis}`,
    `node:    ${process.version}`,
    `load:    ${loadavg().map((l) => l.toFixed(2)).join(' ')} (1/5/15 min load average at start)`,
  ];
}

function createRows(r: CreateTimeResult): Row[] {
  return [
    { measure: `Create → available, 3 nodes (median of ${r.createMs.length})`, value: sec(r.medianMs), goal: '< 1.5 s', ok: r.medianMs < 1500 },
    { measure: 'Create → available, 3 nodes (max)', value: sec(r.maxMs), goal: '< 1.5 s', ok: r.maxMs < 1500 },
    { measure: 'Primary endpoint answers at once when available', goal: 'all',
      value: `${r.endpointReady}/${r.createMs.length}${r.endpointReady < r.createMs.length ? ` (refused up to ${ms(max(r.endpointLagMs), 0)})` : ''}`,
      ok: r.endpointReady === r.createMs.length },
    { measure: 'Delete → gone, 3 nodes (median)', value: sec(median(r.deleteMs)), goal: '' },
  ];
}

function throughputRows(r: ThroughputResult): Row[] {
  return r.pairs.map((p) => ({
    measure: `${p.pair === 'primary' ? 'Primary endpoint / primary node' : 'Reader endpoint / replica node'}, ${p.mode.name} -c 50`,
    value: `${ratio(p.medianRatio)} (${rps(median(p.endpoint))} / ${rps(median(p.direct))} rps)`,
    goal: '≥ 0.85',
    ok: p.medianRatio >= 0.85,
  }));
}

function failoverRows(r: FailoverResult): Row[] {
  return [
    { measure: `Kill storm: kill -9 primary → first write through the primary endpoint, ${r.resumeMs.length} kills in a row (median)`, value: ms(r.medianMs, 0), goal: '< 1 s', ok: r.medianMs < 1000 },
    { measure: 'Kill storm: kill → first write (max)', value: ms(r.maxMs, 0), goal: '< 1 s', ok: r.maxMs < 1000 },
    { measure: 'Failover: kill → group whole again, replacement resynced (median)', value: ms(median(r.wholeMs), 0), goal: '' },
    { measure: 'Failover: READONLY / other errors seen by the writer', value: `${r.readonlyErrors} / ${r.otherErrors}`, goal: '0 / 0', ok: r.readonlyErrors === 0 && r.otherErrors === 0 },
  ];
}

const pct = (s: Summary) => `${ms(s.p50)} / ${ms(s.p95)} / ${ms(s.p99)}`;

function describeRows(r: DescribeResult): Row[] {
  const ok = (s: Summary) => s.p50 < 10;
  return [
    { measure: `${r.groups} single-node groups: create → all available`, value: sec(r.createAllMs), goal: '' },
    { measure: `Control-plane CPU at rest, ${r.groups} groups`, value: `${r.idleCpuPct.toFixed(1)} % of a core`, goal: '' },
    { measure: `DescribeReplicationGroups all ${r.groups}, JS SDK (p50/p95/p99)`, value: pct(r.sdkAll), goal: 'p50 < 10 ms', ok: ok(r.sdkAll) },
    { measure: `DescribeReplicationGroups all ${r.groups}, raw fetch (p50/p95/p99)`, value: pct(r.fetchAll), goal: 'p50 < 10 ms', ok: ok(r.fetchAll) },
    { measure: 'DescribeReplicationGroups one id, JS SDK (p50/p95/p99)', value: pct(r.sdkOne), goal: 'p50 < 10 ms', ok: ok(r.sdkOne) },
    { measure: 'DescribeReplicationGroups one id, raw fetch (p50/p95/p99)', value: pct(r.fetchOne), goal: 'p50 < 10 ms', ok: ok(r.fetchOne) },
    { measure: `JS SDK alone: the all-${r.groups} response canned (p50/p95/p99)`, value: pct(r.sdkCanned), goal: '' },
    { measure: 'GET /healthz, raw fetch: HTTP floor (p50/p95/p99)', value: pct(r.health), goal: '' },
    { measure: `Delete ${r.groups} groups → all gone`, value: sec(r.deleteAllMs), goal: '' },
    { measure: 'Node processes left after the deletes', value: String(r.leftoverNodes), goal: '0', ok: r.leftoverNodes === 0 },
  ];
}

function details(t: ThroughputResult | undefined, c: CreateTimeResult | undefined, d: DescribeResult | undefined): string[] {
  const out: string[] = [];
  if (c) {
    out.push(`create → available (s): ${c.createMs.map((v) => (v / 1000).toFixed(2)).join(', ')}; ` +
      `Describe polls: ${c.polls.join(', ')}; delete → gone (s): ${c.deleteMs.map((v) => (v / 1000).toFixed(2)).join(', ')}`);
  }
  for (const p of t?.pairs ?? []) {
    out.push(`${p.pair.padEnd(7)} ${p.mode.name.padEnd(9)} direct rps: ${p.direct.map(rps).join(', ')}; ` +
      `endpoint rps: ${p.endpoint.map(rps).join(', ')}; ratios: ${p.ratios.map(ratio).join(', ')}`);
  }
  if (d) {
    out.push(`describe all ${d.groups}: response ${Math.round(d.allBytes / 1024)} KiB; max latency SDK ${ms(d.sdkAll.max)}, ` +
      `fetch ${ms(d.fetchAll.max)}; one id max SDK ${ms(d.sdkOne.max)}, fetch ${ms(d.fetchOne.max)} (${d.calls} calls each)`);
  }
  return out;
}

async function main(): Promise<number> {
  // The SDK's notice that its 2027 releases need Node 22 is noise in benchmark output.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';
  const cleanup = new Cleanup();
  cleanup.onSignals();
  const header = machine();
  console.log(`cachefleet benchmark${quick ? ' (--quick)' : ''}\n${header.join('\n')}`);
  const rows: Row[] = [];
  let failed = false;
  let created: CreateTimeResult | undefined;
  let through: ThroughputResult | undefined;
  let described: DescribeResult | undefined;
  let clusterDetails: string[] = [];
  try {
    // Sections on raw redis-servers alone: `--only <name>` runs them without starting the service.
    const standalone = new Set(['backups', 'restore 3 shards', 'seed 3 shards', 'pitr', 'iam module', 'metrics', 'serverless scaling']);
    if (!only || !standalone.has(only)) {
      const svc = await startService(cleanup);
      console.log(`service: ${svc.url}, endpoint router ${svc.router}, endpoint range ${svc.cidr}`);
      if (svc.router !== 'nftables') console.log('WARNING: endpoints use the userspace proxy, not kernel NAT (needs nft and root)');
      const section = async (name: string, fn: () => Promise<void>) => {
        if (only && only !== name) return;
        progress(`— ${name}`);
        try {
          await fn();
        } catch (e) {
          failed = true;
          if (cleanup.interrupted) return;
          console.error(`${name} failed: ${(e as Error).stack ?? e}\nservice log tail:\n${svc.logTail()}`);
          rows.push({ measure: name, value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      };
      await section('create → available', async () => {
        created = await measureCreateTime(svc.client, plan.createReps);
        rows.push(...createRows(created));
      });
      await section('cluster create', async () => {
        for (const shards of [1, 3]) rows.push(...clusterCreateRows(await measureClusterCreate(svc.client, shards, quick ? 1 : 3)));
      });
      await section('endpoint throughput', async () => {
        through = await measureThroughput(svc.client, quick);
        rows.push(...throughputRows(through));
      });
      await section('tls', async () => {
        rows.push(...tlsRows(await measureTls(svc.client, svc.dataDir, quick)));
      });
      await section('tls preferred', async () => {
        rows.push(...preferredRows(await measurePreferred(svc.client, svc.dataDir, quick)));
      });
      await section('security groups', async () => {
        rows.push(...securityGroupRows(await measureSecurityGroups(svc, quick)));
      });
      await section('iam', async () => {
        rows.push(...iamRows(await measureIam(svc, quick)));
      });
      await section('cloudwatch', async () => {
        rows.push(...cloudWatchRows(await measureCloudWatch(svc, quick)));
      });
      await section('console', async () => {
        rows.push(...consoleRows(await measureConsole(svc, quick)));
      });
      await section('iam auth', async () => {
        rows.push(...iamAuthRows(await measureIamAuth(svc, quick)));
      });
      await section('failover', async () => {
        rows.push(...failoverRows(await measureFailover(svc.client, svc.dataDir, plan.failovers)));
      });
      await section('durability', async () => {
        const r = await measureDurability(svc.client, svc.dataDir, { kills: quick ? 4 : 10, quick });
        rows.push(...durabilityRows(r));
      });
      await section('cluster mode', async () => {
        const r = await measureCluster(svc, { keys: quick ? 50_000 : 1_000_000, quick });
        rows.push(...r.rows);
        clusterDetails = r.details;
      });
      await section('scale', async () => {
        // Its own service: 1,000 t3.micro limits need more over-commit, and 1,000+ addresses a /21.
        const own = new Cleanup();
        cleanup.defer(() => own.run());
        try {
          const big = await startService(own, {
            prefixBits: 21, serverArgs: ['--memory-overcommit', '64'],
            ...(cpuProfDir ? { nodeArgs: ['--cpu-prof', `--cpu-prof-dir=${cpuProfDir}`] } : {}),
          });
          try {
            const r = await measureScale(big, { counts: scaleCounts, idleWindowMs: plan.idleWindowMs, sweeps: quick ? 3 : 10, failovers: scaleFailovers ?? plan.failovers });
            rows.push(...scaleRows(r));
          } finally {
            if (cpuProfDir) await big.stopGracefully(120_000);
          }
        } finally {
          await own.run();
        }
      });
      await section('describe latency', async () => {
        described = await measureDescribe(svc.client, svc.url, svc.dataDir, { ...plan, servicePid: svc.pid });
        rows.push(...describeRows(described));
      });
    }
    if (!only || only === 'backups') {
      progress('— backups');
      try {
        rows.push(...backupsRows(await measureBackups({ keys: quick ? 100_000 : 1_000_000, quick })));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`backups failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'backups', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    // Not in a full run: the backups section measures the same restore; this one takes it apart.
    if (only === 'restore 3 shards') {
      progress('— restore 3 shards');
      try {
        rows.push(...restoreThreeRows(await measureRestoreThree({ keys: quick ? 100_000 : 1_000_000, rounds: quick ? 1 : 3 })));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`restore 3 shards failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'restore 3 shards', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    // Not in a full run: a design for restores into the same shape, against today's path.
    if (only === 'seed 3 shards') {
      progress('— seed 3 shards');
      try {
        rows.push(...seedThreeRows(await measureSeedThree({ keys: quick ? 100_000 : 1_000_000, rounds: quick ? 1 : 2 })));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`seed 3 shards failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'seed 3 shards', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    if (!only || only === 'iam module') {
      progress('— iam module (raw redis-servers with TLS: IAM logins checked by the node\'s module)');
      try {
        rows.push(...iamModuleRows(await measureIamModule(quick)));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`iam module failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'iam module', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    if (!only || only === 'serverless proxy') {
      progress('— serverless proxy (raw redis-servers: the endpoint engine vs a direct TLS node)');
      try {
        rows.push(...serverlessProxyRows(await measureServerlessProxy(quick)));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`serverless proxy failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'serverless proxy', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    if (!only || only === 'serverless scaling') {
      progress('— serverless scaling (its own service: small shards, a fast autoscaler, load through the endpoint)');
      try {
        rows.push(...serverlessScalingRows(await measureServerlessScaling(cleanup, quick)));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`serverless scaling failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'serverless scaling', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    if (!only || only === 'pitr') {
      progress('— point-in-time restore (replay)');
      try {
        rows.push(...pitrRows(await measurePitrReplay({ commands: quick ? 100_000 : 1_000_000 })));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`pitr failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'pitr', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
    if (!only || only === 'metrics') {
      progress('— metrics collection');
      try {
        rows.push(...metricsRows(await measureMetrics({ counts: quick ? [100] : [100, 1000], collections: quick ? 4 : 12 })));
      } catch (e) {
        failed = true;
        if (!cleanup.interrupted) {
          console.error(`metrics failed: ${(e as Error).stack ?? e}`);
          rows.push({ measure: 'metrics', value: `FAILED: ${(e as Error).message.split('\n')[0]}`, goal: '', ok: false });
        }
      }
    }
  } catch (e) {
    failed = true;
    console.error(`benchmark failed: ${(e as Error).stack ?? e}`);
  } finally {
    progress('cleaning up (service, nodes, nft table, data dir)');
    await cleanup.run();
  }
  console.log(`\n${[...details(through, created, described), ...clusterDetails].join('\n')}`);
  console.log(`load at end: ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
  console.log(table(rows));
  return failed ? 1 : 0;
}

process.exitCode = await main();
