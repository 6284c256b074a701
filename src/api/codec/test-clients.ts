// The real clients for the codec tests (not used at run time): botocore's own parser and
// serializer, run through the machine's python3, and JS SDK clients with an in-process transport.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { requireOrSkip } from '../../../test/helpers/prerequisites.js';

/** Reads cases on stdin; parses responses or serializes requests with `service`'s model and `protocol`. */
const script = (service: string, protocol: string) => String.raw`
import sys, json, datetime
from urllib.parse import urlencode
import botocore.session, botocore.parsers, botocore.serialize
model = botocore.session.get_session().get_service_model('${service}')
def to_json(o):
    if isinstance(o, datetime.datetime): return {'$ts': round(o.timestamp() * 1000)}
    raise TypeError(repr(o))
def from_json(o):
    if isinstance(o, dict):
        if '$iso' in o: return datetime.datetime.fromisoformat(o['$iso'])
        return {k: from_json(v) for k, v in o.items()}
    if isinstance(o, list): return [from_json(v) for v in o]
    return o
out = []
for case in json.load(sys.stdin):
    op = model.operation_model(case['op'])
    if case['mode'] == 'parse':
        resp = {'body': case['xml'].encode('utf-8'), 'status_code': case['status'], 'headers': {}}
        out.append(botocore.parsers.create_parser('${protocol}').parse(resp, op.output_shape))
    else:
        req = botocore.serialize.create_serializer('${protocol}').serialize_to_request(from_json(case['params']), op)
        # the same encoding botocore's AWSRequestPreparer applies to a dict body
        out.append(urlencode(list(req['body'].items()), doseq=True))
print(json.dumps(out, default=to_json))
`;

const hasBotocore = spawnSync('python3', ['-c', 'import botocore'], { stdio: 'ignore' }).status === 0;
/** The `skip` option for tests that need botocore (under CI, its absence fails). */
export const skipWithoutBotocore = requireOrSkip(!hasBotocore && 'python3 with botocore is not available');

/** A response to parse (`xml` as served with `status`) or a request to serialize (`params`; a `{$iso}` is a datetime). */
export type PyCase = { mode: 'parse'; op: string; xml: string; status: number } | { mode: 'serialize'; op: string; params: unknown };

/** Runs `cases` through botocore: parsed outputs (datetimes as `{$ts: ms}`) or serialized request bodies. */
export function botocore(service: 'elasticache' | 'ec2', cases: PyCase[]): unknown[] {
  const protocol = service === 'ec2' ? 'ec2' : 'query';
  const r = spawnSync('python3', ['-c', script(service, protocol)], { input: JSON.stringify(cases), encoding: 'utf8', maxBuffer: 64 << 20 });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as unknown[];
}

/** Comparable form: Dates → {$ts: ms}, undefined members dropped. */
export function norm(v: unknown): unknown {
  if (v instanceof Date) return { $ts: v.getTime() };
  if (Array.isArray(v)) return v.map(norm);
  if (v && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).filter(([, x]) => x !== undefined).map(([k, x]) => [k, norm(x)]));
  }
  return v;
}

/**
 * A JS SDK client (`Client`: ElastiCacheClient, EC2Client) whose transport hands the request
 * body to `respond` instead of the network and answers with `requestId`.
 */
export function offlineClient<C>(
  Client: new (config: never) => C, respond: (body: string) => { status: number; xml: string }, requestId = 'rid',
): C {
  const requestHandler = {
    handle: async (req: { body?: unknown }) => {
      const r = respond(String(req.body ?? ''));
      return { response: { statusCode: r.status, headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId }, body: new TextEncoder().encode(r.xml) } };
    },
  };
  const config = {
    region: 'us-east-1', endpoint: 'http://localhost', maxAttempts: 1,
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, requestHandler,
  };
  return new Client(config as never);
}
