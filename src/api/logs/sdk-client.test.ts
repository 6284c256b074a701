// The JS SDK's CloudWatch Logs client (AWS JSON 1.1) against the endpoint: groups, retention,
// GetLogEvents' tokens, FilterLogEvents with a JSON pattern, and a modeled error read as its class.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  CloudWatchLogsClient, CreateLogGroupCommand, DescribeLogGroupsCommand, FilterLogEventsCommand, GetLogEventsCommand,
  PutRetentionPolicyCommand, ResourceAlreadyExistsException, ResourceNotFoundException,
} from '@aws-sdk/client-cloudwatch-logs';
import { monitoringHarness, type MonitoringHarness } from '../cloudwatch/test-fixtures.js';

let h: MonitoringHarness;
let logs: CloudWatchLogsClient;
before(async () => {
  h = await monitoringHarness();
  await h.listen();
  logs = new CloudWatchLogsClient({ endpoint: h.url(), region: 'us-east-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, maxAttempts: 1 });
});
after(async () => { logs.destroy(); await h.close(); });

describe('JS SDK: CloudWatch Logs', () => {
  it('creates a group, reads events back and gets modeled errors as their classes', async () => {
    await logs.send(new CreateLogGroupCommand({ logGroupName: '/sdk/slow' }));
    await logs.send(new PutRetentionPolicyCommand({ logGroupName: '/sdk/slow', retentionInDays: 14 }));
    const groups = await logs.send(new DescribeLogGroupsCommand({ logGroupNamePrefix: '/sdk/' }));
    assert.equal(groups.logGroups?.[0]?.retentionInDays, 14);
    h.logs.append('/sdk/slow', 'n-0001-slow-log', [1, 2, 3].map((i) => ({ timestamp: h.clock.nowMs + i, message: JSON.stringify({ Id: i, Duration: i * 1000 }) })), h.clock.nowMs);
    const head = await logs.send(new GetLogEventsCommand({ logGroupName: '/sdk/slow', logStreamName: 'n-0001-slow-log', startFromHead: true, limit: 2 }));
    assert.deepEqual(head.events?.map((e) => JSON.parse(e.message!).Id), [1, 2]);
    const rest = await logs.send(new GetLogEventsCommand({ logGroupName: '/sdk/slow', logStreamName: 'n-0001-slow-log', nextToken: head.nextForwardToken }));
    assert.deepEqual(rest.events?.map((e) => JSON.parse(e.message!).Id), [3]);
    const slow = await logs.send(new FilterLogEventsCommand({ logGroupName: '/sdk/slow', filterPattern: '{ $.Duration >= 2000 }' }));
    assert.deepEqual(slow.events?.map((e) => JSON.parse(e.message!).Id), [2, 3]);
    await assert.rejects(logs.send(new CreateLogGroupCommand({ logGroupName: '/sdk/slow' })), (e: unknown) => e instanceof ResourceAlreadyExistsException);
    await assert.rejects(logs.send(new GetLogEventsCommand({ logGroupName: '/sdk/none', logStreamName: 's' })), (e: unknown) => e instanceof ResourceNotFoundException);
  });
});
