import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseConntrack, ssKillFilters } from './conntrack.js';

describe('conntrack parsing', () => {
  it('takes the client from the original direction and the peer from the reply', () => {
    const out = [
      'tcp      6 431999 ESTABLISHED src=127.0.0.1 dst=127.51.0.1 sport=34790 dport=6379 src=127.51.0.2 dst=127.0.0.1 sport=6379 dport=34790 [ASSURED] mark=0 use=1',
      'tcp      6 110 TIME_WAIT src=127.0.0.1 dst=127.51.0.1 sport=33048 dport=6379 src=127.51.0.2 dst=127.0.0.1 sport=6379 dport=33048 [ASSURED] mark=0 use=1',
      'conntrack v1.4.7 (conntrack-tools): 2 flow entries have been shown.',
    ].join('\n');
    assert.deepEqual(parseConntrack(out), [
      { state: 'ESTABLISHED', clientAddress: '127.0.0.1', clientPort: 34790, peerAddress: '127.0.0.1', peerPort: 34790 },
      { state: 'TIME_WAIT', clientAddress: '127.0.0.1', clientPort: 33048, peerAddress: '127.0.0.1', peerPort: 33048 },
    ]);
  });

  it('builds ss filters for both socket ends, chunked', () => {
    const flows = [1, 2, 3].map((p) => ({ state: 'ESTABLISHED', clientAddress: '127.0.0.1', clientPort: p, peerAddress: '127.0.0.1', peerPort: p }));
    const f = ssKillFilters({ address: '127.9.0.1', port: 6379 }, { address: '127.9.0.2', port: 6380 }, flows, 2);
    assert.deepEqual(f, [
      ['( dst 127.9.0.1:6379 and ( src 127.0.0.1:1 or src 127.0.0.1:2 ) )'],
      ['( src 127.9.0.2:6380 and ( dst 127.0.0.1:1 or dst 127.0.0.1:2 ) )'],
      ['( dst 127.9.0.1:6379 and ( src 127.0.0.1:3 ) )'],
      ['( src 127.9.0.2:6380 and ( dst 127.0.0.1:3 ) )'],
    ]);
  });
});
