import { ApiError, call, callAll } from '../api.js';
import { usePoll } from '../use-poll.js';
import type { CacheCluster, CacheEvent, ReplicationGroup, ServerlessCache } from '../types.js';
import { ServerlessTable } from './ServerlessTable.js';
import { GroupsTable } from './GroupsTable.js';
import { ClustersTable } from './ClustersTable.js';
import { EventsList } from './EventsList.js';

export interface FleetView {
  groups: ReplicationGroup[];
  clusters: CacheCluster[];
  /** Undefined when the service has no serverless caches API (an older cachefleet). */
  serverless?: ServerlessCache[];
  events: CacheEvent[];
}

/** How often the dashboard asks again (statuses change live, without a reload). */
export const POLL_MS = 2000;

export async function loadFleet(): Promise<FleetView> {
  const [g, c, e, s] = await Promise.all([
    callAll<ReplicationGroup>('DescribeReplicationGroups', 'ReplicationGroups', { MaxRecords: '100' }),
    callAll<CacheCluster>('DescribeCacheClusters', 'CacheClusters', { MaxRecords: '100', ShowCacheNodeInfo: 'true' }),
    call<{ Events?: CacheEvent[] }>('DescribeEvents', { Duration: '1440', MaxRecords: '50' }),
    call<{ ServerlessCaches?: ServerlessCache[] }>('DescribeServerlessCaches', { MaxResults: '100' }).catch((e: unknown) => {
      if (e instanceof ApiError && /^(InvalidAction|NotImplemented|AccessDenied)$/.test(e.code)) return undefined;
      throw e;
    }),
  ]);
  return { groups: g, clusters: c, serverless: s?.ServerlessCaches, events: e.Events ?? [] };
}

/** Every replication group and cache cluster with its status, and what happened recently. */
export function Dashboard() {
  const fleet = usePoll(loadFleet, POLL_MS);
  return (
    <>
      <div class="title-row"><h1>Caches</h1><a class="button primary" href="#/create">Create a cache</a></div>
      {fleet.error && <p class="error" role="alert">Could not load the caches: {fleet.error.message}</p>}
      {!fleet.data ? <p role="status">Loading…</p> : (
        <>
          <GroupsTable groups={fleet.data.groups} clusters={fleet.data.clusters} />
          {fleet.data.serverless && <ServerlessTable caches={fleet.data.serverless} />}
          <ClustersTable clusters={fleet.data.clusters} />
          <EventsList events={fleet.data.events} />
        </>
      )}
    </>
  );
}
