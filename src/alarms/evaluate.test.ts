// The alarm state machine on plain data (a fake clock: period starts are numbers).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAlarm, evaluationPeriods, settledWhenBreaching, type TreatMissingData } from './evaluate.js';

const P = [0, 60_000, 120_000];
const run = (vals: Array<number | undefined>, o: { m?: number; treat?: TreatMissingData; current?: 'OK' | 'ALARM' | 'INSUFFICIENT_DATA' } = {}) =>
  evaluateAlarm({ periods: P, values: new Map(vals.flatMap((v, i) => (v === undefined ? [] : [[P[i]!, v] as [number, number]]))),
    operator: 'GreaterThanThreshold', threshold: 10, datapointsToAlarm: o.m ?? 2, treatMissingData: o.treat ?? 'missing', current: o.current ?? 'OK' }).state;

describe('alarm evaluation (M of N, TreatMissingData)', () => {
  it('2 of 3 breaching → ALARM; 1 of 3 → OK', () => {
    assert.equal(run([11, 5, 12]), 'ALARM');
    assert.equal(run([11, 5, 5]), 'OK');
  });
  it('no data: missing → INSUFFICIENT_DATA, ignore keeps, breaching → ALARM, notBreaching → OK', () => {
    assert.equal(run([undefined, undefined, undefined]), 'INSUFFICIENT_DATA');
    assert.equal(run([undefined, undefined, undefined], { treat: 'ignore', current: 'ALARM' }), 'ALARM');
    assert.equal(run([undefined, undefined, undefined], { treat: 'breaching' }), 'ALARM');
    assert.equal(run([undefined, undefined, undefined], { treat: 'notBreaching' }), 'OK');
  });
  it('partial data: missing counts as breaching only when told', () => {
    assert.equal(run([undefined, undefined, 12], { treat: 'breaching' }), 'ALARM');
    assert.equal(run([undefined, undefined, 12], { treat: 'notBreaching' }), 'OK');
    // Fewer points than M: evaluated on what there is.
    assert.equal(run([undefined, undefined, 12], { treat: 'missing' }), 'ALARM');
    assert.equal(run([undefined, 3, 12], { treat: 'missing' }), 'OK');
  });
  it('periods: the last complete ones, or ending with the one under way', () => {
    assert.deepEqual(evaluationPeriods(185_000, 60, 3), [0, 60_000, 120_000]);
    assert.deepEqual(evaluationPeriods(185_000, 60, 3, true), [60_000, 120_000, 180_000]);
  });
  it('a period under way counts only when its breach cannot be taken back', () => {
    assert.equal(settledWhenBreaching('Maximum', 'GreaterThanThreshold'), true);
    assert.equal(settledWhenBreaching('Sum', 'GreaterThanOrEqualToThreshold'), true);
    assert.equal(settledWhenBreaching('Sum', 'LessThanThreshold'), false);
    assert.equal(settledWhenBreaching('Minimum', 'LessThanThreshold'), true);
    assert.equal(settledWhenBreaching('Average', 'GreaterThanThreshold'), false);
    assert.equal(settledWhenBreaching('p99', 'GreaterThanThreshold'), false);
  });
});
