/**
 * When each watched node is next pinged: a node judged up every `idleIntervalMs`, a suspected or
 * down one at every tick (`urgent`), never two pings of a node at once. First pings are spread
 * over the idle period by a hash of the key, so a thousand nodes are not pinged in one burst.
 */
export class PingSchedule {
  private readonly nextAt = new Map<string, number>();
  private readonly inFlight = new Set<string>();

  constructor(private readonly idleIntervalMs: number, private readonly now: () => number = Date.now) {}

  /** Should `key` be pinged now? */
  due(key: string, urgent: boolean): boolean {
    if (this.inFlight.has(key)) return false;
    if (urgent) return true;
    let at = this.nextAt.get(key);
    if (at === undefined) {
      at = this.now() + (spread(key) % Math.max(1, this.idleIntervalMs));
      this.nextAt.set(key, at);
    }
    return this.now() >= at;
  }

  begin(key: string): void {
    this.inFlight.add(key);
  }

  /** The ping ended (answered or not): the next one is an idle period away unless the node turns urgent. */
  end(key: string): void {
    this.inFlight.delete(key);
    this.nextAt.set(key, this.now() + this.idleIntervalMs);
  }

  /** Forgets nodes no longer watched. */
  retain(keys: Iterable<string>): void {
    const keep = new Set(keys);
    for (const key of this.nextAt.keys()) if (!keep.has(key)) this.nextAt.delete(key);
  }
}

/** FNV-1a: a stable, well-spread offset per key. */
function spread(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193);
  return h >>> 0;
}
