/**
 * `cachefleet kms create-key` and `cachefleet kms list-keys`: the keys of encryption at rest, in
 * the data directory's key store (`keys/`). A key made here is what `--kms-key-id` names on
 * CreateReplicationGroup or CopySnapshot (its id, ARN or alias). Works beside a running service
 * (each key is its own file, written atomically), and on a stopped one.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { dataPaths } from '../paths/index.js';
import { FileKeyStore, type KeyEntry } from '../snapshots/keys/index.js';
import { SqliteStore } from '../store/index.js';

/** The key store of `dataDir`, named with the installation's region and account (from its state). */
export async function keyStoreOf(dataDir: string): Promise<FileKeyStore> {
  const paths = dataPaths(resolve(dataDir));
  const missing = () => new Error(`no cachefleet installation in ${paths.dataDir}: start the service on it once ` +
    `(cachefleet server --data-dir ${dataDir}), which names its account and region`);
  if (!existsSync(paths.state)) throw missing();
  const store = new SqliteStore(paths.state);
  try {
    const installation = await store.get('installation', 'installation');
    if (!installation) throw missing();
    return new FileKeyStore(paths.keys, { region: installation.doc.region, accountId: installation.doc.accountId });
  } finally {
    await store.close();
  }
}

function table(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  return rows.map((r) => r.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd()).join('\n');
}

function json(k: KeyEntry): object {
  return { KeyId: k.id, Arn: k.arn, Aliases: k.aliases, CreationDate: k.createdAt, ...(k.description ? { Description: k.description } : {}) };
}

export function registerKmsCommands(program: Command): void {
  const kms = program.command('kms')
    .description('keys of encryption at rest (snapshots of groups created with --at-rest-encryption-enabled), kept in the data directory');
  kms.command('create-key')
    .description('create a key (32 random bytes that never leave the data directory) and print its id and ARN; ' +
      'give either, or the alias, as --kms-key-id')
    .option('--alias <alias>', 'a name for the key, alias/<name> (alias/aws/… is reserved for the default key)')
    .option('--description <text>', 'what the key is for')
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('--json', 'print JSON (KeyId, Arn, Aliases, CreationDate) instead of lines', false)
    .action(async (o: { alias?: string; description?: string; dataDir: string; json: boolean }) => {
      const keys = await keyStoreOf(o.dataDir);
      const key = await keys.createKey({ ...(o.alias ? { alias: o.alias } : {}), ...(o.description ? { description: o.description } : {}) });
      if (o.json) console.log(JSON.stringify({ KeyMetadata: json(key) }, null, 2));
      else console.log(table([['KeyId', key.id], ['Arn', key.arn], ...key.aliases.map((a) => ['Alias', a])]));
    });
  kms.command('list-keys')
    .description('list the keys of the data directory (ids, aliases, ARNs; never their material)')
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('--json', 'print JSON instead of a table', false)
    .action(async (o: { dataDir: string; json: boolean }) => {
      const list = await (await keyStoreOf(o.dataDir)).listKeys();
      if (o.json) console.log(JSON.stringify({ Keys: list.map(json) }, null, 2));
      else if (!list.length) console.log('no keys yet: `cachefleet kms create-key` makes one; the default key is made on first use');
      else console.log(table([['KEY ID', 'ALIASES', 'CREATED', 'ARN'], ...list.map((k) => [k.id, k.aliases.join(',') || '-', k.createdAt, k.arn])]));
    });
}
