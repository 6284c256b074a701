/**
 * Parsing of INFO replies into the facts the reconciler acts on. Pure, so it is unit-tested
 * against captured INFO text without a server.
 */

export interface ReplicaLink {
  ip: string;
  port: number;
  /** "online" once the replica has finished its initial sync; "wait_bgsave", "send_bulk" before. */
  state: string;
  offset: number;
  lag?: number;
}

export interface NodeInfo {
  runId: string;
  version: string;
  role: 'primary' | 'replica';
  /** Replica only: the primary it follows and whether the link to it is up. */
  masterHost?: string;
  masterPort?: number;
  linkUp?: boolean;
  /** Replica only: a (full) sync from the primary is in progress. */
  syncInProgress?: boolean;
  /** The node's replication offset (how much of the primary's stream it has processed). */
  replOffset: number;
  /** Primary only (empty on a replica without sub-replicas). */
  connectedReplicas: ReplicaLink[];
  uptimeSeconds: number;
  usedMemory: number;
  /** 0 = no limit. */
  maxmemory: number;
  /** The data set is being loaded (from disk or from the primary); most commands answer LOADING. */
  loading: boolean;
}

/**
 * Flattens INFO text ("# Section" headers, "key:value" lines, CRLF) into one key → value map.
 * The value is everything after the first colon (values such as executable paths may contain colons).
 */
export function parseInfo(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const raw of text.split('\n')) {
    const lineText = raw.trim();
    if (lineText === '' || lineText.startsWith('#')) continue;
    const i = lineText.indexOf(':');
    if (i <= 0) continue;
    out[lineText.slice(0, i)] = lineText.slice(i + 1);
  }
  return out;
}

/** Splits the "a=1,b=2" values of INFO fields such as slave0 or db0. */
export function parseInfoList(value: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of value.split(',')) {
    const i = part.indexOf('=');
    if (i > 0) out[part.slice(0, i)] = part.slice(i + 1);
  }
  return out;
}

function num(v: string | undefined): number {
  const n = Number(v);
  return Number.isFinite(n) ? n : 0;
}

/** Builds NodeInfo from the merged fields of INFO server, replication and memory. */
export function nodeInfoFromFields(f: Record<string, string>): NodeInfo {
  const replica = f.role === 'slave';
  const connectedReplicas: ReplicaLink[] = [];
  for (const [k, v] of Object.entries(f)) {
    if (!/^slave\d+$/.test(k)) continue;
    const r = parseInfoList(v);
    connectedReplicas.push({
      ip: r.ip ?? '',
      port: num(r.port),
      state: r.state ?? '',
      offset: num(r.offset),
      ...(r.lag !== undefined ? { lag: num(r.lag) } : {}),
    });
  }
  const info: NodeInfo = {
    runId: f.run_id ?? '',
    version: f.redis_version ?? '',
    role: replica ? 'replica' : 'primary',
    replOffset: num(f.master_repl_offset),
    connectedReplicas,
    uptimeSeconds: num(f.uptime_in_seconds),
    usedMemory: num(f.used_memory),
    maxmemory: num(f.maxmemory),
    loading: f.loading === '1',
  };
  if (replica) {
    info.masterHost = f.master_host;
    info.masterPort = num(f.master_port);
    info.linkUp = f.master_link_status === 'up';
    info.syncInProgress = f.master_sync_in_progress === '1';
    // On a replica, slave_repl_offset is what it has processed of the primary's stream.
    if (f.slave_repl_offset !== undefined) info.replOffset = num(f.slave_repl_offset);
  }
  return info;
}
