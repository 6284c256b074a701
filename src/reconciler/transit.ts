/**
 * Moving a running node between TLS-in-transit modes without restarting it (CONFIG SET of its
 * listeners), one step at a time: none ↔ preferred ↔ required (see engine/transit.ts).
 *
 * - none → preferred: the certificate files, then a TLS listener on the internal port. Nothing a
 *   client uses changes; the sniffing listener in front of the node starts handing TLS clients to it.
 * - preferred → required: the plaintext listener closes, plaintext clients and replica links are
 *   disconnected (required means no plaintext connection, not just no new one), then TLS moves to
 *   the node's port with TLS replication and cluster bus. Clients already on TLS keep their connections.
 * - required → preferred: TLS moves back to the internal port (established connections stay), then
 *   the plaintext listener opens on the node's port.
 * - preferred → none: the TLS listener closes; TLS connections already established may finish.
 *
 * Every step is idempotent, and the live mode is read back from the node (CONFIG GET port/tls-port)
 * before each, so a step interrupted by a crash is simply taken again.
 */
import type { Redis } from 'ioredis';
import { configGet, configSet } from '../engine/admin.js';
import { internalTlsPort, liveTransitMode, type TransitMode } from '../engine/transit.js';
import type { NodeSpec } from '../engine/types.js';

const ORDER: TransitMode[] = ['none', 'preferred', 'required'];

/** The mode a node serves right now. */
export async function readLiveTransit(client: Redis): Promise<TransitMode> {
  const port = Number(await configGet(client, 'port'));
  const tlsPort = Number((await configGet(client, 'tls-port')) ?? 0);
  return liveTransitMode(port, tlsPort);
}

/** The next mode on the way from `from` to `to` (one step). */
export function nextTransitStep(from: TransitMode, to: TransitMode): TransitMode {
  const i = ORDER.indexOf(from);
  const j = ORDER.indexOf(to);
  return ORDER[i + Math.sign(j - i)]!;
}

/** Closes connections of `types` that came in on address:port (the caller's own is skipped). */
async function killOn(client: Redis, address: string, port: number, types: string[]): Promise<void> {
  for (const type of types) await client.call('CLIENT', ['KILL', 'LADDR', `${address}:${port}`, 'TYPE', type, 'SKIPME', 'yes']);
}

/** Takes one step from `from` toward `to`; returns the mode the node is in afterwards. */
async function step(client: Redis, spec: NodeSpec, from: TransitMode, to: TransitMode): Promise<TransitMode> {
  const next = nextTransitStep(from, to);
  const { address, port } = spec;
  if (from === 'none' && next === 'preferred') {
    if (!spec.tls) throw new Error('no certificate for the node: TLS cannot be turned on');
    await configSet(client, {
      'tls-cert-file': spec.tls.certFile, 'tls-key-file': spec.tls.keyFile, 'tls-ca-cert-file': spec.tls.caFile,
      'tls-auth-clients': 'no', 'tls-replication': 'no', 'tls-cluster': 'no',
    });
    await configSet(client, { 'tls-port': String(internalTlsPort(port)) });
  } else if (from === 'preferred' && next === 'required') {
    await configSet(client, { port: '0' });
    await killOn(client, address, port, ['normal', 'pubsub', 'replica']);
    await configSet(client, { 'tls-port': String(port), 'tls-replication': 'yes', 'tls-cluster': 'yes' });
  } else if (from === 'required' && next === 'preferred') {
    await configSet(client, { 'tls-port': String(internalTlsPort(port)), 'tls-replication': 'no', 'tls-cluster': 'no' });
    await configSet(client, { port: String(port) });
  } else if (from === 'preferred' && next === 'none') {
    await configSet(client, { 'tls-port': '0' });
  }
  return next;
}

/**
 * Brings the node behind `client` from its live mode to `want`. Returns the modes it went
 * through (empty when it was already there). The connection may be plaintext or TLS: a
 * connection survives its listener closing, so one client can take every step.
 */
export async function moveTransit(client: Redis, spec: NodeSpec, want: TransitMode): Promise<TransitMode[]> {
  const path: TransitMode[] = [];
  let live = await readLiveTransit(client);
  for (let i = 0; live !== want && i < ORDER.length; i++) {
    await step(client, spec, live, want);
    live = await readLiveTransit(client);
    path.push(live);
  }
  if (live !== want) throw new Error(`node ${spec.address}:${spec.port} is in TLS mode ${live}, not ${want}`);
  return path;
}
