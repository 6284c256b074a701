/**
 * IPv4 address pool helpers for endpoint and node addresses (e.g. "127.77.0.0/16").
 * Pure functions: the caller owns the list of addresses in use (it lives in the store).
 */

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefixLength: number;
  /** First and last address of the block (inclusive), unsigned 32-bit integers. */
  first: number;
  last: number;
}

/** Parses a dotted-quad IPv4 address; undefined when it is not one (no leading zeros, no shorthand). */
export function parseIpv4(address: string): number | undefined {
  const parts = address.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^(0|[1-9][0-9]{0,2})$/.test(p)) return undefined;
    const v = Number(p);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function isIpv4(address: string): boolean {
  return parseIpv4(address) !== undefined;
}

/** Parses "a.b.c.d/len". Host bits must be zero so a typo like 127.77.1.0/16 is caught early. */
export function parseCidr(cidr: string): Cidr {
  const m = /^([0-9.]+)\/([0-9]{1,2})$/.exec(cidr.trim());
  const base = m ? parseIpv4(m[1]!) : undefined;
  const prefixLength = m ? Number(m[2]) : NaN;
  if (base === undefined || !(prefixLength >= 0 && prefixLength <= 32)) {
    throw new Error(`invalid IPv4 CIDR "${cidr}" (expected e.g. 127.77.0.0/16)`);
  }
  const size = 2 ** (32 - prefixLength);
  if (base % size !== 0) {
    throw new Error(`invalid CIDR "${cidr}": host bits are set (did you mean ${formatIpv4(base - (base % size))}/${prefixLength}?)`);
  }
  return { network: base, prefixLength, first: base, last: base + size - 1 };
}

/** True for 127.0.0.0/8 (and IPv6 ::1): addresses only reachable from this host's network namespace. */
export function isLoopback(address: string): boolean {
  if (address === '::1') return true;
  const n = parseIpv4(address);
  return n !== undefined && n >>> 24 === 127;
}

const LOCALHOST = parseIpv4('127.0.0.1')!;

/**
 * The lowest free address in `cidr` (the highest with `highest`, e.g. for the service's own address). Skips addresses ending in .0 or .255 (they look like network or
 * broadcast addresses and confuse people and some tools), the block's own network and broadcast
 * addresses, and 127.0.0.1 (other local services, e.g. a system redis, commonly listen there).
 */
export function allocateAddress(cidr: string, used: Iterable<string>, opts: { highest?: boolean } = {}): string {
  const block = parseCidr(cidr);
  const taken = new Set<number>();
  for (const u of used) {
    const n = parseIpv4(u);
    if (n !== undefined) taken.add(n);
  }
  const hasNetBroadcast = block.prefixLength <= 30;
  const step = opts.highest ? -1 : 1;
  for (let n = opts.highest ? block.last : block.first; n >= block.first && n <= block.last; n += step) {
    const lastOctet = n & 255;
    if (lastOctet === 0 || lastOctet === 255) continue;
    if (hasNetBroadcast && (n === block.first || n === block.last)) continue;
    if (n === LOCALHOST || taken.has(n)) continue;
    return formatIpv4(n);
  }
  throw new Error(`address pool ${cidr} is exhausted (${taken.size} addresses in use); configure a larger endpoint CIDR`);
}

/** An inclusive range of IPv4 addresses as unsigned 32-bit integers. */
export interface Ipv4Range {
  first: number;
  last: number;
}

/** "a.b.c.d" or "a.b.c.d/len" (host bits must be zero) as a range; throws on anything else. */
export function sourceRange(source: string): Ipv4Range {
  if (!source.includes('/')) {
    const n = parseIpv4(source);
    if (n === undefined) throw new Error(`invalid IPv4 address "${source}"`);
    return { first: n, last: n };
  }
  const c = parseCidr(source);
  return { first: c.first, last: c.last };
}

/** The sources as sorted, disjoint, non-adjacent ranges (what an nft interval set accepts). */
export function mergeSources(sources: readonly string[]): Ipv4Range[] {
  const ranges = sources.map(sourceRange).sort((a, b) => a.first - b.first || a.last - b.last);
  const out: Ipv4Range[] = [];
  for (const r of ranges) {
    const prev = out[out.length - 1];
    if (prev && r.first <= prev.last + 1) prev.last = Math.max(prev.last, r.last);
    else out.push({ ...r });
  }
  return out;
}

/** Whether `address` falls in one of `sources` (addresses or CIDRs); false for a non-IPv4 address. */
export function sourceAllowed(address: string, sources: readonly string[]): boolean {
  // Node reports IPv4 peers of a dual-stack socket as ::ffff:a.b.c.d.
  const n = parseIpv4(address.startsWith('::ffff:') ? address.slice(7) : address);
  if (n === undefined) return false;
  return sources.some((s) => {
    try {
      const r = sourceRange(s);
      return n >= r.first && n <= r.last;
    } catch {
      return false;
    }
  });
}
