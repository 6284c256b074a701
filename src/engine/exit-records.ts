/**
 * Why each node's process last ended, as the local provider saw it: kept in memory and in the
 * node's `last-exit.json` (so a restarted control plane can still tell), and read back with the
 * tail of the node's log for `status`.
 */
import type { Logger } from '../util/logger.js';
import { logTail, readJson, writeFileAtomic, type ExitRecord, type NodeMeta } from './node-files.js';
import type { NodeExit } from './types.js';

export class ExitRecords {
  private readonly exits = new Map<string, ExitRecord>();

  constructor(
    private readonly paths: (key: string) => { lastExit: string; log: string },
    private readonly log: Logger,
  ) {}

  /** The process `rec.pid` of node `key` ended: logged, kept, and written to its directory. */
  async record(key: string, rec: ExitRecord): Promise<void> {
    this.exits.set(key, rec);
    this.log.info({ node: key, ...rec }, 'redis-server exited');
    await writeFileAtomic(this.paths(key).lastExit, JSON.stringify(rec) + '\n').catch(() => undefined);
  }

  /** How the process `meta` describes ended (code and signal when it was seen), with the tail of its log. */
  async last(key: string, meta: NodeMeta): Promise<NodeExit> {
    const p = this.paths(key);
    let rec = this.exits.get(key);
    if (rec?.pid !== meta.pid) rec = await readJson<ExitRecord>(p.lastExit);
    const known = rec?.pid === meta.pid ? rec : undefined;
    return {
      code: known?.code ?? null,
      signal: known?.signal ?? null,
      logTail: await logTail(p.log, meta.logOffset),
    };
  }

  forget(key: string): void {
    this.exits.delete(key);
  }
}

export function describeExit(exit: NodeExit): string {
  const how = exit.signal ? `signal ${exit.signal}` : exit.code !== null ? `code ${exit.code}` : 'exit not observed';
  return exit.logTail ? `${how}; log tail:\n${exit.logTail}` : how;
}
