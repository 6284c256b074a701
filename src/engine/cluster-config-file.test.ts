import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { withoutOwnSlots } from './cluster-config-file.js';

// A nodes.conf as Redis 7.0 writes it: the killed primary's own line claims 8192-16383, with an
// open import left by a move it did not finish.
const conf = [
  'c6f3a58d0a1d0db4cd694722ecdd80e8783648bd 127.0.0.3:6379@16379 slave 419d965154ac9b5b12c941cd7a9170c0e6b3af31 0 1796568802027 4 connected',
  '2e3b494505cd8bbdc899053837564f1aa88f9144 127.0.0.1:6379@16379 master - 0 1796568802736 3 connected 0-8191',
  '419d965154ac9b5b12c941cd7a9170c0e6b3af31 127.0.0.2:6379@16379 myself,master - 0 1796568801000 4 connected 8192-16382 16383 [16383-<-2e3b494505cd8bbdc899053837564f1aa88f9144]',
  'vars currentEpoch 4 lastVoteEpoch 0',
  '',
].join('\n');

describe('withoutOwnSlots', () => {
  it('drops the slots and open moves of the myself line only, keeping its identity and everyone else\'s slots', () => {
    const out = withoutOwnSlots(conf)!.split('\n');
    assert.equal(out[2], '419d965154ac9b5b12c941cd7a9170c0e6b3af31 127.0.0.2:6379@16379 myself,master - 0 1796568801000 4 connected');
    assert.equal(out[1], conf.split('\n')[1], 'another primary keeps its slots');
    assert.equal(out[0], conf.split('\n')[0]);
    assert.equal(out[3], 'vars currentEpoch 4 lastVoteEpoch 0');
    assert.equal(out.length, 5, 'the trailing newline stays');
  });

  it('changes nothing when the node claims no slots (a replica, an empty primary)', () => {
    const replica = conf.replace('myself,master - 0 1796568801000 4 connected 8192-16382 16383 [16383-<-2e3b494505cd8bbdc899053837564f1aa88f9144]',
      'myself,slave 2e3b494505cd8bbdc899053837564f1aa88f9144 0 1796568801000 4 connected');
    assert.equal(withoutOwnSlots(replica), undefined);
    assert.equal(withoutOwnSlots(''), undefined);
  });
});
