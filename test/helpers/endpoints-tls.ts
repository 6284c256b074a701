/**
 * TLS pieces for the sniffing-route tests: a throwaway CA and node certificate (made by the
 * service's own CA code, so with the real openssl CLI), the redis-server options that add a TLS
 * port beside the plaintext one, and a one-command raw client, plaintext or TLS, that can bind a
 * source address (ioredis cannot for plaintext) and reports how the connection ended.
 */
import net from 'node:net';
import tls from 'node:tls';
import { join } from 'node:path';
import { ensureCA } from '../../src/security/ca.js';
import { NodeCertificates, type NodeCertFiles } from '../../src/security/certs.js';

export interface TestCertificates extends NodeCertFiles {
  /** The CA certificate (PEM) clients verify the node with. */
  caPem: string;
}

/** A CA in `dir` and one certificate valid for every address in `ips`. */
export async function makeCertificates(dir: string, ips: string[]): Promise<TestCertificates> {
  const ca = await ensureCA(dir);
  const certs = new NodeCertificates(ca, join(dir, 'nodes'));
  const files = await certs.ensure('sniff-test', ips);
  // Named relative to the node's directory; this redis-server runs elsewhere.
  const abs = (name: string) => certs.absolute('sniff-test', name);
  return { certFile: abs(files.certFile), keyFile: abs(files.keyFile), caFile: abs(files.caFile), caPem: ca.certPem };
}

/** redis-server options for a TLS port beside the plaintext one (TLS "preferred" mode); clients need no certificate. */
export function tlsPortArgs(certs: NodeCertFiles, tlsPort: number): string[] {
  return [
    '--tls-port', String(tlsPort), '--tls-cert-file', certs.certFile, '--tls-key-file', certs.keyFile,
    '--tls-ca-cert-file', certs.caFile, '--tls-auth-clients', 'no',
  ];
}

export interface ExchangeOptions {
  /** Source address to bind. */
  localAddress?: string;
  /** Speak TLS, verifying the server with this CA (PEM). */
  ca?: string;
  /** Inline command sent once connected. Default CLIENT INFO. */
  command?: string;
  timeoutMs?: number;
}

export interface ExchangeResult {
  /** The first reply chunk; undefined when the connection failed. */
  reply?: string;
  /** How it failed: an error code (ECONNRESET, ECONNREFUSED…), 'closed' or 'timeout'. */
  error?: string;
  /** The client's own port (to tell a direct connection from one through a proxy). */
  localPort?: number;
  ms: number;
}

/** Connects, sends one command, returns the first reply chunk (or how it failed); always closes. */
export function exchange(address: string, port: number, opts: ExchangeOptions = {}): Promise<ExchangeResult> {
  const start = Date.now();
  return new Promise((resolve) => {
    const base = { host: address, port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) };
    const sock = opts.ca ? tls.connect({ ...base, ca: opts.ca }) : net.connect(base);
    let localPort: number | undefined;
    const done = (r: Omit<ExchangeResult, 'ms' | 'localPort'>): void => {
      sock.destroy();
      resolve({ ...r, ...(localPort !== undefined ? { localPort } : {}), ms: Date.now() - start });
    };
    sock.setTimeout(opts.timeoutMs ?? 3000, () => done({ error: 'timeout' }));
    sock.once(opts.ca ? 'secureConnect' : 'connect', () => {
      localPort = sock.localPort;
      sock.write(`${opts.command ?? 'CLIENT INFO'}\r\n`);
    });
    sock.once('data', (d: Buffer) => done({ reply: d.toString() }));
    sock.once('error', (e: NodeJS.ErrnoException) => done({ error: e.code ?? e.message }));
    sock.once('close', () => done({ error: 'closed' }));
  });
}

/** From a CLIENT INFO reply: the client's address as the server saw it, and the server address it reached. */
export function parseClientInfo(reply: string): { addr: string; laddr: string } {
  const field = (name: string): string => new RegExp(`(?:^|\\s|\\n)${name}=(\\S+)`).exec(reply)?.[1] ?? '';
  return { addr: field('addr'), laddr: field('laddr') };
}
