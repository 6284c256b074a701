import { Writable } from 'node:stream';

const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'component', 'v']);

/** Human-readable log lines for a terminal: `12:00:01 INFO  reconciler  message  key=value …`. */
export function formatLogLine(line: string): string {
  let rec: Record<string, unknown>;
  try { rec = JSON.parse(line); } catch { return line; }
  const time = new Date(Number(rec.time ?? Date.now())).toISOString().slice(11, 19);
  const level = LEVELS[Number(rec.level)] ?? String(rec.level);
  const component = String(rec.component ?? 'service').padEnd(10);
  const extras = Object.entries(rec)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => (k === 'err' && v && typeof v === 'object' ? `error=${JSON.stringify((v as { message?: string }).message)}` : `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`));
  return `${time} ${level} ${component} ${rec.msg ?? ''}${extras.length ? '  ' + extras.join(' ') : ''}`;
}

export function prettyLogStream(out: NodeJS.WritableStream): Writable {
  let buffered = '';
  return new Writable({
    write(chunk, _enc, done) {
      buffered += chunk.toString();
      let i;
      while ((i = buffered.indexOf('\n')) >= 0) {
        out.write(formatLogLine(buffered.slice(0, i)) + '\n');
        buffered = buffered.slice(i + 1);
      }
      done();
    },
  });
}
