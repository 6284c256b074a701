import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addComputeSample, commandDeltas, nodeComputeEcpu, parseCommandStats, scriptable, simpleBaselineUsec, sizeEcpu,
  type ComputeEcpuSettings, type ComputeUsage, type NodeCommandStats,
} from './compute-ecpu.js';

const S: ComputeEcpuSettings = { requestUsec: 4, simpleUsec: 0.5, minBaselineCalls: 1000 };
const node = (runId: string, commands: Record<string, [number, number]>, replica = false): NodeCommandStats => ({
  runId, replica, commands: Object.fromEntries(Object.entries(commands).map(([k, [calls, usec]]) => [k, { calls, usec }])),
});

describe('ECPUs for CPU time beyond a command\'s size', () => {
  it('charges a heavy command in proportion to its time beyond a simple GET/SET, over a whole request\'s vCPU', () => {
    // 10,000 GETs at 0.6 µs measure the baseline; 5 EVALs of 20 ms each.
    const r = nodeComputeEcpu({ get: { calls: 10_000, usec: 6000 }, eval: { calls: 5, usec: 100_000 } }, false, S);
    assert.equal(r.simpleUsec, 0.6);
    assert.ok(Math.abs(r.byCommand.eval! - (100_000 - 5 * 0.6) / 4) < 1e-9);
    assert.equal(r.total, r.byCommand.eval);
    // Twice the time beyond the baseline, twice the ECPUs.
    const twice = nodeComputeEcpu({ get: { calls: 10_000, usec: 6000 }, eval: { calls: 5, usec: 200_000 - 5 * 0.6 } }, false, S);
    assert.ok(Math.abs(twice.total - 2 * r.total) < 1e-9);
  });

  it('charges nothing for simple reads and writes, however slow, nor for commands as cheap as they', () => {
    const r = nodeComputeEcpu({
      get: { calls: 2000, usec: 1000 }, set: { calls: 10, usec: 5000 }, mget: { calls: 3, usec: 900 }, hset: { calls: 9, usec: 400 },
      zadd: { calls: 100, usec: 40 }, // 0.4 µs a call: under the baseline
    }, false, S);
    assert.equal(r.total, 0);
    assert.deepEqual(r.byCommand, {});
  });

  it('leaves out the service\'s own commands, EXEC (its commands count on their own) and, on a replica, the replication stream', () => {
    const stats = parseCommandStats([
      '# Server', 'run_id:abc', '# Replication', 'role:slave', '# Commandstats',
      'cmdstat_info:calls=10,usec=90000,usec_per_call=9000.00,rejected_calls=0,failed_calls=0',
      'cmdstat_cluster|nodes:calls=3,usec=3000,usec_per_call=1000.00,rejected_calls=0,failed_calls=0',
      'cmdstat_zunionstore:calls=2,usec=80000,usec_per_call=40000.00,rejected_calls=0,failed_calls=0',
      'cmdstat_zunion:calls=2,usec=80000,usec_per_call=40000.00,rejected_calls=0,failed_calls=0',
    ].join('\r\n'));
    assert.equal(stats.runId, 'abc');
    assert.equal(stats.replica, true);
    assert.deepEqual(Object.keys(stats.commands).sort(), ['zunion', 'zunionstore'], 'INFO and CLUSTER are the service\'s');
    // On the replica: ZUNIONSTORE is the primary's write replicated; ZUNION a client's read from the reader endpoint.
    assert.deepEqual(Object.keys(nodeComputeEcpu(stats.commands, true, S).byCommand), ['zunion']);
    assert.deepEqual(Object.keys(nodeComputeEcpu(stats.commands, false, S).byCommand).sort(), ['zunion', 'zunionstore']);
    assert.equal(nodeComputeEcpu({ exec: { calls: 1, usec: 50_000 }, multi: { calls: 1, usec: 0 } }, false, S).total, 0);
    assert.equal(nodeComputeEcpu({ multi: { calls: 1, usec: 50 } }, true, S).total, 0);
  });

  it('charges the commands a script ran once: the script only its time beyond theirs (Redis 7.0 counts them in both)', () => {
    // As measured on 7.0: an EVAL running two ZUNIONSTOREs of 14 ms reports 28.5 ms, the ZUNIONSTOREs 28.4.
    const r = nodeComputeEcpu({ eval: { calls: 1, usec: 28_500 }, zunionstore: { calls: 2, usec: 28_400 } }, false, S);
    const zunion = (28_400 - 2 * 0.5) / 4;
    assert.ok(Math.abs(r.byCommand.zunionstore! - zunion) < 1e-9);
    assert.ok(Math.abs(r.byCommand.eval! - (28_500 - 0.5 - (28_400 - 1)) / 4) < 1e-9, 'the script: its own 0.1 ms');
    assert.ok(Math.abs(r.total - (28_500 - 0.5) / 4) < 1e-9, 'the period: the EVAL\'s time, counted once');
    assert.ok(Math.abs(r.scriptOverlap - zunion) < 1e-9);
    // Commands a script cannot run (noscript) and the simple ones (not charged on their own) are no overlap.
    const alone = nodeComputeEcpu({ fcall: { calls: 1, usec: 4000.5 }, subscribe: { calls: 1, usec: 800.5 }, get: { calls: 10, usec: 4000 } }, false, S);
    assert.equal(alone.scriptOverlap, 0);
    assert.equal(alone.byCommand.fcall, 1000);
  });

  it('bounds what a script is charged less when clients ran such commands themselves: each part in full on its own', () => {
    // A client's ZUNIONSTOREs (8 ms) and an unrelated Lua loop (20 ms) in the same period on one node.
    const r = nodeComputeEcpu({ evalsha: { calls: 1, usec: 20_000.5 }, zunionstore: { calls: 1, usec: 8000.5 } }, false, S);
    assert.equal(r.byCommand.zunionstore, 2000);
    assert.equal(r.byCommand.evalsha, 3000, 'charged 8 ms less than its 20 ms');
    assert.ok(r.total >= Math.max(5000, 2000) && r.total <= 5000 + 2000, 'between the larger part and the sum');
    // A script cheaper than those commands: charged nothing, never below zero.
    const small = nodeComputeEcpu({ eval: { calls: 1, usec: 400.5 }, zunionstore: { calls: 1, usec: 8000.5 } }, false, S);
    assert.deepEqual(small.byCommand, { zunionstore: 2000 });
  });

  it('on a replica, the replicated writes are no overlap of a read-only script', () => {
    const r = nodeComputeEcpu({ eval_ro: { calls: 1, usec: 4000.5 }, zunionstore: { calls: 1, usec: 8000.5 } }, true, S);
    assert.deepEqual(r.byCommand, { eval_ro: 1000 });
    assert.ok(scriptable('zunionstore') && scriptable('object|encoding') && !scriptable('subscribe') && !scriptable('fcall'));
  });

  it('uses the fixed baseline when the node served too few GET/SETs, and holds a measured one near it', () => {
    assert.equal(simpleBaselineUsec({ get: { calls: 999, usec: 99_900 } }, S), 0.5);
    assert.equal(simpleBaselineUsec({ get: { calls: 500, usec: 250 }, set: { calls: 500, usec: 750 } }, S), 1);
    assert.equal(simpleBaselineUsec({ get: { calls: 5000, usec: 100_000 } }, S), 2, 'at most four times the fixed one');
    assert.equal(simpleBaselineUsec({ get: { calls: 5000, usec: 0 } }, S), 0.125, 'at least a quarter of it');
  });

  it('takes deltas from the mark; a restart or a reset counts from zero; nothing is negative', () => {
    const mark = node('r1', { eval: [10, 1000], get: [100, 50] });
    assert.equal(commandDeltas(undefined, mark), undefined, 'a first reading is only a mark');
    assert.deepEqual(commandDeltas(mark, node('r1', { eval: [12, 1500], get: [100, 50] })), { eval: { calls: 2, usec: 500 } });
    assert.deepEqual(commandDeltas(mark, node('r2', { eval: [1, 40] })), { eval: { calls: 1, usec: 40 } }, 'restarted: since its start');
    assert.deepEqual(commandDeltas(mark, node('r1', { eval: [3, 300], get: [1, 1] })), { eval: { calls: 3, usec: 300 }, get: { calls: 1, usec: 1 } },
      'CONFIG RESETSTAT: counters went back');
  });

  it('sums the nodes\' periods into the usage totals, keeping the mark of a node that did not answer', () => {
    const base: ComputeUsage = { ecpu: 10 };
    const at = (s: number) => new Date(s * 1000);
    let u = addComputeSample(base, new Map([['n1', node('a', { eval: [0, 0] })], ['n2', node('b', { sort_ro: [0, 0] }, true)]]), at(0), S);
    assert.equal(u.ecpu, 10, 'first readings: marks only');
    assert.equal(u.computeRate?.ecpuPerSecond, 0);
    u = addComputeSample(u, new Map([['n1', node('a', { eval: [1, 4000.5] })], ['n2', undefined]]), at(60), S);
    assert.equal(u.ecpu, 10 + 1000);
    assert.equal(u.computeEcpu, 1000);
    assert.equal(sizeEcpu(u), 10);
    assert.deepEqual(u.computeRate, { ecpuPerSecond: 1000 / 60, at: at(60).toISOString() }, 'the sample\'s rate, for the autoscaler');
    assert.ok(u.computeMarks?.n2, 'n2 kept its mark');
    u = addComputeSample(u, new Map([['n1', node('a', { eval: [1, 4000.5] })], ['n2', node('b', { sort_ro: [2, 801] }, true)]]), at(120), S);
    assert.equal(u.computeEcpu, 1000 + 200, 'the replica\'s SORT_RO since its mark, over two periods');
    u = addComputeSample(u, new Map([['n1', node('a2', { eval: [0, 0] })]]), at(180), S);
    assert.deepEqual(Object.keys(u.computeMarks!), ['n1'], 'a node gone from the group loses its mark');
    assert.equal(u.computeEcpu, 1200, 'a restarted node with nothing new adds nothing');
  });
});
