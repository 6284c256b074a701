import { Fragment } from 'preact';
import { call } from '../api.js';
import { serverlessUsageParams, usageRows } from '../serverless.js';
import { usePoll } from '../use-poll.js';

/** What a serverless cache uses now and used in the last hour (its CloudWatch metrics, polled every 30 s). */
export function ServerlessUsage({ name }: { name: string }) {
  const usage = usePoll(() => call<{ MetricDataResults?: Array<{ Id?: string; Values?: number[] }> }>('GetMetricData',
    serverlessUsageParams(name, new Date()), 'cloudwatch').then((r) => usageRows(r.MetricDataResults ?? [])), 30_000, [name]);
  return (
    <section aria-labelledby="usage-title">
      <h2 id="usage-title">Usage</h2>
      {usage.error && <p class="error" role="alert">Usage could not be loaded: {usage.error.message}</p>}
      {!usage.data ? <p role="status">Loading…</p> : (
        <dl class="facts" data-usage>
          {usage.data.map(([label, value]) => <Fragment key={label}><dt>{label}</dt><dd>{value}</dd></Fragment>)}
        </dl>
      )}
    </section>
  );
}
