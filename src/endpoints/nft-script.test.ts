import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkTableName, programmedComments, renderFilterBody, renderNftScript, renderRuleBody } from './nft-script.js';
import { normalizeFilters, normalizeRoutes } from './routes.js';
import { mergeSources, sourceAllowed } from './addresses.js';
import type { EndpointRoute, SourceFilter } from './types.js';

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

  it('renders source exemptions in every form: those sources are not translated', () => {
    const exempt = (targets: [string, number][]): EndpointRoute => ({
      ...route('g-001/0001', '127.77.0.5', targets), exceptSources: ['127.77.0.7', '127.77.255.254', '127.77.0.6', '127.77.0.5'],
    });
    const match = 'ip daddr 127.77.0.5 tcp dport 6379 ip saddr != { 127.77.0.5-127.77.0.7, 127.77.255.254 }';
    assert.equal(renderRuleBody(exempt([])), `${match} reject with tcp reset`);
    assert.equal(renderRuleBody(exempt([['127.77.0.5', 7000]])), `${match} dnat to 127.77.0.5:7000`);
    assert.equal(
      renderRuleBody(exempt([['127.77.0.5', 7000], ['127.77.0.6', 7000]])),
      `${match} dnat ip to numgen inc mod 2 map { 0 : 127.77.0.5 . 7000, 1 : 127.77.0.6 . 7000 }`,
    );
    assert.equal(renderRuleBody({ ...route('x', '127.77.0.5', [['127.77.0.5', 7000]]), exceptSources: ['10.0.0.0/8'] }),
      'ip daddr 127.77.0.5 tcp dport 6379 ip saddr != { 10.0.0.0-10.255.255.255 } dnat to 127.77.0.5:7000');
    assert.equal(renderRuleBody({ ...route('x', '127.77.0.5', [['127.77.0.5', 7000]]), exceptSources: [] }),
      'ip daddr 127.77.0.5 tcp dport 6379 dnat to 127.77.0.5:7000', 'empty: no exemption');
  });

  it('a changed exemption list changes the rule comment (drift check)', () => {
    const base = route('n', '127.1.1.1', [['127.1.1.1', 7000]]);
    const comment = (r: EndpointRoute): string => renderNftScript('t', normalizeRoutes([r])).comments[0]!;
    const plain = comment(base);
    const one = comment({ ...base, exceptSources: ['127.1.1.9'] });
    const two = comment({ ...base, exceptSources: ['127.1.1.9', '127.1.1.8'] });
    assert.equal(new Set([plain, one, two]).size, 3);
    assert.equal(comment({ ...base, exceptSources: [] }), plain);
    assert.equal(comment({ ...base, exceptSources: ['127.1.1.8', '127.1.1.9'] }), two, 'order does not matter');
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
    assert.deepEqual(lines.slice(7), ['  }', '  chain input {', '    type filter hook input priority 0; policy accept;', '  }', '}', '']);
    assert.equal(comments.length, 2);
    assert.equal(renderNftScript('cachefleet_t1', routes).script, script, 'deterministic');
  });

  it("marks the node user's connections first in the NAT chain and admits them before any source filter; never for root", () => {
    const routes = normalizeRoutes([route('g/primary', '127.77.0.1', [['127.77.0.2', 6379]])]);
    const filters = [{ id: 'g-001/0001', address: '127.77.0.2', port: 6379, allow: ['127.5.0.1'] }];
    const lines = renderNftScript('t', routes, filters, { nodeUid: 107 }).script.split('\n');
    const nat = lines.indexOf('    type nat hook output priority -100; policy accept;');
    assert.match(lines[nat + 1]!, /^ {4}meta skuid 107 ct mark set 0x63660001 comment "node-connections cf:/);
    const input = lines.indexOf('    type filter hook input priority 0; policy accept;');
    assert.match(lines[input + 1]!, /^ {4}ct state != new accept/);
    assert.match(lines[input + 2]!, /^ {4}ct mark 0x63660001 accept comment "node-connections cf:/);
    assert.match(lines[input + 3]!, /ip daddr 127\.77\.0\.2 tcp dport 6379 ct state new ip saddr != \{ 127\.5\.0\.1 \} reject/);
    for (const opts of [{}, { nodeUid: 0 }]) assert.ok(!renderNftScript('t', routes, filters, opts).script.includes('skuid'), JSON.stringify(opts));
    assert.ok(!renderNftScript('t', routes, [], { nodeUid: 107 }).script.includes('skuid'), 'no filters, nothing to pass');
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
      { chain: { family: 'ip', table: 't', name: 'input', type: 'filter', hook: 'input', prio: 0, policy: 'accept' } },
      { rule: { chain: 'output', comment: 'a cf:1' } },
      { rule: { chain: 'input', comment: 'f cf:2' } },
      { rule: { chain: 'output' } },
    ] });
    assert.deepEqual(programmedComments(json), ['output a cf:1', 'output ', 'input f cf:2']);
    const noFilterChain = JSON.stringify({ nftables: [
      { chain: { family: 'ip', table: 't', name: 'output', type: 'nat', hook: 'output', prio: -100, policy: 'accept' } },
    ] });
    assert.equal(programmedComments(noFilterChain), undefined, 'a table from before source filters is re-applied');
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

describe('source filters', () => {
  const filter = (allow: string[]): SourceFilter => ({ id: 'g-001/0001', address: '127.77.0.5', port: 6379, allow });

  it('refuses new connections from every source outside the merged allow list', () => {
    assert.equal(renderFilterBody(filter(['127.0.0.9', '127.0.0.0/30', '127.0.0.4/31', '10.1.2.3'])),
      'ip daddr 127.77.0.5 tcp dport 6379 ct state new ip saddr != { 10.1.2.3, 127.0.0.0-127.0.0.5, 127.0.0.9 } reject with tcp reset');
    assert.equal(renderFilterBody(filter([])), 'ip daddr 127.77.0.5 tcp dport 6379 ct state new reject with tcp reset');
  });

  it('renders filters into the input chain, tagged like routes', () => {
    const { script, comments } = renderNftScript('t', [], normalizeFilters([filter(['127.0.0.1'])]));
    assert.match(script, /chain input \{\n {4}type filter hook input priority 0; policy accept;\n {4}ct state != new accept comment "not-new cf:[0-9a-f]{12}"\n {4}ip daddr 127\.77\.0\.5 .* comment "g-001\/0001 cf:[0-9a-f]{12}"\n/);
    assert.equal(comments.length, 2);
    assert.match(comments[1]!, /^input g-001\/0001 cf:/);
    const other = renderNftScript('t', [], normalizeFilters([filter(['127.0.0.2'])])).comments[1];
    assert.notEqual(other, comments[1], 'a changed allow list changes the comment (drift check)');
    assert.doesNotMatch(renderNftScript('t', []).script, /ct state/, 'no filters, no rules in the input chain');
  });

  it('validates filters', () => {
    assert.throws(() => normalizeFilters([filter(['127.0.0.1/33'])]), /invalid IPv4 CIDR/);
    assert.throws(() => normalizeFilters([filter(['nope'])]), /invalid IPv4 address/);
    assert.throws(() => normalizeFilters([filter([]), { ...filter([]), id: 'x' }]), /both guard 127\.77\.0\.5:6379/);
  });

  it('merges sources and matches addresses', () => {
    assert.deepEqual(mergeSources(['127.0.0.2', '127.0.0.1', '127.0.0.0/8']).length, 1);
    assert.ok(sourceAllowed('127.0.0.7', ['127.0.0.0/29']));
    assert.ok(sourceAllowed('::ffff:127.0.0.7', ['127.0.0.7']));
    assert.ok(!sourceAllowed('127.0.0.8', ['127.0.0.0/29']));
    assert.ok(!sourceAllowed('::1', ['0.0.0.0/0']));
  });
});
