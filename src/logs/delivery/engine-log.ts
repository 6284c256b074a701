/**
 * A node's engine log (its redis.log) as ElastiCache delivers it: each line of redis-server's log
 * (`<pid>:<role> <day> <month> <year> <time>.<ms> <level> <message>`) becomes one event, with the
 * documented "Contents of an engine log entry" in JSON — CacheClusterId, CacheNodeId, LogLevel
 * (VERBOSE, NOTICE, WARNING), Time (`DD MMM YYYY hh:mm:ss.ms UTC`), Role (M, S, C, X), Message —
 * or the line itself in TEXT. Pure: text in, events out; the controller reads the file by byte offset.
 */
import type { NewLogEvent } from '../types.js';
import type { NodeIdentity } from './slow-log.js';

/** redis-server's level marks (serverLogRaw): `.` debug, `-` verbose, `*` notice, `#` warning. */
const LEVELS: Record<string, string> = { '.': 'DEBUG', '-': 'VERBOSE', '*': 'NOTICE', '#': 'WARNING' };
const ROLES: Record<string, string> = { M: 'M', S: 'S', C: 'C', X: 'X' };
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export interface EngineLogLine {
  role: string;
  level: string;
  /** In UTC as ElastiCache writes it, e.g. `05 Dec 2026 05:31:02.118 UTC` (redis-server writes local time). */
  time: string;
  epochMs: number;
  message: string;
}

const LINE = /^\d+:([A-Z]) (\d{2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2})\.(\d{3}) ([.\-*#]) (.*)$/;

/** A line of redis.log, or undefined for one not in the log's format (startup banners, stderr). */
export function parseEngineLine(line: string): EngineLogLine | undefined {
  const m = LINE.exec(line);
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[3]!);
  if (month < 0) return undefined;
  // redis-server writes local time; the Date constructor reads it as such.
  const epochMs = new Date(Number(m[4]), month, Number(m[2]), Number(m[5]), Number(m[6]), Number(m[7]), Number(m[8])).getTime();
  return { role: ROLES[m[1]!] ?? m[1]!, level: LEVELS[m[9]!]!, time: utcTime(epochMs), epochMs, message: m[10]! };
}

/** `DD MMM YYYY hh:mm:ss.ms UTC`. */
function utcTime(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCDate())} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds(), 3)} UTC`;
}

/**
 * The complete lines of `chunk` (text read from the cursor on) as events, and how many bytes they
 * take: a last line without its newline yet is left for the next read. Lines not in the log's
 * format are shipped with the time of the last parsed line (or `nowMs`).
 */
export function engineLogEvents(chunk: Buffer, node: NodeIdentity, format: 'json' | 'text', nowMs: number): { events: NewLogEvent[]; consumed: number } {
  const end = chunk.lastIndexOf(0x0a);
  if (end < 0) return { events: [], consumed: 0 };
  const events: NewLogEvent[] = [];
  let lastMs = nowMs;
  for (const line of chunk.subarray(0, end).toString('utf8').split('\n')) {
    if (line.trim() === '') continue;
    const p = parseEngineLine(line);
    if (p) lastMs = p.epochMs;
    const message = format === 'text' ? line : JSON.stringify({
      CacheClusterId: node.cacheClusterId, CacheNodeId: node.cacheNodeId, LogLevel: p?.level ?? 'NOTICE',
      Time: p?.time ?? utcTime(lastMs), Role: p?.role ?? '', Message: p?.message ?? line,
    });
    events.push({ timestamp: lastMs, message });
  }
  return { events, consumed: end + 1 };
}
