/**
 * Parsing of `CLUSTER NODES` and of slot range strings. Pure, so the reconciler's view of a
 * Redis Cluster can be unit-tested against captured output without a server.
 */

export const SLOT_COUNT = 16384;

/** An inclusive slot range [first, last]. */
export type SlotRange = [number, number];

export interface ClusterNode {
  id: string;
  /** The announced IP; '' while the address is unknown (noaddr, or a node seen only by id). */
  address: string;
  port: number;
  busPort: number;
  /** cluster-announce-hostname, when the node announces one. */
  hostname?: string;
  flags: string[];
  myself: boolean;
  role: 'primary' | 'replica';
  /** Replica only: the id of the primary it follows (as this node believes). */
  primaryId?: string;
  pingSent: number;
  pongRecv: number;
  configEpoch: number;
  linkState: 'connected' | 'disconnected' | string;
  slots: SlotRange[];
  /** Only ever present on the `myself` line: a node knows only its own open slots. */
  migrating: Array<{ slot: number; to: string }>;
  importing: Array<{ slot: number; from: string }>;
  /** PFAIL (fail?) or FAIL, as seen by the node that produced the output. */
  failed: boolean;
  handshake: boolean;
  noaddr: boolean;
}

/** `[slot->-id]` (migrating to id) or `[slot-<-id]` (importing from id). */
const OPEN_SLOT = /^\[(\d+)-([<>])-([0-9a-f]+)\]$/;

/**
 * Parses `CLUSTER NODES` text. Address forms: `ip:port@cport`, `ip:port@cport,hostname` (7.0)
 * and `ip:port@cport,hostname,aux=value…` (7.2+); `ip` may be empty (`:0@0`) or IPv6.
 */
export function parseClusterNodes(text: string): ClusterNode[] {
  const out: ClusterNode[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trim();
    if (line === '') continue;
    const f = line.split(' ');
    if (f.length < 8) throw new Error(`malformed CLUSTER NODES line: ${JSON.stringify(line)}`);
    const [id, addrField, flagField, primary, pingSent, pongRecv, epoch, linkState, ...slotFields] = f;
    const flags = flagField.split(',').filter((x) => x !== '' && x !== 'noflags');
    const [hostPortBus, hostname] = addrField.split(',');
    const at = hostPortBus.indexOf('@');
    const hostPort = at >= 0 ? hostPortBus.slice(0, at) : hostPortBus;
    const colon = hostPort.lastIndexOf(':');
    const address = colon >= 0 ? hostPort.slice(0, colon) : hostPort;
    const port = colon >= 0 ? Number(hostPort.slice(colon + 1)) : 0;
    const busPort = at >= 0 ? Number(hostPortBus.slice(at + 1)) : 0;

    const node: ClusterNode = {
      id,
      address,
      port,
      busPort,
      flags,
      myself: flags.includes('myself'),
      role: flags.includes('slave') || flags.includes('replica') ? 'replica' : 'primary',
      pingSent: Number(pingSent),
      pongRecv: Number(pongRecv),
      configEpoch: Number(epoch),
      linkState,
      slots: [],
      migrating: [],
      importing: [],
      failed: flags.includes('fail') || flags.includes('fail?'),
      handshake: flags.includes('handshake'),
      noaddr: flags.includes('noaddr'),
    };
    if (hostname) node.hostname = hostname;
    if (primary !== '-') node.primaryId = primary;
    for (const s of slotFields) {
      if (s === '') continue;
      const open = OPEN_SLOT.exec(s);
      if (open) {
        const slot = Number(open[1]);
        if (open[2] === '>') node.migrating.push({ slot, to: open[3] });
        else node.importing.push({ slot, from: open[3] });
        continue;
      }
      const dash = s.indexOf('-');
      const a = Number(dash >= 0 ? s.slice(0, dash) : s);
      const b = Number(dash >= 0 ? s.slice(dash + 1) : s);
      if (!Number.isInteger(a) || !Number.isInteger(b)) throw new Error(`malformed slot field ${JSON.stringify(s)}`);
      node.slots.push([a, b]);
    }
    out.push(node);
  }
  return out;
}

/** The `myself` entry of parsed CLUSTER NODES output (every node reports exactly one). */
export function myselfOf(nodes: ClusterNode[]): ClusterNode {
  const me = nodes.find((n) => n.myself);
  if (!me) throw new Error('CLUSTER NODES output has no myself line');
  return me;
}

export function rangesContain(ranges: SlotRange[], slot: number): boolean {
  return ranges.some(([a, b]) => slot >= a && slot <= b);
}

/** The node that owns `slot` in this view (primaries only; replicas list no slots). */
export function slotOwner(nodes: readonly ClusterNode[], slot: number): ClusterNode | undefined {
  return nodes.find((n) => n.role === 'primary' && rangesContain(n.slots, slot));
}

export function countSlots(ranges: SlotRange[]): number {
  return ranges.reduce((sum, [a, b]) => sum + (b - a + 1), 0);
}

/** Sorted, merged (adjacent ranges joined) copy. Does not validate. */
export function normalizeRanges(ranges: SlotRange[]): SlotRange[] {
  const sorted = ranges.map(([a, b]): SlotRange => [a, b]).sort((x, y) => x[0] - y[0]);
  const out: SlotRange[] = [];
  for (const r of sorted) {
    const last = out[out.length - 1];
    if (last && r[0] <= last[1] + 1) last[1] = Math.max(last[1], r[1]);
    else out.push(r);
  }
  return out;
}

/** Ascending slot numbers → ranges of consecutive slots. */
export function slotsToRanges(slots: Iterable<number>): SlotRange[] {
  const sorted = [...slots].sort((a, b) => a - b);
  const out: SlotRange[] = [];
  for (const s of sorted) {
    const last = out[out.length - 1];
    if (last && s === last[1] + 1) last[1] = s;
    else if (!last || s > last[1]) out.push([s, s]);
  }
  return out;
}

export function rangesToSlots(ranges: SlotRange[]): number[] {
  const out: number[] = [];
  for (const [a, b] of ranges) for (let s = a; s <= b; s++) out.push(s);
  return out;
}

/**
 * "0-5461", "0-100,200-300", as ElastiCache shows NodeGroups[].Slots. A single slot is written
 * "7-7": the API documents the format as startkey-endkey, and SDK users parse it that way.
 */
export function formatSlots(ranges: SlotRange[]): string {
  return normalizeRanges(ranges)
    .map(([a, b]) => `${a}-${b}`)
    .join(',');
}

/**
 * Parses "0-5461" / "0-100,200-300" / "7" (whitespace around items tolerated). Rejects slots
 * outside 0-16383, reversed ranges and overlaps, since an ambiguous keyspace must never reach a
 * cluster. Returns the ranges sorted with adjacent ones merged; '' parses as no slots.
 */
export function parseSlots(s: string): SlotRange[] {
  if (s.trim() === '') return [];
  const ranges: SlotRange[] = [];
  for (const item of s.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(item);
    if (!m) throw new Error(`invalid slot range ${JSON.stringify(item.trim())} in ${JSON.stringify(s)}: expected N or N-M`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    for (const v of [a, b]) {
      if (v > SLOT_COUNT - 1) throw new Error(`slot ${v} in ${JSON.stringify(s)} is out of range 0-${SLOT_COUNT - 1}`);
    }
    if (a > b) throw new Error(`slot range ${a}-${b} in ${JSON.stringify(s)} is reversed`);
    ranges.push([a, b]);
  }
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  for (let i = 1; i < sorted.length; i++) {
    const [pa, pb] = sorted[i - 1];
    const [ca, cb] = sorted[i];
    if (ca <= pb) throw new Error(`slot ranges ${pa}-${pb} and ${ca}-${cb} in ${JSON.stringify(s)} overlap`);
  }
  return normalizeRanges(sorted);
}
