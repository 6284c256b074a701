import type { AwsError } from './errors.js';

/** What every action handler receives besides its input. */
export interface RequestContext {
  requestId: string;
  action: string;
}

/**
 * One API action, named as on the wire. Its input has already been decoded and validated
 * against the model's input shape; it returns an object of the model's output shape
 * (without the result wrapper), which the codec serializes to XML.
 */
export interface ActionHandler<I = any, O = any> {
  readonly name: string;
  handle(input: I, ctx: RequestContext): Promise<O> | O;
}

export type ActionRegistry = ReadonlyMap<string, ActionHandler>;

export type { AwsError };
