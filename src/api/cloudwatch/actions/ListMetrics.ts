import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import { wireDimensions } from '../metric-input.js';
import type { ListMetricsInput, ListMetricsOutput } from '../model/shapes.js';

/** ListMetrics answers 500 metrics a page. */
export const PAGE_SIZE = 500;
const RECENT_MS = 3 * 3600_000;

export default defineCloudWatchAction<ListMetricsInput, ListMetricsOutput>('ListMetrics', async (input, deps) => {
  if (input.IncludeLinkedAccounts || input.OwningAccount !== undefined) {
    throw CloudWatchErrors.invalidParameterValue('Cross-account observability (IncludeLinkedAccounts, OwningAccount) is not supported: cachefleet has one account.');
  }
  const metrics = await deps.metrics.listMetrics({
    ...(input.Namespace !== undefined ? { namespace: input.Namespace } : {}),
    ...(input.MetricName !== undefined ? { metricName: input.MetricName } : {}),
    ...(input.Dimensions ? { dimensions: input.Dimensions.map((d) => ({ name: d.Name, ...(d.Value !== undefined ? { value: d.Value } : {}) })) } : {}),
    ...(input.RecentlyActive === 'PT3H' ? { activeSinceMs: deps.now().getTime() - RECENT_MS } : {}),
  });
  // A stable order so a NextToken (the offset) means the same thing from one page to the next.
  const keyed = metrics.map((m) => ({ m, key: JSON.stringify([m.namespace, m.metricName, m.dimensions]) }))
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  let start = 0;
  if (input.NextToken !== undefined) {
    const after = Buffer.from(input.NextToken, 'base64url').toString('utf8');
    if (!after.startsWith('[')) throw CloudWatchErrors.invalidNextToken();
    start = keyed.findIndex((k) => k.key > after);
    if (start === -1) start = keyed.length;
  }
  const page = keyed.slice(start, start + PAGE_SIZE);
  const more = start + PAGE_SIZE < keyed.length;
  return {
    Metrics: page.map(({ m }) => ({ Namespace: m.namespace, MetricName: m.metricName, Dimensions: wireDimensions(m) })),
    ...(more ? { NextToken: Buffer.from(page[page.length - 1]!.key).toString('base64url') } : {}),
  };
});
