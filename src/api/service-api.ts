// One AWS service served on the endpoint, as the HTTP layer sees it in each protocol it speaks:
// Query (by Version) and, for a model that lists them, AWS JSON (by X-Amz-Target) and Smithy
// RPC v2 CBOR (by path). Built from the service's generated model and faults table, so CloudWatch
// and SNS (and Logs later) differ only in their data: names, namespace and how bad input is refused.
import { AwsError, CommonErrors } from '../errors/index.js';
import { decodeDocument, encodeDocument } from './codec/document.js';
import { createQueryModel, type QueryModel, type ServiceModelJson } from './codec/model.js';
import { decodeInput, type QueryDialect } from './codec/query-decode.js';
import { encodeError, encodeResult } from './codec/xml-encode.js';
import type { ActionRegistry, ArnScope, QueryApi, RequestContext, RpcApi } from './types.js';

export interface Fault {
  readonly code: string;
  readonly httpStatus: number;
  readonly senderFault: boolean;
}

export interface ServiceDefinition {
  /** e.g. `CloudWatch`. */
  label: string;
  model: ServiceModelJson;
  faults: Readonly<Record<string, Fault>>;
  /** The Smithy namespace of its shapes (`com.amazonaws.cloudwatch`), for `__type`. */
  namespace: string;
  signingService: string;
  actionPrefix: string;
  /** A value that does not fit its shape, and a missing required member, as the service words them. */
  invalidValue(message: string): AwsError;
  missingParameter(path: string): AwsError;
  resourcesOf(action: string, input: unknown, scope: ArnScope, ctx?: RequestContext): string[];
  /** Actions an unsigned request may call (SNS's ConfirmSubscription, visited from a SubscribeURL). */
  anonymousActions?: string[];
}

export interface ServiceApis {
  model: QueryModel;
  query: QueryApi;
  /** Undefined for a Query-only service (SNS). */
  rpc?: RpcApi;
}

interface ModelMetadata {
  apiVersion: string;
  protocols?: string[];
  targetPrefix?: string;
  jsonVersion?: string;
  awsQueryCompatible?: unknown;
}

export function createServiceApis(def: ServiceDefinition, actions: ActionRegistry): ServiceApis {
  const model = createQueryModel(def.model, def.label);
  const meta = def.model.metadata as ModelMetadata;
  const dialect: QueryDialect = { model, invalidValue: def.invalidValue, missingParameter: def.missingParameter, numericBounds: true };
  const invalidAction = (action: string) =>
    new AwsError('InvalidAction', `The action ${action} is not valid for this web service ` +
      `(cachefleet serves only some ${def.label} actions).`, 400);
  const hasOperation = (action: string) => model.getOperation(action) !== undefined;
  const query: QueryApi = {
    signingService: def.signingService,
    actionPrefix: def.actionPrefix,
    deniedCode: 'AccessDenied',
    resourcesOf: def.resourcesOf,
    actions,
    hasOperation,
    decode: (action, params) => decodeInput(action, params, dialect),
    encodeResult: (action, output, requestId) => encodeResult(action, output, requestId, model),
    encodeError: (err, requestId) => ({ status: err.httpStatus, body: encodeError(err, requestId, model) }),
    invalidAction,
    notImplemented: invalidAction,
    ...(def.anonymousActions ? { anonymousActions: new Set(def.anonymousActions) } : {}),
  };
  const protocols = meta.protocols ?? [];
  if (!meta.targetPrefix || !protocols.includes('json')) return { model, query };
  // The modeled error shape of each Query code (InvalidParameterValue → InvalidParameterValueException).
  const shapeOfCode = new Map(Object.entries(def.faults).map(([shape, f]) => [f.code, shape]));
  const rpc: RpcApi = {
    signingService: def.signingService,
    actionPrefix: def.actionPrefix,
    deniedCode: 'AccessDenied',
    targetPrefix: meta.targetPrefix,
    jsonVersion: meta.jsonVersion === '1.1' ? '1.1' : '1.0',
    queryCompatible: meta.awsQueryCompatible !== undefined,
    cbor: protocols.includes('smithy-rpc-v2-cbor'),
    resourcesOf: def.resourcesOf,
    actions,
    hasOperation,
    decode(action, document, format) {
      const op = model.getOperation(action);
      if (!op) throw invalidAction(action);
      return op.input ? decodeDocument(model, op.input, document, format, def) : {};
    },
    encode: (action, output, format) => encodeDocument(model, model.getOperation(action)?.output, output, format),
    errorType(err) {
      const shape = shapeOfCode.get(err.code) ?? (Object.hasOwn(def.faults, err.code) ? err.code : undefined);
      return shape ? `${def.namespace}#${shape}` : err.code;
    },
    invalidAction: (action) => new AwsError('UnknownOperationException',
      `The operation ${action} is not valid for ${def.label} (cachefleet serves only some of its actions).`, 400),
    notImplemented: (action) => new AwsError('UnknownOperationException',
      `The operation ${action} is part of the ${def.label} API but cachefleet does not implement it yet.`, 400),
  };
  return { model, query, rpc };
}

/** The error of a fault of `faults` named `name`, with the code, status and side the model gives it. */
export function faultError(faults: Readonly<Record<string, Fault>>, name: string, message: string): AwsError {
  const f = faults[name];
  if (!f) return CommonErrors.internal(new Error(`no fault ${name}`));
  return new AwsError(f.code, message, f.httpStatus, f.senderFault);
}
