import { Fragment } from 'preact';
import { useState } from 'preact/hooks';
import { call } from '../api.js';
import { usageLimitRows } from '../serverless.js';
import { usePoll } from '../use-poll.js';
import { endpointText, type ServerlessCache } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { CopyButton } from './CopyButton.js';
import { Snippets } from './ConnectionSnippets.js';
import { ServerlessSnapshotsSection } from './ServerlessSnapshotsSection.js';
import { ServerlessUsage } from './ServerlessUsage.js';
import { DeleteServerlessCacheDialog } from './DeleteServerlessCacheDialog.js';
import { POLL_MS } from './Dashboard.js';

/** One serverless cache: status, endpoints, how to connect (always TLS), usage limits, snapshots, delete. */
export function ServerlessPage({ name }: { name: string }) {
  const view = usePoll(() => call<{ ServerlessCaches?: ServerlessCache[] }>('DescribeServerlessCaches', { ServerlessCacheName: name })
    .then((r) => r.ServerlessCaches?.[0]), POLL_MS, [name]);
  const [deleting, setDeleting] = useState(false);
  if (view.error && view.data === undefined) {
    return <p class="error" role="alert">{view.error.message} <a href="#/">Back to the caches</a></p>;
  }
  if (view.data === undefined) return <p role="status">Loading…</p>;
  const c = view.data;
  const endpoints: Array<[string, string | undefined]> = [['Endpoint', endpointText(c.Endpoint)], ['Reader endpoint', endpointText(c.ReaderEndpoint)]];
  return (
    <>
      <nav aria-label="Breadcrumb" class="crumbs"><a href="#/">Caches</a> / <span aria-current="page">{name}</span></nav>
      <h1>{name} <StatusBadge status={c.Status} /></h1>
      {c.Description && <p class="muted">{c.Description}</p>}
      <dl class="facts">
        <dt>Engine</dt><dd>{[c.Engine, c.FullEngineVersion ?? c.MajorEngineVersion].filter(Boolean).join(' ')}</dd>
        {usageLimitRows(c).map(([label, value]) => <Fragment key={label}><dt>{label}</dt><dd>{value}</dd></Fragment>)}
        <dt>Daily snapshot</dt><dd>{c.SnapshotRetentionLimit ? `${c.DailySnapshotTime ?? '—'} UTC, kept ${c.SnapshotRetentionLimit} days` : 'off'}</dd>
        {c.UserGroupId && <><dt>User group</dt><dd>{c.UserGroupId}</dd></>}
      </dl>
      <div class="actions">
        <button type="button" class="danger" disabled={c.Status === 'deleting'} onClick={() => setDeleting(true)}>Delete…</button>
      </div>
      {deleting && <DeleteServerlessCacheDialog cache={c} onClose={() => setDeleting(false)} />}
      <section aria-labelledby="endpoints-title">
        <h2 id="endpoints-title">Endpoints</h2>
        <dl class="endpoints">
          {endpoints.filter((x): x is [string, string] => x[1] !== undefined).map(([label, value]) => (
            <div key={label}>
              <dt>{label}</dt>
              <dd><code data-endpoint={label}>{value}</code> <CopyButton text={value} label={label.toLowerCase()} /></dd>
            </div>
          ))}
        </dl>
      </section>
      <Snippets endpoint={c.Endpoint} tls auth={c.UserGroupId !== undefined} cluster />
      <ServerlessUsage name={name} />
      <ServerlessSnapshotsSection cache={name} />
    </>
  );
}
