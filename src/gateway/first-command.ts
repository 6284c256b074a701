/**
 * The only Redis protocol the gateway reads: a client's commands before it has logged in, one at
 * a time, to find `AUTH <user> <password>` or `HELLO <protover> AUTH <user> <password> …` for one
 * of the group's IAM users. Anything else (another user's AUTH, any other command, an inline
 * command, a command too large to be a login) hands the connection over untouched.
 */

/** A command this large, still incomplete, is not a login (a token is about 1 KB). */
export const MAX_LOGIN_BYTES = 16 * 1024;

export type Parsed =
  | { kind: 'command'; args: Buffer[]; end: number }
  | { kind: 'incomplete' }
  /** Not a RESP array of bulk strings (an inline command, or a login too large): hand over as is. */
  | { kind: 'other' };

/** The first command in `buf` (RESP2/3 clients send arrays of bulk strings). */
export function parseCommand(buf: Buffer): Parsed {
  if (buf.length === 0) return { kind: 'incomplete' };
  if (buf[0] !== 0x2a /* '*' */) return { kind: 'other' };
  let pos = 1;
  const line = (): number | undefined => {
    const cr = buf.indexOf('\r\n', pos);
    if (cr === -1) return undefined;
    const text = buf.toString('latin1', pos, cr);
    pos = cr + 2;
    return /^\d{1,9}$/.test(text) ? Number(text) : NaN;
  };
  const tooLarge = (): Parsed => (buf.length > MAX_LOGIN_BYTES ? { kind: 'other' } : { kind: 'incomplete' });
  const count = line();
  if (count === undefined) return tooLarge();
  if (Number.isNaN(count) || count > 16) return { kind: 'other' };
  const args: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    if (pos >= buf.length) return tooLarge();
    if (buf[pos] !== 0x24 /* '$' */) return { kind: 'other' };
    pos++;
    const len = line();
    if (len === undefined) return tooLarge();
    if (Number.isNaN(len) || len > MAX_LOGIN_BYTES) return { kind: 'other' };
    if (pos + len + 2 > buf.length) return tooLarge();
    args.push(buf.subarray(pos, pos + len));
    pos += len + 2;
  }
  return { kind: 'command', args, end: pos };
}

export interface Login {
  user: string;
  password: string;
  /** The same command with `secret` as the password. */
  withPassword(secret: string): Buffer;
}

/**
 * The login in a command, if it is `AUTH user password` or a HELLO with `AUTH user password`, or
 * `AUTH <token>` with an IAM token alone (as redis-py sends `password=token` without a username):
 * the token names its user (`User=` in its query), so that login is the user's, rewritten to
 * `AUTH <user> <secret>` for the node.
 */
export function loginOf(args: readonly Buffer[]): Login | undefined {
  const word = (i: number) => args[i]?.toString('latin1').toLowerCase();
  if (word(0) === 'auth' && args.length === 2) {
    const token = args[1]!.toString('utf8');
    const user = tokenUser(token);
    if (user === undefined) return undefined;
    return { user, password: token, withPassword: (secret) => encode([args[0]!, Buffer.from(user), Buffer.from(secret)]) };
  }
  let at: number | undefined;
  if (word(0) === 'auth' && args.length === 3) at = 1;
  if (word(0) === 'hello' && args.length >= 2) {
    for (let i = 2; i < args.length;) {
      if (word(i) === 'auth' && i + 2 < args.length) { at = i + 1; i += 3; } else if (word(i) === 'setname') i += 2;
      else return undefined; // malformed: Redis itself answers it
    }
  }
  if (at === undefined) return undefined;
  const i = at;
  return {
    user: args[i]!.toString('utf8'),
    password: args[i + 1]!.toString('utf8'),
    withPassword: (secret) => encode(args.map((a, j) => (j === i + 1 ? Buffer.from(secret) : a))),
  };
}

/** The user an IAM token (`<cache>/?Action=connect&User=<user>&X-Amz-…`) is for; undefined for anything else. */
export function tokenUser(password: string): string | undefined {
  const q = password.indexOf('/?');
  if (q <= 0 || !/[?&]Action=connect(&|$)/i.test(password) || !password.includes('X-Amz-Signature=')) return undefined;
  const user = new URLSearchParams(password.slice(q + 2)).get('User');
  return user || undefined;
}

export function encode(args: readonly Buffer[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) parts.push(Buffer.from(`$${a.length}\r\n`), a, Buffer.from('\r\n'));
  return Buffer.concat(parts);
}
