// IPv4 addresses and CIDR blocks as EC2 reads them.

/** The address as a 32-bit unsigned number, or undefined when it is not a dotted-quad IPv4 address. */
export function parseIpv4(text: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(text);
  if (!m) return undefined;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part.startsWith('0')) return undefined; // 010 is ambiguous (octal?); EC2 refuses it
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

export function formatIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
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

/** True when `address` (dotted quad) is inside `cidr`. */
export function cidrContains(cidr: string, address: string): boolean {
  const norm = normalizeCidr(cidr);
  const addr = parseIpv4(address);
  if (!norm || addr === undefined) return false;
  const [base, bits] = norm.split('/') as [string, string];
  const mask = Number(bits) === 0 ? 0 : (0xffffffff << (32 - Number(bits))) >>> 0;
  return ((addr & mask) >>> 0) === parseIpv4(base);
}
