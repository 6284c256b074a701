// The API's output shapes the console shows: the generated ones (botocore's model), types only,
// so nothing of the service's code reaches the bundle.
import type { Endpoint, Event } from '../../src/api/model/shapes.js';

export type {
  CacheParameterGroup, CacheSubnetGroup, Parameter, User, UserGroup,
  CacheCluster, CacheNode, Endpoint, NodeGroup, NodeGroupMember, NodeSnapshot, ReplicationGroup, ServerlessCache, ServerlessCacheSnapshot, Snapshot, Tag,
} from '../../src/api/model/shapes.js';
export type { IpPermission, SecurityGroup } from '../../src/api/ec2/model/shapes.js';
/** As the console's JSON route carries it: the date an ISO string. */
export type CacheEvent = Omit<Event, 'Date'> & { Date?: string };

export function endpointText(e: Endpoint | undefined): string | undefined {
  return e?.Address ? `${e.Address}:${e.Port ?? 6379}` : undefined;
}
