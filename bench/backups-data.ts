/**
 * The backups benchmark's data and load: a mixed data set of about 1 KB a key (strings, hashes,
 * lists, sets, sorted sets; random, incompressible bytes; some keys with a TTL) written through
 * `redis-cli --pipe`, and `redis-benchmark` latency runs against a node.
 */
import { execFile, spawn } from 'node:child_process';
import { randomFillSync } from 'node:crypto';

export interface Endpoint { host: string; port: number }

/** One RESP command into `out` (strings and buffers as bulk strings). */
function resp(out: Buffer[], args: Array<string | Buffer>): void {
  out.push(Buffer.from(`*${args.length}\r\n`));
  for (const a of args) {
    const b = typeof a === 'string' ? Buffer.from(a) : a;
    out.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
}

/** Random bytes: fresh slices of a pool refilled when used up (cheaper than one call per value). */
class RandomPool {
  private pool = Buffer.alloc(0);
  private at = 0;
  take(n: number): Buffer {
    if (this.at + n > this.pool.length) {
      this.pool = randomFillSync(Buffer.allocUnsafe(Math.max(n, 4 << 20)));
      this.at = 0;
    }
    const b = this.pool.subarray(this.at, this.at + n);
    this.at += n;
    return b;
  }
}

/**
 * Writes `keys` keys of ~`valueBytes` each: 70 % strings, 10 % hashes, 10 % lists, 5 % sets,
 * 5 % sorted sets (the collections of 10 members of valueBytes/10); every 13th string expires in a day.
 * Keys are `<prefix>:<kind>:<i>` (a hash tag as the prefix puts them all in its slot).
 * Returns the replies counted by redis-cli (one per command).
 */
export async function fillMixed(ep: Endpoint, keys: number, valueBytes = 1000, prefix = 'bk'): Promise<number> {
  const cli = spawn('redis-cli', ['-h', ep.host, '-p', String(ep.port), '--pipe'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let out = '';
  cli.stdout.on('data', (d: Buffer) => { out += d.toString(); });
  cli.stderr.on('data', (d: Buffer) => { out += d.toString(); });
  const exited = new Promise<number>((resolve, reject) => {
    cli.on('error', reject);
    cli.on('exit', (code) => {
      const m = /errors: (\d+), replies: (\d+)/.exec(out);
      if (code !== 0 || !m || m[1] !== '0') reject(new Error(`redis-cli --pipe exited ${code}: ${out.trim()}`));
      else resolve(Number(m[2]));
    });
  });
  exited.catch(() => undefined);
  cli.stdin.on('error', () => undefined);
  const rnd = new RandomPool();
  const member = Math.floor(valueBytes / 10);
  let batch: Buffer[] = [];
  for (let i = 0; i < keys; i++) {
    const kind = i % 20;
    if (kind < 14) {
      const args: Array<string | Buffer> = ['SET', `${prefix}:s:${i}`, rnd.take(valueBytes)];
      if (i % 13 === 0) args.push('EX', '86400');
      resp(batch, args);
    } else {
      const name = kind < 16 ? 'h' : kind < 18 ? 'l' : kind < 19 ? 't' : 'z';
      const args: Array<string | Buffer> = [name === 'h' ? 'HSET' : name === 'l' ? 'RPUSH' : name === 't' ? 'SADD' : 'ZADD', `${prefix}:${name}:${i}`];
      for (let m = 0; m < 10; m++) {
        if (name === 'h') args.push(`f${m}`, rnd.take(member));
        else if (name === 'z') args.push(String(m), rnd.take(member));
        else args.push(rnd.take(member));
      }
      resp(batch, args);
    }
    if (batch.length > 20_000) {
      if (!cli.stdin.write(Buffer.concat(batch))) await Promise.race([new Promise((r) => cli.stdin.once('drain', r)), exited]);
      batch = [];
    }
  }
  cli.stdin.end(Buffer.concat(batch));
  return exited;
}

export interface LatencyRun { rps: number; p50: number; p99: number }

/**
 * `redis-benchmark` GETs of random keys (`clients` at once, 8 by default; missing keys: the cost of a lookup), its own
 * percentiles in ms. It runs in a session of its own, as a client on another host would be
 * apart from the service: where the kernel shares CPU between sessions (autogroup), it must not
 * share one with this process, which consumes the captures.
 */
export function benchmarkLatency(ep: Endpoint, requests: number, clients = 8): Promise<LatencyRun> {
  const args = ['-h', ep.host, '-p', String(ep.port), '-c', String(clients), '-n', String(requests), '-t', 'get', '-r', '100000', '--csv'];
  return new Promise((resolve, reject) => {
    execFile('setsid', ['redis-benchmark', ...args], { timeout: 300_000, maxBuffer: 1 << 20 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`redis-benchmark ${args.join(' ')} failed: ${err.message}\n${stderr}`));
      const line = stdout.split('\n').find((l) => l.startsWith('"GET"'));
      const f = line?.split(',').map((x) => Number(x.replace(/"/g, '')));
      if (!f || !(f[1]! > 0)) return reject(new Error(`no GET result in redis-benchmark output:\n${stdout}\n${stderr}`));
      resolve({ rps: f[1]!, p50: f[4]!, p99: f[6]! });
    });
  });
}
