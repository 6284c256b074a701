/**
 * IPv4 addresses and CIDR blocks: one parser for the whole house (endpoint and node address
 * pools, source filters, EC2's network interfaces and security-group rules). Pure functions.
 *
 * Addresses are dotted quads only: no leading zeros (010 could be read as octal; EC2 refuses it
 * too), no shorthand, no surrounding spaces.
 */

/** The address as an unsigned 32-bit number, or undefined when it is not a dotted-quad IPv4 address. */
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

/** True for 127.0.0.0/8 (and IPv6 ::1): addresses only reachable from this host's network namespace. */
export function isLoopback(address: string): boolean {
  if (address === '::1') return true;
  const n = parseIpv4(address);
  return n !== undefined && n >>> 24 === 127;
}

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  network: number;
  prefixLength: number;
  /** First and last address of the block (inclusive), unsigned 32-bit integers. */
  first: number;
  last: number;
}

/**
 * Parses "a.b.c.d/len", strictly: host bits must be zero so a typo in a setting (127.77.1.0/16)
 * is caught early. Throws on anything else. See {@link normalizeCidr} for EC2's lenient reading.
 */
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

/**
 * A CIDR block `a.b.c.d/n` in its canonical form (host bits cleared, as EC2 stores
 * 10.0.0.1/24 as 10.0.0.0/24), or undefined when it is not one.
 */
export function normalizeCidr(text: string): string | undefined {
  const slash = text.indexOf('/');
  if (slash === -1) return undefined;
  const addr = parseIpv4(text.slice(0, slash));
  const bitsText = text.slice(slash + 1);
  if (addr === undefined || !/^\d{1,2}$/.test(bitsText)) return undefined;
  const bits = Number(bitsText);
  if (bits > 32) return undefined;
  const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
  return `${formatIpv4((addr & mask) >>> 0)}/${bits}`;
}

/** True when `address` (dotted quad) is inside `cidr` (read as {@link normalizeCidr} does). */
export function cidrContains(cidr: string, address: string): boolean {
  const norm = normalizeCidr(cidr);
  const addr = parseIpv4(address);
  if (!norm || addr === undefined) return false;
  const [base, bits] = norm.split('/') as [string, string];
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return ((addr & mask) >>> 0) === parseIpv4(base);
}
