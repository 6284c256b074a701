/**
 * Redis's own RDB checker, `redis-check-rdb`, fed while a snapshot streams: it parses every
 * object and verifies the CRC64 trailer, so a capture is known sound the moment its last byte
 * arrives, with no file written (the RDB holds the customer's data; it never touches disk in the
 * clear).
 *
 * redis-check-rdb reads a path, and /dev/stdin works only when standard input is a pipe; Node
 * gives children a socket pair instead, which open(2) refuses. A `cat` in front turns the socket
 * into a pipe (the cost is one copy in a second small process, measured in bench/backups.ts).
 */
import { spawn } from 'node:child_process';
import type { Writable } from 'node:stream';
import { backgroundCommand } from './fork-priority.js';

/** The checker's binary: $CACHEFLEET_REDIS_CHECK_RDB, else the one on PATH (Debian's redis-tools). */
export const REDIS_CHECK_RDB = process.env.CACHEFLEET_REDIS_CHECK_RDB ?? 'redis-check-rdb';

/** The RDB is not sound: what redis-check-rdb found (e.g. `RDB CRC error`); or, `unavailable`, the checker could not run. */
export class RdbCheckError extends Error {
  constructor(message: string, readonly report: string, readonly unavailable = false) {
    super(message);
    this.name = 'RdbCheckError';
  }
}

export interface RdbCheck {
  /** Write the RDB here and end it; a write after the checker has given up is dropped, not thrown. */
  input: Writable;
  /** Resolves once the checker has read a sound RDB; rejects with {@link RdbCheckError} otherwise. */
  result: Promise<void>;
  /** Abandons the check: the input is closed, so the checker reads a truncated RDB, says so and exits. */
  abandon(): void;
}

/** Kept of the checker's output: its report is a few lines, and only the last ones say what is wrong. */
const OUTPUT_LIMIT = 16 * 1024;

/**
 * Starts a checker reading an RDB from its `input`, by default as background work (fork-priority.ts:
 * on a busy host it yields the CPU, and the transfer slows down to its pace through backpressure).
 * A restore's checker (`background: false`) runs at the priority its loaders run at.
 */
export function startRdbCheck(binary = REDIS_CHECK_RDB, { background = true }: { background?: boolean } = {}): RdbCheck {
  const argv = ['sh', '-c', 'cat | exec "$0" /dev/stdin', binary];
  const cmd = background ? backgroundCommand(argv) : { file: argv[0]!, args: argv.slice(1) };
  const child = spawn(cmd.file, cmd.args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let output = '';
  const collect = (d: Buffer) => {
    output = (output + d.toString('utf8')).slice(-OUTPUT_LIMIT);
  };
  child.stdout.on('data', collect);
  child.stderr.on('data', collect);
  // The checker stops reading at the first error; what is still written then fails with EPIPE.
  child.stdin.on('error', () => undefined);
  const result = new Promise<void>((resolve, reject) => {
    child.once('error', (e) => reject(new RdbCheckError(`cannot run the RDB checker (${e.message})`, '', true)));
    child.once('close', (code, signal) => {
      if (code === 0) {
        resolve();
        return;
      }
      if (code === 127) { // the shell's "command not found"
        reject(new RdbCheckError(`cannot run the RDB checker ${binary}: not found (apt-get install redis-tools)`, output, true));
        return;
      }
      reject(new RdbCheckError(`the RDB is not sound: ${summary(output) ?? (signal ? `checker ended by ${signal}` : `checker exit code ${code}`)}`, output));
    });
  });
  return {
    input: child.stdin,
    result,
    // Not a signal: killing the shell would leave its cat and checker behind; an end of input ends all three.
    abandon: () => {
      child.stdin.destroy();
    },
  };
}

/** The checker's finding: the line after `--- RDB ERROR DETECTED ---`, with its `[additional info]`. */
export function summary(output: string): string | undefined {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => l.includes('RDB ERROR DETECTED'));
  if (at < 0) return undefined;
  const found = lines.slice(at + 1).filter((l) => /^\[(offset \d+|additional info)\]/.test(l)).slice(0, 3);
  return found.map((l) => l.replace(/^\[additional info\]\s*/, '').trim()).join('; ') || undefined;
}
