import { resolve } from 'node:path';
import type { Command } from 'commander';
import { CreateAccessKeyCommand } from '@aws-sdk/client-iam';
import { iamClient } from './client.js';
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
  const command = program.command('credentials');
  command.command('create')
    .description("create an access key for an IAM user of the running service (its IAM CreateAccessKey, signed with the admin key) and print it; the secret is shown only this once")
    .requiredOption('--user <name>', 'the IAM user (create it first: aws iam create-user --user-name <name> --endpoint-url …)')
    .option('-d, --data-dir <dir>', "the service's data directory (its admin key signs the call, its server.json names the endpoint)")
    .option('--endpoint-url <url>', 'the service API (default: $CACHEFLEET_ENDPOINT, else the service on --data-dir)')
    .option('--format <format>', 'env, profile or both', 'both')
    .option('--profile <name>', 'profile name for the aws CLI snippet', 'cachefleet')
    .action(async (_o: unknown, cmd: Command) => {
      // commander hands an option the parent `credentials` also has (--data-dir, --format,
      // --profile) to the parent: take it from there when it was given on the command line.
      const given = (k: string) => (cmd.parent?.getOptionValueSource(k) === 'cli' ? cmd.parent.getOptionValue(k) as string : undefined);
      const local = cmd.opts<{ user: string; dataDir?: string; endpointUrl?: string; format: string; profile: string }>();
      const o = { ...local, dataDir: local.dataDir ?? given('dataDir'), format: given('format') ?? local.format, profile: given('profile') ?? local.profile };
      if (!['env', 'profile', 'both'].includes(o.format)) throw new Error(`--format must be env, profile or both (got ${o.format})`);
      const client = iamClient(o);
      try {
        const out = await client.send(new CreateAccessKeyCommand({ UserName: o.user }));
        const key = { accessKeyId: out.AccessKey!.AccessKeyId!, secretAccessKey: out.AccessKey!.SecretAccessKey! };
        process.stdout.write(formatKey(key, o.format, o.profile, `IAM user ${o.user}`));
      } finally {
        client.destroy();
      }
    });
  command
    .description("print the service's admin access key (created in the data directory on the service's first start); " +
      '`credentials create --user <name>` makes a key for an IAM user')
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
      process.stdout.write(formatKey(adminKey(credentials), o.format, o.profile));
    });
}

function formatKey(key: { accessKeyId: string; secretAccessKey: string }, format: string, profile: string, whose?: string): string {
  let out = whose && format === 'both' ? `# access key of ${whose} (the secret is not shown again)\n` : '';
  if (format !== 'profile') out += envLines(key);
  if (format === 'both') {
    out += `\n# aws CLI / boto3 profile: add to ~/.aws/credentials, then use --profile ${profile} (or AWS_PROFILE=${profile})\n`;
  }
  if (format !== 'env') out += profileSnippet(key, profile);
  return out;
}
