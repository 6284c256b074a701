import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseClusterNodes } from '../engine/cluster-nodes.js';
import { heldTargets, ownership, staleExports } from './slot-views.js';

const A = 'a'.repeat(40);
const B = 'b'.repeat(40);
const C = 'c'.repeat(40);
const RB = 'd'.repeat(40);

/** CLUSTER NODES as `me` sees it: primaries with their slots, and RB a replica of B. */
function view(me: string, slots: Record<string, string>): ReturnType<typeof parseClusterNodes> {
  const line = (id: string, port: number, role: string, primary: string, epoch: number, ranges: string) =>
    `${id} 127.0.0.1:${port}@${port + 10000} ${id === me ? 'myself,' : ''}${role} ${primary} 0 0 ${epoch} connected${ranges ? ` ${ranges}` : ''}`;
  return parseClusterNodes([
    line(A, 7001, 'master', '-', 1, slots[A] ?? ''),
    line(B, 7002, 'master', '-', 2, slots[B] ?? ''),
    line(C, 7003, 'master', '-', 3, slots[C] ?? ''),
    line(RB, 7004, 'slave', B, 2, ''),
  ].join('\n'));
}

describe('slot views', () => {
  it('ownership names each primary with its slots, the same whatever order or splitting the ranges come in', () => {
    const one = view(A, { [A]: '0-100 101-200', [B]: '201-16383' });
    const two = view(B, { [B]: '201-16383', [A]: '0-200' });
    assert.equal(ownership(one), `${A}:0-200 ${B}:201-16383`);
    assert.equal(ownership(one), ownership(two));
    assert.notEqual(ownership(one), ownership(view(A, { [A]: '0-199', [B]: '200-16383' })));
    assert.notEqual(ownership(one), ownership(view(A, { [A]: '0-200', [C]: '201-16383' })), 'same slots, another owner');
  });

  it('staleExports: slots a viewer still gives to a node that has given them to another', () => {
    const bOwn = view(B, { [A]: '0-8191', [B]: '8192-12000', [C]: '12001-16383' });
    const stale = view(RB, { [A]: '0-8191', [B]: '8192-12002', [C]: '12003-16383' });
    assert.deepEqual(staleExports(B, bOwn, stale), [12001, 12002]);
    assert.deepEqual(staleExports(B, bOwn, bOwn), [], 'its own view');
    assert.deepEqual(staleExports(B, bOwn, view(RB, { [A]: '0-8191', [B]: '8192-12000', [C]: '12001-16383' })), [], 'caught up');
    // A slot B sees owned by nobody is the split-slots mender's business, not a stale export.
    const bFree = view(B, { [A]: '0-8191', [B]: '8192-12000', [C]: '12002-16383' });
    assert.deepEqual(staleExports(B, bFree, stale), [12002]);
    assert.deepEqual(staleExports(A, bOwn, stale), [], 'a view that is not the node\'s own says nothing');
  });

  it('heldTargets: no slot moves into a node with slots still to give, nor into one seen owning slots it gave away', () => {
    const views = new Map([
      [A, view(A, { [A]: '0-8191', [B]: '8192-16383' })],
      [B, view(B, { [A]: '0-8191', [B]: '8192-16383' })],
      [C, view(C, { [A]: '0-8191', [B]: '8192-16383' })],
    ]);
    // 2 → 3 shards of contiguous slots: A gives to B, B gives to C.
    const moves = [{ slot: 6000, from: A, to: B }, { slot: 12000, from: B, to: C }];
    const held = heldTargets(moves, views);
    assert.deepEqual([...held.keys()], [B]);
    assert.match(held.get(B)!, /slots to give away/);

    // B has given 12000 to C (B's and C's views say so); A has not heard yet.
    const after = new Map([
      [A, view(A, { [A]: '0-8191', [B]: '8192-16383' })],
      [B, view(B, { [A]: '0-8191', [B]: '8192-11999 12001-16383', [C]: '12000' })],
      [C, view(C, { [A]: '0-8191', [B]: '8192-11999 12001-16383', [C]: '12000' })],
    ]);
    const next = heldTargets([{ slot: 6000, from: A, to: B }], after);
    assert.match(next.get(B) ?? '', new RegExp(`node ${A} still sees it own slot 12000`));

    after.set(A, view(A, { [A]: '0-8191', [B]: '8192-11999 12001-16383', [C]: '12000' }));
    assert.equal(heldTargets([{ slot: 6000, from: A, to: B }], after).size, 0, 'every node caught up: B may take slots');
    assert.equal(heldTargets([{ slot: 12001, from: B, to: C }], views).size, 0, 'a target that gives nothing away goes ahead');
  });
});
