import { Command } from 'commander';
import { registerCaCommand } from './ca-command.js';
import { registerChaosCommands } from './chaos-command.js';
import { registerCredentialsCommand } from './credentials-command.js';
import { registerGroupCommands } from './group-commands.js';
import { registerKmsCommands } from './kms-command.js';
import { registerRestoreCommand } from './restore-command.js';
import { registerMetricsCommands } from './metrics-commands.js';
import { registerServerCommand } from './server-command.js';
import { registerUsageCommand } from './usage-command.js';

// The AWS SDK's notice that its 2027 releases need Node 22 is noise in a CLI's output (it is
// printed when a client is created, after this line runs).
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

const program = new Command();
program
  .name('cachefleet')
  .description('Self-hosted managed Redis: the ElastiCache API in front of real redis-server processes.\n' +
    'Start the service with `cachefleet server`, then use `aws elasticache … --endpoint-url http://127.0.0.1:4510`\n' +
    'with the access key `cachefleet credentials` prints.')
  .version('0.1.0')
  .showHelpAfterError();
registerServerCommand(program);
registerCredentialsCommand(program);
registerGroupCommands(program);
registerChaosCommands(program);
registerCaCommand(program);
registerKmsCommands(program);
registerRestoreCommand(program);
registerMetricsCommands(program);
registerUsageCommand(program);

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`cachefleet: ${err.message}`);
  process.exit(1);
});
