import type { Services } from '../../core/index.js';
import type { ActionHandler, RequestContext } from '../types.js';

/** An action module's default export: given the services, the handler. */
export type ActionFactory = (svc: Services) => ActionHandler;

/**
 * Declares one API action (one file per action, named as on the wire). The handler validates,
 * records desired state and returns at once; the reconciler does the slow work.
 */
export function defineAction<I, O>(
  name: string,
  handle: (input: I, svc: Services, ctx: RequestContext) => Promise<O> | O,
): ActionFactory {
  return (svc) => ({ name, handle: (input: I, ctx: RequestContext) => handle(input, svc, ctx) });
}
