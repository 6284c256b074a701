/**
 * The cluster as clients see it through the endpoint: one virtual primary (the endpoint's port)
 * owning slots 0-16383 with one replica (the reader port), as ElastiCache Serverless presents
 * itself, so a cluster client keeps a single pool and never meets MOVED or ASK.
 */
import { createHash } from 'node:crypto';
import { array, bulk, integer, map, type Proto } from './resp.js';

export interface Endpoint {
  cacheName: string;
  host: string;
  port: number;
  readerPort: number;
}

/** Stable 40-hex node ids of the endpoint's two faces. */
export function virtualIds(ep: Endpoint): { primary: string; replica: string } {
  const id = (what: string) => createHash('sha1').update(`${ep.cacheName}/${what}`).digest('hex');
  return { primary: id('primary'), replica: id('replica') };
}

export function clusterSlots(ep: Endpoint): Buffer {
  const ids = virtualIds(ep);
  const node = (port: number, id: string) => array([bulk(ep.host), integer(port), bulk(id), array([])]);
  return array([array([integer(0), integer(16383), node(ep.port, ids.primary), node(ep.readerPort, ids.replica)])]);
}

export function clusterShards(ep: Endpoint, proto: Proto): Buffer {
  const ids = virtualIds(ep);
  const node = (port: number, id: string, role: string) =>
    map([
      ['id', bulk(id)], ['port', integer(port)], ['tls-port', integer(port)], ['ip', bulk(ep.host)],
      ['endpoint', bulk(ep.host)], ['role', bulk(role)], ['replication-offset', integer(0)], ['health', bulk('online')],
    ], proto);
  const shard = map([
    ['slots', array([integer(0), integer(16383)])],
    ['nodes', array([node(ep.port, ids.primary, 'master'), node(ep.readerPort, ids.replica, 'replica')])],
  ], proto);
  return array([shard]);
}

/** CLUSTER NODES text; `myPort` is the port the asking client connected to ("myself"). */
export function clusterNodesText(ep: Endpoint, myPort: number): string {
  const ids = virtualIds(ep);
  const me = (port: number) => (port === myPort ? 'myself,' : '');
  return (
    `${ids.primary} ${ep.host}:${ep.port}@${ep.port + 10000} ${me(ep.port)}master - 0 0 1 connected 0-16383\n` +
    `${ids.replica} ${ep.host}:${ep.readerPort}@${ep.readerPort + 10000} ${me(ep.readerPort)}slave ${ids.primary} 0 0 1 connected\n`
  );
}

export function clusterInfoText(): string {
  return [
    'cluster_state:ok', 'cluster_slots_assigned:16384', 'cluster_slots_ok:16384', 'cluster_slots_pfail:0',
    'cluster_slots_fail:0', 'cluster_known_nodes:2', 'cluster_size:1', 'cluster_current_epoch:1', 'cluster_my_epoch:1',
    'cluster_stats_messages_sent:0', 'cluster_stats_messages_received:0', 'total_cluster_links_buffer_limit_exceeded:0', '',
  ].join('\r\n');
}
