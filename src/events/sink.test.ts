/**
 * The event sink on the real SQLite store: events are stored first and logged (and handed to
 * listeners) from the stored log, in its order; a process that stopped between storing events
 * and logging them has them logged by the next start, once; history is not replayed.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { SqliteStore } from '../store/sqlite-store.js';
import type { Logger } from '../util/logger.js';
import { EventSink } from './sink.js';

const dirs: string[] = [];
after(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));
function dbPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'cachefleet-sink-'));
  dirs.push(dir);
  return join(dir, 'state.db');
}

/** A logger keeping `level message` lines. */
function captured(): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  const at = (level: string) => (obj: object | string, msg?: string) => { lines.push(`${level} ${typeof obj === 'string' ? obj : msg ?? ''}`); };
  const logger: Logger = { debug: at('debug'), info: at('info'), warn: at('warn'), error: at('error'), child: () => logger };
  return { logger, lines };
}

const NOW = () => new Date('2026-01-01T00:00:00Z');

test('an emitted event is stored, then logged at its level and handed to listeners, once, with its seq', async () => {
  const store = new SqliteStore(dbPath());
  const { logger, lines } = captured();
  const sink = new EventSink(store, logger, NOW);
  const seen: number[] = [];
  sink.subscribe(() => { throw new Error('a broken listener'); });
  sink.subscribe((e) => seen.push(e.seq));
  await sink.emit('replication-group', 'g', 'one');
  await sink.emit('replication-group', 'g', 'two', 'warn');
  await store.commit([], { events: [sink.event('cache-cluster', 'c', 'with a commit')] });
  assert.deepEqual(lines.filter((l) => !l.startsWith('error')), ['info one', 'warn two', 'info with a commit']);
  assert.equal(lines.filter((l) => l === 'error event listener failed').length, 3, 'a broken listener stops nothing');
  const stored = await store.eventsAfter(0);
  assert.deepEqual(seen, stored.map((e) => e.seq));
  assert.deepEqual(stored.map((e) => [e.message, e.level, e.date]), [
    ['one', 'info', NOW().toISOString()], ['two', 'warn', NOW().toISOString()], ['with a commit', 'info', NOW().toISOString()]]);
  await sink.close();
  await store.close();
});

test('events stored by a process that stopped before logging them are logged by the next start, once', async () => {
  const path = dbPath();
  let store = new SqliteStore(path);
  const first = captured();
  const sink = new EventSink(store, first.logger, NOW);
  await sink.resume();
  await sink.emit('replication-group', 'g', 'logged before the stop');
  await sink.close();
  // The process goes on committing (its sink gone, as if it died between a commit and the log).
  await store.commit([], { events: [sink.event('replication-group', 'g', 'stored, never logged', 'warn')] });
  await store.close();
  assert.deepEqual(first.lines, ['info logged before the stop']);

  store = new SqliteStore(path);
  const second = captured();
  const next = new EventSink(store, second.logger, NOW);
  await next.resume();
  await next.emit('replication-group', 'g', 'new');
  await next.close();
  const third = captured();
  const last = new EventSink(store, third.logger, NOW);
  await last.resume();
  await last.close();
  assert.deepEqual(second.lines, ['warn stored, never logged', 'info new']);
  assert.deepEqual(third.lines, [], 'nothing delivered twice');
  await store.close();
});

test('an event emitted before resume() skips none of the missed ones: a listener subscribed first hears them all', async () => {
  const path = dbPath();
  let store = new SqliteStore(path);
  const first = new EventSink(store, captured().logger, NOW);
  await first.resume();
  await first.close();
  await store.commit([], { events: [first.event('replication-group', 'g', 'stored while down')] });
  await store.close();

  store = new SqliteStore(path);
  const { logger, lines } = captured();
  const next = new EventSink(store, logger, NOW);
  const heard: string[] = [];
  next.subscribe((e) => heard.push(e.message));
  await next.emit('replication-group', 'g', 'emitted early');
  await next.resume();
  await next.close();
  assert.ok(heard.includes('stored while down'), JSON.stringify(heard));
  assert.deepEqual([...new Set(heard)], ['emitted early', 'stored while down']);
  assert.ok(lines.includes('info stored while down'));
  await store.close();
});

test('a data directory without a cursor (an earlier version) starts at its newest event: history is not replayed', async () => {
  const store = new SqliteStore(dbPath());
  await store.commit([], { events: [{ sourceType: 'replication-group', sourceIdentifier: 'g', message: 'old', date: NOW().toISOString() }] });
  const { logger, lines } = captured();
  const sink = new EventSink(store, logger, NOW);
  await sink.resume();
  await sink.emit('replication-group', 'g', 'new');
  await sink.close();
  assert.deepEqual(lines, ['info new']);
  assert.equal((await store.get('eventCursor', 'sink'))!.doc.seq, await store.lastEventSeq());
  await store.close();
});

test('an event that cannot be stored is logged as an error, never thrown', async () => {
  const store = new SqliteStore(dbPath());
  const { logger, lines } = captured();
  const sink = new EventSink(store, logger, NOW);
  await store.close();
  await sink.emit('replication-group', 'g', 'lost');
  assert.deepEqual(lines, ['error could not store event: lost']);
});
