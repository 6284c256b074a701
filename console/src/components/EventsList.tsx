import { clusterHref, groupHref } from '../router.js';
import type { CacheEvent } from '../types.js';

function hrefOf(e: CacheEvent): string | undefined {
  if (!e.SourceIdentifier) return undefined;
  if (e.SourceType === 'replication-group') return groupHref(e.SourceIdentifier);
  if (e.SourceType === 'cache-cluster') return clusterHref(e.SourceIdentifier);
  return undefined;
}

/** Recent events, newest first, each linking to its resource's page. */
export function EventsList({ events, title = 'Recent events' }: { events?: CacheEvent[]; title?: string }) {
  const list = [...(events ?? [])].sort((a, b) => (b.Date ?? '').localeCompare(a.Date ?? '')).slice(0, 30);
  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title">{title}</h2>
      {list.length === 0 ? <p class="muted">No events in the last day.</p> : (
        <ol class="events" aria-live="polite">
          {list.map((e, i) => {
            const href = hrefOf(e);
            return (
              <li key={`${e.Date}-${i}`}>
                <time dateTime={e.Date}>{e.Date ? new Date(e.Date).toLocaleString() : ''}</time>{' '}
                {href ? <a href={href}>{e.SourceIdentifier}</a> : <span>{e.SourceIdentifier}</span>}{' '}
                <span class="message">{e.Message}</span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
