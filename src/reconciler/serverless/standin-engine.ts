/**
 * A stand-in for the serverless endpoint engine, for tests of the control plane's side of the
 * contract (serverless/proxy/config.ts) without the engine: a CommonJS script, to be saved as
 * `main.js`, that writes its pid, echoes the generation of proxy.json in proxy-status.json,
 * writes usage-0.json (5 ECPUs, 4 commands) and exits once proxy.json is gone. It serves no
 * client. Not used at run time.
 */
export const STANDIN_ENGINE_SOURCE = `
const fs = require('fs'), path = require('path');
const cfg = process.argv[2], dir = path.dirname(cfg), started = new Date().toISOString();
fs.writeFileSync(path.join(dir, 'proxy.pid'), String(process.pid));
function tick() {
  let c;
  try { c = JSON.parse(fs.readFileSync(cfg, 'utf8')); } catch { process.exit(0); }
  fs.writeFileSync(path.join(dir, 'proxy-status.json'), JSON.stringify({ pid: process.pid, generation: c.generation, workers: [process.pid], listening: [], errors: [] }));
  fs.writeFileSync(path.join(dir, 'usage-0.json'), JSON.stringify({ worker: 0, pid: process.pid, startedAt: started, writtenAt: new Date().toISOString(),
    ecpu: 5, commands: 4, readCommands: 3, writeCommands: 1, throttledCommands: 0, currConnections: 1, newConnections: 1,
    readLatencyMicrosSum: 0, writeLatencyMicrosSum: 0, bytesIn: 100, bytesOut: 200 }));
}
tick();
setInterval(tick, 50);
`;
