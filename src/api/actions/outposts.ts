import { CommonErrors } from '../../errors/index.js';

/** The request members that place nodes on AWS Outposts, wherever a create action carries them. */
interface OutpostMembers {
  OutpostMode?: string;
  PreferredOutpostArn?: string;
  PreferredOutpostArns?: string[];
  NodeGroupConfiguration?: { PrimaryOutpostArn?: string; ReplicaOutpostArns?: string[] }[];
}

/**
 * Refuses Outpost placement, as global datastores are refused: cachefleet runs its nodes on its
 * own hosts, so a request naming an Outpost cannot be honoured, and accepting it silently would
 * put the nodes somewhere the caller did not ask for.
 */
export function refuseOutposts(input: OutpostMembers): void {
  const named = [
    ...(input.OutpostMode !== undefined ? ['OutpostMode'] : []),
    ...(input.PreferredOutpostArn !== undefined ? ['PreferredOutpostArn'] : []),
    ...(input.PreferredOutpostArns?.length ? ['PreferredOutpostArns'] : []),
    ...(input.NodeGroupConfiguration?.some((ng) => ng.PrimaryOutpostArn !== undefined) ? ['NodeGroupConfiguration.PrimaryOutpostArn'] : []),
    ...(input.NodeGroupConfiguration?.some((ng) => ng.ReplicaOutpostArns?.length) ? ['NodeGroupConfiguration.ReplicaOutpostArns'] : []),
  ];
  if (named.length) {
    throw CommonErrors.invalidParameterValue(`Outposts are not supported by cachefleet (${named.join(', ')}): its nodes run on its own hosts.`);
  }
}
