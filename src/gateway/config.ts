/**
 * What the control plane tells the IAM auth gateway process (gateway-process.ts), through one
 * file it writes atomically (`<data-dir>/iam-gateway/gateway.json`, 0600: it holds secrets), and
 * what the process answers in its status file. Files, not a socket, as with the endpoint proxy:
 * either side can die and restart without the other noticing, and the gateway goes on checking
 * tokens with the keys and policies it last got while the control plane is down.
 */
import { join } from 'node:path';
import type { Target } from '../endpoints/types.js';

/**
 * Where a group endpoint's gateway listener is: the endpoint's own address, its port + this (the
 * endpoint's NAT rule sends clients there). Beside the ports of TLS "preferred" mode (node port
 * + 20000 and + 30000, see engine/transit.ts).
 */
export const GATEWAY_PORT_OFFSET = 40_000;
export const gatewayPort = (endpointPort: number): number =>
  (endpointPort + GATEWAY_PORT_OFFSET <= 65535 ? endpointPort + GATEWAY_PORT_OFFSET : endpointPort - GATEWAY_PORT_OFFSET);

/** ElastiCache closes IAM-authenticated connections after 12 hours. */
export const DEFAULT_MAX_CONNECTION_MS = 12 * 3_600_000;

/** An RBAC user of type iam on a group: who the token must name, and how the gateway logs in for it. */
export interface GatewayRbacUser {
  /** The ElastiCache user's ARN (elasticache:Connect is checked on it). */
  arn: string;
  /** The password the nodes know the user by (UserRecord.authentication.nodeSecret). */
  nodeSecret: string;
  /** The user's tags (aws:ResourceTag/… when elasticache:Connect is checked on the user). */
  tags?: { Key: string; Value?: string }[];
}

/**
 * A replication group whose nodes check IAM logins themselves (the cachefleet-iam Redis module,
 * native/iam-auth), asking the verifier (verifier.ts) about each one: what the token and
 * elasticache:Connect are checked against.
 */
export interface GatewayGroup {
  groupId: string;
  groupArn: string;
  groupTags?: { Key: string; Value?: string }[];
  /**
   * The group's IAM users by user name; the module logs clients in as the ACL user itself. The
   * node secret is given to the module only for `HELLO 3 AUTH` (verifier.ts, SECRET).
   */
  users: Record<string, Omit<GatewayRbacUser, 'nodeSecret'> & { nodeSecret?: string }>;
}

/** One listener: a group endpoint (primary or reader) whose clients may authenticate with IAM. */
export interface GatewayListener {
  /** The endpoint route's id, e.g. `my-group/primary`. */
  id: string;
  address: string;
  port: number;
  /** Where handed-over connections go (the route's targets: redis-server or its sniffing listener). */
  targets: Target[];
  /** Security groups: sources admitted (undefined = everyone), as the route's `allow`. */
  allow?: string[];
  /**
   * Address upstream connections come from: the control plane's management address; none, the
   * target's own address. Either is exempt from the NAT routes of node endpoints (no upstream
   * connection is sent back to the gateway) and admitted by the nodes' security groups.
   */
  sourceAddress?: string;
  /** The replication group: the token's host, and the resource elasticache:Connect is checked on. */
  groupId: string;
  groupArn: string;
  /** The group's tags (aws:ResourceTag/… when elasticache:Connect is checked on the group). */
  groupTags?: { Key: string; Value?: string }[];
  /**
   * TLS towards clients (a certificate for the endpoint addresses, from the service's CA) and
   * towards the nodes (verified with the CA). `preferred`: plaintext clients are served too.
   */
  tls: { certFile: string; keyFile: string; caFile: string; mode: 'required' | 'preferred' };
  /** The group's IAM users by user name (= user id). */
  users: Record<string, GatewayRbacUser>;
}

/** An access key: its secret, and whose it is (no `user`: an admin key, the account root). */
export interface GatewayKey {
  secret: string;
  /** The IAM user's name, lowercased (a key of {@link GatewayConfig.iamUsers}). */
  user?: string;
}

/** An IAM user, with everything policy evaluation needs. */
export interface GatewayIamUser {
  userName: string;
  userId: string;
  arn: string;
  /** Its inline policies and its groups', as stored (valid documents). */
  policies: string[];
  tags: { Key: string; Value?: string }[];
}

export interface GatewayConfig {
  version: 1;
  /** Hash of the rest; the process echoes it in its status once applied. */
  generation: string;
  accountId: string;
  region: string;
  /** Connections authenticated with IAM are closed this long after authenticating. */
  maxConnectionMs: number;
  /** Active keys only. */
  keys: Record<string, GatewayKey>;
  iamUsers: Record<string, GatewayIamUser>;
  listeners: GatewayListener[];
  /** Groups whose nodes run the IAM auth module, by group id (absent: none). */
  groups?: Record<string, GatewayGroup>;
  /** Where the verifier answers the nodes (security/iam-module.ts), and the nodes' group when they run as another user. */
  verifier?: { socket: string; nodeGid?: number };
}

/**
 * How IAM logins of Redis connections are checked: `node`, by the IAM auth module on the nodes
 * (asking the verifier; clients connect to the nodes as for any group), or `gateway`, by the
 * gateway in front of every address of the group (TLS ended and made again: about half the
 * throughput, but HELLO 3 AUTH with a token works).
 */
export type IamAuthPath = 'node' | 'gateway';

export interface GatewayStatus {
  pid: number;
  generation: string;
  /** "address:port" of every listener up. */
  listening: string[];
  errors: { listenerId: string; message: string }[];
}

export const GATEWAY_SCRIPT = 'gateway-process.js';

/** The gateway's files in its directory (`<data-dir>/iam-gateway`). */
export function gatewayPaths(dir: string) {
  return {
    dir,
    config: join(dir, 'gateway.json'),
    pid: join(dir, 'gateway.pid'),
    status: join(dir, 'gateway-status.json'),
    log: join(dir, 'gateway.log'),
    /** Per group: `<group>/tls/node-<id>.crt|key`, certificates for its endpoint addresses. */
    certs: join(dir, 'certs'),
  };
}

export type GatewayPaths = ReturnType<typeof gatewayPaths>;
