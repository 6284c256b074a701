/**
 * Commands about the whole keyspace, which the endpoint (one virtual node) answers for every
 * shard: sent to each primary, their replies combined. SCAN's cursor carries the shard it is in:
 * cursor = node cursor × shards + shard index, so a scan walks the shards one after another.
 */
import type { ClientSession as Session } from './client.js';
import { array, bulk, decode, encodeCommand, error, errorText, integer, type Value } from './resp.js';

export const FAN_OUT = new Set(['dbsize', 'flushall', 'flushdb', 'keys', 'scan', 'script']);

type Combine = (replies: Buffer[]) => Buffer;

export function fanOut(s: Session, name: string, args: Buffer[], bytesIn: number, t0: number): void {
  const shards = s.ctx.topology.map?.shardSlots() ?? [];
  if (shards.length === 0) return s.answer(error('CLUSTERDOWN The cluster is down'), bytesIn);
  if (name === 'scan') return scan(s, args, shards, bytesIn, t0);
  const sub = args[1]?.toString().toLowerCase();
  let combine: Combine;
  if (name === 'dbsize') combine = (r) => integer(r.reduce((sum, x) => sum + Number(decode(x).value), 0));
  else if (name === 'keys') combine = (r) => array(r.flatMap((x) => ((decode(x).value as Buffer[]) ?? []).map((k) => bulk(k))));
  else if (name === 'script' && sub === 'exists') {
    // A script exists when every shard has it (EVALSHA may land on any of them).
    combine = (r) => {
      const lists = r.map((x) => decode(x).value as number[]);
      return array(lists[0]!.map((_, i) => integer(lists.every((l) => l[i] === 1) ? 1 : 0)));
    };
  } else combine = (r) => r[0]!; // FLUSHALL, FLUSHDB, SCRIPT LOAD/FLUSH: the same reply from each
  const frame = encodeCommand(args);
  const p = s.reserve();
  const replies: Buffer[] = new Array(shards.length);
  let left = shards.length;
  shards.forEach((slot, i) => {
    s.ctx.router.run({
      frame, n: 1, slot, replica: false, retrySafe: name !== 'flushall' && name !== 'flushdb',
      login: s.login!, proto: s.proto, lane: s.id,
      cb: (r) => {
        replies[i] = r[0]!;
        if (--left > 0) return;
        const failed = replies.find((x) => errorText(x) !== undefined);
        s.finish(p, failed ?? combine(replies), bytesIn, name === 'keys' ? 'read' : 'other', t0);
      },
    });
  });
}

function scan(s: Session, args: Buffer[], shards: number[], bytesIn: number, t0: number): void {
  let cursor: bigint;
  try {
    cursor = BigInt(args[1]?.toString() ?? 'x');
  } catch {
    return s.answer(error('ERR invalid cursor'), bytesIn);
  }
  const n = BigInt(shards.length);
  const shard = Number(cursor % n);
  const nodeCursor = cursor / n;
  const frame = encodeCommand([args[0]!, nodeCursor.toString(), ...args.slice(2)]);
  const p = s.reserve();
  s.ctx.router.run({
    frame, n: 1, slot: shards[shard]!, replica: s.reader, retrySafe: true, login: s.login!, proto: s.proto, lane: s.id,
    cb: (r) => {
      const v = decode(r[0]!).value as Value;
      if (!Array.isArray(v)) return s.finish(p, r[0]!, bytesIn, 'read', t0);
      const next = BigInt((v[0] as Buffer).toString());
      const out = next === 0n ? (shard + 1 < shards.length ? BigInt(shard + 1) : 0n) : next * n + BigInt(shard);
      s.finish(p, array([bulk(out.toString()), array((v[1] as Buffer[]).map((k) => bulk(k)))]), bytesIn, 'read', t0);
    },
  });
}
