import { callAll } from '../api.js';
import { usePoll } from '../use-poll.js';
import type { CacheSubnetGroup } from '../types.js';
import { POLL_MS } from './Dashboard.js';
import { SubnetGroupForm } from './SubnetGroupForm.js';
import { SubnetGroupsTable } from './SubnetGroupsTable.js';

const loadGroups = () => callAll<CacheSubnetGroup>('DescribeCacheSubnetGroups', 'CacheSubnetGroups', { MaxRecords: '100' }, Infinity);

/** The Subnet groups page: the service's subnet groups, a new one, edit and delete. */
export function SubnetGroupsPage() {
  const view = usePoll(loadGroups, POLL_MS);
  return (
    <>
      <h1>Subnet groups</h1>
      {view.error && <p class="error" role="alert">Could not load the subnet groups: {view.error.message}</p>}
      <SubnetGroupForm onDone={view.refresh} />
      {!view.data ? <p role="status">Loading…</p> : <SubnetGroupsTable groups={view.data} onChanged={view.refresh} />}
    </>
  );
}
