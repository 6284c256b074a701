/**
 * Metering of a serverless cache, pure: the workers' counters (usage-<worker>.json, counted from
 * each worker's start) summed into lasting totals as deltas, and data storage integrated into
 * GB-hours from samples of BytesUsedForCache. A worker that restarted (another pid or start time)
 * counts from zero again, so its whole counters are the delta; counters never go backwards.
 */
import type { ServerlessUsage } from '../../serverless/proxy/config.js';
import type { ServerlessUsageRecord, WorkerUsageMark } from '../../store/index.js';

const GB = 1024 ** 3;
const HOUR_MS = 3_600_000;

const COUNTERS = ['ecpu', 'commands', 'readCommands', 'writeCommands', 'throttledCommands', 'bytesIn', 'bytesOut', 'readLatencyMicrosSum', 'writeLatencyMicrosSum'] as const;

export function emptyUsage(name: string, now: Date): ServerlessUsageRecord {
  return {
    name, since: now.toISOString(), ecpu: 0, commands: 0, readCommands: 0, writeCommands: 0, throttledCommands: 0,
    bytesIn: 0, bytesOut: 0, readLatencyMicrosSum: 0, writeLatencyMicrosSum: 0, gbHours: 0, workers: {},
  };
}

/** The totals after adding what each worker counted since it was last summed. */
export function addWorkerUsage(record: ServerlessUsageRecord, workers: readonly ServerlessUsage[]): ServerlessUsageRecord {
  const out = structuredClone(record);
  for (const w of workers) {
    const key = String(w.worker);
    const prev = out.workers[key];
    const restarted = !prev || prev.pid !== w.pid || prev.startedAt !== w.startedAt;
    const mark: WorkerUsageMark = {
      pid: w.pid, startedAt: w.startedAt, ecpu: 0, commands: 0, readCommands: 0, writeCommands: 0, throttledCommands: 0,
      bytesIn: 0, bytesOut: 0, readLatencyMicrosSum: 0, writeLatencyMicrosSum: 0,
    };
    for (const k of COUNTERS) {
      const now = Number(w[k]) || 0;
      const before = restarted ? 0 : prev[k] ?? 0;
      out[k] = (out[k] ?? 0) + Math.max(0, now - before);
      mark[k] = restarted ? now : Math.max(now, before);
    }
    out.workers[key] = mark;
  }
  return out;
}

/**
 * Integrates data storage: the previous sample held from its time until now (a step function,
 * as a meter reading once a period would), then `bytes` is the new sample.
 */
export function addStorageSample(record: ServerlessUsageRecord, bytes: number, now: Date): ServerlessUsageRecord {
  const out = structuredClone(record);
  if (out.lastSampleAt !== undefined && out.lastBytes !== undefined) {
    const ms = Math.max(0, now.getTime() - Date.parse(out.lastSampleAt));
    out.gbHours += (out.lastBytes / GB) * (ms / HOUR_MS);
  }
  out.lastBytes = bytes;
  out.lastSampleAt = now.toISOString();
  return out;
}

/**
 * The usage as of `now`, for display: the stored totals plus what the workers counted since the
 * controller last summed them, and the data stored integrated up to now from the last sample.
 */
export function usageAsOf(record: ServerlessUsageRecord, workers: readonly ServerlessUsage[], now: Date): ServerlessUsageRecord {
  const out = addWorkerUsage(record, workers);
  if (out.lastBytes === undefined || out.lastSampleAt === undefined) return out;
  const { lastBytes, lastSampleAt } = out;
  return { ...addStorageSample(out, lastBytes, now), lastSampleAt, lastBytes };
}
