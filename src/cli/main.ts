import { Command } from 'commander';
import { registerCaCommand } from './ca-command.js';
import { registerChaosCommands } from './chaos-command.js';
import { registerCredentialsCommand } from './credentials-command.js';
import { registerGroupCommands } from './group-commands.js';
import { registerServerCommand } from './server-command.js';

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

program.parseAsync(process.argv).catch((err: Error) => {
  console.error(`cachefleet: ${err.message}`);
  process.exit(1);
});
