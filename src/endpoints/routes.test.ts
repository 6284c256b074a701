import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isSniffing, needsKernelNat, normalizeRoutes } from './routes.js';
import type { EndpointRoute } from './types.js';

const T = (n: number, port = 6379) => ({ address: `127.77.0.${n}`, port });
const route = (extra: Partial<EndpointRoute> = {}): EndpointRoute => ({
  id: 'g-001/0001', address: '127.77.0.5', port: 7000, targets: [T(5)], ...extra,
});

describe('route normalisation: sniffing routes and source exemptions', () => {
  it('a plain route gains no new fields (its hash stays what it was)', () => {
    assert.deepEqual(normalizeRoutes([route()]), [{ id: 'g-001/0001', address: '127.77.0.5', port: 7000, targets: [T(5)] }]);
  });

  it('keeps both target lists in their order (tried in order) and sorts the exemptions', () => {
    const [r] = normalizeRoutes([route({ targets: [T(9), T(5)], tlsTargets: [T(5, 7001), T(4, 7001)] })]);
    assert.deepEqual(r!.targets, [T(9), T(5)]);
    assert.deepEqual(r!.tlsTargets, [T(5, 7001), T(4, 7001)]);
    assert.ok(isSniffing(r!));
    const [n] = normalizeRoutes([route({ exceptSources: ['127.77.255.254', '127.77.0.0/30'] })]);
    assert.deepEqual(n!.exceptSources, ['127.77.0.0/30', '127.77.255.254']);
    assert.ok(needsKernelNat(n!));
  });

  it('an empty tlsTargets still makes a sniffing route; an empty exemption list is dropped', () => {
    const [r] = normalizeRoutes([route({ tlsTargets: [] })]);
    assert.deepEqual(r!.tlsTargets, []);
    assert.ok(isSniffing(r!));
    const [n] = normalizeRoutes([route({ exceptSources: [] })]);
    assert.equal('exceptSources' in n!, false);
    assert.ok(!needsKernelNat(n!));
    // So durable writes with an empty exemption list are fine: it exempts nobody.
    normalizeRoutes([route({ durable: { timeoutMs: 100 }, exceptSources: [] })]);
  });

  it('copies only the fields of a route, not extra properties of the caller\'s objects', () => {
    const extra = { address: '127.77.0.5', port: 7001, note: 'x' } as unknown as ReturnType<typeof T>;
    const [r] = normalizeRoutes([route({ tlsTargets: [extra] })]);
    assert.deepEqual(r!.tlsTargets, [T(5, 7001)]);
  });

  it('rejects the combinations no router can serve', () => {
    assert.throws(() => normalizeRoutes([route({ durable: { timeoutMs: 100 }, tlsTargets: [T(5, 7001)] })]), /durable writes and TLS sniffing/);
    assert.throws(() => normalizeRoutes([route({ durable: { timeoutMs: 100 }, exceptSources: ['127.77.255.254'] })]), /durable writes and source exemptions/);
    assert.throws(() => normalizeRoutes([route({ tlsTargets: [], exceptSources: ['127.77.255.254'] })]), /TLS sniffing \(tlsTargets\) and source exemptions/);
  });

  it('rejects a sniffing listener whose upstream NAT would send back to it (a connection storm)', () => {
    const node = { address: '127.77.0.5', port: 6379 };
    const listener = { address: '127.77.0.5', port: 16380 };
    const sniff = (sourceAddress?: string): EndpointRoute => ({
      id: 'n/sniff', ...listener, targets: [node], tlsTargets: [T(5, 16379)], ...(sourceAddress ? { sourceAddress } : {}),
    });
    const nat: EndpointRoute = { id: 'n/node', ...node, targets: [listener], exceptSources: ['127.77.255.254', '127.77.0.0/29'] };
    assert.throws(() => normalizeRoutes([sniff(), nat]), /n\/sniff connects to 127\.77\.0\.5:6379, which route n\/node translates back/);
    assert.throws(() => normalizeRoutes([sniff('127.77.0.9'), nat]), /sourceAddress \(127\.77\.0\.9\) must be among/);
    normalizeRoutes([sniff('127.77.255.254'), nat]);
    normalizeRoutes([sniff('127.77.0.6'), nat]);
    normalizeRoutes([sniff(), { ...nat, targets: [T(9)] }]); // NAT goes elsewhere: no loop
    const { tlsTargets: _, ...plain } = sniff();
    normalizeRoutes([plain, nat]); // NAT to NAT: translated once, no loop
    assert.throws(() => normalizeRoutes([{ ...plain, durable: { timeoutMs: 100 } }, nat]), /translates back/);
  });

  it('validates TLS targets and exempt sources', () => {
    assert.throws(() => normalizeRoutes([route({ tlsTargets: [{ address: 'localhost', port: 1 }] })]), /TLS target.*invalid IPv4/);
    assert.throws(() => normalizeRoutes([route({ tlsTargets: [{ address: '127.0.0.1', port: 70000 }] })]), /invalid port/);
    assert.throws(() => normalizeRoutes([route({ exceptSources: ['127.77.0.1/16'] })]), /source exemptions.*host bits/);
    assert.throws(() => normalizeRoutes([route({ exceptSources: ['nope'] })]), /source exemptions.*invalid IPv4/);
  });
});
