/**
 * The IAM auth gateway's command framer against redis-server itself: random streams of commands —
 * logins among them, values that look like logins, mixed-case names, empty commands, inline
 * commands, headers whose CR is followed by a byte other than LF (redis-server skips it
 * unchecked) — are sent to a real redis-server and fed to the framer cut at random places. The
 * AUTH and HELLO commands redis-server ran (INFO commandstats) are exactly those the framer handed
 * over as logins, and the framer passed every byte on unchanged.
 */
import assert from 'node:assert/strict';
import net from 'node:net';
import { describe, it } from 'node:test';
import { CommandFramer } from '../../src/gateway/command-framer.js';
import { encode } from '../../src/gateway/first-command.js';
import { useCleanup } from '../helpers/cleanup.js';
import { TestFleet, randomLoopbackPrefix } from '../helpers/endpoints-redis.js';

const cleanup = useCleanup();
const fleet = new TestFleet();
cleanup.defer(() => fleet.stopAll());
const NODE = `${randomLoopbackPrefix()}.2`;

const cmd = (...a: (string | Buffer)[]) => encode(a.map((s) => (typeof s === 'string' ? Buffer.from(s) : s)));

/** A seeded generator: the same streams every run. */
function rng(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
}

/** One random stream and the number of AUTH/HELLO commands in it. */
function randomStream(rand: () => number): { bytes: Buffer; logins: number } {
  const pick = <T>(xs: T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const login = () => pick([cmd('AUTH', 'nobody', 'wrong'), cmd('auth', 'x'), cmd('HeLLo', '2', 'AUTH', 'nobody', 'wrong'), cmd('hello', '2')]);
  const pieces: Array<() => [Buffer, number]> = [
    () => [login(), 1],
    () => [cmd('SET', `k${Math.floor(rand() * 10)}`, login()), 0], // a value that is an encoded login
    () => [cmd('MSET', 'a', '*2\r\n$4\r\nAUTH\r\n', 'b', Buffer.alloc(Math.floor(rand() * 5000), 0x41)), 0],
    () => [cmd(pick(['PING', 'ping', 'HGET', 'AUTX', 'HELLA', 'ECHO']), ...(rand() < 0.5 ? [] : ['auth'])), 0],
    () => [Buffer.from(pick(['*0\r\n', '*-1\r\n', 'PING\r\n', 'ECHO AUTH\r\n', '\r\n'])), 0],
    // The byte after a header's CR is skipped unchecked: redis-server runs this AUTH.
    () => [Buffer.from('*3\rX$4\rYAUTH\r\n$6\r\nnobody\r\n$5\r\nwrong\r\n', 'latin1'), 1],
  ];
  const parts: Buffer[] = [];
  let logins = 0;
  for (let i = 0; i < 60; i++) {
    const [b, n] = pick(pieces)();
    parts.push(b);
    logins += n;
  }
  return { bytes: Buffer.concat(parts), logins };
}

/** Sends `bytes` and then an ECHO of `marker` on a raw connection; resolves once the marker's reply is back. */
function sendRaw(bytes: Buffer, marker: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ host: NODE, port: 6379 });
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString('latin1');
      if (got.includes(marker)) { s.destroy(); resolve(); }
    });
    s.on('error', reject);
    s.on('close', () => reject(new Error(`closed before the marker; got ${JSON.stringify(got.slice(-300))}`)));
    s.write(Buffer.concat([bytes, cmd('ECHO', marker)]));
  });
}

describe('the command framer finds the logins redis-server runs', { timeout: 60_000 }, () => {
  it('agrees with redis-server on 30 random streams, however they are cut', async () => {
    await fleet.startRedis(NODE);
    const admin = await fleet.connect(NODE);
    const rand = rng(20240611);
    for (let round = 0; round < 30; round++) {
      const { bytes, logins } = randomStream(rand);
      await admin.call('CONFIG', 'RESETSTAT');
      await sendRaw(bytes, `end-of-round-${round}`);
      const stats = String(await admin.info('commandstats'));
      const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0);
      assert.equal(calls('auth') + calls('hello'), logins, `round ${round}: redis-server ran the logins the stream holds`);

      const passed: Buffer[] = [];
      let found = 0;
      const framer = new CommandFramer({ pass: (b) => passed.push(Buffer.from(b)), login: (raw) => { found++; return raw; } });
      for (let i = 0; i < bytes.length;) {
        const n = 1 + Math.floor(rand() * 300);
        framer.push(bytes.subarray(i, i + n));
        i += n;
      }
      assert.equal(found, logins, `round ${round}: the framer found the same logins`);
      assert.ok(Buffer.concat(passed).equals(bytes), `round ${round}: every byte passed on unchanged`);
    }
  });
});
