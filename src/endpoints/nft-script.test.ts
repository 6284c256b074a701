import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTableName, programmedComments, renderNftScript, renderRuleBody } from './nft-script.js';
import { normalizeRoutes } from './routes.js';
import type { EndpointRoute } from './types.js';

const route = (id: string, address: string, targets: [string, number][]): EndpointRoute => ({
  id, address, port: 6379, targets: targets.map(([a, p]) => ({ address: a, port: p })),
});

describe('nft script rendering', () => {
  it('renders zero targets as a reset', () => {
    assert.equal(renderRuleBody(route('g/primary', '127.77.0.1', [])), 'ip daddr 127.77.0.1 tcp dport 6379 reject with tcp reset');
  });

  it('renders one target as a plain dnat', () => {
    assert.equal(
      renderRuleBody(route('g/primary', '127.77.0.1', [['127.77.0.2', 6379]])),
      'ip daddr 127.77.0.1 tcp dport 6379 dnat to 127.77.0.2:6379',
    );
  });

  it('renders several targets as a numgen round robin over address . port', () => {
    assert.equal(
      renderRuleBody(route('g/reader', '127.77.0.9', [['127.77.0.2', 6379], ['127.77.0.3', 6379], ['127.77.0.4', 6380]])),
      'ip daddr 127.77.0.9 tcp dport 6379 dnat ip to numgen inc mod 3 map { 0 : 127.77.0.2 . 6379, 1 : 127.77.0.3 . 6379, 2 : 127.77.0.4 . 6380 }',
    );
  });

  it('renders the whole table as one transaction that replaces its contents', () => {
    const routes = normalizeRoutes([route('g/reader', '127.77.0.9', [['127.77.0.2', 6379]]), route('g/primary', '127.77.0.1', [])]);
    const { script, comments } = renderNftScript('cachefleet_t1', routes);
    const lines = script.split('\n');
    assert.deepEqual(lines.slice(0, 5), [
      'table ip cachefleet_t1 {}',
      'flush table ip cachefleet_t1',
      'table ip cachefleet_t1 {',
      '  chain output {',
      '    type nat hook output priority -100; policy accept;',
    ]);
    // Sorted by id: primary first.
    assert.match(lines[5]!, /^ {4}ip daddr 127\.77\.0\.1 .* reject with tcp reset comment "g\/primary cf:[0-9a-f]{12}"$/);
    assert.match(lines[6]!, /^ {4}ip daddr 127\.77\.0\.9 .* dnat to 127\.77\.0\.2:6379 comment "g\/reader cf:[0-9a-f]{12}"$/);
    assert.deepEqual(lines.slice(7), ['  }', '}', '']);
    assert.equal(comments.length, 2);
    assert.equal(renderNftScript('cachefleet_t1', routes).script, script, 'deterministic');
  });

  it('tags rules so a retarget changes the comment', () => {
    const a = renderNftScript('t', [route('x', '127.1.1.1', [['127.1.1.2', 6379]])]).comments[0];
    const b = renderNftScript('t', [route('x', '127.1.1.1', [['127.1.1.3', 6379]])]).comments[0];
    assert.notEqual(a, b);
    const odd = renderNftScript('t', [route('a "b"\\c', '127.1.1.1', [])]).comments[0]!;
    assert.ok(!/["\\ ]/.test(odd.split(' ')[0]!), 'ids cannot break out of the comment string');
  });

  it('rejects unsafe table names', () => {
    assert.throws(() => checkTableName('bad-name'), /invalid nft table name/);
    assert.throws(() => checkTableName('x; flush ruleset'), /invalid nft table name/);
    checkTableName('cachefleet_ab12cd34');
  });

  it('reads rule comments back from nft -j output', () => {
    const json = JSON.stringify({ nftables: [
      { metainfo: { version: '1.0.6' } },
      { table: { family: 'ip', name: 't' } },
      { chain: { family: 'ip', table: 't', name: 'output', type: 'nat', hook: 'output', prio: -100, policy: 'accept' } },
      { rule: { chain: 'output', comment: 'a cf:1' } },
      { rule: { chain: 'output' } },
    ] });
    assert.deepEqual(programmedComments(json), ['a cf:1', '']);
    const noChain = JSON.stringify({ nftables: [{ table: { family: 'ip', name: 't' } }] });
    assert.equal(programmedComments(noChain), undefined);
    assert.equal(programmedComments('not json'), undefined);
  });
});

describe('route validation', () => {
  it('rejects duplicates and bad addresses', () => {
    assert.throws(() => normalizeRoutes([route('a', '127.1.1.1', []), route('a', '127.1.1.2', [])]), /duplicate/);
    assert.throws(() => normalizeRoutes([route('a', '127.1.1.1', []), route('b', '127.1.1.1', [])]), /both use 127\.1\.1\.1:6379/);
    assert.throws(() => normalizeRoutes([route('a', 'localhost', [])]), /invalid IPv4/);
    assert.throws(() => normalizeRoutes([route('a', '127.1.1.1', [['127.1.1.2', 0]])]), /invalid port/);
  });
});
