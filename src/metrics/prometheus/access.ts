/**
 * Who may scrape /metrics. A Prometheus server does not sign requests with SigV4, so the
 * exposition is not behind the API's authentication; instead: loopback clients always, clients
 * from the `--metrics-allow` CIDRs, and anyone presenting the bearer token of
 * `--metrics-token-file` (Prometheus's `authorization: { credentials_file: … }`). Everyone else
 * gets 403 (401 with a wrong token). The node series hold no keys or values, only counters.
 */
import { BlockList, isIPv4, isIPv6 } from 'node:net';
import { timingSafeEqual } from 'node:crypto';

export interface MetricsAccessOptions {
  /** CIDRs allowed besides loopback, e.g. ["10.0.0.0/8"]. */
  allow?: string[];
  /** The bearer token (the file's content, trimmed), if one is configured. */
  token?: string;
}

export type AccessVerdict = 'allow' | 'unauthorized' | 'forbidden';

export function metricsAccess(opts: MetricsAccessOptions): (remoteAddress: string | undefined, authorization: string | undefined) => AccessVerdict {
  const list = new BlockList();
  list.addSubnet('127.0.0.0', 8, 'ipv4');
  list.addAddress('::1', 'ipv6');
  for (const cidr of opts.allow ?? []) {
    const [addr, bits] = cidr.split('/');
    const type = isIPv4(addr ?? '') ? 'ipv4' : isIPv6(addr ?? '') ? 'ipv6' : undefined;
    const prefix = Number(bits ?? (type === 'ipv4' ? 32 : 128));
    if (!type || !Number.isInteger(prefix) || prefix < 0 || prefix > (type === 'ipv4' ? 32 : 128)) throw new Error(`--metrics-allow: not a CIDR: ${cidr}`);
    list.addSubnet(addr!, prefix, type);
  }
  const token = opts.token ? Buffer.from(opts.token) : undefined;
  return (remote, authorization) => {
    if (token && authorization !== undefined) {
      const given = Buffer.from(authorization.replace(/^Bearer\s+/i, ''));
      return given.length === token.length && timingSafeEqual(given, token) ? 'allow' : 'unauthorized';
    }
    if (!remote) return 'forbidden';
    const addr = remote.startsWith('::ffff:') ? remote.slice(7) : remote;
    const type = isIPv4(addr) ? 'ipv4' : 'ipv6';
    return list.check(addr, type) ? 'allow' : token ? 'unauthorized' : 'forbidden';
  };
}
