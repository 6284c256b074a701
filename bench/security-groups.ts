/**
 * Security groups' costs:
 *   1. GET throughput (redis-benchmark, 50 clients, with and without -P 16) through the primary
 *      endpoint of a group guarded by a security group (52 ingress sources: 50 CIDRs, 127.0.0.1,
 *      and an app group with a network interface), as a ratio of an unguarded group's primary
 *      endpoint. Runs alternate (ABBA); ratios are medians.
 *   2. How long a rule change takes to reach the kernel: AuthorizeSecurityGroupIngress → a new
 *      connection from the source is admitted; RevokeSecurityGroupIngress → refused again.
 *
 * Use from bench/index.ts (section "security groups"), or on its own:
 *   npm run build && node dist/bench/security-groups.js [--quick]
 */
import net from 'node:net';
import { pathToFileURL } from 'node:url';
import {
  AuthorizeSecurityGroupIngressCommand, CreateNetworkInterfaceCommand, CreateSecurityGroupCommand, DeleteNetworkInterfaceCommand,
  DeleteSecurityGroupCommand, EC2Client, RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import { CreateReplicationGroupCommand } from '@aws-sdk/client-elasticache';
import { waitFor } from '../src/util/wait.js';
import { redisBenchmarkGet } from './cluster-redis.js';
import { addressesOf, createGroup, deleteGroup, NODE_TYPE, waitAvailable, waitGone } from './groups.js';
import { runStandalone, type BenchService } from './service.js';
import { median, ms, now, progress, ratio, rps, table, type Row } from './stats.js';

type Endpoint = { host: string; port: number };
interface Mode { name: string; requests: number; pipeline: number }

export interface SecurityGroupsResult {
  modes: { mode: Mode; open: number[]; guarded: number[]; ratio: number }[];
  authorizeMs: number[];
  revokeMs: number[];
}

/** Whether a new TCP connection from 127.0.0.1 to `t` is accepted. */
function admitted(t: Endpoint): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host: t.host, port: t.port, localAddress: '127.0.0.1' });
    s.setTimeout(1000, () => { s.destroy(); resolve(false); });
    s.once('connect', () => { s.destroy(); resolve(true); });
    s.once('error', () => resolve(false));
  });
}

export async function measureSecurityGroups(svc: BenchService, quick: boolean): Promise<SecurityGroupsResult> {
  const ec2 = new EC2Client({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials });
  const openId = 'bench-sg-open';
  const guardedId = 'bench-sg-guarded';
  progress('creating security groups (52 sources) and two 2-node groups, one guarded');
  const app = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bench-app', Description: 'bench app' }))).GroupId!;
  const sg = (await ec2.send(new CreateSecurityGroupCommand({ GroupName: 'bench-redis', Description: 'bench redis' }))).GroupId!;
  const eni = (await ec2.send(new CreateNetworkInterfaceCommand({ SubnetId: 'subnet-bench', Groups: [app], PrivateIpAddress: '127.0.0.60' })))
    .NetworkInterface!.NetworkInterfaceId!;
  const tcp6379 = { IpProtocol: 'tcp', FromPort: 6379, ToPort: 6379 };
  await ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: sg, IpPermissions: [{
    ...tcp6379, UserIdGroupPairs: [{ GroupId: app }],
    IpRanges: [{ CidrIp: '127.0.0.1/32' }, ...Array.from({ length: 50 }, (_, i) => ({ CidrIp: `10.${i}.0.0/16` }))],
  }] }));
  await createGroup(svc.client, openId, 2);
  await svc.client.send(new CreateReplicationGroupCommand({
    ReplicationGroupId: guardedId, ReplicationGroupDescription: 'benchmark security groups', NumCacheClusters: 2, CacheNodeType: NODE_TYPE,
    Engine: 'redis', SecurityGroupIds: [sg],
  }));
  try {
    const open = addressesOf(await waitAvailable(svc.client, openId)).primaryEndpoint;
    const guarded = addressesOf(await waitAvailable(svc.client, guardedId)).primaryEndpoint;
    const reps = quick ? 1 : 5;
    const modes: Mode[] = quick
      ? [{ name: 'GET', requests: 50_000, pipeline: 1 }, { name: 'GET -P 16', requests: 200_000, pipeline: 16 }]
      : [{ name: 'GET', requests: 300_000, pipeline: 1 }, { name: 'GET -P 16', requests: 1_000_000, pipeline: 16 }];
    const results: SecurityGroupsResult['modes'] = [];
    for (const mode of modes) {
      const o: number[] = [], g: number[] = [];
      for (let i = 0; i < reps; i++) {
        const runs: Array<[number[], Endpoint]> = [[o, open], [g, guarded]];
        for (const [out, target] of i % 2 === 0 ? runs : [...runs].reverse()) out.push(await redisBenchmarkGet(target, mode.requests, mode.pipeline > 1 ? ['-P', String(mode.pipeline)] : []));
        progress(`${mode.name} ${i + 1}/${reps}: open ${rps(o[i]!)}, guarded ${rps(g[i]!)} rps`);
      }
      results.push({ mode, open: o, guarded: g, ratio: median(g.map((v, i) => v / o[i]!)) });
    }

    progress('rule changes: revoke → refused, authorize → admitted');
    const authorizeMs: number[] = [];
    const revokeMs: number[] = [];
    const rule = { GroupId: sg, IpPermissions: [{ ...tcp6379, IpRanges: [{ CidrIp: '127.0.0.1/32' }] }] };
    for (let i = 0; i < (quick ? 3 : 10); i++) {
      let t0 = now();
      await ec2.send(new RevokeSecurityGroupIngressCommand(rule));
      await waitFor(async () => !(await admitted(guarded)), { timeoutMs: 10_000, intervalMs: 2, what: 'refused after the revoke' });
      revokeMs.push(now() - t0);
      t0 = now();
      await ec2.send(new AuthorizeSecurityGroupIngressCommand(rule));
      await waitFor(() => admitted(guarded), { timeoutMs: 10_000, intervalMs: 2, what: 'admitted after the authorize' });
      authorizeMs.push(now() - t0);
    }
    return { modes: results, authorizeMs, revokeMs };
  } finally {
    for (const id of [openId, guardedId]) await deleteGroup(svc.client, id).catch(() => undefined);
    for (const id of [openId, guardedId]) await waitGone(svc.client, id).catch(() => undefined);
    await ec2.send(new DeleteNetworkInterfaceCommand({ NetworkInterfaceId: eni })).catch(() => undefined);
    for (const id of [sg, app]) await ec2.send(new DeleteSecurityGroupCommand({ GroupId: id })).catch(() => undefined);
    ec2.destroy();
  }
}

export function securityGroupRows(r: SecurityGroupsResult): Row[] {
  return [
    ...r.modes.map((m): Row => ({
      measure: `guarded primary endpoint (52 sources) / open one, ${m.mode.name} -c 50`,
      value: `${ratio(m.ratio)} (${rps(median(m.guarded))} / ${rps(median(m.open))} rps)`,
      goal: '≥ 0.95', ok: m.ratio >= 0.95,
    })),
    { measure: `authorize-security-group-ingress → admitted (median of ${r.authorizeMs.length})`, value: ms(median(r.authorizeMs), 0), goal: '' },
    { measure: `revoke-security-group-ingress → refused (median of ${r.revokeMs.length})`, value: ms(median(r.revokeMs), 0), goal: '' },
  ];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone(async (svc, quick) => table(securityGroupRows(await measureSecurityGroups(svc, quick)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
