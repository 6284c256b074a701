// Validation of PutMetricData's data against CloudWatch's documented limits, and the conversion of
// the wire's Metric/Dimension/Statistic shapes into the metric store's.
import type { Dimension as StoreDimension, MetricDatum, MetricId, StandardUnit } from '../../metrics/types.js';
import { CloudWatchErrors } from './errors.js';
import type { Dimension, MetricDatum as WireDatum } from './model/shapes.js';

/** At most 1,000 metric data per PutMetricData call, 150 values per datum (CloudWatch's quotas). */
export const MAX_METRIC_DATA = 1000;
export const MAX_VALUES = 150;
/** CloudWatch rejects values whose magnitude is above 2^360 or, unless 0, below 2^-260. */
const MAX_MAGNITUDE = 2 ** 360;
const MIN_MAGNITUDE = 2 ** -260;
/** Data may be up to two weeks old and two hours ahead. */
const MAX_AGE_MS = 14 * 24 * 3600_000;
const MAX_AHEAD_MS = 2 * 3600_000;

const invalid = CloudWatchErrors.invalidParameterValue;

/** A namespace a PutMetricData may write: not AWS's own. */
export function checkCustomNamespace(namespace: string): void {
  if (namespace.startsWith('AWS/')) {
    throw invalid(`The value ${namespace} for parameter Namespace is invalid: namespaces starting with AWS/ are reserved for AWS's own metrics.`);
  }
}

export function metricId(namespace: string, metricName: string, dims: Dimension[] | undefined): MetricId {
  const dimensions: StoreDimension[] = (dims ?? []).map((d) => ({ name: d.Name, value: d.Value }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { namespace, metricName, dimensions };
}

export function wireDimensions(m: MetricId): Dimension[] {
  return m.dimensions.map((d) => ({ Name: d.name, Value: d.value }));
}

function checkValue(v: number, path: string): void {
  const a = Math.abs(v);
  if (!Number.isFinite(v) || a > MAX_MAGNITUDE || (a !== 0 && a < MIN_MAGNITUDE)) {
    throw invalid(`The value ${v} for parameter ${path} is invalid: values must be finite, between -2^360 and 2^360, and 0 or of magnitude at least 2^-260.`);
  }
}

/** The store's data for one PutMetricData call; throws CloudWatch's error for the first bad datum. */
export function toMetricData(namespace: string, data: WireDatum[], nowMs: number): MetricDatum[] {
  checkCustomNamespace(namespace);
  if (data.length > MAX_METRIC_DATA) {
    throw invalid(`The collection MetricData must not have a size greater than ${MAX_METRIC_DATA}.`);
  }
  return data.map((d, i) => {
    const p = `MetricData.member.${i + 1}`;
    const dims = d.Dimensions ?? [];
    const names = new Set(dims.map((x) => x.Name));
    if (names.size !== dims.length) throw invalid(`The parameter ${p}.Dimensions names a dimension twice.`);
    const given = [d.Value !== undefined, d.StatisticValues !== undefined, d.Values !== undefined].filter(Boolean).length;
    if (given > 1) {
      throw CloudWatchErrors.invalidParameterCombination(`The parameters ${p}.Value, ${p}.StatisticValues and ${p}.Values are mutually exclusive.`);
    }
    if (given === 0) throw CloudWatchErrors.missingParameter(`${p}.Value, ${p}.StatisticValues or ${p}.Values`);
    const ts = d.Timestamp !== undefined ? new Date(d.Timestamp).getTime() : nowMs;
    if (ts < nowMs - MAX_AGE_MS || ts > nowMs + MAX_AHEAD_MS) {
      throw invalid(`The parameter ${p}.Timestamp must specify a time no more than two weeks in the past or two hours in the future.`);
    }
    const res = d.StorageResolution ?? 60;
    if (res !== 1 && res !== 60) throw invalid(`The value ${res} for parameter ${p}.StorageResolution is invalid: it must be 1 or 60.`);
    const base = { metric: metricId(namespace, d.MetricName, dims), timestampMs: ts, unit: (d.Unit ?? 'None') as StandardUnit, storageResolution: res as 1 | 60 };
    if (d.Value !== undefined) {
      checkValue(d.Value, `${p}.Value`);
      return { ...base, stats: { sampleCount: 1, sum: d.Value, minimum: d.Value, maximum: d.Value } };
    }
    if (d.StatisticValues !== undefined) {
      const s = d.StatisticValues;
      for (const [k, v] of Object.entries(s)) checkValue(v as number, `${p}.StatisticValues.${k}`);
      if (s.SampleCount <= 0) throw invalid(`The parameter ${p}.StatisticValues.SampleCount must be greater than 0.`);
      if (s.Minimum > s.Maximum) throw invalid(`The parameter ${p}.StatisticValues.Minimum must not be greater than Maximum.`);
      return { ...base, stats: { sampleCount: s.SampleCount, sum: s.Sum, minimum: s.Minimum, maximum: s.Maximum } };
    }
    const values = d.Values!;
    const counts = d.Counts ?? values.map(() => 1);
    if (values.length === 0) throw invalid(`The parameter ${p}.Values must have at least one value.`);
    if (values.length > MAX_VALUES) throw invalid(`The collection ${p}.Values must not have a size greater than ${MAX_VALUES}.`);
    if (counts.length !== values.length) {
      throw CloudWatchErrors.invalidParameterCombination(`The parameters ${p}.Values and ${p}.Counts must be arrays of the same length.`);
    }
    values.forEach((v, j) => checkValue(v, `${p}.Values.member.${j + 1}`));
    counts.forEach((c, j) => { if (!(c >= 0) || !Number.isFinite(c)) throw invalid(`The parameter ${p}.Counts.member.${j + 1} must be a non-negative number.`); });
    let n = 0; let sum = 0; let min = Infinity; let max = -Infinity;
    values.forEach((v, j) => { const c = counts[j]!; if (c > 0) { n += c; sum += v * c; min = Math.min(min, v); max = Math.max(max, v); } });
    if (n === 0) throw invalid(`The parameter ${p}.Counts must count at least one value.`);
    return { ...base, stats: { sampleCount: n, sum, minimum: min, maximum: max }, values, counts };
  });
}
