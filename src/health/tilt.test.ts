import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TiltGuard } from './tilt.js';

function guard() {
  let t = 1_000_000;
  const reasons: string[] = [];
  const g = new TiltGuard({ expectedIntervalMs: 100, maxLateMs: 1000, tiltPeriodMs: 5000 }, () => t, (r) => reasons.push(r));
  return { g, reasons, advance: (ms: number) => { t += ms; g.tick(); } };
}

test('regular ticks never tilt', () => {
  const { g, advance } = guard();
  for (let i = 0; i < 50; i++) advance(100 + (i % 3) * 50);
  assert.equal(g.tilted, false);
  assert.equal(g.timesEntered, 0);
});

test('a stall longer than the allowed lateness tilts for the tilt period, then acting resumes', () => {
  const { g, reasons, advance } = guard();
  advance(100);
  advance(1500); // the event loop was blocked for 1.5 s
  assert.equal(g.tilted, true);
  assert.match(reasons[0]!, /stall/);
  advance(100);
  assert.equal(g.tilted, true, 'still within the tilt period');
  for (let i = 0; i < 50; i++) advance(100);
  assert.equal(g.tilted, false, 'the tilt period has passed');
});

test('a clock going backwards tilts', () => {
  const { g, reasons, advance } = guard();
  advance(100);
  advance(-30_000);
  assert.equal(g.tilted, true);
  assert.match(reasons[0]!, /clock went back/);
});
