import { defineCloudWatchAction } from '../deps.js';
import { CloudWatchErrors } from '../errors.js';
import { toMetricData } from '../metric-input.js';
import type { PutMetricDataInput } from '../model/shapes.js';

export default defineCloudWatchAction<PutMetricDataInput, void>('PutMetricData', async (input, deps) => {
  if (input.EntityMetricData !== undefined && input.EntityMetricData.length > 0) {
    throw CloudWatchErrors.invalidParameterValue('EntityMetricData is not supported by cachefleet; send MetricData.');
  }
  if (!input.MetricData || input.MetricData.length === 0) throw CloudWatchErrors.missingParameter('MetricData');
  const data = toMetricData(input.Namespace, input.MetricData, deps.now().getTime());
  await deps.metrics.put(data);
  deps.onData?.(data);
});
