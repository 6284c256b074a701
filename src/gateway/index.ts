/** The IAM auth gateway of Redis connections: its supervisor (control plane side) and what it serves. */
export { IamGateway, type IamGatewayOptions } from './supervisor.js';
export { gatewayPort, gatewayPaths, DEFAULT_MAX_CONNECTION_MS, type GatewayConfig, type GatewayListener } from './config.js';
export { planGateway, type GatewayRoutesInput } from './plan.js';
