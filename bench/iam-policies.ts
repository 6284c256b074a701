/**
 * The cost of policy evaluation: DescribeCacheClusters signed with an IAM user's key whose
 * policies hold 50 statements (a group policy the call must be checked against in full: 48
 * statements about other actions, a source-IP condition, and the allow), against the same call
 * signed with the admin key (the root, which skips evaluation). Calls alternate one by one, so
 * both see the same load; the ratio of the medians is taken in one run.
 *
 * Use from bench/index.ts (section "iam"), or on its own:
 *   npm run build && node dist/bench/iam-policies.js [--quick]
 */
import { pathToFileURL } from 'node:url';
import { DescribeCacheClustersCommand, ElastiCacheClient } from '@aws-sdk/client-elasticache';
import {
  AddUserToGroupCommand, CreateAccessKeyCommand, CreateGroupCommand, CreateUserCommand, IAMClient, PutGroupPolicyCommand,
} from '@aws-sdk/client-iam';
import { runStandalone, type BenchService } from './service.js';
import { median, ms, now, progress, ratio, table, type Row } from './stats.js';

export interface IamResult {
  statements: number;
  adminMs: number[];
  userMs: number[];
}

/** 50 statements; only the last two concern the measured call, so every one is looked at. */
export function fiftyStatements(): object[] {
  const others = Array.from({ length: 48 }, (_, i) => ({
    Effect: i % 2 ? 'Allow' : 'Deny', Action: `ec2:Delete${i}*`, Resource: `arn:aws:ec2:*:*:security-group/sg-${i}*`,
  }));
  return [
    ...others,
    { Effect: 'Deny', Action: 'elasticache:*', Resource: '*', Condition: { NotIpAddress: { 'aws:SourceIp': '127.0.0.0/8' } } },
    { Effect: 'Allow', Action: 'elasticache:Describe*', Resource: '*' },
  ];
}

export async function measureIam(svc: BenchService, quick: boolean): Promise<IamResult> {
  const iam = new IAMClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials });
  const statements = fiftyStatements();
  progress(`creating an IAM user in a group whose policy has ${statements.length} statements`);
  await iam.send(new CreateGroupCommand({ GroupName: 'bench-readers' }));
  await iam.send(new PutGroupPolicyCommand({ GroupName: 'bench-readers', PolicyName: 'fifty',
    PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: statements }) }));
  await iam.send(new CreateUserCommand({ UserName: 'bench-reader' }));
  await iam.send(new AddUserToGroupCommand({ GroupName: 'bench-readers', UserName: 'bench-reader' }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: 'bench-reader' }))).AccessKey!;
  iam.destroy();
  const user = new ElastiCacheClient({ endpoint: svc.url, region: 'us-east-1',
    credentials: { accessKeyId: key.AccessKeyId!, secretAccessKey: key.SecretAccessKey! } });
  const admin = new ElastiCacheClient({ endpoint: svc.url, region: 'us-east-1', credentials: svc.credentials });
  const calls = quick ? 100 : 500;
  const adminMs: number[] = [];
  const userMs: number[] = [];
  try {
    const time = async (c: ElastiCacheClient) => {
      const t0 = now();
      await c.send(new DescribeCacheClustersCommand({}));
      return now() - t0;
    };
    for (let i = 0; i < 20; i++) { await time(admin); await time(user); } // warm up both connections
    progress(`${calls} DescribeCacheClusters each, admin and user alternating`);
    for (let i = 0; i < calls; i++) {
      // ABBA: neither key always goes first.
      if (i % 2) { adminMs.push(await time(admin)); userMs.push(await time(user)); } else { userMs.push(await time(user)); adminMs.push(await time(admin)); }
    }
  } finally {
    user.destroy();
    admin.destroy();
  }
  return { statements: statements.length, adminMs, userMs };
}

export function iamRows(r: IamResult): Row[] {
  const q = median(r.userMs) / median(r.adminMs);
  return [{
    measure: `DescribeCacheClusters, IAM user key (${r.statements} policy statements) / admin key, median of ${r.userMs.length}`,
    value: `${ratio(q)} (${ms(median(r.userMs), 2)} / ${ms(median(r.adminMs), 2)})`,
    goal: '≤ 1.2', ok: q <= 1.2,
  }];
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  runStandalone(async (svc, quick) => table(iamRows(await measureIam(svc, quick)))).catch((e) => { console.error(e); process.exitCode = 1; });
}
