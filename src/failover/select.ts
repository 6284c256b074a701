/** What failover knows of each replica when choosing the one to promote. */
export interface Candidate {
  clusterId: string;
  /** Redis `replica-priority`: lower wins; 0 means "never promote". */
  priority: number;
  /** Replication offset: more data wins. */
  offset: number;
  /** Healthy and answering as a replica. */
  healthy: boolean;
}

/**
 * Sentinel's order, as a pure comparator: priority (lower first), then the highest replication
 * offset (least data lost), then the id (a stable tie-break).
 */
export function compareCandidates(a: Candidate, b: Candidate): number {
  if (a.priority !== b.priority) return a.priority - b.priority;
  if (a.offset !== b.offset) return b.offset - a.offset;
  return a.clusterId < b.clusterId ? -1 : a.clusterId > b.clusterId ? 1 : 0;
}

/** The replica to promote, or undefined when none is eligible (healthy, priority > 0). */
export function selectReplica(candidates: Candidate[]): Candidate | undefined {
  return candidates.filter((c) => c.healthy && c.priority > 0).sort(compareCandidates)[0];
}
