import { endpointText, type ServerlessCache } from '../types.js';
import { StatusBadge } from './StatusBadge.js';
import { serverlessHref } from '../router.js';

/** Serverless caches: status, engine, endpoints and usage limits. */
export function ServerlessTable({ caches }: { caches: ServerlessCache[] }) {
  return (
    <section aria-labelledby="serverless-title">
      <h2 id="serverless-title">Serverless caches</h2>
      {caches.length === 0 ? <p class="muted">No serverless caches yet.</p> : (
        <div class="table-wrap">
          <table>
            <thead>
              <tr><th scope="col">Name</th><th scope="col">Status</th><th scope="col">Engine</th><th scope="col">Limits</th>
                <th scope="col">Endpoint</th><th scope="col">Reader endpoint</th></tr>
            </thead>
            <tbody>
              {caches.map((c) => {
                const storage = c.CacheUsageLimits?.DataStorage;
                const ecpu = c.CacheUsageLimits?.ECPUPerSecond;
                const limits = [storage?.Maximum !== undefined ? `${storage.Maximum} ${storage.Unit ?? 'GB'}` : '',
                  ecpu?.Maximum !== undefined ? `${ecpu.Maximum} ECPU/s` : ''].filter(Boolean).join(', ');
                return (
                  <tr key={c.ServerlessCacheName} data-serverless={c.ServerlessCacheName}>
                    <th scope="row"><a href={serverlessHref(c.ServerlessCacheName ?? '')}>{c.ServerlessCacheName}</a></th>
                    <td><StatusBadge status={c.Status} /></td>
                    <td>{[c.Engine, c.FullEngineVersion ?? c.MajorEngineVersion].filter(Boolean).join(' ')}</td>
                    <td>{limits || '—'}</td>
                    <td class="mono">{endpointText(c.Endpoint) ?? '—'}</td>
                    <td class="mono">{endpointText(c.ReaderEndpoint) ?? '—'}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
