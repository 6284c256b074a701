/**
 * The API racing the reconciler and itself on one group: parallel ModifyReplicationGroup calls,
 * tag changes, replica count changes and a TestFailover, while the reconciler writes status.
 * Every call ends in success or in one of AWS's client faults (4xx: a state fault such as
 * InvalidReplicationGroupState), never in a 5xx; and nothing acknowledged is silently lost: the
 * last acknowledged description wins and every acknowledged tag is there.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AddTagsToResourceCommand, DecreaseReplicaCountCommand, IncreaseReplicaCountCommand, ListTagsForResourceCommand,
  ModifyReplicationGroupCommand, TestFailoverCommand,
} from '@aws-sdk/client-elasticache';
import { useCleanup } from '../helpers/cleanup.js';
import { startService } from '../helpers/service.js';
import { createGroup, describeGroup, members, waitAvailable } from '../helpers/groups.js';

const cleanup = useCleanup();
const svc = await startService(cleanup, { args: ['--health-interval-ms', '100'] });

interface Outcome { call: string; ok: boolean; code?: string; status?: number }

/** Runs a call and records how it ended: success, or the AWS error code and HTTP status. */
async function outcome(call: string, run: () => Promise<unknown>): Promise<Outcome> {
  try {
    await run();
    return { call, ok: true };
  } catch (e) {
    const err = e as { name?: string; $metadata?: { httpStatusCode?: number } };
    return { call, ok: false, code: err.name ?? 'unknown', status: err.$metadata?.httpStatusCode ?? 0 };
  }
}

test('parallel modifies, tags, replica changes and a failover: no 5xx, the last acknowledged write wins', async () => {
  const g = await createGroup(svc.client, { ReplicationGroupId: 'race', NumCacheClusters: 3, AutomaticFailoverEnabled: true, MultiAZEnabled: true });
  const arn = g.ARN!;
  const acknowledgedDescriptions: string[] = [];
  const acknowledgedTags: string[] = [];

  const describeLoop = async (): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    for (let i = 0; i < 20; i++) {
      const d = `description ${i}`;
      const r = await outcome(`modify ${i}`, () => svc.client.send(new ModifyReplicationGroupCommand({
        ReplicationGroupId: 'race', ReplicationGroupDescription: d, ApplyImmediately: true,
      })));
      if (r.ok) acknowledgedDescriptions.push(d);
      out.push(r);
    }
    return out;
  };
  const windowLoop = async (): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    for (let i = 0; i < 10; i++) {
      out.push(await outcome(`window ${i}`, () => svc.client.send(new ModifyReplicationGroupCommand({
        ReplicationGroupId: 'race', SnapshotRetentionLimit: i % 5, ApplyImmediately: true,
      }))));
    }
    return out;
  };
  const tagLoop = async (): Promise<Outcome[]> => {
    const out: Outcome[] = [];
    for (let i = 0; i < 20; i++) {
      const key = `k${i}`;
      const r = await outcome(`tag ${i}`, () => svc.client.send(new AddTagsToResourceCommand({ ResourceName: arn, Tags: [{ Key: key, Value: String(i) }] })));
      if (r.ok) acknowledgedTags.push(key);
      out.push(r);
    }
    return out;
  };
  const topology = async (): Promise<Outcome[]> => [
    await outcome('failover', () => svc.client.send(new TestFailoverCommand({ ReplicationGroupId: 'race', NodeGroupId: '0001' }))),
    await outcome('increase', () => svc.client.send(new IncreaseReplicaCountCommand({ ReplicationGroupId: 'race', NewReplicaCount: 3, ApplyImmediately: true }))),
    await outcome('decrease', () => svc.client.send(new DecreaseReplicaCountCommand({ ReplicationGroupId: 'race', NewReplicaCount: 2, ApplyImmediately: true }))),
  ];

  const results = (await Promise.all([describeLoop(), describeLoop(), windowLoop(), tagLoop(), topology()])).flat();
  const failures = results.filter((r) => !r.ok);
  console.log(`api race: ${results.length} calls, ${failures.length} refused: ${[...new Set(failures.map((f) => `${f.call.split(" ")[0]} ${f.code} ${f.status}`))].join(", ") || "none"}`);
  for (const f of failures) assert.ok(f.status! >= 400 && f.status! < 500, `${f.call}: ${f.code} answered ${f.status} (never a 5xx)`);
  assert.ok(acknowledgedDescriptions.length > 0, 'some modifies were acknowledged');

  const end = await waitAvailable(svc.client, 'race', 60_000);
  // Two loops wrote descriptions at once: the final one is one of the last acknowledged of either.
  const lastOfEach = [...new Set(acknowledgedDescriptions.slice(-2))];
  assert.ok(lastOfEach.includes(end.Description!), `final description ${end.Description} is one of the last acknowledged (${lastOfEach.join(', ')})`);
  const tags = (await svc.client.send(new ListTagsForResourceCommand({ ResourceName: arn }))).TagList ?? [];
  for (const k of acknowledgedTags) assert.ok(tags.some((t) => t.Key === k), `acknowledged tag ${k} is there`);
  const again = await describeGroup(svc.client, 'race');
  assert.equal(members(again).filter((m) => m.CurrentRole === 'primary').length, 1, 'one primary');
  assert.equal(again.MemberClusters!.length, members(again).length, 'every member cluster is a node group member');
});
