import assert from 'node:assert/strict';
import { afterEach, beforeEach, test } from 'node:test';
import DescribeEvents from './DescribeEvents.js';
import { assertFault, makeTestServices, type TestServices } from './test-services.js';

const T0 = new Date('2026-03-01T12:00:00.000Z');
const minutes = (n: number) => new Date(T0.getTime() + n * 60_000);

let t: TestServices;
beforeEach(async () => {
  t = await makeTestServices({ now: minutes(-300) });
  // One event every 30 minutes from T0-300 to T0 (11 events), alternating sources.
  for (let i = 0; i <= 10; i++) {
    t.setNow(minutes(-300 + i * 30));
    if (i % 2 === 0) await t.svc.events.emit('cache-cluster', 'c1', `cluster event ${i}`);
    else await t.svc.events.emit('replication-group', 'rg1', `group event ${i}`);
  }
  t.setNow(T0);
});
afterEach(async () => { await t.close(); });

const messages = (out: any) => out.Events.map((e: any) => e.Message);

test('by default the last hour, newest first, with dates', async () => {
  const out = await t.call(DescribeEvents, {});
  assert.deepEqual(messages(out), ['cluster event 10', 'group event 9', 'cluster event 8']);
  assert.deepEqual(out.Events[0], { SourceIdentifier: 'c1', SourceType: 'cache-cluster', Message: 'cluster event 10', Date: T0 });
});

test('Duration, StartTime and EndTime choose the window', async () => {
  assert.equal((await t.call(DescribeEvents, { Duration: 120 })).Events.length, 5);
  assert.equal((await t.call(DescribeEvents, { Duration: 20160 })).Events.length, 11);
  const between = await t.call(DescribeEvents, { StartTime: minutes(-300), EndTime: minutes(-240).toISOString() });
  assert.deepEqual(messages(between), ['cluster event 2', 'group event 1', 'cluster event 0']);
  const fromStart = await t.call(DescribeEvents, { StartTime: minutes(-300), Duration: 30 });
  assert.deepEqual(messages(fromStart), ['group event 1', 'cluster event 0']);
  const beforeEnd = await t.call(DescribeEvents, { EndTime: minutes(-240) });
  assert.deepEqual(messages(beforeEnd), ['cluster event 2', 'group event 1', 'cluster event 0']);
});

test('filter by source', async () => {
  const rg = await t.call(DescribeEvents, { SourceType: 'replication-group', Duration: 600 });
  assert.deepEqual(messages(rg), ['group event 9', 'group event 7', 'group event 5', 'group event 3', 'group event 1']);
  const c1 = await t.call(DescribeEvents, { SourceIdentifier: 'C1', SourceType: 'cache-cluster', Duration: 600 });
  assert.equal(c1.Events.length, 6);
  assert.equal((await t.call(DescribeEvents, { SourceIdentifier: 'other', Duration: 600 })).Events.length, 0);
});

test('pages with MaxRecords and Marker', async () => {
  for (let i = 0; i < 30; i++) await t.svc.events.emit('cache-cluster', 'c2', `burst ${i}`);
  const first = await t.call(DescribeEvents, { SourceIdentifier: 'c2', MaxRecords: 20 });
  assert.equal(first.Events.length, 20);
  assert.equal(first.Events[0].Message, 'burst 29');
  const second = await t.call(DescribeEvents, { SourceIdentifier: 'c2', MaxRecords: 20, Marker: first.Marker });
  assert.equal(second.Events.length, 10);
  assert.equal(second.Marker, undefined);
  await assertFault(t.call(DescribeEvents, { Marker: 'garbage!' }), 'InvalidParameterValue');
});

test('invalid windows', async () => {
  await assertFault(t.call(DescribeEvents, { Duration: 0 }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeEvents, { Duration: 20161 }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeEvents, { StartTime: minutes(0), EndTime: minutes(-10) }), 'InvalidParameterValue');
  await assertFault(t.call(DescribeEvents, { StartTime: 'yesterday' }), 'InvalidParameterValue');
});
