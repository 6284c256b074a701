import type { AwsError } from '../errors/index.js';

/** What every action handler receives besides its input. */
export interface RequestContext {
  requestId: string;
  action: string;
  /** The SigV4 service name the request's credential scope must name (`elasticache`, `ec2`). */
  service?: string;
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

/**
 * One API served on the endpoint (ElastiCache, or the EC2 subset): its model, wire codec,
 * error format and actions. The HTTP layer picks one per request and runs the same steps.
 */
export interface QueryApi {
  /** The SigV4 service name a request's credential scope must name. */
  readonly signingService: string;
  readonly actions: ActionRegistry;
  hasOperation(action: string): boolean;
  /** The decoded, validated input (throws AwsError on invalid input). */
  decode(action: string, params: Array<[string, string]>): unknown;
  encodeResult(action: string, output: unknown, requestId: string): string;
  encodeError(err: AwsError, requestId: string): { status: number; body: string };
  invalidAction(action: string): AwsError;
  notImplemented(action: string): AwsError;
}

export type { AwsError };
