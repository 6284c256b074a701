import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { caPaths, readCACertificate } from '../security/ca.js';

/**
 * `cachefleet ca`: prints the certificate authority (PEM) every cache node with TLS in transit
 * chains to, and the API's certificate when the service runs with `--tls` (and no certificate of
 * the user's own), for clients to verify nodes and the API with:
 *   cachefleet ca --data-dir ./data > ca.pem
 *   redis-cli --tls --cacert ca.pem -h <endpoint> -a <token> …
 * Only the certificate: the CA's key never leaves the data directory.
 */
export function registerCaCommand(program: Command): void {
  program.command('ca')
    .description('print the CA certificate (PEM) that TLS-enabled cache nodes and the API served with `server --tls` chain to ' +
      '(for redis-cli --cacert, ioredis tls.ca, redis-py ssl_ca_certs; aws --ca-bundle, boto3 verify=, the JS SDK\'s https agent ca)')
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('-o, --out <file>', 'write the certificate to this file instead of standard output')
    .action(async (o: { dataDir: string; out?: string }) => {
      const dir = resolve(o.dataDir);
      const pem = await readCACertificate(dir);
      if (!pem) throw new Error(`no CA in ${dir}: ${caPaths(dir).certFile} is created when the service first starts on that data directory`);
      if (o.out) writeFileSync(o.out, pem);
      else process.stdout.write(pem);
    });
}
