import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ProcessEndedError, unlessExited } from './unless-exited.js';

function fakeProvider() {
  const listeners = new Set<(key: string) => void>();
  const alive = new Map<string, boolean>();
  return {
    alive,
    listeners,
    isAlive: (key: string) => alive.get(key),
    onExit(listener: (key: string) => void) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    exit(key: string) {
      alive.set(key, false);
      for (const l of [...listeners]) l(key);
    },
  };
}

function pending<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: Error) => void;
  const promise = new Promise<T>((res, rej) => { resolve = res; reject = rej; });
  return { promise, resolve, reject };
}

test('the node\'s exit ends the wait at once; another node\'s exit does not', async () => {
  const p = fakeProvider();
  const work = pending<string>();
  const raced = unlessExited(p, 'n1', work.promise);
  p.exit('n2');
  p.exit('n1');
  await assert.rejects(raced, ProcessEndedError);
  assert.equal(p.listeners.size, 0, 'the listener is removed');
  work.reject(new Error('timed out later')); // never an unhandled rejection
});

test('work that settles first keeps its outcome', async () => {
  const p = fakeProvider();
  assert.equal(await unlessExited(p, 'n1', Promise.resolve('info')), 'info');
  await assert.rejects(unlessExited(p, 'n1', Promise.reject(new Error('WRONGPASS'))), /WRONGPASS/);
  assert.equal(p.listeners.size, 0);
});

test('a process already known gone fails at once; a provider without exit reports leaves the work alone', async () => {
  const p = fakeProvider();
  p.alive.set('n1', false);
  const work = pending<string>();
  await assert.rejects(unlessExited(p, 'n1', work.promise), ProcessEndedError);
  work.reject(new Error('late'));
  assert.equal(await unlessExited({}, 'n1', Promise.resolve('info')), 'info');
});
