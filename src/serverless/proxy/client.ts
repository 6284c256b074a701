/**
 * What the command handlers (local-commands.ts, fan-out.ts) may do with a client session
 * (session.ts implements it): answer in order, meter, and read or change the connection's state.
 */
import type net from 'node:net';
import type { Login } from './backend.js';
import type { WorkerContext } from './context.js';
import type { Subscriptions } from './pubsub.js';
import type { Proto } from './resp.js';

/** A reply slot in the client's ordered output. */
export interface Pending {
  data: Buffer | undefined;
}

export interface ClientSession {
  readonly id: number;
  /** When the connection was accepted (Date.now()). */
  readonly connectedAt: number;
  readonly ctx: WorkerContext;
  readonly socket: net.Socket;
  /** The listener's port: the endpoint's or the reader endpoint's. */
  readonly localPort: number;
  readonly reader: boolean;
  readonly subs: Subscriptions;
  proto: Proto;
  login: Login | undefined;
  name: Buffer | undefined;
  /** Appends a reply slot: replies leave in the order their commands came. */
  reserve(): Pending;
  /** Completes `p` and meters the command. */
  finish(p: Pending, data: Buffer, bytesIn: number, kind: 'read' | 'write' | 'other', t0: number): void;
  /** A reply made by the proxy, metered as a command. */
  answer(data: Buffer, bytesIn: number): void;
  quit(): void;
  reset(): void;
}
