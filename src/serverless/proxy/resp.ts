/**
 * RESP for the serverless proxy: commands are parsed by redis-parser (see session.ts); replies
 * from the nodes are forwarded as the bytes the node sent, so this file only has to find where a
 * reply ends (RESP2 and RESP3 types; redis-parser knows RESP2 only and returns values, whose
 * re-encoding would cost more than the routing) and to encode the replies the proxy makes itself.
 * `decode` reads small replies the proxy must look into (pub/sub messages, fan-out results).
 */

const CR = 0x0d;

/** Offset just past the reply starting at `start`, or -1 when `buf` does not hold all of it yet. */
export function frameEnd(buf: Buffer, start: number): number {
  // Aggregates are walked with a count of elements still expected, not recursion.
  let pos = start;
  let pending = 1;
  while (pending > 0) {
    if (pos >= buf.length) return -1;
    const type = buf[pos]!;
    const lineEnd = buf.indexOf(CR, pos + 1);
    if (lineEnd < 0 || lineEnd + 1 >= buf.length) return -1;
    pending--;
    switch (type) {
      case 0x2b: case 0x2d: case 0x3a: case 0x5f: case 0x2c: case 0x23: case 0x28: // + - : _ , # (
        pos = lineEnd + 2;
        break;
      case 0x24: case 0x21: case 0x3d: { // $ ! =
        const len = readInt(buf, pos + 1, lineEnd);
        if (len < 0) { pos = lineEnd + 2; break; }
        const end = lineEnd + 2 + len + 2;
        if (end > buf.length) return -1;
        pos = end;
        break;
      }
      case 0x2a: case 0x7e: case 0x3e: { // * ~ >
        const n = readInt(buf, pos + 1, lineEnd);
        if (n > 0) pending += n;
        pos = lineEnd + 2;
        break;
      }
      case 0x25: case 0x7c: { // % | (maps and attributes: pairs)
        const n = readInt(buf, pos + 1, lineEnd);
        pending += 2 * n + (type === 0x7c ? 1 : 0); // an attribute precedes the value it describes
        pos = lineEnd + 2;
        break;
      }
      default:
        throw new Error(`not RESP: byte ${type} at ${pos}`);
    }
  }
  return pos;
}

/** The decimal integer in buf[from, to) (a RESP length or count). */
function readInt(buf: Buffer, from: number, to: number): number {
  let neg = false;
  let i = from;
  if (buf[i] === 0x2d) {
    neg = true;
    i++;
  }
  let n = 0;
  for (; i < to; i++) n = n * 10 + (buf[i]! - 48);
  return neg ? -n : n;
}

export type Value = null | number | string | Buffer | Error | Value[];

/** The value of one complete reply (strings as Buffers; maps as flat arrays; sets as arrays). */
export function decode(buf: Buffer, start = 0): { value: Value; end: number } {
  const type = buf[start]!;
  const lineEnd = buf.indexOf(CR, start + 1);
  const line = buf.toString('latin1', start + 1, lineEnd);
  switch (type) {
    case 0x2b: return { value: line, end: lineEnd + 2 };
    case 0x2d: return { value: new Error(line), end: lineEnd + 2 };
    case 0x3a: case 0x2c: case 0x28: return { value: Number(line), end: lineEnd + 2 };
    case 0x23: return { value: line === 't' ? 1 : 0, end: lineEnd + 2 };
    case 0x5f: return { value: null, end: lineEnd + 2 };
    case 0x24: case 0x21: case 0x3d: {
      const len = parseInt(line, 10);
      if (len < 0) return { value: null, end: lineEnd + 2 };
      return { value: buf.subarray(lineEnd + 2, lineEnd + 2 + len), end: lineEnd + 2 + len + 2 };
    }
    default: {
      let n = parseInt(line, 10);
      if (n < 0) return { value: null, end: lineEnd + 2 };
      if (type === 0x25) n *= 2;
      const out: Value[] = [];
      let pos = lineEnd + 2;
      for (let i = 0; i < n; i++) {
        const r = decode(buf, pos);
        out.push(r.value);
        pos = r.end;
      }
      return { value: out, end: pos };
    }
  }
}

/** One command as a RESP multibulk, written into one buffer (it runs for every command the proxy forwards). */
export function encodeCommand(args: readonly (Buffer | string)[]): Buffer {
  let size = 3 + decimalLength(args.length);
  for (const a of args) {
    const n = typeof a === 'string' ? Buffer.byteLength(a) : a.length;
    size += 5 + decimalLength(n) + n;
  }
  const out = Buffer.allocUnsafe(size);
  let pos = out.write(`*${args.length}\r\n`, 0, 'latin1');
  for (const a of args) {
    const n = typeof a === 'string' ? Buffer.byteLength(a) : a.length;
    pos += out.write(`$${n}\r\n`, pos, 'latin1');
    pos += typeof a === 'string' ? out.write(a, pos) : a.copy(out, pos);
    out[pos++] = 0x0d;
    out[pos++] = 0x0a;
  }
  return out;
}

function decimalLength(n: number): number {
  let d = 1;
  while (n >= 10) {
    n = Math.floor(n / 10);
    d++;
  }
  return d;
}

const CRLF = Buffer.from('\r\n');
export type Proto = 2 | 3;

export const OK = Buffer.from('+OK\r\n');
export const QUEUED = Buffer.from('+QUEUED\r\n');
export const simple = (s: string): Buffer => Buffer.from(`+${s}\r\n`);
/** An error reply; `msg` starts with its code (ERR, CROSSSLOT, NOAUTH…). */
export const error = (msg: string): Buffer => Buffer.from(`-${msg.replace(/[\r\n]+/g, ' ')}\r\n`);
export const integer = (n: number): Buffer => Buffer.from(`:${n}\r\n`);
export function bulk(v: Buffer | string | null, proto: Proto = 2): Buffer {
  if (v === null) return Buffer.from(proto === 3 ? '_\r\n' : '$-1\r\n');
  const b = typeof v === 'string' ? Buffer.from(v) : v;
  return Buffer.concat([Buffer.from(`$${b.length}\r\n`), b, CRLF]);
}
export const array = (items: readonly Buffer[]): Buffer => Buffer.concat([Buffer.from(`*${items.length}\r\n`), ...items]);
/** A map in RESP3, a flat array of pairs in RESP2. */
export function map(pairs: readonly [string, Buffer][], proto: Proto): Buffer {
  const head = Buffer.from(proto === 3 ? `%${pairs.length}\r\n` : `*${pairs.length * 2}\r\n`);
  return Buffer.concat([head, ...pairs.flatMap(([k, v]) => [bulk(k), v])]);
}
/** A pub/sub message: a push in RESP3, an array in RESP2. */
export const push = (items: readonly Buffer[], proto: Proto): Buffer =>
  Buffer.concat([Buffer.from(`${proto === 3 ? '>' : '*'}${items.length}\r\n`), ...items]);

/** The message of an error reply (without '-'), or undefined when `reply` is not an error. */
export function errorText(reply: Buffer): string | undefined {
  if (reply[0] !== 0x2d) return undefined;
  return reply.toString('latin1', 1, reply.length - 2);
}
