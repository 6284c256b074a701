/**
 * Closing connections that kernel NAT sent to a given target (after a failover).
 *
 * Deleting the conntrack entry alone does not close anything: the next packet of the connection
 * creates a fresh entry and goes through the nat chain again, so if the route still points at the
 * same target the connection silently carries on, and if it was retargeted the packet reaches the
 * new target, which answers with a reset - but only when the client next sends. An idle client
 * (e.g. a subscriber) would hang, and the old server keeps a half-open client until its keepalive.
 * So we first abort the sockets themselves with `ss -K` (both ends are local: loopback addresses
 * are only reachable from this network namespace), which fails the client at once with
 * ECONNABORTED and resets the server side through the still-present entry, then delete the
 * entries as a fallback for kernels without socket destroy (CONFIG_INET_DIAG_DESTROY).
 */
import { execTool } from './exec.js';
import type { Logger } from '../util/logger.js';
import type { Target } from './types.js';

export interface NatFlow {
  state: string;
  /** Client as it connected (original direction). */
  clientAddress: string;
  clientPort: number;
  /** Client as the server sees it (reply direction destination; differs only under SNAT). */
  peerAddress: string;
  peerPort: number;
}

/** Parses `conntrack -L` lines: the first src/dst/sport/dport are the original direction, the second the reply. */
export function parseConntrack(output: string): NatFlow[] {
  const flows: NatFlow[] = [];
  for (const line of output.split('\n')) {
    const m = /^tcp\s+\d+\s+\d+\s+([A-Z_]+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const kv = [...m[2]!.matchAll(/(src|dst|sport|dport)=(\S+)/g)].map((x) => [x[1]!, x[2]!] as const);
    const get = (key: string, nth: number): string | undefined => kv.filter(([k]) => k === key)[nth]?.[1];
    const src = get('src', 0);
    const sport = get('sport', 0);
    const rdst = get('dst', 1);
    const rdport = get('dport', 1);
    if (!src || !sport || !rdst || !rdport) continue;
    flows.push({ state: m[1]!, clientAddress: src, clientPort: Number(sport), peerAddress: rdst, peerPort: Number(rdport) });
  }
  return flows;
}

function flowFilter(endpoint: Target, target: Target): string[] {
  return [
    '-p', 'tcp',
    '--orig-dst', endpoint.address, '--orig-port-dst', String(endpoint.port),
    '--reply-src', target.address, '--reply-port-src', String(target.port),
  ];
}

/** Socket kill filters for ss, in chunks so a busy endpoint does not make an enormous command line. */
export function ssKillFilters(endpoint: Target, target: Target, flows: readonly NatFlow[], chunk = 64): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < flows.length; i += chunk) {
    const part = flows.slice(i, i + chunk);
    const clients = part.map((f) => `src ${f.clientAddress}:${f.clientPort}`).join(' or ');
    const peers = part.map((f) => `dst ${f.peerAddress}:${f.peerPort}`).join(' or ');
    // Client side (its peer is the endpoint address) and server side (the target's accepted socket).
    out.push([`( dst ${endpoint.address}:${endpoint.port} and ( ${clients} ) )`]);
    out.push([`( src ${target.address}:${target.port} and ( ${peers} ) )`]);
  }
  return out;
}

const LIVE = new Set(['SYN_SENT', 'SYN_RECV', 'ESTABLISHED', 'FIN_WAIT', 'CLOSE_WAIT', 'LAST_ACK']);

/** Closes connections to `endpoint` that were NATed to `target`; returns how many flows were found. */
export async function dropNatConnections(endpoint: Target, target: Target, logger: Logger): Promise<number> {
  const listed = await execTool('conntrack', ['-L', ...flowFilter(endpoint, target)]);
  if (listed.code !== 0) throw new Error(`conntrack -L failed (exit ${listed.code}): ${listed.stderr.trim()}`);
  const flows = parseConntrack(listed.stdout).filter((f) => LIVE.has(f.state));
  if (flows.length > 0) {
    let killed = 0;
    for (const filter of ssKillFilters(endpoint, target, flows)) {
      try {
        const r = await execTool('ss', ['-K', '-t', '-n', '-H', ...filter]);
        killed += r.stdout.split('\n').filter((l) => l.trim()).length;
      } catch (err) {
        logger.warn({ err }, 'ss -K unavailable; relying on conntrack deletion (clients fail on their next write)');
        break;
      }
    }
    if (killed === 0) {
      // No local socket matched (clients in another network namespace, or no socket destroy
      // support): the conntrack deletion below still makes them fail on their next write.
      logger.warn({ endpoint, target, flows: flows.length }, 'could not abort endpoint sockets; clients will fail on their next write');
    } else {
      logger.info({ endpoint, target, flows: flows.length, socketsKilled: killed }, 'dropped endpoint connections');
    }
  }
  // Exit code 1 just means "0 flow entries deleted" (e.g. the sockets' resets already removed them).
  const del = await execTool('conntrack', ['-D', ...flowFilter(endpoint, target)]);
  if (del.code !== 0 && del.code !== 1) throw new Error(`conntrack -D failed (exit ${del.code}): ${del.stderr.trim()}`);
  return flows.length;
}
