/**
 * IPv4 address pool helpers for endpoint and node addresses (e.g. "127.77.0.0/16"), and the
 * source filters' address ranges. Pure functions: the caller owns the list of addresses in use
 * (it lives in the store). Parsing and formatting are util/ipv4.ts's.
 */
import { formatIpv4, parseCidr, parseIpv4 } from '../util/ipv4.js';

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
