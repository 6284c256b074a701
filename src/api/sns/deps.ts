// What SNS actions share: the state store, the deliveries, the clock and the ARN scope.
import type { SnsDelivery } from '../../sns/index.js';
import type { StateStore, Stored } from '../../store/index.js';
import type { ActionHandler, ArnScope, RequestContext } from '../types.js';
import { SnsErrors } from './errors.js';

export interface SnsDeps {
  store: StateStore;
  delivery: Pick<SnsDelivery, 'confirm' | 'publish'>;
  now: () => Date;
  scope: ArnScope;
}

export type SnsActionFactory = (deps: SnsDeps) => ActionHandler;

export function defineSnsAction<I, O>(name: string, handle: (input: I, deps: SnsDeps, ctx: RequestContext) => Promise<O> | O): SnsActionFactory {
  return (deps) => ({ name, handle: (input: I, ctx: RequestContext) => handle(input, deps, ctx) });
}

/** The topic an ARN names, or NotFound (a malformed ARN is InvalidParameter). */
export async function requireTopic(deps: SnsDeps, arn: string, param = 'TopicArn'): Promise<Stored<'snsTopic'>> {
  const m = /^arn:aws:sns:([^:]+):([^:]+):([A-Za-z0-9_-]{1,256})$/.exec(arn);
  if (!m) throw SnsErrors.invalidParameter(`Invalid parameter: ${param} Reason: An ARN must have 6 elements: ${arn}`);
  const topic = m[1] === deps.scope.region && m[2] === deps.scope.accountId ? await deps.store.get('snsTopic', m[3]!) : undefined;
  if (!topic) throw SnsErrors.topicNotFound(arn);
  return topic;
}

/** A page of `items` after a NextToken (the last key returned, base64url), 100 a page as SNS. */
export function pageOf<T>(items: T[], keyOf: (t: T) => string, token: string | undefined): { items: T[]; NextToken?: string } {
  let start = 0;
  if (token !== undefined) {
    const after = Buffer.from(token, 'base64url').toString('utf8');
    start = items.findIndex((t) => keyOf(t) > after);
    if (start === -1) start = items.length;
  }
  const page = items.slice(start, start + 100);
  return { items: page, ...(start + 100 < items.length ? { NextToken: Buffer.from(keyOf(page[page.length - 1]!)).toString('base64url') } : {}) };
}
