// The document codec against the protocols' rules (Smithy's awsJson1_0 and rpcv2Cbor protocol
// tests): timestamps as epoch seconds (JSON number / CBOR tag 1), non-finite doubles as the strings
// "NaN", "Infinity", "-Infinity" in JSON, blobs as base64 (JSON) or byte strings (CBOR), members
// by name, null as absent; bad input refused with the service's error.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { cbor } from '@smithy/core/cbor';
import service from '../cloudwatch/model/service.json' with { type: 'json' };
import { decodeDocument, encodeDocument } from './document.js';
import { createQueryModel, type ServiceModelJson } from './model.js';

const model = createQueryModel(service as ServiceModelJson, 'CloudWatch');
const dialect = { invalidValue: (m: string) => new Error(`invalid: ${m}`), missingParameter: (p: string) => new Error(`missing: ${p}`) };

describe('document codec', () => {
  it('decodes JSON: epoch-second timestamps, numbers, lists, null as absent', () => {
    const input = decodeDocument(model, 'PutMetricDataInput', {
      Namespace: 'N', StrictEntityValidation: null,
      MetricData: [{ MetricName: 'm', Value: 1.5, Timestamp: 1700000000.25, Dimensions: [{ Name: 'a', Value: 'b' }], Values: ['NaN'] }],
    }, 'json', dialect);
    const d = (input.MetricData as Array<Record<string, unknown>>)[0]!;
    assert.equal((d.Timestamp as Date).getTime(), 1700000000250);
    assert.ok(Number.isNaN((d.Values as number[])[0]));
    assert.equal('StrictEntityValidation' in input, false);
  });

  it('decodes CBOR: tag 1 timestamps, the same layout as JSON', () => {
    const wire = cbor.deserialize(cbor.serialize({ StartTime: { tag: 1, value: 1700000000 } as never, EndTime: 1700000060, MetricDataQueries: [] }));
    // CBOR's tag 1 arrives as the codec's tag object; a plain number is accepted too.
    const input = decodeDocument(model, 'GetMetricDataInput', wire, 'cbor', dialect);
    assert.equal((input.EndTime as Date).getTime(), 1700000060000);
  });

  it('refuses wrong types, enums, bounds and missing members with the dialect', () => {
    const bad = (doc: unknown, re: RegExp) => assert.throws(() => decodeDocument(model, 'PutMetricAlarmInput', doc, 'json', dialect), re);
    bad({ EvaluationPeriods: 1 }, /missing: AlarmName/);
    bad({ AlarmName: 5 }, /AlarmName: must be a string/);
    bad({ AlarmName: 'a', Period: 1.5 }, /Period: must be an integer/);
    bad({ AlarmName: 'a', Statistic: 'Mean' }, /must be one of: SampleCount/);
    bad({ AlarmName: 'a', Period: 0 }, /Period/);
    bad({ AlarmName: 'a', Dimensions: {} }, /Dimensions: must be a list/);
    bad({ AlarmName: 'x'.repeat(256) }, /at most 255/);
  });

  it('encodes JSON and CBOR outputs by the output shape', () => {
    const out = { Label: 'm', Datapoints: [{ Timestamp: new Date(1700000000500), Sum: Infinity, Unit: 'Count', Extra: 'dropped' }] };
    const json = encodeDocument(model, 'GetMetricStatisticsOutput', out, 'json');
    assert.deepEqual(JSON.parse(JSON.stringify(json)), { Label: 'm', Datapoints: [{ Timestamp: 1700000000.5, Sum: 'Infinity', Unit: 'Count' }] });
    const back = cbor.deserialize(cbor.serialize(encodeDocument(model, 'GetMetricStatisticsOutput', out, 'cbor')));
    assert.equal(back.Datapoints[0].Timestamp.tag, 1);
    assert.equal(back.Datapoints[0].Timestamp.value, 1700000000.5);
    assert.equal(back.Datapoints[0].Sum, Infinity);
    assert.throws(() => encodeDocument(model, 'GetMetricStatisticsOutput', { Datapoints: [{ Sum: 'x' }] }, 'json'), TypeError);
  });
});
