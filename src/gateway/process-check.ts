/** Whether a pid from the gateway's pidfile is still the gateway of that config (pids get reused). */
import { runsScriptWith } from '../util/process-info.js';
import { GATEWAY_SCRIPT } from './config.js';

export function isGatewayProcess(pid: number, configPath: string): boolean {
  return runsScriptWith(pid, GATEWAY_SCRIPT, configPath);
}
