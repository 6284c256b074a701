import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { redirection } from './router.js';

const b = (s: string) => Buffer.from(s);

describe('redirection', () => {
  it('recognises replies that mean the command did not run', () => {
    assert.equal(redirection([b('-MOVED 3999 127.0.0.1:6381\r\n')]), 'MOVED 3999 127.0.0.1:6381');
    assert.equal(redirection([b('-ASK 3999 127.0.0.1:6381\r\n')]), 'ASK 3999 127.0.0.1:6381');
    assert.equal(redirection([b('-TRYAGAIN Multiple keys request during rehashing of slot\r\n')])?.startsWith('TRYAGAIN'), true);
    assert.equal(redirection([b('-CLUSTERDOWN The cluster is down\r\n')])?.startsWith('CLUSTERDOWN'), true);
    assert.equal(redirection([b("-READONLY You can't write against a read only replica.\r\n")])?.startsWith('READONLY'), true);
    assert.equal(redirection([b('-ERR wrong number of arguments\r\n')]), undefined);
    assert.equal(redirection([b('+OK\r\n')]), undefined);
  });

  it('in a transaction: only when EXEC was aborted because a queued command was redirected', () => {
    const ok = b('+OK\r\n');
    const moved = b('-MOVED 1 h:1\r\n');
    const abort = b('-EXECABORT Transaction discarded because of previous errors.\r\n');
    assert.equal(redirection([ok, moved, abort]), 'MOVED 1 h:1');
    assert.equal(redirection([ok, b('-ERR syntax\r\n'), abort]), undefined);
    assert.equal(redirection([ok, b('+QUEUED\r\n'), b('*1\r\n:1\r\n')]), undefined);
  });
});
