import { pino } from 'pino';

/** The structured logger every module takes: pino's interface, narrowed to what we use. */
export interface Logger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
  child(bindings: Record<string, unknown>): Logger;
}

/**
 * pino's error serializer, without the arguments of the command that failed. ioredis puts the
 * whole command on its errors (`command: { name, args }`), and an admin command's arguments
 * can carry a secret: MIGRATE's `AUTH2 <user> <password>`, AUTH, HELLO … AUTH, ACL SETUSER,
 * CONFIG SET masterauth. The log keeps the command's name and how many arguments it had.
 */
export function serializeError(e: unknown): unknown {
  const out = pino.stdSerializers.err(e as Error) as unknown as Record<string, unknown>;
  const command = out?.command as { name?: unknown; args?: unknown } | undefined;
  if (command && typeof command === 'object') {
    out.command = { name: command.name, args: Array.isArray(command.args) ? command.args.length : 0 };
  }
  return out;
}

export function createLogger(opts: { level?: string; destination?: NodeJS.WritableStream } = {}): Logger {
  const level = opts.level ?? process.env.CACHEFLEET_LOG_LEVEL ?? 'info';
  const options = { level, serializers: { err: serializeError } };
  return opts.destination ? pino(options, opts.destination) : pino(options);
}

/** A logger that drops everything (unit tests). */
export const silentLogger: Logger = pino({ level: 'silent' });
