// What the CloudWatch Logs actions share: the log store (logs.db), the clock and the ARN scope.
import type { LogStore } from '../../logs/index.js';
import type { ActionHandler, ArnScope, RequestContext } from '../types.js';
import { LogsErrors } from './errors.js';

export interface LogsDeps {
  logs: LogStore;
  now: () => Date;
  scope: ArnScope;
}

export type LogsActionFactory = (deps: LogsDeps) => ActionHandler;

/** One Logs action (one file per action, named as on the wire). */
export function defineLogsAction<I, O>(name: string, handle: (input: I, deps: LogsDeps, ctx: RequestContext) => Promise<O> | O): LogsActionFactory {
  return (deps) => ({ name, handle: (input: I, ctx: RequestContext) => handle(input, deps, ctx) });
}

/**
 * The log group a request names, by `logGroupName` or `logGroupIdentifier` (a name or an ARN, as
 * the model allows): exactly one of them, as CloudWatch Logs requires.
 */
export function groupNameOf(input: { logGroupName?: string; logGroupIdentifier?: string }): string {
  if (input.logGroupName !== undefined && input.logGroupIdentifier !== undefined) {
    throw LogsErrors.invalidParameter('LogGroup name and LogGroup ARN are mutually exclusive parameters.');
  }
  const id = input.logGroupName ?? input.logGroupIdentifier;
  if (id === undefined) throw LogsErrors.invalidParameter('Should provide either name or ARN of the log group.');
  const arn = /^arn:[^:]+:logs:[^:]*:[^:]*:log-group:([^:]+)(:\*)?$/.exec(id);
  return arn ? arn[1]! : id;
}

/** An opaque pagination token over `value` (base64url JSON). */
export function encodeToken(value: unknown): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

/** The value a token of {@link encodeToken} holds, or InvalidParameterException. */
export function decodeToken<T>(token: string, valid: (v: unknown) => v is T): T {
  let v: unknown;
  try { v = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')); } catch { v = undefined; }
  if (!valid(v)) throw LogsErrors.invalidParameter('The specified nextToken is invalid.');
  return v;
}
