/**
 * Network helpers for tests that start real servers. Each test picks its own loopback address
 * in 127.100-200.x.y, so parallel test files (and other engineers' runs) rarely collide even
 * on the standard Redis port.
 */
import net from 'node:net';

function randInt(min: number, max: number): number {
  return min + Math.floor(Math.random() * (max - min + 1));
}

/** A random address in 127.100.0.2 - 127.200.255.250 (all of 127/8 is loopback on Linux). */
export function randomLoopbackAddress(): string {
  return `127.${randInt(100, 200)}.${randInt(0, 255)}.${randInt(2, 250)}`;
}

/** True when a listener can be opened on address:port right now. */
export function isFree(address: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = net.createServer();
    srv.once('error', () => resolve(false));
    srv.listen({ host: address, port, exclusive: true }, () => srv.close(() => resolve(true)));
  });
}

/** A port the OS reports free on `address` (it may be taken again before use; tests retry rarely). */
export function freePort(address = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen({ host: address, port: 0, exclusive: true }, () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

/** A fresh loopback address with `preferredPort` (default 6379) when free there, else any free port. */
export async function freeEndpoint(preferredPort = 6379): Promise<{ address: string; port: number }> {
  const address = randomLoopbackAddress();
  if (await isFree(address, preferredPort)) return { address, port: preferredPort };
  return { address, port: await freePort(address) };
}
