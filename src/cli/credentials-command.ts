import { resolve } from 'node:path';
import type { Command } from 'commander';
import { adminKey, loadCredentials } from '../api/auth/credentials.js';
import { dataPaths } from '../service/data-dir.js';

/** `AWS_ACCESS_KEY_ID=…` / `AWS_SECRET_ACCESS_KEY=…` lines. */
export function envLines(key: { accessKeyId: string; secretAccessKey: string }): string {
  return `AWS_ACCESS_KEY_ID=${key.accessKeyId}\nAWS_SECRET_ACCESS_KEY=${key.secretAccessKey}\n`;
}

/** A profile for ~/.aws/credentials. */
export function profileSnippet(key: { accessKeyId: string; secretAccessKey: string }, profile: string): string {
  return `[${profile}]\naws_access_key_id = ${key.accessKeyId}\naws_secret_access_key = ${key.secretAccessKey}\n`;
}

export function registerCredentialsCommand(program: Command): void {
  program.command('credentials')
    .description("print the service's admin access key (created in the data directory on the service's first start)")
    .option('-d, --data-dir <dir>', "the service's data directory", './data')
    .option('--format <format>', 'env (the two AWS_* lines), profile (an aws CLI profile) or both', 'both')
    .option('--profile <name>', 'profile name for the aws CLI snippet', 'cachefleet')
    .action((o: { dataDir: string; format: string; profile: string }) => {
      if (!['env', 'profile', 'both'].includes(o.format)) throw new Error(`--format must be env, profile or both (got ${o.format})`);
      const file = dataPaths(resolve(o.dataDir)).credentials;
      const credentials = loadCredentials(file);
      if (!credentials) {
        throw new Error(`no credentials in ${resolve(o.dataDir)}: the service creates them on its first start ` +
          `(cachefleet server --data-dir ${o.dataDir})`);
      }
      const key = adminKey(credentials);
      let out = '';
      if (o.format !== 'profile') out += envLines(key);
      if (o.format === 'both') {
        out += `\n# aws CLI / boto3 profile: add to ~/.aws/credentials, then use --profile ${o.profile} (or AWS_PROFILE=${o.profile})\n`;
      }
      if (o.format !== 'env') out += profileSnippet(key, o.profile);
      process.stdout.write(out);
    });
}
