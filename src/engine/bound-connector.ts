/**
 * An ioredis connector that connects from a chosen local address. The control plane's own
 * connections to nodes come from its management address, which every security-group filter
 * admits, so a cache's network policy never locks the service out of its own nodes.
 */
import net from 'node:net';
import tls from 'node:tls';
import { AbstractConnector, type RedisOptions } from 'ioredis';

type Stream = net.Socket | tls.TLSSocket;

/** A connector class (ioredis's `Connector` option) binding every connection to `localAddress`. */
export function boundConnector(localAddress: string): NonNullable<RedisOptions['Connector']> {
  return class BoundConnector extends AbstractConnector {
    private readonly options: RedisOptions;

    constructor(options: unknown) {
      const o = options as RedisOptions;
      super(o.disconnectTimeout ?? 2000);
      this.options = o;
    }

    connect(): Promise<Stream> {
      this.connecting = true;
      const o = this.options;
      const base = { host: o.host ?? '127.0.0.1', port: o.port ?? 6379, localAddress };
      return new Promise((resolve, reject) => {
        // As ioredis's own connector: connect on the next tick unless disconnected meanwhile.
        process.nextTick(() => {
          if (!this.connecting) {
            reject(new Error('Connection is closed.'));
            return;
          }
          try {
            this.stream = o.tls ? tls.connect({ ...o.tls, ...base }) : net.createConnection(base);
          } catch (err) {
            reject(err as Error);
            return;
          }
          this.stream.once('error', (err: Error) => { this.firstError = err; });
          resolve(this.stream);
        });
      });
    }
  };
}
