/**
 * RESP2 helpers shared by both directions of a durable session (see durable-session.ts): the
 * bytes that start a line, the stream position of a value redis-parser has just returned, and
 * command encoding.
 */
import type RedisParser from 'redis-parser';

export const STAR = 0x2a; // '*'
export const PLUS = 0x2b; // '+'
export const LF = 0x0a;
/** A partial command or reply this large is forwarded before it is complete (a huge value). */
export const EARLY_FORWARD = 64 * 1024;

/** redis-parser's own position in the bytes it was given (not in its typings, stable since 2017). */
interface ParserState {
  buffer: Buffer | null;
  offset: number;
}

/** Whether `parser` holds no partial value. */
export function parserIdle(parser: RedisParser): boolean {
  return (parser as unknown as ParserState).buffer === null;
}

/**
 * Inside a redis-parser callback: the stream position where the value just returned ends, given
 * `fed`, the stream position after the last byte given to the parser.
 */
export function valueEnd(parser: RedisParser, fed: number): number {
  const p = parser as unknown as ParserState;
  return fed - (p.buffer!.length - p.offset);
}

/** A command argument: a Buffer from RESP, a string from an inline command (anything else is malformed). */
export type Arg = Buffer | string;
export const text = (a: unknown): string => (Buffer.isBuffer(a) ? a.toString('latin1') : a === undefined ? '' : String(a));
export const lower = (a: unknown): string => text(a).toLowerCase();

/** `args` as a RESP multibulk. */
export function command(args: string[]): Buffer {
  return Buffer.from(`*${args.length}\r\n${args.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join('')}`);
}
