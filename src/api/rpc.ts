// The document protocols on the endpoint: AWS JSON 1.0/1.1 (POST / with `X-Amz-Target:
// <TargetPrefix>.<Operation>`, content type application/x-amz-json-1.x) and Smithy RPC v2 CBOR
// (POST /service/<ServiceName>/operation/<Operation> with `smithy-protocol: rpc-v2-cbor`). Errors
// are `{"__type": …, "message": …}` in the request's format with the model's HTTP status and, for
// an awsQueryCompatible service (CloudWatch), the Query code in `x-amzn-query-error: Code;Sender`,
// which boto3 and the JS SDK read as the error's code.
import { cbor } from '@smithy/core/cbor';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AwsError } from '../errors/index.js';
import { runAction, type PipelineOptions } from './pipeline.js';
import type { RpcApi, RpcFormat } from './types.js';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** The service and operation named by a JSON request's X-Amz-Target, or undefined when it names none. */
export function parseTarget(target: string | undefined): { prefix: string; operation: string } | undefined {
  if (!target) return undefined;
  const dot = target.lastIndexOf('.');
  if (dot <= 0 || dot === target.length - 1) return undefined;
  return { prefix: target.slice(0, dot), operation: target.slice(dot + 1) };
}

/** Reads the request body as a document of `format` (an empty body is an empty input). */
export function parseDocument(body: Uint8Array, format: RpcFormat): unknown {
  if (body.length === 0) return {};
  try {
    return format === 'json' ? JSON.parse(utf8.decode(body)) : cbor.deserialize(body);
  } catch (e) {
    throw new AwsError('SerializationException', `The request body is not valid ${format === 'json' ? 'JSON' : 'CBOR'}: ${(e as Error).message}`, 400);
  }
}

/**
 * Runs one JSON or CBOR request of `api` and writes its answer. `rawBody` is the body as received
 * (what the signature covers), `body` the same decompressed (Content-Encoding: gzip).
 */
export async function serveRpc(opts: PipelineOptions, api: RpcApi, operation: string, format: RpcFormat,
  req: FastifyRequest, reply: FastifyReply, rawBody: Uint8Array, body: Uint8Array): Promise<void> {
  const output = await runAction(opts, api, operation, req, rawBody,
    () => api.decode(operation, parseDocument(body, format), format));
  const doc = api.encode(operation, output, format);
  writeDocument(reply, api, format, 200, doc);
}

/** Writes `err` as `api` answers errors in `format`. */
export function sendRpcError(reply: FastifyReply, api: RpcApi, format: RpcFormat, err: AwsError): void {
  if (api.queryCompatible) reply.header('x-amzn-query-error', `${err.code};${err.senderFault ? 'Sender' : 'Receiver'}`);
  const type = api.errorType(err);
  // JSON clients read the type from the body or from x-amzn-ErrorType; CBOR clients from the body.
  if (format === 'json') reply.header('x-amzn-ErrorType', type);
  writeDocument(reply, api, format, err.httpStatus, { __type: type, message: err.message });
}

function writeDocument(reply: FastifyReply, api: RpcApi, format: RpcFormat, status: number, doc: Record<string, unknown>): void {
  if (format === 'json') {
    reply.code(status).header('content-type', `application/x-amz-json-${api.jsonVersion}`).send(Buffer.from(JSON.stringify(doc)));
  } else {
    reply.code(status).header('content-type', 'application/cbor').header('smithy-protocol', 'rpc-v2-cbor')
      .send(Buffer.from(cbor.serialize(doc)));
  }
}
