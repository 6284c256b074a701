// Helpers shared by the durable session tests (not used at runtime).
import assert from 'node:assert/strict';
import { DurableSession, type SessionOutput } from './durable-session.js';

/** A RESP command. */
export const cmd = (...args: (string | Buffer)[]): Buffer => {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a);
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
};
export const b = (s: string): Buffer => Buffer.from(s);
export const bulk = (v: string | Buffer): Buffer => {
  const x = Buffer.isBuffer(v) ? v : Buffer.from(v);
  return Buffer.concat([b(`$${x.length}\r\n`), x, b('\r\n')]);
};
export const WAIT = cmd('WAIT', '1', '1000');
export const cat = (...xs: Buffer[]): Buffer => Buffer.concat(xs);
export const toServer = (o: SessionOutput): Buffer => Buffer.concat(o.toServer);
export const toClient = (o: SessionOutput): Buffer => Buffer.concat(o.toClient);
export const session = (): DurableSession => new DurableSession({ timeoutMs: 1000 });

/** Asserts equality of byte strings, shown readably on failure. */
export function same(actual: Buffer, expected: Buffer, what = ''): void {
  assert.equal(JSON.stringify(actual.toString('latin1')), JSON.stringify(expected.toString('latin1')), what);
}
