// The queries of a GetMetricData call (and of an alarm on metric math): MetricStat queries read
// from the metric store, expressions evaluated over them (math/). Ids must be unique, start with a
// lower-case letter, and an expression may name only other queries of the call, without cycles.
import type { MetricStore } from '../../metrics/types.js';
import { CloudWatchErrors } from './errors.js';
import { evaluate, type MathValue, type Series } from './math/evaluate.js';
import { ExpressionError, parseExpression } from './math/parse.js';
import { metricId } from './metric-input.js';
import type { MessageData, MetricDataQuery } from './model/shapes.js';
import { checkPeriod, parseStat, statValue } from './statistics.js';

export interface QueryResult {
  id: string;
  label: string;
  timestamps: number[];
  values: number[];
  messages: MessageData[];
}

/** Runs every query; answers those with ReturnData (default true), in the order given. */
export async function runQueries(queries: MetricDataQuery[], startMs: number, endMs: number,
  deps: { metrics: MetricStore; now: () => Date }): Promise<QueryResult[]> {
  const byId = new Map<string, MetricDataQuery>();
  for (const [i, q] of queries.entries()) {
    const path = `MetricDataQueries.member.${i + 1}`;
    if (!/^[a-z][A-Za-z0-9_]*$/.test(q.Id)) {
      throw CloudWatchErrors.invalidParameterValue(`The value ${q.Id} for parameter ${path}.Id is invalid: it must start with a lower-case letter and hold only letters, digits and underscores.`);
    }
    if (byId.has(q.Id)) throw CloudWatchErrors.invalidParameterValue(`The Id ${q.Id} is used by more than one query of MetricDataQueries.`);
    if ((q.MetricStat === undefined) === (q.Expression === undefined)) {
      throw CloudWatchErrors.invalidParameterCombination(`Exactly one of ${path}.MetricStat and ${path}.Expression must be given.`);
    }
    if (q.AccountId !== undefined) throw CloudWatchErrors.invalidParameterValue(`The parameter ${path}.AccountId is not supported: cachefleet has one account.`);
    byId.set(q.Id, q);
  }
  if (!queries.some((q) => q.ReturnData !== false)) {
    throw CloudWatchErrors.invalidParameterValue('At least one query of MetricDataQueries must have ReturnData true.');
  }
  const nowMs = deps.now().getTime();
  const statPeriods = queries.flatMap((q) => (q.MetricStat ? [q.MetricStat.Period] : []));
  const done = new Map<string, MathValue>();
  const statSeries: Series[] = [];
  // MetricStat queries first: expressions (and METRICS()) read them.
  for (const [i, q] of queries.entries()) {
    if (!q.MetricStat) continue;
    const ms = q.MetricStat;
    const path = `MetricDataQueries.member.${i + 1}.MetricStat`;
    checkPeriod(ms.Period, startMs, nowMs, `${path}.Period`);
    const stat = parseStat(ms.Stat, `${path}.Stat`);
    const points = await deps.metrics.query({
      metric: metricId(ms.Metric.Namespace ?? '', ms.Metric.MetricName ?? '', ms.Metric.Dimensions), startMs, endMs, periodS: ms.Period,
      ...(ms.Unit ? { unit: ms.Unit } : {}), ...('percentile' in stat ? { percentiles: [stat.percentile] } : {}),
    });
    const series: Series = { label: q.Label ?? ms.Metric.MetricName ?? q.Id, timestamps: [], values: [] };
    for (const p of points) {
      const v = statValue(p, stat);
      if (v !== undefined) { series.timestamps.push(p.timestampMs); series.values.push(v); }
    }
    done.set(q.Id, { kind: 'series', series });
    statSeries.push(series);
  }
  const evaluating = new Set<string>();
  const resolve = (id: string): MathValue => {
    const hit = done.get(id);
    if (hit) return hit;
    const q = byId.get(id);
    if (!q) throw new ExpressionError(`the expression names ${id}, which is not the Id of a query of this call`);
    if (evaluating.has(id)) throw new ExpressionError(`the expressions refer to each other in a cycle through ${id}`);
    evaluating.add(id);
    const periodS = q.Period ?? (statPeriods.length ? Math.min(...statPeriods) : 60);
    const periodMs = periodS * 1000;
    const grid: number[] = [];
    for (let t = Math.ceil(startMs / periodMs) * periodMs; t < endMs; t += periodMs) grid.push(t);
    let v: MathValue;
    try {
      v = evaluate(parseExpression(q.Expression!), { lookup: resolve, metrics: () => statSeries, grid, periodS });
    } catch (e) {
      if (e instanceof ExpressionError) throw CloudWatchErrors.invalidParameterValue(`Error in expression '${id}': ${e.message}.`);
      throw e;
    }
    evaluating.delete(id);
    done.set(id, v);
    return v;
  };
  const out: QueryResult[] = [];
  for (const q of queries) {
    if (q.ReturnData === false) continue;
    let v: MathValue;
    try {
      v = resolve(q.Id);
    } catch (e) {
      if (e instanceof ExpressionError) throw CloudWatchErrors.invalidParameterValue(`Error in expression '${q.Id}': ${e.message}.`);
      throw e;
    }
    if (v.kind === 'series') {
      out.push({ id: q.Id, label: q.Label ?? (q.MetricStat ? v.series.label : q.Id), timestamps: v.series.timestamps, values: v.series.values, messages: [] });
    } else if (v.kind === 'array') {
      // An array result is one result per series, all with the query's Id, as CloudWatch answers METRICS().
      v.items.forEach((s) => out.push({ id: q.Id, label: q.Label ?? s.label, timestamps: s.timestamps, values: s.values, messages: [] }));
    } else {
      throw CloudWatchErrors.invalidParameterValue(`Error in expression '${q.Id}': the expression gives a single number, not a time series; GetMetricData answers time series only.`);
    }
  }
  return out;
}
