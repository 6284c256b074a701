/**
 * Commands about the whole keyspace, which the endpoint (one virtual node) answers for every
 * shard: sent to each primary, their replies combined (DBSIZE and INFO's Keyspace summed, KEYS
 * joined, RANDOMKEY from any shard that has a key, SCRIPT and FUNCTION LOAD… on every shard). SCAN's cursor carries the shard it is in:
 * cursor = node cursor × shards + shard index, so a scan walks the shards one after another.
 */
import type { ClientSession as Session } from './client.js';
import { combineInfo } from './introspection.js';
import { array, bulk, decode, encodeCommand, error, errorText, integer, type Value } from './resp.js';

const FAN_OUT = new Set(['dbsize', 'flushall', 'flushdb', 'info', 'keys', 'randomkey', 'scan', 'script']);
/** FUNCTION subcommands that change the libraries: on every shard, as FCALL may run on any. */
const FUNCTION_WRITES = new Set(['load', 'delete', 'flush', 'restore']);

/** Sent again after a lost connection they would not give the same reply (FUNCTION LOAD: "already exists"). */
const NOT_RETRIED = new Set(['flushall', 'flushdb', 'function']);

/** Whether the endpoint answers `name` for every shard (the others go to one node). */
export function fansOut(name: string, args: readonly Buffer[]): boolean {
  if (name === 'function') return FUNCTION_WRITES.has(args[1]?.toString().toLowerCase() ?? '');
  return FAN_OUT.has(name);
}

type Combine = (replies: Buffer[]) => Buffer;

export function fanOut(s: Session, name: string, args: Buffer[], bytesIn: number, t0: number): void {
  const shards = s.ctx.topology.map?.shardSlots() ?? [];
  if (shards.length === 0) return s.answer(error('CLUSTERDOWN The cluster is down'), bytesIn);
  if (name === 'scan') return scan(s, args, shards, bytesIn, t0);
  const sub = args[1]?.toString().toLowerCase();
  let combine: Combine;
  if (name === 'dbsize') combine = (r) => integer(r.reduce((sum, x) => sum + Number(decode(x).value), 0));
  else if (name === 'randomkey') {
    // A key of any shard that has one (nil only when the whole cache is empty).
    combine = (r) => {
      const found = r.filter((x) => decode(x).value !== null);
      return found[Math.floor(Math.random() * found.length)] ?? r[0]!;
    };
  } else if (name === 'keys') combine = (r) => array(r.flatMap((x) => ((decode(x).value as Buffer[]) ?? []).map((k) => bulk(k))));
  else if (name === 'script' && sub === 'exists') {
    // A script exists when every shard has it (EVALSHA may land on any of them).
    combine = (r) => {
      const lists = r.map((x) => decode(x).value as number[]);
      return array(lists[0]!.map((_, i) => integer(lists.every((l) => l[i] === 1) ? 1 : 0)));
    };
  } else if (name === 'info') combine = infoReply;
  else combine = (r) => r[0]!; // FLUSHALL, FLUSHDB, SCRIPT LOAD/FLUSH, FUNCTION LOAD…: the same reply from each
  const frame = encodeCommand(args);
  const p = s.reserve();
  const replies: Buffer[] = new Array(shards.length);
  let left = shards.length;
  shards.forEach((slot, i) => {
    s.ctx.router.run({
      frame, n: 1, slot, replica: false, retrySafe: !NOT_RETRIED.has(name),
      login: s.login!, proto: s.proto, lane: s.id,
      cb: (r) => {
        replies[i] = r[0]!;
        if (--left > 0) return;
        const failed = replies.find((x) => errorText(x) !== undefined);
        s.finish(p, failed ?? combine(replies), bytesIn, name === 'keys' || name === 'randomkey' ? 'read' : 'other', t0);
      },
    });
  });
}

/** SCAN's default COUNT, as Redis's. */
const SCAN_COUNT = 10;

/**
 * One SCAN page. A shard whose scan ends (node cursor 0) with fewer keys than COUNT in the page
 * hands on to the next shard within the same call, so a small keyspace comes back in one page
 * with cursor 0, as from one Redis node (clients and tests read one page of a small keyspace).
 */
function scan(s: Session, args: Buffer[], shards: number[], bytesIn: number, t0: number): void {
  let cursor: bigint;
  try {
    cursor = BigInt(args[1]?.toString() ?? 'x');
  } catch {
    return s.answer(error('ERR invalid cursor'), bytesIn);
  }
  const n = BigInt(shards.length);
  const at = args.findIndex((a, i) => i >= 2 && a.length === 5 && a.toString().toLowerCase() === 'count');
  const count = at > 0 ? Number(args[at + 1]?.toString()) || SCAN_COUNT : SCAN_COUNT;
  const p = s.reserve();
  const keys: Buffer[] = [];
  const step = (shard: number, nodeCursor: bigint): void => {
    const frame = encodeCommand([args[0]!, nodeCursor.toString(), ...args.slice(2)]);
    s.ctx.router.run({
      frame, n: 1, slot: shards[shard]!, replica: s.reader, retrySafe: true, login: s.login!, proto: s.proto, lane: s.id,
      cb: (r) => {
        const v = decode(r[0]!).value as Value;
        if (!Array.isArray(v)) return s.finish(p, r[0]!, bytesIn, 'read', t0);
        keys.push(...(v[1] as Buffer[]));
        const next = BigInt((v[0] as Buffer).toString());
        const last = shard + 1 >= shards.length;
        if (next === 0n && !last && keys.length < count) return step(shard + 1, 0n);
        const out = next === 0n ? (last ? 0n : BigInt(shard + 1)) : next * n + BigInt(shard);
        s.finish(p, array([bulk(out.toString()), array(keys.map((k) => bulk(k)))]), bytesIn, 'read', t0);
      },
    });
  };
  step(Number(cursor % n), cursor / n);
}

/** INFO of the virtual node (introspection.ts), in the reply type the nodes used (RESP3: verbatim). */
function infoReply(replies: Buffer[]): Buffer {
  const verbatim = replies[0]![0] === 0x3d; // '='
  const texts = replies.map((x) => {
    const v = (decode(x).value as Buffer).toString('latin1');
    return verbatim ? v.slice(4) : v; // without 'txt:'
  });
  const text = Buffer.from(combineInfo(texts), 'latin1');
  if (!verbatim) return bulk(text);
  return Buffer.concat([Buffer.from(`=${text.length + 4}\r\ntxt:`), text, Buffer.from('\r\n')]);
}
